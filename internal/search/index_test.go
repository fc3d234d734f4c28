package search_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/db/dbtest"
	"github.com/wuzhen/wuzhen/internal/search"
)

var sets = []db.Migrations{search.Migrations}

func put(t *testing.T, d *db.DB, docs ...search.Doc) {
	t.Helper()
	err := d.Tx(context.Background(), func(tx *db.Tx) error {
		for _, doc := range docs {
			if err := search.Put(context.Background(), tx, doc); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func find(t *testing.T, q db.Querier, r search.Request) search.Result {
	t.Helper()
	res, err := search.Search(context.Background(), q, r)
	if err != nil {
		t.Fatalf("Search(%+v): %v", r, err)
	}
	return res
}

// ids lists the hits as type:id.
func ids(res search.Result) []string {
	out := []string{}
	for _, h := range res.Hits {
		out = append(out, fmt.Sprintf("%s:%d", h.Type, h.ID))
	}
	return out
}

func en(title, body string) search.Doc {
	return search.Doc{Title: map[string]string{"en": title}, Body: map[string]string{"en": body}}
}

func doc(typ string, id int64, d search.Doc) search.Doc {
	d.Type, d.ID = typ, id
	d.URL = fmt.Sprintf("/%ss/%d", typ, id)
	return d
}

func TestPutSearchDelete(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		put(t, d,
			doc("member", 1, en("Digital Rights Kenya", "Works on the governance of the internet in East Africa.")),
			doc("event", 7, en("Internet Governance Forum 2024", "The annual forum.")),
		)
		res := find(t, d, search.Request{Q: "governance"})
		if got, want := ids(res), []string{"event:7", "member:1"}; !slices.Equal(got, want) {
			t.Fatalf("hits = %v, want %v (title match first)", got, want)
		}
		if res.Total != 2 || res.ByType["member"] != 1 || res.ByType["event"] != 1 {
			t.Errorf("Total = %d, ByType = %v", res.Total, res.ByType)
		}
		h := res.Hits[1]
		if h.Title != "Digital Rights Kenya" || h.URL != "/members/1" || h.Score <= 0 {
			t.Errorf("hit = %+v", h)
		}
		if err := d.Tx(ctx, func(tx *db.Tx) error { return search.Delete(ctx, tx, "member", 1) }); err != nil {
			t.Fatal(err)
		}
		if got := ids(find(t, d, search.Request{Q: "governance"})); !slices.Equal(got, []string{"event:7"}) {
			t.Errorf("after Delete: %v", got)
		}
		// Deleting again, or what was never there, is fine.
		if err := d.Tx(ctx, func(tx *db.Tx) error { return search.Delete(ctx, tx, "member", 1) }); err != nil {
			t.Fatal(err)
		}
		if err := d.Tx(ctx, func(tx *db.Tx) error { return search.Put(ctx, tx, search.Doc{ID: 3}) }); err == nil {
			t.Error("Put without a type succeeded")
		}
	})
}

func TestChineseScripts(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		put(t, d,
			doc("member", 1, search.Doc{Title: map[string]string{"zh-Hant": "數字鴻溝研究中心"}, Body: map[string]string{"zh-Hant": "我們關注互聯網治理。"}}),
			doc("member", 2, search.Doc{Title: map[string]string{"zh-Hans": "数字鸿沟观察"}, Body: map[string]string{"zh-Hans": "关于人工智能治理的报告。"}}),
			doc("member", 3, search.Doc{Title: map[string]string{"zh-Hans": "数字经济"}, Body: map[string]string{"zh-Hans": "鸿沟"}}),
		)
		for _, tt := range []struct {
			q    string
			want []string
		}{
			{"数字鸿沟", []string{"member:1", "member:2"}}, // Simplified finds Traditional
			{"數字鴻溝", []string{"member:1", "member:2"}}, // and the reverse
			{"治理", []string{"member:1", "member:2"}},   // a two-character word
			{"治", []string{"member:1", "member:2"}},    // one character: the words it begins
			{"人工智能", []string{"member:2"}},
			{"数字 鸿沟", []string{"member:1", "member:2", "member:3"}},
			{"鸿沟数字", nil},
		} {
			res := find(t, d, search.Request{Q: tt.q, Lang: "zh-Hans"})
			got := ids(res)
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("%s: hits = %v, want %v", tt.q, got, tt.want)
			}
		}
	})
}

