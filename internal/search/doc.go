// Package search is the platform's full-text search: one analyzer for
// English and both Chinese scripts (analyzer.go), an index fed in the
// transaction of the content it describes (Put, Delete, DeleteType),
// queries with ranking, facets and highlighted snippets (Search), and
// suggestions when nothing is found (Suggest, Near, Suggestions). It is a
// platform package: capabilities call it from their store methods, inside
// the transaction that changes the content, and only for what every reader
// may see; it imports no capability.
//
// # Analyzer
//
// Neither database's tokenizer can find Traditional text from a Simplified
// query, two-character Chinese words, or English words by stem, so
// documents and queries both go through Tokens: NFKC, lower case, OpenCC
// t2s (never the vocabulary-changing s2twp/tw2sp), overlapping bigrams for
// each run of Han characters (the character itself for a run of one),
// Porter2 English stems for words in Latin letters, digits as tokens, words
// of other scripts as written. Tokens hold only letters, marks, digits and
// Han characters. The databases then only match tokens.
//
// # SQLite
//
// search_fts is a contentless FTS5 table (title and body columns, rowid =
// search_docs.rid) with the "ascii" tokenizer. That tokenizer splits only on
// ASCII characters that are not letters or digits, and treats every
// non-ASCII character as part of a token, so the analyzer's space-separated
// tokens reach the index unchanged: 数字 stays one term (unicode61 would
// also keep it, but would fold diacritics and depends on its own, older
// Unicode tables; trigram cannot match two-character words). The MATCH
// expression is built only from tokens, each double-quoted: parts joined
// by AND, a Chinese run as a phrase ("数字 字鸿 鸿沟"), a lone Han character
// as a prefix ("治"*). Ranking is bm25(search_fts, 10.0, 1.0) times the
// boost.
//
// # PostgreSQL
//
// search_docs.tsv is built by Put as tsvector text — each token quoted, with
// its positions, title tokens weighted A and body tokens B — and cast with
// CAST(? AS tsvector); the query is tsquery text built the same way
// ('数字' <-> '字鸿' <-> '鸿沟') & 'govern', cast with CAST(? AS tsquery).
// No text search parser sees the text: the default parser behind
// to_tsvector('simple', …) and phraseto_tsquery classifies characters with
// the database's ctype (C and C.UTF-8 differ on non-ASCII letters and
// digits), while literals keep each token exactly one lexeme on any
// database, and cannot be malformed by any input (tokens hold no quote). The tsv
// column has a GIN index. Ranking is ts_rank_cd with weights {0.1, 0.1, 0.1,
// 1.0} (a title match counts ten times a body match, as on SQLite) times the
// boost.
//
// # Both
//
// Documents where the whole query occurs as one phrase come first (a second
// MATCH, or @@ with the phrase tsquery, in the ORDER BY), then by score.
// Facets live in search_facets (doc_type, doc_id, name, value), filtered
// with EXISTS, the same SQL on both. Counts per type come from one GROUP BY
// with the query and facet filters but not the type filter. Snippets are
// made in Go by re-analysing the stored text with offsets, in the reader's
// language and script (zh.ForLang). The spelling vocabulary is the table
// search_words (Latin words, unstemmed, so that a suggestion is a real word),
// filled by Put and never shrunk: a prefix is a primary-key range, so
// Vocabulary costs the same at 100,000 documents as at 100, where FTS5's
// fts5vocab (stems only) and PostgreSQL's ts_stat (reads every tsvector) do
// not, and a word already there is not written, so concurrent writers never
// wait on a common word's row. Suggestions counts documents (through the
// index) for the few near candidates only, preferring the most found and
// dropping words no document holds any more.
//
// Per document, at most 16,000 tokens and 512 KiB of token text are
// indexed (PostgreSQL keeps positions up to 16,383 and tsvectors below 1
// MiB), on both databases alike.
package search
