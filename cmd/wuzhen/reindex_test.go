package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/demo"
	"github.com/wuzhen/wuzhen/internal/search"
)

// TestReindex loads the demo (members, events with their programmes,
// calls with selected cases), wipes the whole search index, and rebuilds
// it with what wuzhen reindex runs: every document of every type comes
// back as it was written by the stores, and searches find the same
// results as before.
func TestReindex(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		ctx := context.Background()
		if _, loaded, err := demo.Load(ctx, a.demoDeps()); err != nil || !loaded {
			t.Fatalf("demo: %v %v", loaded, err)
		}
		queries := []string{"governance", "治理", "數字", "Wuzhen", "人工智能", "cybersecurity"}
		before, index := searchAll(t, a, queries), indexSnapshot(t, a)
		types := map[string]int{}
		for _, d := range index {
			types[d.Type]++
		}
		for _, typ := range []string{"member", "event", "session", "speaker", "case"} {
			if types[typ] == 0 {
				t.Fatalf("the demo's index has no %s: %v", typ, types)
			}
		}

		if err := a.db.Tx(ctx, func(tx *db.Tx) error {
			for typ := range types {
				if err := search.DeleteType(ctx, tx, typ); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if got := indexSnapshot(t, a); len(got) != 0 {
			t.Fatalf("%d documents left after wiping", len(got))
		}

		counts, err := a.reindex(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{fmt.Sprintf("%d members", types["member"]),
			fmt.Sprintf("%d events (with their sessions and speakers)", types["event"]),
			fmt.Sprintf("%d cases", types["case"]), fmt.Sprintf("%d documents", types["document"])}
		if !reflect.DeepEqual(counts, want) {
			t.Errorf("counts %q, want %q", counts, want)
		}
		after := indexSnapshot(t, a)
		if !reflect.DeepEqual(after, index) {
			t.Errorf("the rebuilt index differs: %d documents, %d before", len(after), len(index))
			for i := range min(len(after), len(index)) {
				if !reflect.DeepEqual(after[i], index[i]) {
					t.Fatalf("first difference:\n got  %+v\n want %+v", after[i], index[i])
				}
			}
		}
		if got := searchAll(t, a, queries); !reflect.DeepEqual(got, before) {
			t.Errorf("searches after reindex:\n%v\nbefore:\n%v", got, before)
		}
	})
}

// indexedDoc is one row of the index as the stores wrote it.
type indexedDoc struct {
	Type, Title, Body, URL, Facets string
	ID                             int64
	Boost                          float64
}

func indexSnapshot(t *testing.T, a *testApp) []indexedDoc {
	t.Helper()
	list, err := db.All(context.Background(), a.db, "test: index", func(r db.Scanner) (indexedDoc, error) {
		var d indexedDoc
		return d, r.Scan(&d.Type, &d.ID, &d.Title, &d.Body, &d.URL, &d.Boost, &d.Facets)
	}, "SELECT doc_type, doc_id, title_json, body_json, url, boost, facets_json FROM search_docs ORDER BY doc_type, doc_id")
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// searchAll returns, per query, its total, its counts per type and every
// result's type/id (all pages, sorted: documents of equal rank may come in
// another order once their rows are written again), anonymously, in English.
func searchAll(t *testing.T, a *testApp, queries []string) map[string]string {
	t.Helper()
	out := map[string]string{}
	b := a.browser(t)
	for _, q := range queries {
		var ids []string
		var total int
		var facets map[string]int
		for page := 1; page == 1 || len(ids) < total; page++ {
			r := b.get(fmt.Sprintf("/api/v1/search?per_page=50&page=%d&q=%s", page, url.QueryEscape(q)), "Accept", "application/json")
			r.expect(t, http.StatusOK)
			var res struct {
				Items []struct {
					Type string `json:"type"`
					ID   any    `json:"id"`
				} `json:"items"`
				Total  int `json:"total"`
				Facets struct {
					Type map[string]int `json:"type"`
				} `json:"facets"`
			}
			if err := json.Unmarshal([]byte(r.body), &res); err != nil {
				t.Fatal(err)
			}
			total, facets = res.Total, res.Facets.Type
			if len(res.Items) == 0 {
				break
			}
			for _, it := range res.Items {
				ids = append(ids, fmt.Sprint(it.Type, "/", it.ID))
			}
		}
		if total == 0 || len(ids) != total {
			t.Errorf("%q: %d results of %d", q, len(ids), total)
		}
		sort.Strings(ids)
		out[q] = fmt.Sprintf("total %d %v: %s", total, facets, strings.Join(ids, " "))
	}
	return out
}
