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
	Line    string // the result line (see Doc.Line) in the reader's language and script
	// Score is the relevance (BM25 on SQLite, ts_rank_cd on PostgreSQL)
	// times the boost, when the search ranked by it; 0 when it found too
	// many documents to score them all (see Search).
	Score  float64
	Facets map[string]string

	title, body, line map[string]string // as stored
}

// CountLimit is where Search stops counting: a count of CountLimit means
// CountLimit or more documents.
const CountLimit = 1000

// countLimit is CountLimit; tests lower it.
var countLimit = CountLimit

// Result is a page of hits, the number of documents found (Total, for
// paging) and the number found of each type, with the same query and facet
// filters but without the type filter. Counts stop at CountLimit: a Total
// or a count of a type equal to CountLimit means that many or more.
type Result struct {
	Hits       []Hit
	Total      int
	ByType     map[string]int
	CountLimit int
}

// Capped reports whether the count n stopped at the count limit: n
// documents or more.
func (r Result) Capped(n int) bool { return r.CountLimit > 0 && n >= r.CountLimit }

// docType is a type of document in the index and its code in the rid.
type docType struct {
	code int64
	name string
}

// ranked is a document of a page, before its stored text is read.
type ranked struct {
	rid   int64
	score float64
}

// Search runs r on the index. Any query text is safe: it is parsed by
// ParseQuery, and only analyzer tokens reach the database, so an error
// means the database failed, never that the person typed something odd. A
// query with nothing to search for gives an empty result.
//
// Counts stop at CountLimit (1,000), each type's and the total, so that a
// search for a common word does not visit every document that has it.
//
// Ranking, when fewer than CountLimit documents are found: documents where
// the whole query occurs as one phrase come first; then relevance (BM25 on
// SQLite, ts_rank_cd on PostgreSQL, a title match counting ten times a body
// match) times the document's boost; then the rank key (see rankKey).
//
// When CountLimit or more are found, scoring them all would cost time in
// proportion to their number (BM25 reads every match, and its IDF every
// document holding each word), so they are ranked in tiers instead: the
// whole query as a phrase in the title; as a phrase anywhere; every word in
// the title; the rest. Within a tier, by the rank key: a higher boost
// first, then a shorter title (what BM25 favours among documents with the
// word once in the title), then type and the order of indexing. Each tier
// is read in that order and only as far as the page needs.
func Search(ctx context.Context, q db.Querier, r Request) (Result, error) {
	res := Result{ByType: map[string]int{}, CountLimit: countLimit}
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

	types, err := loadTypes(ctx, q)
	if err != nil {
		return res, err
	}
	var filters [][2]string
	for i, name := range sortedKeys(r.Facets) {
		if i == maxFilters {
			break
		}
		filters = append(filters, [2]string{cleanText(name), cleanText(r.Facets[name])})
	}
	var run searcher = sqliteSearch{query: query, filters: filters}
	if q.Dialect() == db.Postgres {
		run = pgSearch{query: query, filters: filters}
	}

	// Counts per type, and the total.
	if err := run.counts(ctx, q, types, res.ByType); err != nil {
		return res, fmt.Errorf("search: %w", err)
	}
	typ := cleanText(r.Type)
	var only *docType
	if typ != "" {
		for i := range types {
			if types[i].name == typ {
				only = &types[i]
			}
		}
		if only == nil {
			return res, nil
		}
		res.Total = res.ByType[typ]
	} else {
		for _, n := range res.ByType {
			res.Total += n
		}
		res.Total = min(res.Total, countLimit)
	}
	if res.Total == 0 || offset >= res.Total && !res.Capped(res.Total) {
		return res, nil
	}

	// The page.
	var page []ranked
	if res.Capped(res.Total) {
		found := []docType{}
		for _, t := range types {
			if res.ByType[t.name] > 0 && (only == nil || t.code == only.code) {
				found = append(found, t)
			}
		}
		page, err = run.tiers(ctx, q, found, limit, offset)
	} else {
		page, err = run.scored(ctx, q, only, limit, offset)
	}
	if err != nil {
		return res, fmt.Errorf("search: %w", err)
	}
	if res.Hits, err = loadHits(ctx, q, page); err != nil {
		return res, err
	}
	for i := range res.Hits {
		h := &res.Hits[i]
		h.Title = zh.ForLang(lang, pick(h.title, lang))
		h.Line = zh.ForLang(lang, pick(h.line, lang))
		h.Snippet = snippet(query, lang, h.title, h.body)
	}
	return res, nil
}

