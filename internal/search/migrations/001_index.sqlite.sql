-- The search index (SQLite). search_docs holds what a hit shows; the text
-- itself is indexed as the analyzer's tokens (see analyzer.go) in
-- search_fts, whose rowid is search_docs.rid.
CREATE TABLE search_docs (
    rid INTEGER PRIMARY KEY,
    doc_type TEXT NOT NULL,
    doc_id BIGINT NOT NULL,
    title_json TEXT NOT NULL,  -- {"en": "…", "zh-Hans": "…"}: as given, any script
    body_json TEXT NOT NULL,   -- the same, for the body text
    url TEXT NOT NULL,
    boost REAL NOT NULL,       -- static rank factor: 1 normal, below 1 lower
    facets_json TEXT NOT NULL, -- {"country": "KE", "year": "2024"}
    updated_at {{time}} NOT NULL,
    UNIQUE (doc_type, doc_id)
);

-- The tokens are already split, lower-cased and stemmed: FTS5's "ascii"
-- tokenizer splits them on spaces only (every non-ASCII character is a token
-- character, ASCII letters and digits too), so that a bigram such as 数字 or
-- a stem stays exactly one FTS token. Contentless: the text lives in
-- search_docs, and snippets are made in Go.
CREATE VIRTUAL TABLE search_fts USING fts5(
    title, body,
    content = '', contentless_delete = 1,
    tokenize = 'ascii'
);

-- The index's terms, for inspection and tests.
CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search_fts, 'row');

-- Facet values, one row per document and facet name, for filters.
CREATE TABLE search_facets (
    doc_type TEXT NOT NULL,
    doc_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (doc_type, doc_id, name)
);
CREATE INDEX search_facets_value ON search_facets (name, value);

-- Latin words of the indexed documents, for "did you mean" suggestions.
-- It only grows (see addWords in index.go).
CREATE TABLE search_words (
    word TEXT PRIMARY KEY
);