func TestStems(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		put(t, d,
			doc("document", 1, en("Report", "Internet governance in Africa.")),
			doc("document", 2, en("Minutes", "The board is governing well.")),
			doc("document", 3, en("Budget", "The governor spoke.")),
		)
		got := ids(find(t, d, search.Request{Q: "governing"}))
		slices.Sort(got)
		if want := []string{"document:1", "document:2"}; !slices.Equal(got, want) {
			t.Errorf("governing: %v, want %v", got, want)
		}
		// Stop words typed on their own are not required.
		if got := ids(find(t, d, search.Request{Q: "the governance of the Internet"})); !slices.Equal(got, []string{"document:1"}) {
			t.Errorf("the governance of the Internet: %v", got)
		}
	})
}

func TestRanking(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		put(t, d,
			// Title match above body match.
			doc("document", 1, en("Notes", "Some words about policy and other policy matters and policy.")),
			doc("document", 2, en("Policy", "Some words.")),
			// The exact phrase above scattered words, even when the
			// scattered words are in the title.
			doc("document", 3, en("Divide in the digital age", "Divide and digital, digital and divide.")),
			doc("document", 4, en("Annual report", "We studied the digital divide in rural areas.")),
			// The same text, active and lapsed: the lapsed one has the
			// lower ID, so only the boost puts the active one first.
			doc("member", 10, search.Doc{Title: map[string]string{"en": "Open Data Kenya"}, Body: map[string]string{"en": "Open data."}, Boost: 0.5}),
			doc("member", 11, search.Doc{Title: map[string]string{"en": "Open Data Kenya"}, Body: map[string]string{"en": "Open data."}, Boost: 1}),
		)
		for _, tt := range []struct {
			q    string
			want []string
		}{
			{"policy", []string{"document:2", "document:1"}},
			{"digital divide", []string{"document:4", "document:3"}},
			{"open data", []string{"member:11", "member:10"}},
		} {
			if got := ids(find(t, d, search.Request{Q: tt.q})); !slices.Equal(got, tt.want) {
				t.Errorf("%s: hits = %v, want %v", tt.q, got, tt.want)
			}
		}
	})
}

func TestFacetsAndTypes(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ke := map[string]string{"country": "KE", "continent": "AF", "year": "2024"}
		br := map[string]string{"country": "BR", "continent": "SA", "year": "2024"}
		put(t, d,
			doc("member", 1, search.Doc{Title: map[string]string{"en": "Youth Internet Kenya"}, Facets: ke}),
			doc("member", 2, search.Doc{Title: map[string]string{"en": "Internet Brasil"}, Facets: br}),
			doc("event", 3, search.Doc{Title: map[string]string{"en": "Internet Week Nairobi"}, Facets: ke}),
			doc("event", 4, search.Doc{Title: map[string]string{"en": "Internet Week 2023"}, Facets: map[string]string{"year": "2023"}}),
			doc("session", 5, search.Doc{Title: map[string]string{"en": "Internet futures"}}),
		)
		res := find(t, d, search.Request{Q: "internet"})
		if res.Total != 5 || res.ByType["member"] != 2 || res.ByType["event"] != 2 || res.ByType["session"] != 1 {
			t.Errorf("all: Total %d, ByType %v", res.Total, res.ByType)
		}
		res = find(t, d, search.Request{Q: "internet", Type: "event"})
		if got := ids(res); len(got) != 2 || res.Total != 2 || res.ByType["member"] != 2 {
			t.Errorf("type event: %v, Total %d, ByType %v", got, res.Total, res.ByType)
		}
		for _, h := range res.Hits {
			if h.Type != "event" {
				t.Errorf("type filter let through %s:%d", h.Type, h.ID)
			}
		}
		res = find(t, d, search.Request{Q: "internet", Facets: map[string]string{"country": "KE"}})
		got := ids(res)
		slices.Sort(got)
		if want := []string{"event:3", "member:1"}; !slices.Equal(got, want) || res.ByType["member"] != 1 || res.ByType["event"] != 1 {
			t.Errorf("country KE: %v, ByType %v", got, res.ByType)
		}
		res = find(t, d, search.Request{Q: "internet", Type: "member", Facets: map[string]string{"continent": "AF", "year": "2024"}})
		if got := ids(res); !slices.Equal(got, []string{"member:1"}) || res.Total != 1 || res.ByType["event"] != 1 {
			t.Errorf("member, AF, 2024: %v, Total %d, ByType %v", got, res.Total, res.ByType)
		}
		if h := res.Hits[0]; h.Facets["country"] != "KE" || h.Facets["year"] != "2024" {
			t.Errorf("hit facets = %v", h.Facets)
		}
		res = find(t, d, search.Request{Q: "internet", Facets: map[string]string{"country": "XX"}})
		if res.Total != 0 || len(res.Hits) != 0 {
			t.Errorf("country XX: %+v", res)
		}
	})
}

