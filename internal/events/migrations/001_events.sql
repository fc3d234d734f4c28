-- Events: summit editions and the forums, meetings, exchanges and dialogues
-- in and between them. kind values are stored: summit, annual_meeting,
-- regional_forum, sector_forum, youth_exchange, dialogue. status values are
-- stored: draft, published, cancelled. Times are instants; timezone is the
-- IANA zone the event is shown in. topics and languages are comma-separated
-- codes.
CREATE TABLE events (
    id {{id}},
    slug TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    parent_id BIGINT REFERENCES events (id),
    title_en TEXT NOT NULL DEFAULT '',
    title_zh_hans TEXT NOT NULL DEFAULT '',
    title_zh_hant TEXT NOT NULL DEFAULT '',
    theme_en TEXT NOT NULL DEFAULT '',
    theme_zh_hans TEXT NOT NULL DEFAULT '',
    theme_zh_hant TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    description_zh_hans TEXT NOT NULL DEFAULT '',
    description_zh_hant TEXT NOT NULL DEFAULT '',
    starts_at {{time}} NOT NULL,
    ends_at {{time}} NOT NULL,
    timezone TEXT NOT NULL,
    venue TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    online_url TEXT NOT NULL DEFAULT '',
    topics TEXT NOT NULL DEFAULT '',
    languages TEXT NOT NULL DEFAULT '',
    interpretation TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'draft',
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL,
    published_at {{time}}
);
CREATE INDEX events_parent ON events (parent_id);
CREATE INDEX events_listing ON events (status, starts_at);

-- Registration categories of an event. approval values are stored: auto,
-- manual. confirmed counts the seats taken; accepted counts every
-- registration the category ever accepted and numbers them, so that the
-- waitlist keeps the order of acceptance. Both change only with the row
-- locked (SELECT … FOR UPDATE on PostgreSQL, the single writer on SQLite).
-- questions is a JSON array of the category's own questions.
CREATE TABLE event_categories (
    id {{id}},
    event_id BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    name_zh_hans TEXT NOT NULL DEFAULT '',
    name_zh_hant TEXT NOT NULL DEFAULT '',
    capacity INTEGER NOT NULL,
    approval TEXT NOT NULL DEFAULT 'auto',
    opens_at {{time}},
    closes_at {{time}},
    questions TEXT NOT NULL DEFAULT '[]',
    consent_en TEXT NOT NULL DEFAULT '',
    consent_zh_hans TEXT NOT NULL DEFAULT '',
    consent_zh_hant TEXT NOT NULL DEFAULT '',
    colour TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    confirmed INTEGER NOT NULL DEFAULT 0,
    accepted BIGINT NOT NULL DEFAULT 0,
    UNIQUE (event_id, code)
);

-- Registrations. status values are stored: pending, confirmed, waitlisted,
-- cancelled, rejected. seq is the acceptance number within the category
-- (the waitlist's order). A person holds at most one live registration per
-- event. user_id is NULL for a delegate registered by a member's
-- representative without an account.
CREATE TABLE event_registrations (
    id {{id}},
    event_id BIGINT NOT NULL REFERENCES events (id),
    category_id BIGINT NOT NULL REFERENCES event_categories (id),
    user_id BIGINT,
    registered_by BIGINT NOT NULL,
    status TEXT NOT NULL,
    seq BIGINT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '',
    name_latin TEXT NOT NULL DEFAULT '',
    organization TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    continent TEXT NOT NULL DEFAULT '',
    stakeholder_group TEXT NOT NULL DEFAULT '',
    answers TEXT NOT NULL DEFAULT '{}',
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL,
    checked_in_at {{time}},
    checked_in_by TEXT NOT NULL DEFAULT '',
    badge_revoked BOOLEAN NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX event_registrations_once ON event_registrations (event_id, user_id)
    WHERE status IN ('pending', 'confirmed', 'waitlisted');
CREATE INDEX event_registrations_queue ON event_registrations (category_id, status, seq);
CREATE INDEX event_registrations_event ON event_registrations (event_id, status);
CREATE INDEX event_registrations_user ON event_registrations (user_id);
