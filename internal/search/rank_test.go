package search_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/db/dbtest"
	"github.com/wuzhen/wuzhen/internal/search"
)

// TestCountLimit checks that counts stop at the count limit, each type's
// and the total, and say so; and that pages beyond the limit still come.
func TestCountLimit(t *testing.T) {
	search.SetCountLimit(t, 5)
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		var docs []search.Doc
		for i := range 8 {
			docs = append(docs, doc("session", int64(i+1), en(fmt.Sprintf("Privacy session %d", i+1), "")))
		}
		for i := range 3 {
			docs = append(docs, doc("event", int64(i+1), en(fmt.Sprintf("Privacy week %d", i+1), "")))
		}
		put(t, d, docs...)
		res := find(t, d, search.Request{Q: "privacy"})
		if res.CountLimit != 5 || res.Total != 5 || res.ByType["session"] != 5 || res.ByType["event"] != 3 {
			t.Errorf("Total %d, ByType %v, CountLimit %d; want 5 (capped), session 5 (capped), event 3", res.Total, res.ByType, res.CountLimit)
		}
		if !res.Capped(res.Total) || !res.Capped(res.ByType["session"]) || res.Capped(res.ByType["event"]) {
			t.Errorf("Capped: total %v, session %v, event %v", res.Capped(res.Total), res.Capped(res.ByType["session"]), res.Capped(res.ByType["event"]))
		}
		// Every document is reachable page by page, past the limit.
		var all []string
		for offset := 0; offset < 12; offset += 4 {
			all = append(all, ids(find(t, d, search.Request{Q: "privacy", Limit: 4, Offset: offset}))...)
		}
		slices.Sort(all)
		if len(all) != 11 || len(slices.Compact(all)) != 11 {
			t.Errorf("pages gave %d hits: %v", len(all), all)
		}
		// Below the limit, counts are exact.
		res = find(t, d, search.Request{Q: "privacy", Type: "event"})
		if res.Total != 3 || res.Capped(res.Total) || len(res.Hits) != 3 {
			t.Errorf("events: Total %d, %d hits", res.Total, len(res.Hits))
		}
	})
}

// TestTiers checks the ranking of a search that finds more documents than
// the count limit: the whole query as a phrase in the title, then as a
// phrase anywhere, then every word in the title, then the rest; within a
// tier, a higher boost first, then a shorter title. The same on both
// databases.
func TestTiers(t *testing.T) {
	search.SetCountLimit(t, 3)
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		put(t, d,
			doc("document", 1, en("Notes", "The divide is digital, or so they say.")),                      // words in the body
			doc("document", 2, en("Divide and rule in a digital world", "")),                               // words in the title
			doc("document", 3, en("Divide, digital", "")),                                                  // words in a shorter title
			doc("document", 4, en("Report", "On the digital divide in schools.")),                          // phrase in the body
			doc("document", 5, en("Closing the digital divide in rural areas of the region", "")),          // phrase in a long title
			doc("document", 6, en("The digital divide", "")),                                               // phrase in a short title
			doc("member", 7, search.Doc{Title: map[string]string{"en": "Digital divide now"}, Boost: 0.5}), // lapsed
			doc("member", 8, search.Doc{Title: map[string]string{"en": "Digital divide watch network"}, Boost: 2}),
		)
		res := find(t, d, search.Request{Q: "digital divide"})
		want := []string{"member:8", "document:6", "document:5", "member:7", "document:4", "document:3", "document:2", "document:1"}
		if got := ids(res); !slices.Equal(got, want) {
			t.Errorf("hits = %v\nwant   %v", got, want)
		}
		if !res.Capped(res.Total) || res.Hits[0].Score != 0 {
			t.Errorf("Total %d, first score %v: want a capped count and tier ranking", res.Total, res.Hits[0].Score)
		}
		// Pages continue the same order.
		var paged []string
		for offset := 0; offset < 8; offset += 3 {
			paged = append(paged, ids(find(t, d, search.Request{Q: "digital divide", Limit: 3, Offset: offset}))...)
		}
		if !slices.Equal(paged, want) {
			t.Errorf("paged = %v", paged)
		}
		// The type filter and a facet filter within tiers.
		if got := ids(find(t, d, search.Request{Q: "digital divide", Type: "member"})); !slices.Equal(got, []string{"member:8", "member:7"}) {
			t.Errorf("members: %v", got)
		}
	})
}

