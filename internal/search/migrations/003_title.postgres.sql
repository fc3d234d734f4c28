-- The title's tokens alone, for the title tiers of a large result (see
-- Search): checking tsv row by row decompresses the whole document, the
-- title is small. Weight A, positions as in tsv.
ALTER TABLE search_docs ADD COLUMN title_tsv TSVECTOR;
UPDATE search_docs SET title_tsv = ts_filter(tsv, '{a}');
ALTER TABLE search_docs ALTER COLUMN title_tsv SET NOT NULL;
-- A title tier with few documents (a name that is mostly in bodies) is
-- then a bitmap of this index, not a scan of the type's rows.
CREATE INDEX search_docs_title_tsv ON search_docs USING GIN (title_tsv);
