-- The generation of public content: bumped in the transaction of every
-- change that a public page shows, so that every instance's page cache
-- drops what it rendered before.
CREATE TABLE cache_generation (
    id INTEGER PRIMARY KEY,
    n BIGINT NOT NULL
);
INSERT INTO cache_generation (id, n) VALUES (1, 0);