// TestTiersWithFacets checks tier ranking with facet filters, and a one-word
// query (no phrase tiers).
func TestTiersWithFacets(t *testing.T) {
	search.SetCountLimit(t, 2)
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ke := map[string]string{"country": "KE", "year": "2024"}
		put(t, d,
			doc("case", 1, search.Doc{Title: map[string]string{"en": "Broadband for schools in Kisumu"}, Facets: ke}),
			doc("case", 2, search.Doc{Title: map[string]string{"en": "Rural broadband"}, Facets: ke}),
			doc("case", 3, search.Doc{Title: map[string]string{"en": "Clinics"}, Body: map[string]string{"en": "Broadband links for clinics."}, Facets: ke}),
			doc("case", 4, search.Doc{Title: map[string]string{"en": "Broadband"}, Facets: map[string]string{"country": "BR", "year": "2024"}}),
		)
		res := find(t, d, search.Request{Q: "broadband", Facets: map[string]string{"country": "KE"}})
		if got, want := ids(res), []string{"case:2", "case:1", "case:3"}; !slices.Equal(got, want) {
			t.Errorf("KE: %v, want %v", got, want)
		}
		if res.Total != 2 || !res.Capped(res.Total) {
			t.Errorf("Total %d", res.Total)
		}
		res = find(t, d, search.Request{Q: "broadband", Facets: map[string]string{"country": "BR"}})
		if got := ids(res); !slices.Equal(got, []string{"case:4"}) || res.Total != 1 {
			t.Errorf("BR: %v, Total %d", got, res.Total)
		}
	})
}

