-- Visa invitation letters, one per registration. status values are stored:
-- requested, approved, refused. details holds the passport details (JSON)
-- sealed with AES-256-GCM under the installation's secret (internal/crypt,
-- context "visa:<registration id>"): the database never holds them in
-- clear. details becomes NULL when they are purged (purged_at), a set
-- number of days after the event ends. code is the public verification
-- code, given at approval; revoked_at and revoked_by end a letter's
-- validity. reason is the secretariat's reason for a refusal.
CREATE TABLE event_visa_letters (
    registration_id BIGINT PRIMARY KEY REFERENCES event_registrations (id),
    event_id BIGINT NOT NULL REFERENCES events (id),
    status TEXT NOT NULL,
    details {{blob}},
    code TEXT UNIQUE,
    reason TEXT NOT NULL DEFAULT '',
    requested_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL,
    decided_at {{time}},
    decided_by TEXT NOT NULL DEFAULT '',
    revoked_at {{time}},
    revoked_by TEXT NOT NULL DEFAULT '',
    purged_at {{time}}
);
CREATE INDEX event_visa_letters_event ON event_visa_letters (event_id, status);

-- Badges. A badge's QR code carries the registration id and the badge's
-- generation, signed (HMAC-SHA256). Giving back a revoked badge raises the
-- generation, so that the badge that was revoked (lost, stolen) stays
-- refused and a new one is printed. badge_revoked_at and badge_revoked_by
-- say who last revoked the badge and when.
ALTER TABLE event_registrations ADD COLUMN badge_generation INTEGER NOT NULL DEFAULT 1;
ALTER TABLE event_registrations ADD COLUMN badge_revoked_at {{time}};
ALTER TABLE event_registrations ADD COLUMN badge_revoked_by TEXT NOT NULL DEFAULT '';