func TestPaging(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		var docs []search.Doc
		for i := range 25 {
			docs = append(docs, doc("session", int64(i+1), en(fmt.Sprintf("Session %d on privacy", i+1), "")))
		}
		put(t, d, docs...)
		var all []string
		for offset := 0; offset < 30; offset += 10 {
			res := find(t, d, search.Request{Q: "privacy", Limit: 10, Offset: offset})
			if res.Total != 25 {
				t.Fatalf("Total = %d", res.Total)
			}
			all = append(all, ids(res)...)
		}
		slices.Sort(all)
		if len(all) != 25 || len(slices.Compact(all)) != 25 {
			t.Errorf("pages gave %d hits: %v", len(all), all)
		}
		if n := len(find(t, d, search.Request{Q: "privacy"}).Hits); n != search.DefaultLimit {
			t.Errorf("default limit gave %d", n)
		}
	})
}

func TestTitleAndSnippetInReaderScript(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		put(t, d,
			doc("member", 1, search.Doc{
				Title: map[string]string{"en": "Digital Divide Centre", "zh-Hant": "數字鴻溝研究中心"},
				Body: map[string]string{
					"en":      "We study the digital divide & its <effects> on rural schools.",
					"zh-Hant": "我們研究數字鴻溝對鄉村學校的影響，並提出政策建議。",
				},
			}),
			doc("member", 2, search.Doc{
				Title: map[string]string{"zh-Hans": "互联网治理论坛"},
				Body:  map[string]string{"zh-Hans": strings.Repeat("这是很长的介绍。", 30) + "论坛讨论互联网治理的未来。" + strings.Repeat("其他内容。", 30)},
			}),
		)
		for _, tt := range []struct {
			q, lang      string
			title        string
			snippetHas   []string
			snippetLacks []string
		}{
			{"数字鸿沟", "zh-Hans", "数字鸿沟研究中心", []string{"我们研究<mark>数字鸿沟</mark>对乡村学校"}, nil},
			{"数字鸿沟", "zh-Hant", "數字鴻溝研究中心", []string{"我們研究<mark>數字鴻溝</mark>對鄉村學校"}, nil},
			{"digital divide", "en", "Digital Divide Centre", []string{"<mark>digital divide</mark> &amp; its &lt;effects&gt;"}, []string{"<effects>"}},
			{"數字 鴻溝", "en", "Digital Divide Centre", []string{"我們研究<mark>數字鴻溝</mark>對"}, nil},
			{"rural", "zh-Hans", "数字鸿沟研究中心", []string{"<mark>rural</mark>"}, nil}, // the match is only in English
			{"治理", "zh-Hant", "互聯網治理論壇", []string{"…", "討論互聯網<mark>治理</mark>的未來"}, nil},
			{"治理", "en", "互联网治理论坛", []string{"讨论互联网<mark>治理</mark>的未来"}, nil},
		} {
			res := find(t, d, search.Request{Q: tt.q, Lang: tt.lang})
			if len(res.Hits) != 1 {
				t.Errorf("%s (%s): %d hits", tt.q, tt.lang, len(res.Hits))
				continue
			}
			h := res.Hits[0]
			if h.Title != tt.title {
				t.Errorf("%s (%s): title %q, want %q", tt.q, tt.lang, h.Title, tt.title)
			}
			s := string(h.Snippet)
			for _, want := range tt.snippetHas {
				if !strings.Contains(s, want) {
					t.Errorf("%s (%s): snippet %q lacks %q", tt.q, tt.lang, s, want)
				}
			}
			for _, bad := range tt.snippetLacks {
				if strings.Contains(s, bad) {
					t.Errorf("%s (%s): snippet %q has %q", tt.q, tt.lang, s, bad)
				}
			}
			if n := len([]rune(s)); n > 250 {
				t.Errorf("%s (%s): snippet of %d characters", tt.q, tt.lang, n)
			}
		}
	})
}

