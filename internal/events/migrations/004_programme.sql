-- The programme of an event: its sessions, and the people who speak at or
-- moderate them.

-- People on programmes: speakers and moderators, shared by every event.
-- name is written in the person's own script, name_latin in Latin letters
-- (empty when name already is). stakeholder_group holds members.Group
-- codes. A person is public while one of their sessions belongs to an event
-- that is not a draft.
CREATE TABLE programme_people (
    id {{id}},
    name TEXT NOT NULL,
    name_latin TEXT NOT NULL DEFAULT '',
    organization_en TEXT NOT NULL DEFAULT '',
    organization_zh_hans TEXT NOT NULL DEFAULT '',
    organization_zh_hant TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    stakeholder_group TEXT NOT NULL DEFAULT '',
    bio_en TEXT NOT NULL DEFAULT '',
    bio_zh_hans TEXT NOT NULL DEFAULT '',
    bio_zh_hant TEXT NOT NULL DEFAULT '',
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);

-- A person's photo: a JPEG re-encoded from the upload, within 480 × 480.
CREATE TABLE programme_photos (
    person_id BIGINT PRIMARY KEY REFERENCES programme_people (id) ON DELETE CASCADE,
    jpeg {{blob}} NOT NULL,
    hash TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    updated_at {{time}} NOT NULL
);

-- Sessions of an event. Times are instants, shown in the event's zone.
-- format values are stored: ceremony, keynote, plenary, panel, roundtable,
-- workshop, fireside, launch, networking, break. language is the BCP 47
-- tag of the language the session is held in; interpretation lists, comma-
-- separated, the languages it is interpreted into.
CREATE TABLE programme_sessions (
    id {{id}},
    event_id BIGINT NOT NULL REFERENCES events (id),
    starts_at {{time}} NOT NULL,
    ends_at {{time}} NOT NULL,
    room TEXT NOT NULL DEFAULT '',
    format TEXT NOT NULL,
    language TEXT NOT NULL DEFAULT '',
    interpretation TEXT NOT NULL DEFAULT '',
    title_en TEXT NOT NULL DEFAULT '',
    title_zh_hans TEXT NOT NULL DEFAULT '',
    title_zh_hant TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    description_zh_hans TEXT NOT NULL DEFAULT '',
    description_zh_hant TEXT NOT NULL DEFAULT '',
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);
CREATE INDEX programme_sessions_event ON programme_sessions (event_id, starts_at);

-- Who appears in a session and as what. role values are stored: speaker,
-- moderator. position orders the people of a session.
CREATE TABLE programme_roles (
    session_id BIGINT NOT NULL REFERENCES programme_sessions (id) ON DELETE CASCADE,
    person_id BIGINT NOT NULL REFERENCES programme_people (id),
    role TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (session_id, person_id)
);
CREATE INDEX programme_roles_person ON programme_roles (person_id);

-- Personal agendas: the sessions an account has chosen.
CREATE TABLE programme_agenda (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    session_id BIGINT NOT NULL REFERENCES programme_sessions (id) ON DELETE CASCADE,
    added_at {{time}} NOT NULL,
    PRIMARY KEY (user_id, session_id)
);
CREATE INDEX programme_agenda_session ON programme_agenda (session_id);

-- The secret address of an account's agenda feed, for calendar apps that
-- carry no cookie: the SHA-256 of a random token (the token itself is
-- shown once). One per account; replacing it ends the old address.
CREATE TABLE programme_feeds (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at {{time}} NOT NULL
);
