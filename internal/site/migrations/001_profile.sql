-- The organisation's public profile, one row per language (en, zh-Hans,
-- zh-Hant); content fields, not interface strings.
CREATE TABLE site_profile (
    lang TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    tagline TEXT NOT NULL DEFAULT '',
    about TEXT NOT NULL DEFAULT '',
    demo BOOLEAN NOT NULL DEFAULT false,
    updated_at {{time}} NOT NULL
);
