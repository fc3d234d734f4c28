-- The result line of each document, per language (see Doc.Line): shown
-- under the title, not searched. Documents indexed before it have none
-- until they change or `wuzhen reindex` runs.
ALTER TABLE search_docs ADD COLUMN line_json TEXT NOT NULL DEFAULT '{}';
