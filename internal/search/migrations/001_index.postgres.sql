-- The search index (PostgreSQL). tsv holds the analyzer's tokens (see
-- analyzer.go) as written, title tokens with weight A and body tokens with
-- weight B; the Go code builds it as tsvector text, without a text search
-- parser, so that a bigram or a stem is exactly one lexeme.
CREATE TABLE search_docs (
    doc_type TEXT NOT NULL,
    doc_id BIGINT NOT NULL,
    title_json TEXT NOT NULL,  -- {"en": "…", "zh-Hans": "…"}: as given, any script
    body_json TEXT NOT NULL,   -- the same, for the body text
    url TEXT NOT NULL,
    boost DOUBLE PRECISION NOT NULL, -- static rank factor: 1 normal, below 1 lower
    facets_json TEXT NOT NULL, -- {"country": "KE", "year": "2024"}
    tsv TSVECTOR NOT NULL,
    updated_at {{time}} NOT NULL,
    PRIMARY KEY (doc_type, doc_id)
);
CREATE INDEX search_docs_tsv ON search_docs USING GIN (tsv);

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
-- It only grows (see addWords in index.go): byte order, so that a
-- prefix is a range of the primary key whatever the database's collation.
CREATE TABLE search_words (
    word TEXT COLLATE "C" PRIMARY KEY
);
