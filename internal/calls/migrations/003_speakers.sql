-- The speakers a session proposal names: a JSON list
-- [{"name","organization","country","group","gender"}], gender one of
-- woman, man, another, not_said (stored, do not rename).
ALTER TABLE call_submissions ADD COLUMN speakers TEXT NOT NULL DEFAULT '[]';
