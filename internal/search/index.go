package search

import (
	"context"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"

	"github.com/wuzhen/wuzhen/internal/db"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations create the index tables.
var Migrations = db.MigrationsIn("search", migrations, "migrations")

// Limits on what one document puts into the index. PostgreSQL keeps word
// positions only up to 16383 and a tsvector below 1 MiB; the same limits
// apply on SQLite, so that both databases find the same documents.
const (
	maxDocTokens = 16000     // title and body tokens together
	maxDocBytes  = 512 << 10 // bytes of token text
	maxFacets    = 32
)

// Doc is a document to index. Title and Body map a language tag (en,
// zh-Hans, zh-Hant) to the text in that language, in any script; every
// language is indexed. Boost is a static rank factor (1 for ordinary
// documents, 0.5 for a lapsed member, …); 0 means 1. Facets are the values
// a search can be filtered by ({"country": "KE", "year": "2024"}).
type Doc struct {
	Type   string // "member", "event", …; stored, do not rename
	ID     int64
	Title  map[string]string
	Body   map[string]string
	URL    string
	Boost  float64
	Facets map[string]string
	// Line is the result line under the title, per language: what a
	// reader needs to tell this hit from others of its type (an event's
	// kind, dates and place; a session's time, forum and speakers). It is
	// shown, not searched.
	Line map[string]string
}

// Put indexes d, replacing what was indexed under its type and ID, in the
// caller's transaction: the index changes exactly when the content does.
// Callers put only what every reader may see. It returns an error only when
// the database fails, or when d has no type.
func Put(ctx context.Context, tx *db.Tx, d Doc) error {
	typ := cleanText(d.Type)
	if typ == "" {
		return fmt.Errorf("search: put: document %d has no type", d.ID)
	}
	title, body := cleanMap(d.Title), cleanMap(d.Body)
	lineJSON, err := json.Marshal(cleanMap(d.Line))
	if err != nil {
		return fmt.Errorf("search: put: %w", err)
	}
	titleJSON, err := json.Marshal(title)
	if err != nil {
		return fmt.Errorf("search: put: %w", err)
	}
	bodyJSON, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("search: put: %w", err)
	}
	facets := map[string]string{}
	for _, k := range sortedKeys(d.Facets) {
		if k = cleanText(k); k != "" && len(facets) < maxFacets {
			facets[k] = cleanText(d.Facets[k])
		}
	}
	facetsJSON, err := json.Marshal(facets)
	if err != nil {
		return fmt.Errorf("search: put: %w", err)
	}
	boost := d.Boost
	if boost <= 0 || math.IsNaN(boost) || math.IsInf(boost, 0) {
		boost = 1
	}
	ix := analyzeDoc(title, body)

	if err := tx.Lock(ctx, lockKey(typ, d.ID)); err != nil {
		return fmt.Errorf("search: put: %w", err)
	}
	code, err := typeCode(ctx, tx, typ)
	if err != nil {
		return fmt.Errorf("search: put: %w", err)
	}
	var old int64
	err = tx.QueryRow(ctx, "SELECT rid FROM search_docs WHERE doc_type = ? AND doc_id = ?", typ, d.ID).Scan(&old)
	existed := err == nil
	if err != nil && !db.IsNotFound(err) {
		return fmt.Errorf("search: put: %w", err)
	}
	seq := old & seqMask // a document keeps its seq
	if !existed {
		if seq, err = nextSeq(ctx, tx); err != nil {
			return fmt.Errorf("search: put: %w", err)
		}
	}
	rid := rankKey(code, boost, len(ix.title), seq)
	now := tx.Now()
	switch tx.Dialect() {
	case db.Postgres:
		_, err = tx.Exec(ctx, `-- search.Put
			INSERT INTO search_docs (rid, doc_type, doc_id, title_json, body_json, url, boost, facets_json, tsv, title_tsv, updated_at, line_json)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS tsvector), CAST(? AS tsvector), ?, ?)
			ON CONFLICT (doc_type, doc_id) DO UPDATE SET
				rid = excluded.rid, title_json = excluded.title_json, body_json = excluded.body_json, url = excluded.url,
				boost = excluded.boost, facets_json = excluded.facets_json, tsv = excluded.tsv,
				title_tsv = excluded.title_tsv, updated_at = excluded.updated_at, line_json = excluded.line_json`,
			rid, typ, d.ID, string(titleJSON), string(bodyJSON), cleanText(d.URL), boost, string(facetsJSON),
			ix.tsvector(), ix.titleTSVector(), now, string(lineJSON))
		if err != nil {
			return fmt.Errorf("search: put: %w", err)
		}
		if existed {
			if _, err := tx.Exec(ctx, "DELETE FROM search_facets WHERE doc_type = ? AND doc_id = ?", typ, d.ID); err != nil {
				return fmt.Errorf("search: put: %w", err)
			}
		}
		if len(facets) > 0 {
			var q strings.Builder
			q.WriteString("INSERT INTO search_facets (doc_type, doc_id, name, value) VALUES ")
			args := make([]any, 0, 4*len(facets))
			for i, k := range sortedKeys(facets) {
				if i > 0 {
					q.WriteString(", ")
				}
				q.WriteString("(?, ?, ?, ?)")
				args = append(args, typ, d.ID, k, facets[k])
			}
			if _, err := tx.Exec(ctx, q.String(), args...); err != nil {
				return fmt.Errorf("search: put: %w", err)
			}
		}
	default:
		if existed {
			for _, table := range []string{"search_fts", "search_titles"} {
				if _, err := tx.Exec(ctx, "DELETE FROM "+table+" WHERE rowid = ?", old); err != nil {
					return fmt.Errorf("search: put: %w", err)
				}
			}
			_, err = tx.Exec(ctx, `-- search.Put
				UPDATE search_docs SET rid = ?, title_json = ?, body_json = ?, url = ?, boost = ?, facets_json = ?, updated_at = ?,
					line_json = ?
				WHERE rid = ?`,
				rid, string(titleJSON), string(bodyJSON), cleanText(d.URL), boost, string(facetsJSON), now, string(lineJSON), old)
		} else {
			_, err = tx.Exec(ctx, `-- search.Put
				INSERT INTO search_docs (rid, doc_type, doc_id, title_json, body_json, url, boost, facets_json, updated_at, line_json)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				rid, typ, d.ID, string(titleJSON), string(bodyJSON), cleanText(d.URL), boost, string(facetsJSON), now, string(lineJSON))
		}
		if err != nil {
			return fmt.Errorf("search: put: %w", err)
		}
		titleToks, kind := strings.Join(ix.title, " "), kindTokens(facets)
		if _, err := tx.Exec(ctx, "INSERT INTO search_fts (rowid, title, body, kind) VALUES (?, ?, ?, ?)",
			rid, titleToks, strings.Join(ix.body, " "), kind); err != nil {
			return fmt.Errorf("search: put: %w", err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO search_titles (rowid, title, kind) VALUES (?, ?, ?)", rid, titleToks, kind); err != nil {
			return fmt.Errorf("search: put: %w", err)
		}
	}
	if err := addWords(ctx, tx, ix.words); err != nil {
		return fmt.Errorf("search: put: %w", err)
	}
	return nil
}

// The rank key, rid: search_docs.rid on both databases and the rowid of
// search_fts on SQLite.
//
//	rid = type code << 56 | boost code << 48 | title tokens << 40 | seq
//
// The type first, so that the documents of a type are a range of rowids:
// FTS5 counts a type's matches, or filters by type, by seeking into that
// range. Within a type (and across types, by the low 56 bits), a higher
// boost first, then a shorter title, then the order of indexing: the order
// of the documents that a search finds too many of to score (see Search),
// and the last tie-break otherwise.
const (
	seqMask     = 1<<40 - 1
	orderMask   = 1<<56 - 1 // the rid without the type: the order across types
	maxTypeCode = 127
	// ridBoost is the boost a rid holds, in SQL on both databases.
	ridBoost = "((255 - ((%s >> 48) & 255)) / 64.0)"
)

// rankKey returns the rid of a document: the code of its type, its boost to
// 1/64 (between 1/64 and 254/64), the number of its title tokens (up to
// 255) and its seq.
func rankKey(typeCode int64, boost float64, titleTokens int, seq int64) int64 {
	b := max(1, min(254, int64(math.Round(boost*64))))
	return typeCode<<56 | (255-b)<<48 | int64(min(titleTokens, 255))<<40 | seq&seqMask
}

// typeRange returns the first and last rid of a type.
func typeRange(code int64) (int64, int64) { return code << 56, code<<56 | orderMask }

// typeCode returns the code of a document type, giving it one the first
// time.
func typeCode(ctx context.Context, tx *db.Tx, typ string) (int64, error) {
	var code int64
	err := tx.QueryRow(ctx, "SELECT code FROM search_types WHERE name = ?", typ).Scan(&code)
	if db.IsNotFound(err) {
		if _, err := tx.Exec(ctx, "INSERT INTO search_types (name) VALUES (?) ON CONFLICT (name) DO NOTHING", typ); err != nil {
			return 0, err
		}
		err = tx.QueryRow(ctx, "SELECT code FROM search_types WHERE name = ?", typ).Scan(&code)
	}
	if err != nil {
		return 0, err
	}
	if code < 1 || code > maxTypeCode {
		return 0, fmt.Errorf("type %q has code %d: the index holds at most %d types", typ, code, maxTypeCode)
	}
	return code, nil
}

// nextSeq returns a new seq.
func nextSeq(ctx context.Context, tx *db.Tx) (int64, error) {
	q := "UPDATE search_seq SET n = n + 1 RETURNING n"
	if tx.Dialect() == db.Postgres {
		q = "SELECT nextval('search_seq')"
	}
	var n int64
	err := tx.QueryRow(ctx, q).Scan(&n)
	return n & seqMask, err
}

// kindTokens is the kind column of a document on SQLite: per facet, a
// middle dot, "f", the hex of its name, "x" and the hex of its value. Each
// is one token of the ascii tokenizer (which keeps every non-ASCII
// character in tokens) whatever the facet, and none can equal a word of a
// query: the analyzer splits on the middle dot, so that expressions of words
// need no column filter (a filter makes FTS5 read every candidate's
// positions).
func kindTokens(facets map[string]string) string {
	toks := make([]string, 0, len(facets))
	for _, k := range sortedKeys(facets) {
		toks = append(toks, facetToken(k, facets[k]))
	}
	return strings.Join(toks, " ")
}

func facetToken(name, value string) string {
	return "\u00b7f" + hex.EncodeToString([]byte(name)) + "x" + hex.EncodeToString([]byte(value))
}

// Delete removes a document from the index, in the caller's transaction.
// Deleting a document that is not indexed is not an error.
func Delete(ctx context.Context, tx *db.Tx, typ string, id int64) error {
	typ = cleanText(typ)
	if err := tx.Lock(ctx, lockKey(typ, id)); err != nil {
		return fmt.Errorf("search: delete: %w", err)
	}
	stmts := []string{
		"DELETE FROM search_facets WHERE doc_type = ? AND doc_id = ?",
		"DELETE FROM search_docs WHERE doc_type = ? AND doc_id = ?",
	}
	if tx.Dialect() != db.Postgres {
		stmts = []string{
			"DELETE FROM search_fts WHERE rowid IN (SELECT rid FROM search_docs WHERE doc_type = ? AND doc_id = ?)",
			"DELETE FROM search_titles WHERE rowid IN (SELECT rid FROM search_docs WHERE doc_type = ? AND doc_id = ?)",
			"DELETE FROM search_docs WHERE doc_type = ? AND doc_id = ?",
		}
	}
	for _, q := range stmts {
		if _, err := tx.Exec(ctx, q, typ, id); err != nil {
			return fmt.Errorf("search: delete: %w", err)
		}
	}
	return nil
}

// DeleteType removes every document of a type, in the caller's
// transaction: reindexing a type is DeleteType followed by a Put of each of
// its documents, in one transaction.
func DeleteType(ctx context.Context, tx *db.Tx, typ string) error {
	typ = cleanText(typ)
	stmts := []string{
		"DELETE FROM search_facets WHERE doc_type = ?",
		"DELETE FROM search_docs WHERE doc_type = ?",
	}
	if tx.Dialect() != db.Postgres {
		stmts = []string{
			"DELETE FROM search_fts WHERE rowid IN (SELECT rid FROM search_docs WHERE doc_type = ?)",
			"DELETE FROM search_titles WHERE rowid IN (SELECT rid FROM search_docs WHERE doc_type = ?)",
			"DELETE FROM search_docs WHERE doc_type = ?",
		}
	}
	for _, s := range stmts {
		if _, err := tx.Exec(ctx, s, typ); err != nil {
			return fmt.Errorf("search: delete type: %w", err)
		}
	}
	return nil
}

// lockKey serialises index writes of one document across PostgreSQL
// transactions: two concurrent Puts of a document would otherwise both
// insert its facets.
func lockKey(typ string, id int64) string {
	return "search:" + typ + ":" + strconv.FormatInt(id, 10)
}

// addWords adds words to the spelling vocabulary. The table only grows:
// a word already there is left alone, so that documents sharing words never
// wait for each other's transactions (counts per word would put every
// common word's row under a lock until commit, and a reindex could deadlock
// with an edit); Suggestions checks that a word still finds documents.
// Rows are inserted in word order.
func addWords(ctx context.Context, tx *db.Tx, words []string) error {
	const chunk = 100
	for len(words) > 0 {
		n := min(len(words), chunk)
		var q strings.Builder
		q.WriteString("INSERT INTO search_words (word) VALUES ")
		args := make([]any, 0, n)
		for i, w := range words[:n] {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?)")
			args = append(args, w)
		}
		q.WriteString(" ON CONFLICT (word) DO NOTHING")
		if _, err := tx.Exec(ctx, q.String(), args...); err != nil {
			return err
		}
		words = words[n:]
	}
	return nil
}

// docIndex is what a document puts into the index.
type docIndex struct {
	title, body []string // tokens
	words       []string // spelling vocabulary, sorted, distinct
}

// analyzeDoc tokenises every language of title and body, skipping a
// language whose tokens repeat another's (the same text given in both
// Chinese scripts), within the per-document limits.
func analyzeDoc(title, body map[string]string) docIndex {
	var ix docIndex
	words := map[string]bool{}
	count, size := 0, 0
	full := func() bool { return count >= maxDocTokens || size >= maxDocBytes }
	collect := func(m map[string]string) []string {
		var out []string
		seen := map[string]bool{}
		for _, lang := range sortedKeys(m) {
			if full() {
				break
			}
			var toks []string
			var text strings.Builder
			ws := map[string]bool{}
			analyze(m[lang], func(t token) bool {
				toks = append(toks, t.text)
				text.WriteString(t.text)
				text.WriteByte(' ')
				if t.word != "" {
					ws[t.word] = true
				}
				return count+len(toks) < maxDocTokens && size+text.Len() < maxDocBytes
			})
			key := text.String()
			if key == "" || seen[key] {
				continue
			}
			seen[key] = true
			count += len(toks)
			size += len(key)
			out = append(out, toks...)
			for w := range ws {
				if vocabularyWord(w) {
					words[w] = true
				}
			}
		}
		return out
	}
	ix.title = collect(title)
	ix.body = collect(body)
	for w := range words {
		ix.words = append(ix.words, w)
	}
	sort.Strings(ix.words)
	return ix
}

// vocabularyWord reports whether a Latin word is worth offering as a
// spelling suggestion: three to forty letters, not a stop word.
func vocabularyWord(w string) bool {
	n := utf8.RuneCountInString(w)
	return n >= 3 && n <= 40 && !english.IsStopWord(w)
}

// tsvector returns the document's tsvector in PostgreSQL's input syntax:
// each token as written, with its positions, title tokens weighted A and
// body tokens B. Body positions start one after a gap, so that no phrase
// spans title and body (as on SQLite, where they are two columns).
func (ix docIndex) tsvector() string { return ix.tsvectorOf(true) }

// titleTSVector is the tsvector of the title alone: title_tsv, which the
// title tiers of a large result read (small, so that checking it row by row
// costs little, where tsv must be decompressed).
func (ix docIndex) titleTSVector() string { return ix.tsvectorOf(false) }

func (ix docIndex) tsvectorOf(body bool) string {
	type entry struct {
		lexeme string
		pos    []string
	}
	byLexeme := map[string]*entry{}
	var order []*entry
	add := func(tokens []string, first int, weight string) {
		for i, t := range tokens {
			e := byLexeme[t]
			if e == nil {
				e = &entry{lexeme: t}
				byLexeme[t] = e
				order = append(order, e)
			}
			pos := min(first+i, 16383)
			e.pos = append(e.pos, strconv.Itoa(pos)+weight)
		}
	}
	add(ix.title, 1, "A")
	if body {
		add(ix.body, len(ix.title)+2, "B")
	}
	var b strings.Builder
	for i, e := range order {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(tsLexeme(e.lexeme))
		b.WriteByte(':')
		b.WriteString(strings.Join(e.pos, ","))
	}
	return b.String()
}

// cleanText makes s storable in any database: valid UTF-8 without NUL.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.ReplaceAll(s, "\x00", "")
}

// cleanMap returns m with clean keys and values, without empty entries.
func cleanMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		if k, v = cleanText(k), cleanText(v); v != "" {
			out[k] = v
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
