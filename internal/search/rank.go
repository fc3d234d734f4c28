package search

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/wuzhen/wuzhen/internal/db"
)

// sqliteSearch is the SQL of a search on SQLite: FTS5 expressions over
// search_fts (title, body, kind), see doc.go.
type sqliteSearch struct {
	query   Query
	filters [][2]string // facet name and value
}

// words matches the query's required parts. No column filter: the kind
// column's tokens are never words (see kindTokens).
func (s sqliteSearch) words() string { return s.query.fts5() }

// kind matches the facet filters, "" when there are none.
func (s sqliteSearch) kind() string {
	var toks []string
	for _, f := range s.filters {
		toks = append(toks, `"`+facetToken(f[0], f[1])+`"`)
	}
	if len(toks) == 0 {
		return ""
	}
	return "{kind} : (" + strings.Join(toks, " AND ") + ")"
}

// and joins FTS5 expressions with AND, leaving out empty ones.
func and(exprs ...string) string {
	var parts []string
	for _, e := range exprs {
		if e != "" {
			parts = append(parts, "("+e+")")
		}
	}
	return strings.Join(parts, " AND ")
}

// counts counts each type's matches in its range of rowids, stopping at
// the count limit.
func (s sqliteSearch) counts(ctx context.Context, q db.Querier, types []docType, byType map[string]int) error {
	if len(types) == 0 {
		return nil
	}
	var b strings.Builder
	var args []any
	b.WriteString("-- search.Search counts\nSELECT ")
	expr := and(s.words(), s.kind())
	for i, t := range types {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(SELECT count(*) FROM (SELECT 1 FROM search_fts WHERE search_fts MATCH ? AND rowid BETWEEN ? AND ? LIMIT ?))")
		lo, hi := typeRange(t.code)
		args = append(args, expr, lo, hi, countLimit)
	}
	return scanCounts(ctx, q, b.String(), args, types, byType)
}

// scanCounts runs a query of one count per type and keeps those above 0.
func scanCounts(ctx context.Context, q db.Querier, text string, args []any, types []docType, byType map[string]int) error {
	ns := make([]int, len(types))
	dest := make([]any, len(types))
	for i := range ns {
		dest[i] = &ns[i]
	}
	if err := queryRow(ctx, q, text, args, dest...); err != nil {
		return err
	}
	for i, t := range types {
		if ns[i] > 0 {
			byType[t.name] = ns[i]
		}
	}
	return nil
}

// typeFilter restricts rowids to a type's range (unless nil).
func typeFilter(only *docType, args []any) (string, []any) {
	if only == nil {
		return "", args
	}
	lo, hi := typeRange(only.code)
	return " AND rowid BETWEEN ? AND ?", append(args, lo, hi)
}

