package search

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"strings"

	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/zh"
)

// Paging limits of Search.
const (
	DefaultLimit = 20
	MaxLimit     = 100
	MaxOffset    = 10000
	maxFilters   = 8
)

// Request is a search: Q as the person typed it, an optional Type and
// facet filters, the reader's language (en, zh-Hans, zh-Hant; other tags
// are matched to these), and a page.
type Request struct {
	Q      string
	Type   string
	Lang   string
	Facets map[string]string
	Limit  int // 0 means DefaultLimit; at most MaxLimit
	Offset int // at most MaxOffset
}

// Hit is one document found: its title in the reader's language and script,
// and a snippet of its text with the matched words in <mark>.
type Hit struct {
	Type    string
	ID      int64
	Title   string
	URL     string
	Snippet template.HTML
	Score   float64
	Facets  map[string]string
}

// Result is a page of hits, the number of documents found (Total, for
// paging) and the number found of each type, with the same query and facet
// filters but without the type filter.
type Result struct {
	Hits   []Hit
	Total  int
	ByType map[string]int
}

// Search runs r on the index. Any query text is safe: it is parsed by
// ParseQuery, and only analyzer tokens reach the database, so an error
// means the database failed, never that the person typed something odd. A
// query with nothing to search for gives an empty result.
//
// Ranking: documents where the whole query occurs as one phrase come first;
// then relevance (BM25 on SQLite, ts_rank_cd on PostgreSQL, a title match
// counting ten times a body match) times the document's boost.
func Search(ctx context.Context, q db.Querier, r Request) (Result, error) {
	res := Result{ByType: map[string]int{}}
	query := ParseQuery(r.Q)
	if query.Empty() {
		return res, nil
	}
	lang := readerLang(r.Lang)
	limit := r.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	offset := min(max(r.Offset, 0), MaxOffset)

	var (
		from, match, score string
		args               []any
	)
	if q.Dialect() == db.Postgres {
		from = "search_docs d"
		match = "d.tsv @@ CAST(? AS tsquery)"
		args = []any{query.tsquery()}
		score = "ts_rank_cd('{0.1, 0.1, 0.1, 1.0}', d.tsv, CAST(? AS tsquery)) * d.boost"
	} else {
		from = "search_fts JOIN search_docs d ON d.rid = search_fts.rowid"
		match = "search_fts MATCH ?"
		args = []any{query.fts5()}
		score = "-bm25(search_fts, 10.0, 1.0) * d.boost"
	}
	var filters strings.Builder
	for i, name := range sortedKeys(r.Facets) {
		if i == maxFilters {
			break
		}
		filters.WriteString(" AND EXISTS (SELECT 1 FROM search_facets f WHERE f.doc_type = d.doc_type AND f.doc_id = d.doc_id AND f.name = ? AND f.value = ?)")
		args = append(args, cleanText(name), cleanText(r.Facets[name]))
	}

	// Counts per type, and the total.
	rows, err := q.Query(ctx, "-- search.Search counts\nSELECT d.doc_type, count(*) FROM "+from+" WHERE "+match+filters.String()+" GROUP BY d.doc_type", args...)
	if err != nil {
		return res, fmt.Errorf("search: %w", err)
	}
	for rows.Next() {
		var typ string
		var n int
		if err := rows.Scan(&typ, &n); err != nil {
			rows.Close()
			return res, fmt.Errorf("search: %w", err)
		}
		res.ByType[typ] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, fmt.Errorf("search: %w", err)
	}
	typ := cleanText(r.Type)
	if typ != "" {
		res.Total = res.ByType[typ]
	} else {
		for _, n := range res.ByType {
			res.Total += n
		}
	}
	if res.Total == 0 || offset >= res.Total {
		return res, nil
	}

	// The page.
	var pageArgs []any
	phrase := "0"
	if query.hasPhrase() {
		if q.Dialect() == db.Postgres {
			phrase = "CASE WHEN d.tsv @@ CAST(? AS tsquery) THEN 1 ELSE 0 END"
			pageArgs = append(pageArgs, query.tsPhrase())
		} else {
			phrase = "CASE WHEN search_fts.rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?) THEN 1 ELSE 0 END"
			pageArgs = append(pageArgs, query.fts5Phrase())
		}
	}
	if q.Dialect() == db.Postgres {
		pageArgs = append(pageArgs, query.tsquery()) // for the score
	}
	pageArgs = append(pageArgs, args...)
	typeFilter := ""
	if typ != "" {
		typeFilter = " AND d.doc_type = ?"
		pageArgs = append(pageArgs, typ)
	}
	pageArgs = append(pageArgs, limit, offset)
	// Rank on the narrow columns first, then read the stored text of the
	// page's documents only: SQLite would otherwise read every match's
	// text into its sorter.
	key, join := "d.doc_type AS t, d.doc_id AS i", "o.doc_type = r.t AND o.doc_id = r.i"
	if q.Dialect() != db.Postgres {
		key, join = "d.rid AS rid, d.doc_type AS t, d.doc_id AS i", "o.rid = r.rid"
	}
	rows, err = q.Query(ctx, "-- search.Search\n"+
		"SELECT o.doc_type, o.doc_id, o.title_json, o.body_json, o.url, o.facets_json, r.score FROM (SELECT "+
		key+", "+phrase+" AS phrase, "+score+" AS score FROM "+from+" WHERE "+match+filters.String()+typeFilter+
		" ORDER BY phrase DESC, score DESC, t, i LIMIT ? OFFSET ?) r JOIN search_docs o ON "+join+
		" ORDER BY r.phrase DESC, r.score DESC, r.t, r.i", pageArgs...)
	if err != nil {
		return res, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			h                              Hit
			titleJSON, bodyJSON, facetJSON string
		)
		if err := rows.Scan(&h.Type, &h.ID, &titleJSON, &bodyJSON, &h.URL, &facetJSON, &h.Score); err != nil {
			return res, fmt.Errorf("search: %w", err)
		}
		var title, body map[string]string
		if err := json.Unmarshal([]byte(titleJSON), &title); err != nil {
			return res, fmt.Errorf("search: title of %s %d: %w", h.Type, h.ID, err)
		}
		if err := json.Unmarshal([]byte(bodyJSON), &body); err != nil {
			return res, fmt.Errorf("search: body of %s %d: %w", h.Type, h.ID, err)
		}
		if err := json.Unmarshal([]byte(facetJSON), &h.Facets); err != nil {
			return res, fmt.Errorf("search: facets of %s %d: %w", h.Type, h.ID, err)
		}
		h.Title = zh.ForLang(lang, pick(title, lang))
		h.Snippet = snippet(query, lang, title, body)
		res.Hits = append(res.Hits, h)
	}
	if err := rows.Err(); err != nil {
		return res, fmt.Errorf("search: %w", err)
	}
	return res, nil
}

// readerLang maps a language tag to one of the interface languages,
// English when it names none.
func readerLang(tag string) string {
	if l := i18n.Match(tag); l != "" {
		return l
	}
	return i18n.En
}

// pick chooses the text of m for a reader of lang: that language; for a
// Chinese reader, the other Chinese script (the caller converts it); else
// English; else the first language in tag order. lang is one of i18n.Langs.
func pick(m map[string]string, lang string) string {
	if v := m[lang]; v != "" {
		return v
	}
	keys := sortedKeys(m)
	find := func(want string) (string, bool) {
		for _, k := range keys {
			if m[k] != "" && i18n.Match(k) == want {
				return m[k], true
			}
		}
		return "", false
	}
	if v, ok := find(lang); ok {
		return v
	}
	switch lang {
	case i18n.ZhHans:
		if v, ok := find(i18n.ZhHant); ok {
			return v
		}
	case i18n.ZhHant:
		if v, ok := find(i18n.ZhHans); ok {
			return v
		}
	}
	if v, ok := find(i18n.En); ok {
		return v
	}
	for _, k := range keys {
		if m[k] != "" {
			return m[k]
		}
	}
	return ""
}