// searcher is the SQL of a search on one database.
type searcher interface {
	// counts sets the number of documents found of each type, up to
	// countLimit, leaving out types with none.
	counts(ctx context.Context, q db.Querier, types []docType, byType map[string]int) error
	// scored returns a page of documents ranked by score.
	scored(ctx context.Context, q db.Querier, only *docType, limit, offset int) ([]ranked, error)
	// tiers returns a page of documents of the types given (those found)
	// ranked by tier and rank key.
	tiers(ctx context.Context, q db.Querier, types []docType, limit, offset int) ([]ranked, error)
}

// loadTypes returns the types of documents in the index.
func loadTypes(ctx context.Context, q db.Querier) ([]docType, error) {
	rows, err := query(ctx, q, "-- search.Search types\nSELECT code, name FROM search_types ORDER BY code")
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	var out []docType
	for rows.Next() {
		var t docType
		if err := rows.Scan(&t.code, &t.name); err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return out, nil
}

// loadHits reads the stored documents of a page, in the page's order.
func loadHits(ctx context.Context, q db.Querier, page []ranked) ([]Hit, error) {
	if len(page) == 0 {
		return nil, nil
	}
	args := make([]any, len(page))
	at := make(map[int64]int, len(page))
	for i, p := range page {
		args[i] = p.rid
		at[p.rid] = i
	}
	rows, err := query(ctx, q, "-- search.Search hits\nSELECT rid, doc_type, doc_id, title_json, body_json, url, facets_json, line_json FROM search_docs WHERE rid IN ("+
		strings.TrimSuffix(strings.Repeat("?, ", len(page)), ", ")+")", args...)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	hits := make([]Hit, len(page))
	found := 0
	for rows.Next() {
		var (
			rid                            int64
			h                              Hit
			titleJSON, bodyJSON, facetJSON string
			lineJSON                       string
		)
		if err := rows.Scan(&rid, &h.Type, &h.ID, &titleJSON, &bodyJSON, &h.URL, &facetJSON, &lineJSON); err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		if err := json.Unmarshal([]byte(titleJSON), &h.title); err != nil {
			return nil, fmt.Errorf("search: title of %s %d: %w", h.Type, h.ID, err)
		}
		if err := json.Unmarshal([]byte(bodyJSON), &h.body); err != nil {
			return nil, fmt.Errorf("search: body of %s %d: %w", h.Type, h.ID, err)
		}
		if err := json.Unmarshal([]byte(lineJSON), &h.line); err != nil {
			return nil, fmt.Errorf("search: line of %s %d: %w", h.Type, h.ID, err)
		}
		if err := json.Unmarshal([]byte(facetJSON), &h.Facets); err != nil {
			return nil, fmt.Errorf("search: facets of %s %d: %w", h.Type, h.ID, err)
		}
		i, ok := at[rid]
		if !ok {
			continue
		}
		h.Score = page[i].score
		hits[i] = h
		found++
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	if found != len(page) {
		// The read pool's snapshot is the same for both statements only
		// within a transaction: a document deleted in between is left out.
		out := hits[:0]
		for _, h := range hits {
			if h.Type != "" {
				out = append(out, h)
			}
		}
		hits = out
	}
	return hits, nil
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