// scored ranks every match: the whole query as a phrase first, then BM25
// (title ten times the body, the kind column nothing) times the boost held
// in the rowid, then the rowid's order.
func (s sqliteSearch) scored(ctx context.Context, q db.Querier, only *docType, limit, offset int) ([]ranked, error) {
	var args []any
	phrase := "0"
	if s.query.hasPhrase() {
		var f string
		args = append(args, and(s.words(), s.query.fts5Phrase(), s.kind()))
		f, args = typeFilter(only, args)
		phrase = "CASE WHEN rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?" + f + ") THEN 1 ELSE 0 END"
	}
	args = append(args, and(s.words(), s.kind()))
	f, args := typeFilter(only, args)
	args = append(args, limit, offset)
	rows, err := query(ctx, q, "-- search.Search scored\nSELECT rowid, "+phrase+" AS phrase, -bm25(search_fts, 10.0, 1.0, 0.0) * "+
		fmt.Sprintf(ridBoost, "rowid")+" AS score FROM search_fts WHERE search_fts MATCH ?"+f+
		" ORDER BY phrase DESC, score DESC, rowid & "+strconv.FormatInt(orderMask, 10)+" LIMIT ? OFFSET ?", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ranked
	for rows.Next() {
		var (
			r      ranked
			phrase int
		)
		if err := rows.Scan(&r.rid, &phrase, &r.score); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// tiers reads the tiers (see readTiers). The title tiers read
// search_titles, whose doclists hold title words only, so that a tier with
// few documents among many matches costs the title matches, not every
// match.
func (s sqliteSearch) tiers(ctx context.Context, q db.Querier, types []docType, limit, offset int) ([]ranked, error) {
	kind := s.kind()
	type tier struct{ table, expr string }
	var tiers []tier
	if s.query.hasPhrase() {
		w := s.query.fts5Phrase()
		// The whole query as a phrase holds every required part, so
		// these tiers are within the matches.
		tiers = append(tiers, tier{"search_titles", and(w, kind)}, tier{"search_fts", and(w, kind)})
	}
	tiers = append(tiers, tier{"search_titles", and(s.words(), kind)}, tier{"search_fts", and(s.words(), kind)})
	return readTiers(ctx, q, types, len(tiers), func(k int, lo, hi int64) (string, []any) {
		return fmt.Sprintf("SELECT r FROM (SELECT rowid AS r FROM %[1]s WHERE %[1]s MATCH ? AND rowid BETWEEN ? AND ? ORDER BY rowid LIMIT ?)", tiers[k].table),
			[]any{tiers[k].expr, lo, hi}
	}, limit, offset)
}

// readTiers reads n tiers in order, each only as far as the page needs,
// leaving out the documents of the tiers before it: a tier is read only
// when those before it are exhausted, so they are all known then. Within a
// tier, part gives the SQL that reads one type's range of rids (lo to hi)
// in rid order, its last argument the limit; the types are merged by the
// rid's order.
func readTiers(ctx context.Context, q db.Querier, types []docType, n int, part func(tier int, lo, hi int64) (string, []any), limit, offset int) ([]ranked, error) {
	need := offset + limit
	var out []ranked
	seen := map[int64]bool{}
	for k := range n {
		var (
			b    strings.Builder
			args []any
		)
		fmt.Fprintf(&b, "-- search.Search tier %d\nSELECT r FROM (", k+1)
		for i, ty := range types {
			if i > 0 {
				b.WriteString(" UNION ALL ")
			}
			lo, hi := typeRange(ty.code)
			sql, a := part(k, lo, hi)
			b.WriteString(sql)
			args = append(append(args, a...), need)
		}
		b.WriteString(") t ORDER BY r & " + strconv.FormatInt(orderMask, 10) + " LIMIT ?")
		args = append(args, need)
		rows, err := query(ctx, q, b.String(), args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() && len(out) < need {
			var r ranked
			if err := rows.Scan(&r.rid); err != nil {
				rows.Close()
				return nil, err
			}
			if !seen[r.rid] {
				seen[r.rid] = true
				out = append(out, r)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if len(out) >= need {
			break
		}
	}
	if offset >= len(out) {
		return nil, nil
	}
	return out[offset:min(len(out), need)], nil
}

// pgSearch is the SQL of a search on PostgreSQL: tsquery over
// search_docs.tsv, facets in search_facets.
type pgSearch struct {
	query   Query
	filters [][2]string
}

// where is the condition of a match, with its arguments: the words, the
// facet filters and the type (unless nil).
func (s pgSearch) where(only *docType) (string, []any) {
	var b strings.Builder
	args := []any{s.query.tsquery()}
	b.WriteString("d.tsv @@ CAST(? AS tsquery)")
	for _, f := range s.filters {
		b.WriteString(" AND EXISTS (SELECT 1 FROM search_facets f WHERE f.doc_type = d.doc_type AND f.doc_id = d.doc_id AND f.name = ? AND f.value = ?)")
		args = append(args, f[0], f[1])
	}
	if only != nil {
		b.WriteString(" AND d.doc_type = ?")
		args = append(args, only.name)
	}
	return b.String(), args
}

func (s pgSearch) counts(ctx context.Context, q db.Querier, types []docType, byType map[string]int) error {
	if len(types) == 0 {
		return nil
	}
	var b strings.Builder
	var args []any
	b.WriteString("-- search.Search counts\nSELECT ")
	for i, t := range types {
		if i > 0 {
			b.WriteString(", ")
		}
		where, a := s.where(&t)
		fmt.Fprintf(&b, "(SELECT count(*) FROM (SELECT 1 FROM search_docs d WHERE %s LIMIT ?) c%d)", where, i)
		args = append(append(args, a...), countLimit)
	}
	return scanCounts(ctx, q, b.String(), args, types, byType)
}

func (s pgSearch) scored(ctx context.Context, q db.Querier, only *docType, limit, offset int) ([]ranked, error) {
	var args []any
	phrase := "0"
	if s.query.hasPhrase() {
		phrase = "CASE WHEN d.tsv @@ CAST(? AS tsquery) THEN 1 ELSE 0 END"
		args = append(args, s.query.tsPhrase())
	}
	args = append(args, s.query.tsquery())
	where, a := s.where(only)
	args = append(append(args, a...), limit, offset)
	rows, err := query(ctx, q, "-- search.Search scored\nSELECT d.rid, "+phrase+" AS phrase, "+
		"ts_rank_cd('{0.1, 0.1, 0.1, 1.0}', d.tsv, CAST(? AS tsquery)) * "+fmt.Sprintf(ridBoost, "d.rid")+" AS score "+
		"FROM search_docs d WHERE "+where+" ORDER BY phrase DESC, score DESC, d.rid & "+strconv.FormatInt(orderMask, 10)+" LIMIT ? OFFSET ?", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ranked
	for rows.Next() {
		var (
			r      ranked
			phrase int
		)
		if err := rows.Scan(&r.rid, &phrase, &r.score); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// tiers reads the same tiers as on SQLite, the same way (see readTiers):
// a type's range of rids in rid order, which PostgreSQL can read with an
// index scan of search_docs_rid that stops at the page when a tier is
// dense. The title tiers check title_tsv, which is small: tsv would be
// decompressed for every row the scan passes.
func (s pgSearch) tiers(ctx context.Context, q db.Querier, types []docType, limit, offset int) ([]ranked, error) {
	type tier struct{ column, tsq string }
	var tiers []tier
	if s.query.hasPhrase() {
		tiers = append(tiers, tier{"title_tsv", s.query.tsPhrase()}, tier{"tsv", s.query.tsPhrase()})
	}
	tiers = append(tiers, tier{"title_tsv", s.query.tsquery()}, tier{"tsv", s.query.tsquery()})
	var facets strings.Builder
	var facetArgs []any
	for _, f := range s.filters {
		facets.WriteString(" AND EXISTS (SELECT 1 FROM search_facets f WHERE f.doc_type = d.doc_type AND f.doc_id = d.doc_id AND f.name = ? AND f.value = ?)")
		facetArgs = append(facetArgs, f[0], f[1])
	}
	return readTiers(ctx, q, types, len(tiers), func(k int, lo, hi int64) (string, []any) {
		return "(SELECT d.rid AS r FROM search_docs d WHERE d.rid BETWEEN ? AND ? AND d." + tiers[k].column + " @@ CAST(? AS tsquery)" +
				facets.String() + " ORDER BY d.rid LIMIT ?)",
			append([]any{lo, hi, tiers[k].tsq}, facetArgs...)
	}, limit, offset)
}
