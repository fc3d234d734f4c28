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
// search_fts is a contentless FTS5 table (title, body and kind columns,
// rowid = search_docs.rid) with the "ascii" tokenizer. That tokenizer splits
// only on ASCII characters that are not letters or digits, and treats every
// non-ASCII character as part of a token, so the analyzer's space-separated
// tokens reach the index unchanged: 数字 stays one term (unicode61 would
// also keep it, but would fold diacritics and depends on its own, older
// Unicode tables; trigram cannot match two-character words). The MATCH
// expression is built only from tokens, each double-quoted: parts joined
// by AND, a Chinese run as a phrase ("数字 字鸿 鸿沟"), a lone Han character
// as a prefix ("治"*). The kind column holds one token per facet ("·f" +
// hex(name) + "x" + hex(value)), so that a facet filter is one more term of
// the MATCH; no word of a query can equal one (the analyzer splits on the
// middle dot), so expressions of words need no column filter, which would
// make FTS5 read every candidate's positions.
// search_titles holds the title tokens (and kind) again, alone, for the
// title tiers of large results (see below). Ranking is
// bm25(search_fts, 10.0, 1.0, 0.0) times the boost.
//
// The rowid is the rank key (see rankKey): type code << 56 | boost code <<
// 48 | title tokens << 40 | seq. The documents of a type are a range of
// rowids, so that a type's count or the type filter is a seek into that
// range; within it, rowid order is a higher boost, then a shorter title.
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
// Counts: each type's matches are counted up to CountLimit (1,000), on
// SQLite in its rowid range, on PostgreSQL with doc_type; the total is
// their sum, up to CountLimit. Counting every match of a common word would
// cost time in proportion to their number (a join, or a heap fetch, per
// match).
//
// Ranking, below CountLimit: documents where the whole query occurs as one
// phrase come first (a second MATCH, or @@ with the phrase tsquery), then by
// score, then by rank key. At CountLimit or more, BM25 would read every
// match, and its IDF every document holding each word, so results are
// ranked in tiers read in order, each only as far as the page needs: the
// whole query as a phrase in the title, as a phrase anywhere, every word in
// the title, the rest; within a tier by rank key (boost, then shorter
// title, then order of indexing). On SQLite the title tiers read
// search_titles, so that a tier with few documents among many matches costs
// the title doclists, not every match. PostgreSQL sorts every match by the
// same tiers and key: the order is the same on both.
//
// Facets live in the kind column on SQLite and in search_facets
// (doc_type, doc_id, name, value) on PostgreSQL, filtered with EXISTS.
// Snippets are made in Go, for the page's hits only, by re-analysing the
// stored text with offsets, in the reader's language and script
// (zh.ForLang); texts without the query's script, and Han runs that cannot
// become any character of the query, are not analysed or converted. Search
// statements are prepared once per database (stmts.go). The spelling
// vocabulary is the table
// search_words (Latin words, unstemmed, so that a suggestion is a real word),
// filled by Put and never shrunk: a prefix is a primary-key range, so
// Vocabulary costs the same at 100,000 documents as at 100, where FTS5's
// fts5vocab (stems only) and PostgreSQL's ts_stat (reads every tsvector) do
// not, and a word already there is not written, so concurrent writers never
// wait on a common word's row. Suggestions counts documents (through the
// index) for the few near candidates only, preferring the most found and
// dropping words no document holds any more.
//
// Tidy merges the FTS5 b-trees into one, incrementally (the server's
// maintenance runs it hourly): a query opens every b-tree for each word.
//
// Per document, at most 16,000 tokens and 512 KiB of token text are
// indexed (PostgreSQL keeps positions up to 16,383 and tsvectors below 1
// MiB), on both databases alike.
package search
