package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/wuzhen/wuzhen/internal/demo"
)

// relevanceAllEntry is one query of internal/demo/relevance_all.json: the
// documents named in Expect must be among the first five results of a
// search across every type (or of Type alone, when it is set). A name is
// "TYPE:TITLE", TITLE being one of the document's titles as indexed (any
// language of search_docs.title_json).
type relevanceAllEntry struct {
	Q      string   `json:"q"`
	Lang   string   `json:"lang"`
	Type   string   `json:"type"`
	Kind   string   `json:"kind"`
	Expect []string `json:"expect"`
	Note   string   `json:"note"`
}

// relevanceTypes are the types of document the set may name.
var relevanceTypes = map[string]bool{"member": true, "event": true, "session": true, "speaker": true, "case": true}

// Sizes the set must keep (see issue 5): queries searched without a type
// filter, and queries per language.
const (
	minUntypedQueries = 60
	minLangQueries    = 15
)

func loadRelevanceAllSet(t *testing.T) []relevanceAllEntry {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "internal", "demo", "relevance_all.json"))
	if err != nil {
		t.Fatal(err)
	}
	var set []relevanceAllEntry
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&set); err != nil {
		t.Fatalf("relevance_all.json: %v", err)
	}
	untyped, byLang := 0, map[string]int{}
	seen := map[string]bool{}
	for i, e := range set {
		where := fmt.Sprintf("relevance_all.json entry %d (%q)", i, e.Q)
		switch {
		case strings.TrimSpace(e.Q) == "":
			t.Fatalf("relevance_all.json entry %d: empty query", i)
		case e.Lang != "en" && e.Lang != "zh-Hans" && e.Lang != "zh-Hant":
			t.Fatalf("%s: lang %q is not en, zh-Hans or zh-Hant", where, e.Lang)
		case e.Type != "" && !relevanceTypes[e.Type]:
			t.Fatalf("%s: type %q is not one of member, event, session, speaker, case", where, e.Type)
		case len(e.Expect) == 0 || len(e.Expect) > 5:
			t.Fatalf("%s: %d expected documents, want 1 to 5 (the top 5 must hold them all)", where, len(e.Expect))
		case e.Kind == "":
			t.Fatalf("%s: no kind", where)
		}
		key := e.Lang + "\x00" + e.Type + "\x00" + e.Q
		if seen[key] {
			t.Fatalf("%s: the same query twice", where)
		}
		seen[key] = true
		for _, n := range e.Expect {
			typ, title, ok := strings.Cut(n, ":")
			switch {
			case !ok || !relevanceTypes[typ] || strings.TrimSpace(title) == "":
				t.Fatalf("%s: expected %q is not TYPE:TITLE with a type of member, event, session, speaker or case", where, n)
			case e.Type != "" && typ != e.Type:
				t.Fatalf("%s: searches %ss only, but expects %q", where, e.Type, n)
			}
		}
		if e.Type == "" {
			untyped++
		}
		byLang[e.Lang]++
	}
	if untyped < minUntypedQueries {
		t.Fatalf("relevance_all.json has %d queries without a type filter, want at least %d", untyped, minUntypedQueries)
	}
	for _, l := range []string{"en", "zh-Hans", "zh-Hant"} {
		if byLang[l] < minLangQueries {
			t.Fatalf("relevance_all.json has %d queries in %s, want at least %d", byLang[l], l, minLangQueries)
		}
	}
	return set
}

// docKey names one indexed document.
type docKey struct {
	typ string
	id  int64
}

func (k docKey) String() string { return fmt.Sprintf("%s #%d", k.typ, k.id) }

// docOf is the document a hit of GET /api/v1/search points to.
func (h searchHit) docOf() docKey {
	id, _ := strconv.ParseInt(strings.Trim(string(h.ID), `"`), 10, 64)
	if id == 0 && h.Type == "member" {
		id = h.memberID()
	}
	return docKey{h.Type, id}
}

