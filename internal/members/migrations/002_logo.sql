-- Logos of applications and members: the upload re-encoded as a PNG of at
-- most 512×512 pixels (metadata stripped), its SHA-256 in hex (the ETag),
-- and its size. An application's logo is copied to the member it becomes.
CREATE TABLE application_logos (
    application_id BIGINT PRIMARY KEY REFERENCES membership_applications (id) ON DELETE CASCADE,
    png {{blob}} NOT NULL,
    hash TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    updated_at {{time}} NOT NULL
);

CREATE TABLE member_logos (
    member_id BIGINT PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    png {{blob}} NOT NULL,
    hash TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    updated_at {{time}} NOT NULL
);
