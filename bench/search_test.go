package main

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/search"
	"github.com/wuzhen/wuzhen/internal/zh"
)

var searchDay = time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)

// TestSearchDocsMix checks the generated documents: the same for a seed,
// every type in its share, every type written in English, Simplified and
// Traditional Chinese, facets where the type has them, and the rare and
// common terms of the queries where they should be.
func TestSearchDocsMix(t *testing.T) {
	docs := searchDocs(1, searchDay, 4000)
	if again := searchDocs(1, searchDay, 4000); !reflect.DeepEqual(docs, again) {
		t.Fatal("the same seed gave other documents")
	}
	if other := searchDocs(2, searchDay, 4000); reflect.DeepEqual(docs, other) {
		t.Fatal("another seed gave the same documents")
	}
	byType := map[string]int{}
	langs := map[string]map[string]int{}
	ids := map[string]bool{}
	for _, d := range docs {
		byType[d.Type]++
		key := d.URL
		if ids[key] || !strings.HasPrefix(d.URL, "/"+d.Type+"s/") || d.ID <= 0 || d.Boost != 1 {
			t.Fatalf("document %s %d: url %q, boost %v (or a repeated id)", d.Type, d.ID, d.URL, d.Boost)
		}
		ids[key] = true
		if len(d.Title) == 0 || len(d.Body) == 0 {
			t.Fatalf("document %s %d has no title or no body: %+v", d.Type, d.ID, d)
		}
		if langs[d.Type] == nil {
			langs[d.Type] = map[string]int{}
		}
		for lang, s := range d.Title {
			langs[d.Type][lang]++
			if lang != "en" && !zh.HasHan(s) {
				t.Errorf("%s %d: %s title %q has no Chinese", d.Type, d.ID, lang, s)
			}
		}
		if d.Type != "session" && (d.Facets["country"] == "" || d.Facets["continent"] == "" || d.Facets["year"] == "") {
			t.Errorf("%s %d facets = %v", d.Type, d.ID, d.Facets)
		}
	}
	for _, dt := range docTypes {
		if got, want := byType[dt.name], 4000*dt.share/100; got != want {
			t.Errorf("%d %s documents, want %d", got, dt.name, want)
		}
		for _, lang := range []string{"en", "zh-Hans", "zh-Hant"} {
			if langs[dt.name][lang] < 20 {
				t.Errorf("%s: %d titles in %s", dt.name, langs[dt.name][lang], lang)
			}
		}
	}
	holding := func(word string) int {
		n := 0
		for _, d := range docs {
			if strings.Contains(joinLangs(d.Title)+joinLangs(d.Body), word) {
				n++
			}
		}
		return n
	}
	if n := holding("internet"); n < 400 {
		t.Errorf("%d documents say internet, want a common word", n)
	}
	if n := holding("quantum computing"); n == 0 || n > 40 {
		t.Errorf("%d documents say quantum computing, want a rare term", n)
	}
	if n := holding("乌镇峰会"); n == 0 {
		t.Error("no document says 乌镇峰会")
	}
}

func TestSearchQueriesCoverTheKinds(t *testing.T) {
	var han, latin, quoted, hant int
	for _, q := range searchQueries {
		switch {
		case strings.HasPrefix(q.Q, `"`):
			quoted++
		case zh.HasHan(q.Q):
			han++
			if zh.ToHant(q.Q) == q.Q && zh.ToHans(q.Q) != q.Q {
				hant++
			}
		default:
			latin++
		}
		if search.ParseQuery(q.Q).Empty() {
			t.Errorf("query %q searches nothing", q.Q)
		}
	}
	if han < 8 || latin < 10 || quoted < 1 || hant < 3 {
		t.Errorf("queries: %d Chinese (%d Traditional), %d Latin, %d quoted", han, hant, latin, quoted)
	}
}

func TestRawMatch(t *testing.T) {
	for q, want := range map[string]string{
		"data protection":     `"data" "protection"`,
		`"data protection"`:   `"data protection"`,
		`women "in tech" now`: `"women" "in tech" "now"`,
		"数字鸿沟":                `"数字鸿沟"`,
		`unbalanced "quote`:   `"unbalanced" "quote"`,
		`  `:                  ``,
		`a NOT b*`:            `"a" "NOT" "b*"`,
	} {
		if got := rawMatch(q); got != want {
			t.Errorf("rawMatch(%q) = %s, want %s", q, got, want)
		}
	}
}