// hostile are queries that must never make Search fail.
var hostile = []string{
	`"`, `""`, `"""`, `NEAR(`, `NEAR(a b`, `*`, `a*`, `)(`, `(`, `'; DROP TABLE search_docs; --`,
	`' OR 1=1 --`, `\`, `\'`, `:`, `title:x`, `^a`, `-a`, `a -b`, `a OR b`, `NOT a`, `a AND`, `{a b}`, `a + b`,
	`!@#$%^&*()_+-=[]{}|;':",./<>?`, "。，、；：「」『』", "\xff\xfe\xfd", "a\x00b", "\x00", "治\x00理", "\u202e\u200b",
	strings.Repeat("a", 10<<10), strings.Repeat("数字鸿沟 ", 2<<10), strings.Repeat(`"a" `, 3<<10), strings.Repeat("(", 10<<10),
	strings.Repeat("x:* ", 3<<10), "'&|!<->:*", "a <-> b", "a & b | !c", "'a':* & 'b'", "$1", "?", "??", "%", "_",
}

func TestHostileQueries(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		put(t, d,
			doc("member", 1, en("Open Data Kenya", "Open data & open government; digital divide.")),
			doc("member", 2, search.Doc{Title: map[string]string{"zh-Hans": "数字鸿沟"}, Facets: map[string]string{"country": "KE"}}),
		)
		ctx := context.Background()
		for _, q := range hostile {
			for _, r := range []search.Request{
				{Q: q},
				{Q: q, Type: q, Lang: q, Facets: map[string]string{q: q, "country": q}, Limit: -1, Offset: -5},
				{Q: q, Limit: 1 << 30, Offset: 1 << 30},
			} {
				if _, err := search.Search(ctx, d, r); err != nil {
					t.Errorf("Search(%.40q): %v", q, err)
				}
			}
			if _, err := search.Suggestions(ctx, d, q); err != nil {
				t.Errorf("Suggestions(%.40q): %v", q, err)
			}
			if _, err := search.Vocabulary(ctx, d, q); err != nil {
				t.Errorf("Vocabulary(%.40q): %v", q, err)
			}
		}
		// Hostile content is stored and found too.
		for i, s := range hostile {
			put(t, d, search.Doc{Type: "x" + s, ID: int64(100 + i), Title: map[string]string{s: s}, Body: map[string]string{"en": s}, URL: s, Facets: map[string]string{s: s}})
		}
		for _, q := range hostile {
			if _, err := search.Search(ctx, d, search.Request{Q: q, Lang: "zh-Hant"}); err != nil {
				t.Errorf("Search(%.40q) over hostile content: %v", q, err)
			}
		}
		if res := find(t, d, search.Request{Q: "drop table"}); len(res.Hits) == 0 {
			t.Error("hostile content not found")
		}
		for i, s := range hostile {
			err := d.Tx(ctx, func(tx *db.Tx) error { return search.Delete(ctx, tx, "x"+s, int64(100+i)) })
			if err != nil {
				t.Errorf("Delete(%.40q): %v", s, err)
			}
		}
	})
}

