-- The organisation's settings: one row (id 1), written by first-run setup
-- and the settings page. Texts in each language stay in site_profile.
CREATE TABLE site_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    short_name TEXT NOT NULL DEFAULT '',
    default_lang TEXT NOT NULL DEFAULT 'en',
    time_zone TEXT NOT NULL DEFAULT 'UTC',
    contact_email TEXT NOT NULL DEFAULT '',
    postal_address TEXT NOT NULL DEFAULT '',
    site_url TEXT NOT NULL DEFAULT '',
    social_links TEXT NOT NULL DEFAULT '[]',
    mail_from_name TEXT NOT NULL DEFAULT '',
    mail_from_address TEXT NOT NULL DEFAULT '',
    signatory_name TEXT NOT NULL DEFAULT '',
    signatory_title TEXT NOT NULL DEFAULT '',
    country_names TEXT NOT NULL DEFAULT '{}',
    developing TEXT NOT NULL DEFAULT '',
    logo {{blob}},
    logo_hash TEXT NOT NULL DEFAULT '',
    setup_at {{time}},
    updated_at {{time}} NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
ALTER TABLE site_profile ADD COLUMN charter TEXT NOT NULL DEFAULT '';
ALTER TABLE site_profile ADD COLUMN privacy TEXT NOT NULL DEFAULT '';
