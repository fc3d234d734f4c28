package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenAPIMatchesRoutes checks docs/openapi.json against the route
// table: every API route is described, and nothing described is missing.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	described := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			described[strings.ToUpper(method)+" "+path] = true
		}
	}
	a := startApp(t, "sqlite:"+filepath.Join(t.TempDir(), "w.db"))
	routed := map[string]bool{}
	for _, rt := range a.web.Routes() {
		if rt.IsAPI() {
			routed[rt.Pattern()] = true
			if !described[rt.Pattern()] {
				t.Errorf("%s is not in docs/openapi.json", rt.Pattern())
			}
		}
	}
	for op := range described {
		if !routed[op] {
			t.Errorf("docs/openapi.json describes %s, which has no route", op)
		}
	}
	if len(routed) == 0 {
		t.Error("no API routes found")
	}
}