// TestUpgradeKeepsIndex checks that migrating an index made before the
// rank key keeps every document findable, with its facets, on both
// databases.
func TestUpgradeKeepsIndex(t *testing.T) {
	dbtest.Each(t, []db.Migrations{search.MigrationsBefore(2)}, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ke := map[string]string{"country": "KE", "year": "2024"}
		// The index as version 1 wrote it.
		stmts := []string{
			`INSERT INTO search_docs (doc_type, doc_id, title_json, body_json, url, boost, facets_json, updated_at) VALUES
				('member', 1, '{"en":"Digital Rights Kenya"}', '{"en":"Internet governance"}', '/members/1', 1, '{"country":"KE","year":"2024"}', CURRENT_TIMESTAMP),
				('event', 2, '{"zh-Hant":"數字鴻溝論壇"}', '{}', '/events/2', 0.5, '{}', CURRENT_TIMESTAMP)`,
			`INSERT INTO search_facets (doc_type, doc_id, name, value) VALUES ('member', 1, 'country', 'KE'), ('member', 1, 'year', '2024')`,
		}
		if d.Dialect() == db.Postgres {
			stmts = append(stmts,
				`UPDATE search_docs SET tsv = CAST('''digit'':1A ''right'':2A ''kenya'':3A ''internet'':5B ''govern'':6B' AS tsvector) WHERE doc_id = 1`,
				`UPDATE search_docs SET tsv = CAST('''数字'':1A ''字鸿'':2A ''鸿沟'':3A ''沟论'':4A ''论坛'':5A' AS tsvector) WHERE doc_id = 2`)
		} else {
			stmts = append(stmts,
				`INSERT INTO search_fts (rowid, title, body) SELECT rid, 'digit right kenya', 'internet govern' FROM search_docs WHERE doc_id = 1`,
				`INSERT INTO search_fts (rowid, title, body) SELECT rid, '数字 字鸿 鸿沟 沟论 论坛', '' FROM search_docs WHERE doc_id = 2`)
		}
		if d.Dialect() == db.Postgres {
			// tsv is NOT NULL: the rows went in with an empty one first.
			stmts[0] = `INSERT INTO search_docs (doc_type, doc_id, title_json, body_json, url, boost, facets_json, tsv, updated_at) VALUES
				('member', 1, '{"en":"Digital Rights Kenya"}', '{"en":"Internet governance"}', '/members/1', 1, '{"country":"KE","year":"2024"}', '', CURRENT_TIMESTAMP),
				('event', 2, '{"zh-Hant":"數字鴻溝論壇"}', '{}', '/events/2', 0.5, '{}', '', CURRENT_TIMESTAMP)`
		}
		for _, s := range stmts {
			if _, err := d.Exec(ctx, s); err != nil {
				t.Fatalf("%s: %v", s, err)
			}
		}
		if err := d.Migrate(ctx, search.Migrations); err != nil {
			t.Fatal(err)
		}
		if got := ids(find(t, d, search.Request{Q: "governance", Facets: ke})); !slices.Equal(got, []string{"member:1"}) {
			t.Errorf("governance in KE after the upgrade: %v", got)
		}
		res := find(t, d, search.Request{Q: "数字鸿沟", Type: "event"})
		if got := ids(res); !slices.Equal(got, []string{"event:2"}) || res.ByType["event"] != 1 || res.Hits[0].Title != "数字鸿沟论坛" && res.Hits[0].Title != "數字鴻溝論壇" {
			t.Errorf("数字鸿沟 after the upgrade: %v %+v", got, res)
		}
		// Documents put after the upgrade get new seqs and replace old ones.
		put(t, d, doc("member", 3, en("Kenya ICT Action Network", "Internet governance")))
		put(t, d, doc("member", 1, search.Doc{Title: map[string]string{"en": "Digital Rights Kenya"}, Body: map[string]string{"en": "Privacy"}, Facets: ke}))
		if got := ids(find(t, d, search.Request{Q: "governance"})); !slices.Equal(got, []string{"member:3"}) {
			t.Errorf("governance after puts: %v", got)
		}
		if got := ids(find(t, d, search.Request{Q: "kenya"})); len(got) != 2 {
			t.Errorf("kenya after puts: %v", got)
		}
		// The tiers of a large result read what the upgrade wrote: the
		// title first (on PostgreSQL title_tsv, filled from tsv).
		search.SetCountLimit(t, 1)
		if got := ids(find(t, d, search.Request{Q: "digital"})); !slices.Equal(got, []string{"member:1"}) {
			t.Errorf("digital, ranked in tiers: %v", got)
		}
		if got := ids(find(t, d, search.Request{Q: "数字鸿沟"})); !slices.Equal(got, []string{"event:2"}) {
			t.Errorf("数字鸿沟, ranked in tiers: %v", got)
		}
		if got := ids(find(t, d, search.Request{Q: "kenya"})); !slices.Equal(got, []string{"member:1", "member:3"}) {
			t.Errorf("kenya, ranked in tiers: %v", got)
		}
	})
}

// TestFacetTokensAreNotWords checks that no query reaches the facets' own
// tokens, whatever it spells.
func TestFacetTokensAreNotWords(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		put(t, d, doc("member", 1, search.Doc{Title: map[string]string{"en": "Kenya ICT Network"}, Facets: map[string]string{"country": "KE"}}))
		hexKE := fmt.Sprintf("f%xx%x", "country", "KE")
		for _, q := range []string{hexKE, "\u00b7" + hexKE, `"\u00b7` + hexKE + `"`, "country KE", "t" + fmt.Sprintf("%x", "member")} {
			if res := find(t, d, search.Request{Q: q}); res.Total != 0 {
				t.Errorf("%q found %v", q, ids(res))
			}
		}
		if res := find(t, d, search.Request{Q: "network", Facets: map[string]string{"country": "KE"}}); res.Total != 1 {
			t.Errorf("the facet filter found %v", ids(res))
		}
	})
}