// TestRawFTS builds the baseline's table and runs the queries, hostile
// ones too: rawMatch makes any text a valid expression.
func TestRawFTS(t *testing.T) {
	ctx := context.Background()
	docs := searchDocs(1, searchDay, 300)
	raw, err := openRawFTS(ctx, filepath.Join(t.TempDir(), "raw.db"), docs, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	n, err := raw.count(ctx, "internet")
	if err != nil || n == 0 {
		t.Errorf("count(internet) = %d, %v", n, err)
	}
	for _, q := range append([]string{`NEAR(a b)`, `"`, `a:b`, `(x`, `^x`, `-x`, `x*`, `AND`}, queryStrings()...) {
		if err := raw.query(ctx, q); err != nil {
			t.Errorf("baseline query %q: %v", q, err)
		}
	}
}

func queryStrings() []string {
	var out []string
	for _, q := range searchQueries {
		out = append(out, q.Q)
	}
	return out
}

func TestDriveFunc(t *testing.T) {
	calls := map[int]int{}
	res := driveFunc(context.Background(), 3, 1, time.Now().Add(time.Minute), 7, func(i int) error {
		calls[i]++
		if i == 2 {
			return errors.New("boom")
		}
		return nil
	})
	var n, failed int
	for _, w := range res {
		for _, s := range w.samples {
			n++
			if !s.ok {
				failed++
			}
		}
	}
	if n != 7 || calls[0] != 3 || calls[1] != 2 || calls[2] != 2 || failed != 2 {
		t.Errorf("%d samples, %d failed, calls %v", n, failed, calls)
	}
	if !strings.Contains(res[0].firstErr, "boom") {
		t.Errorf("first error %q", res[0].firstErr)
	}
}

// TestSearchFigures checks the last line: the slowest query's p50 and p99
// (the goals are per query), the baseline's slowest p50 and their ratio,
// in exactly the form.
func TestSearchFigures(t *testing.T) {
	targets := []target{{Name: "a", URI: "/a"}, {Name: "b", URI: "/b"}}
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	wz := &loadResult{URIs: []uriResult{
		{URI: "/a", Index: 0, Lat: summary{N: 10, P50: ms(2), P99: ms(40)}},
		{URI: "/b", Index: 1, Lat: summary{N: 10, P50: ms(4), P99: ms(9)}},
	}, All: summary{P50: ms(3), P99: ms(30)}}
	base := &loadResult{URIs: []uriResult{
		{URI: "/a", Index: 0, Lat: summary{N: 10, P50: ms(1)}},
		{URI: "/b", Index: 1, Lat: summary{N: 10, P50: ms(2)}},
	}, All: summary{P50: ms(1)}}
	f := searchFiguresOf(targets, wz, base)
	if f.P50 != ms(4) || f.P50Query != "b" || f.P99 != ms(40) || f.P99Query != "a" || f.BaseP50 != ms(2) ||
		f.perQueryRatioMedian != 2 || f.perQueryRatioHighest != 2 {
		t.Errorf("figures = %+v", f)
	}
	line := resultLine("search", searchPairs(100000, f))
	if want := "search: docs=100000 p50_ms=4.00 p99_ms=40.00 baseline_p50_ms=2.00 ratio=2.000"; line != want {
		t.Errorf("line = %s\nwant   %s", line, want)
	}
	if !regexp.MustCompile(`^search: docs=\d+ p50_ms=[\d.]+ p99_ms=[\d.]+ baseline_p50_ms=[\d.]+ ratio=[\d.]+$`).MatchString(line) {
		t.Errorf("line %q is not in the issue's form", line)
	}
}

func TestSearchOptions(t *testing.T) {
	o, err := parseOptions([]string{"search"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if o.docs != 100000 || o.concurrency != 1 || o.duration != 30*time.Second || o.batch != 1000 || !o.tidy || o.rounds != 5 {
		t.Errorf("search defaults = %+v", o)
	}
	o, err = parseOptions([]string{"search", "--concurrency", "4", "--duration", "5s", "--docs", "10", "--tidy=false",
		"--db", "postgres://x@127.0.0.1/postgres"}, io.Discard)
	if err != nil || o.concurrency != 4 || o.duration != 5*time.Second || o.docs != 10 || o.batch != 200 || o.tidy {
		t.Errorf("search options = %+v, %v", o, err)
	}
	if _, err := parseOptions([]string{"search", "--docs", "0"}, io.Discard); err == nil {
		t.Error("--docs 0 accepted")
	}
}

func TestCountString(t *testing.T) {
	if got := countString(search.CountLimit); got != "1000+" {
		t.Errorf("countString(limit) = %q", got)
	}
	if got := countString(999); got != "999" {
		t.Errorf("countString(999) = %q", got)
	}
}
