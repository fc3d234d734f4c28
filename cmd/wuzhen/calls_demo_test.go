package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/calls"
	"github.com/wuzhen/wuzhen/internal/demo"
)

// TestCallsDemo checks the demo calls: three past years of practice cases
// with 40 submissions each across the five fields and more than twenty
// countries, every submission reviewed, and 12 selected cases a year in
// the showcase, in both Chinese scripts. It runs on SQLite only: loading
// the whole demo is heavy, TestDemo loads it on both databases, and the
// store tests run every calls query on both.
func TestCallsDemo(t *testing.T) {
	func(t *testing.T, a *testApp) {
		ctx := context.Background()
		if _, loaded, err := demo.Load(ctx, a.demoDeps()); err != nil || !loaded {
			t.Fatalf("load: %v %v", loaded, err)
		}
		years, err := a.calls.CaseYears(ctx)
		if err != nil || len(years) != 3 {
			t.Fatalf("years %v %v", years, err)
		}
		for _, y := range years {
			if y.Count != 12 {
				t.Errorf("%d: %d cases in the showcase, want 12", y.Year, y.Count)
			}
			c, err := a.calls.Call(ctx, fmt.Sprintf("cases-%d", y.Year))
			if err != nil {
				t.Fatal(err)
			}
			subs, err := a.calls.Submissions(ctx, c.ID, calls.SubmissionFilter{})
			if err != nil || len(subs) != 40 {
				t.Fatalf("%d: %d submissions (%v)", y.Year, len(subs), err)
			}
			fields, countries := map[string]int{}, map[string]bool{}
			for _, s := range subs {
				fields[s.Field]++
				for _, code := range s.Countries {
					countries[code] = true
				}
			}
			if len(fields) != 5 || len(countries) < 20 {
				t.Errorf("%d: %d fields, %d countries", y.Year, len(fields), len(countries))
			}
			_, lines, err := a.calls.Ranking(ctx, c.Slug)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range lines {
				if l.Reviews != 3 {
					t.Errorf("%d: submission %d has %d reviews, want 3", y.Year, l.SubmissionID, l.Reviews)
				}
			}
			if !c.Closed(time.Now()) || !c.ResultsOut() {
				t.Errorf("%d: the call is open or its results are not out", y.Year)
			}
		}
		open, err := a.calls.Calls(ctx, false)
		if err != nil || len(open) != 4 || !open[0].Open(time.Now()) {
			t.Errorf("calls %d, the newest open: %v", len(open), err)
		}
		b := a.browser(t)
		r := b.get("/api/v1/cases?per_page=100")
		var cases struct {
			Total int `json:"total"`
		}
		if r.StatusCode != http.StatusOK || json.Unmarshal([]byte(r.body), &cases) != nil || cases.Total != 36 {
			t.Errorf("api cases: %d %s", r.StatusCode, r.body[:min(200, len(r.body))])
		}
		b.get("/cases?lang=zh-Hant").expect(t, http.StatusOK, "網路空間", "湄公河")
		b.get("/cases?lang=zh-Hans&field=cybersecurity").expect(t, http.StatusOK, "网络安全")
	}(t, startApp(t, "sqlite:"+filepath.Join(t.TempDir(), "w.db")))
}