func TestEmptyQuery(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		put(t, d, doc("member", 1, en("Anything", "")))
		for _, q := range []string{"", "  ", `"*"`, "。"} {
			res := find(t, d, search.Request{Q: q})
			if len(res.Hits) != 0 || res.Total != 0 || res.ByType == nil {
				t.Errorf("%q: %+v", q, res)
			}
		}
	})
}

func TestPutReplaces(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		put(t, d, doc("member", 1, search.Doc{Title: map[string]string{"en": "Alpha Foundation"}, Facets: map[string]string{"country": "KE"}}))
		put(t, d, doc("member", 1, search.Doc{Title: map[string]string{"en": "Beta Foundation"}, Facets: map[string]string{"country": "GH"}}))
		if res := find(t, d, search.Request{Q: "alpha"}); res.Total != 0 {
			t.Errorf("old title still found: %v", ids(res))
		}
		res := find(t, d, search.Request{Q: "foundation"})
		if got := ids(res); !slices.Equal(got, []string{"member:1"}) || res.Hits[0].Title != "Beta Foundation" {
			t.Errorf("hits %v %+v", got, res.Hits)
		}
		if res := find(t, d, search.Request{Q: "foundation", Facets: map[string]string{"country": "KE"}}); res.Total != 0 {
			t.Error("old facet still matches")
		}
		if res := find(t, d, search.Request{Q: "foundation", Facets: map[string]string{"country": "GH"}}); res.Total != 1 {
			t.Error("new facet does not match")
		}
		var n int
		if err := d.QueryRow(ctx, "SELECT count(*) FROM search_docs").Scan(&n); err != nil || n != 1 {
			t.Errorf("%d rows, %v", n, err)
		}
		// The old word stays in the vocabulary but is no longer offered.
		suggest(t, d, "alpga foundation", nil)
		suggest(t, d, "betta foundation", []string{"beta foundation"})
	})
}

func TestIndexRollsBackWithTransaction(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		put(t, d, doc("member", 1, en("Kept", "")))
		boom := errors.New("boom")
		err := d.Tx(ctx, func(tx *db.Tx) error {
			if err := search.Put(ctx, tx, doc("member", 2, en("Rolled back", ""))); err != nil {
				return err
			}
			if err := search.Delete(ctx, tx, "member", 1); err != nil {
				return err
			}
			// Inside the transaction, the change is visible.
			res, err := search.Search(ctx, tx, search.Request{Q: "rolled"})
			if err != nil {
				return err
			}
			if res.Total != 1 {
				t.Errorf("inside the transaction: %v", ids(res))
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if res := find(t, d, search.Request{Q: "rolled"}); res.Total != 0 {
			t.Errorf("rolled-back Put found: %v", ids(res))
		}
		if res := find(t, d, search.Request{Q: "kept"}); res.Total != 1 {
			t.Errorf("rolled-back Delete took effect: %v", ids(res))
		}
		if words, _ := search.Vocabulary(ctx, d, "r"); len(words) != 0 {
			t.Errorf("vocabulary after rollback: %v", words)
		}
		suggest(t, d, "rolld", nil)
	})
}

func TestDeleteType(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		put(t, d,
			doc("event", 1, en("Climate summit", "")),
			doc("event", 2, en("Climate talks", "")),
			doc("member", 3, en("Climate network", "")),
		)
		if err := d.Tx(ctx, func(tx *db.Tx) error {
			if err := search.DeleteType(ctx, tx, "event"); err != nil {
				return err
			}
			return search.Put(ctx, tx, doc("event", 2, en("Climate talks resumed", "")))
		}); err != nil {
			t.Fatal(err)
		}
		res := find(t, d, search.Request{Q: "climate"})
		got := ids(res)
		slices.Sort(got)
		if want := []string{"event:2", "member:3"}; !slices.Equal(got, want) {
			t.Errorf("after reindex: %v", got)
		}
		suggest(t, d, "sumit", nil) // summit is gone
		suggest(t, d, "clmate talsk", []string{"climate talks"})
	})
}