// indexedTitles maps "TYPE:TITLE" to the documents of search_docs with
// that type and one title (in any language) equal to TITLE.
func indexedTitles(t *testing.T, a *testApp) map[string][]docKey {
	t.Helper()
	ctx := context.Background()
	rows, err := a.db.Query(ctx, "SELECT doc_type, doc_id, title_json FROM search_docs")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][]docKey{}
	for rows.Next() {
		var (
			k     docKey
			title string
		)
		if err := rows.Scan(&k.typ, &k.id, &title); err != nil {
			t.Fatal(err)
		}
		var titles map[string]string
		if err := json.Unmarshal([]byte(title), &titles); err != nil {
			t.Fatalf("search_docs %s: title_json: %v", k, err)
		}
		names := map[string]bool{}
		for _, v := range titles {
			if v != "" {
				names[k.typ+":"+v] = true
			}
		}
		for n := range names {
			out[n] = append(out[n], k)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSearchRelevanceAllTypes runs the relevance set of
// internal/demo/relevance_all.json against the search over all the demo's
// content (members, events, sessions, speakers, selected cases), on each
// database: recall@5 over all expected documents must reach minRecall.
func TestSearchRelevanceAllTypes(t *testing.T) {
	set := loadRelevanceAllSet(t)
	eachApp(t, func(t *testing.T, a *testApp) {
		ctx := context.Background()
		if _, loaded, err := demo.Load(ctx, a.demoDeps()); err != nil || !loaded {
			t.Fatalf("demo load: loaded=%v err=%v", loaded, err)
		}

		// Names to documents, from the index the demo filled.
		titles := indexedTitles(t, a)
		want := make([][]docKey, len(set))
		for i, e := range set {
			for _, n := range e.Expect {
				switch docs := titles[n]; len(docs) {
				case 0:
					t.Fatalf("relevance_all.json %q expects %q: no indexed document has that type and title", e.Q, n)
				case 1:
					want[i] = append(want[i], docs[0])
				default:
					sort.Slice(docs, func(x, y int) bool { return docs[x].id < docs[y].id })
					t.Fatalf("relevance_all.json %q expects %q, which names %d indexed documents (%v): name one that has a title of its own", e.Q, n, len(docs), docs)
				}
			}
		}

		b := a.browser(t)
		var total recallTally
		byLang, byKind, byType := map[string]*recallTally{}, map[string]*recallTally{}, map[string]*recallTally{}
		var misses []string
		for i, e := range set {
			v := url.Values{"q": {e.Q}, "lang": {e.Lang}, "per_page": {"5"}}
			if e.Type != "" {
				v.Set("type", e.Type)
			}
			path := "/api/v1/search?" + v.Encode()
			r := b.get(path)
			if r.StatusCode != http.StatusOK {
				t.Fatalf("GET %s (relevance query %q): status %d, want 200\n%.500s", path, e.Q, r.StatusCode, r.body)
			}
			var res struct {
				Items []searchHit `json:"items"`
			}
			if err := json.Unmarshal([]byte(r.body), &res); err != nil {
				t.Fatalf("GET %s: %v\n%.500s", path, err, r.body)
			}
			top := map[docKey]bool{}
			var got []string
			for j, h := range res.Items {
				if j == 5 {
					break
				}
				if e.Type != "" && h.Type != e.Type {
					t.Errorf("%q (%s, type=%s): rank %d is a %s (%q)", e.Q, e.Lang, e.Type, j+1, h.Type, h.Title)
					continue
				}
				k := h.docOf()
				top[k] = true
				got = append(got, fmt.Sprintf("%s %q", k, h.Title))
			}
			var missing []string
			for j, k := range want[i] {
				found := top[k]
				for _, r := range []*recallTally{&total, tally(byLang, e.Lang), tally(byKind, e.Kind), tally(byType, k.typ)} {
					r.want++
					if found {
						r.found++
					}
				}
				if !found {
					missing = append(missing, fmt.Sprintf("%s (%s)", e.Expect[j], k))
				}
			}
			if missing != nil {
				filter := ""
				if e.Type != "" {
					filter = ", type=" + e.Type
				}
				misses = append(misses, fmt.Sprintf("%q (%s, %s%s): missing %s; top 5 was [%s]",
					e.Q, e.Lang, e.Kind, filter, strings.Join(missing, ", "), strings.Join(got, "; ")))
			}
		}

		t.Logf("recall@5 %s over %d queries", total, len(set))
		for _, m := range []map[string]*recallTally{byLang, byType, byKind} {
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				t.Logf("  %-14s %s", k, m[k])
			}
		}
		recall := float64(total.found) / float64(total.want)
		if recall < minRecall {
			t.Errorf("recall@5 %.3f is below %.2f; %d queries missed an expected document:\n  %s",
				recall, minRecall, len(misses), strings.Join(misses, "\n  "))
		} else if len(misses) > 0 {
			t.Logf("%d queries missed an expected document:\n  %s", len(misses), strings.Join(misses, "\n  "))
		}
	})
}
