-- The index in the shape that answers in a few milliseconds at 100,000
-- documents (see doc.go): a rowid that holds the type, so that counts per
-- type and the type filter are seeks into a range of rowids instead of a
-- join per match, and that orders documents for ranking large results
-- without scoring every match; and a "kind" column of facet tokens, so that
-- facet filters are FTS5 intersections.
--
--   rid = type code << 56 | boost code << 48 | title tokens << 40 | seq
--
-- type code: search_types.code, 1 to 127; boost code: 255 - round(boost *
-- 64), between 1 and 254 (a higher boost sorts first); title tokens: up to
-- 255 (a shorter title sorts first); seq: a number of the document's own.
--
-- The documents indexed so far keep their tokens: they are read back from
-- the old table through fts5vocab and written to the new one.

CREATE TABLE search_types (
    code INTEGER PRIMARY KEY,  -- 1 to 127, in the rid
    name TEXT NOT NULL UNIQUE
);
INSERT INTO search_types (name) SELECT DISTINCT doc_type FROM search_docs ORDER BY doc_type;

-- The last seq given (the old rids are the seqs of the documents there).
CREATE TABLE search_seq (
    n INTEGER NOT NULL
);
INSERT INTO search_seq (n) SELECT coalesce(max(rid), 0) FROM search_docs;

CREATE VIRTUAL TABLE temp.search_old_instances USING fts5vocab(main, 'search_fts', 'instance');
CREATE TEMP TABLE search_old_text AS
    SELECT doc AS rid, col, group_concat(term, ' ' ORDER BY "offset") AS tokens, count(*) AS n
    FROM temp.search_old_instances GROUP BY doc, col;
CREATE TEMP TABLE search_new_rid AS
    SELECT d.rid AS old,
        (ty.code << 56) | ((255 - max(1, min(254, CAST(round(d.boost * 64) AS INTEGER)))) << 48)
        | (min(255, coalesce(t.n, 0)) << 40) | d.rid AS new
    FROM search_docs d
    JOIN search_types ty ON ty.name = d.doc_type
    LEFT JOIN temp.search_old_text t ON t.rid = d.rid AND t.col = 'title';
DROP TABLE temp.search_old_instances;
DROP TABLE search_vocab;
DROP TABLE search_fts;

-- title and body hold the analyzer's tokens (see 001); kind holds, per
-- facet, "·f" + hex(name) + "x" + hex(value): one ascii token each, which
-- no word of a query can be (the analyzer splits on the middle dot).
CREATE VIRTUAL TABLE search_fts USING fts5(
    title, body, kind,
    content = '', contentless_delete = 1,
    tokenize = 'ascii'
);
-- The index's terms per column, for inspection and tests.
CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search_fts, 'col');

INSERT INTO search_fts (rowid, title, body, kind)
    SELECT n.new, coalesce(tt.tokens, ''), coalesce(tb.tokens, ''),
        coalesce((
            SELECT group_concat('·f' || lower(hex(f.name)) || 'x' || lower(hex(f.value)), ' ')
            FROM search_facets f WHERE f.doc_type = d.doc_type AND f.doc_id = d.doc_id), '')
    FROM search_docs d
    JOIN temp.search_new_rid n ON n.old = d.rid
    LEFT JOIN temp.search_old_text tt ON tt.rid = d.rid AND tt.col = 'title'
    LEFT JOIN temp.search_old_text tb ON tb.rid = d.rid AND tb.col = 'body';
-- The titles again, alone (with the facets), so that the title tiers of a
-- large result (see Search) read title doclists only.
CREATE VIRTUAL TABLE search_titles USING fts5(
    title, kind,
    content = '', contentless_delete = 1,
    tokenize = 'ascii'
);
INSERT INTO search_titles (rowid, title, kind)
    SELECT n.new, coalesce(tt.tokens, ''),
        coalesce((
            SELECT group_concat('·f' || lower(hex(f.name)) || 'x' || lower(hex(f.value)), ' ')
            FROM search_facets f WHERE f.doc_type = d.doc_type AND f.doc_id = d.doc_id), '')
    FROM search_docs d
    JOIN temp.search_new_rid n ON n.old = d.rid
    LEFT JOIN temp.search_old_text tt ON tt.rid = d.rid AND tt.col = 'title';
UPDATE search_docs SET rid = (SELECT new FROM temp.search_new_rid WHERE old = search_docs.rid);
DROP TABLE temp.search_old_text;
DROP TABLE temp.search_new_rid;

-- Facet filters are kind tokens now.
DROP TABLE search_facets;