// TestTokensReachIndexIntact checks that each database keeps every analyzer
// token as one term: FTS5's ascii tokenizer does not split a Han bigram, and
// the tsvector holds the tokens as written.
func TestTokensReachIndexIntact(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		text := "數字鴻溝 AI治理 2024 governing Привет café हिन्दी 葛󠄀城 ㍿"
		put(t, d, doc("document", 1, search.Doc{Title: map[string]string{"en": text}}))
		// The words' columns: kind holds the type and facet tokens.
		q := "SELECT DISTINCT term FROM search_vocab WHERE col IN ('title', 'body') ORDER BY term"
		if d.Dialect() == db.Postgres {
			q = "SELECT unnest(tsvector_to_array(tsv)) AS term FROM search_docs ORDER BY term"
		}
		rows, err := d.Query(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []string
		for rows.Next() {
			var term string
			if err := rows.Scan(&term); err != nil {
				t.Fatal(err)
			}
			got = append(got, term)
		}
		want := slices.Compact(slices.Sorted(slices.Values(search.Tokens(text))))
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("index terms = %q, want %q", got, want)
		}
	})
}

func TestLargeDocument(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		body := strings.Repeat("数字鸿沟与互联网治理。governance ", 20000) + " finalword"
		put(t, d, doc("document", 1, search.Doc{Title: map[string]string{"en": "Big"}, Body: map[string]string{"zh-Hans": body, "en": strings.Repeat("x", 100000)}}))
		if res := find(t, d, search.Request{Q: "互联网治理"}); res.Total != 1 {
			t.Errorf("large document not found")
		}
		// Beyond the per-document limit, text is not indexed, on both
		// databases alike.
		if res := find(t, d, search.Request{Q: "finalword"}); res.Total != 0 {
			t.Errorf("text beyond the limit found")
		}
	})
}

func TestSuggestionsFromIndex(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		put(t, d,
			doc("document", 1, en("Internet governance", "Governance of digital platforms")),
			doc("document", 2, en("Governance report", "Government and governance")),
			doc("document", 3, en("Govern", "Goverance is a typo here")),
		)
		got, err := search.Suggestions(ctx, d, "govermance digitl")
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"governance digital"}; !slices.Equal(got, want) {
			t.Errorf("Suggestions = %q, want %q", got, want)
		}
		got, err = search.Suggestions(ctx, d, "软件 govermance")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(got, "軟體 govermance") || !slices.Contains(got, "软件 governance") {
			t.Errorf("Suggestions = %q", got)
		}
		words, err := search.Vocabulary(ctx, d, "gov")
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"goverance", "govern", "governance", "government"}; !slices.Equal(words, want) {
			t.Errorf("Vocabulary(gov) = %v, want %v", words, want)
		}
		// goverance comes first in the vocabulary and is as near to
		// govermance as governance, which more documents hold.
		if got := search.Near("govermance", words); got != "goverance" {
			t.Errorf("Near = %q", got)
		}
	})
}

// suggest checks what Suggestions offers for q.
func suggest(t *testing.T, d *db.DB, q string, want []string) {
	t.Helper()
	got, err := search.Suggestions(context.Background(), d, q)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("Suggestions(%q) = %q, want %q", q, got, want)
	}
}

func FuzzSearch(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	d := dbtest.Open(f, "sqlite:"+filepath.Join(f.TempDir(), "fuzz.db"), sets)
	ctx := context.Background()
	err := d.Tx(ctx, func(tx *db.Tx) error {
		for i, s := range []string{"数字鸿沟 digital divide", "數字鴻溝治理", "open data 2024", "\"quoted\" (brackets) NEAR AND"} {
			if err := search.Put(ctx, tx, search.Doc{Type: "t", ID: int64(i), Title: map[string]string{"en": s}, Body: map[string]string{"zh-Hant": s}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		if _, err := search.Search(ctx, d, search.Request{Q: q, Lang: "zh-Hant", Facets: map[string]string{"k": q}}); err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
		if _, err := search.Search(ctx, d, search.Request{Q: q}); err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
	})
}
