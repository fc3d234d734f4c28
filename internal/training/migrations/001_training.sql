-- Programmes. kind values are stored: fellowship, skills, literacy,
-- leadership; format: online, on_site, hybrid; status: draft, published;
-- do not rename. starts_on and ends_on are dates (YYYY-MM-DD). languages,
-- seats_by ({"002": 10, "KE": 3}), eligibility, questions and criteria
-- are JSON.
CREATE TABLE training_programmes (
    id {{id}},
    slug TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    format TEXT NOT NULL,
    title_en TEXT NOT NULL DEFAULT '',
    title_zh_hans TEXT NOT NULL DEFAULT '',
    title_zh_hant TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    description_zh_hans TEXT NOT NULL DEFAULT '',
    description_zh_hant TEXT NOT NULL DEFAULT '',
    languages TEXT NOT NULL DEFAULT '[]',
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    hours INTEGER NOT NULL DEFAULT 0,
    seats INTEGER NOT NULL,
    seats_by TEXT NOT NULL DEFAULT '{}',
    eligibility TEXT NOT NULL DEFAULT '{}',
    questions TEXT NOT NULL DEFAULT '[]',
    criteria TEXT NOT NULL DEFAULT '[]',
    completion INTEGER NOT NULL DEFAULT 75,
    status TEXT NOT NULL,
    published_at {{time}},
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);

-- Applications. status values are stored: submitted, offered, accepted,
-- declined, expired, waitlisted; do not rename. region is the country's
-- M49 region when the application was made (seats per region count it).
-- name is the name in Latin letters (the account's unless given),
-- name_native in the applicant's own script (optional), for the
-- certificate. waitlist orders the waitlist (a counter per programme); answers is
-- JSON {question code: text}.
CREATE TABLE training_applications (
    id {{id}},
    programme_id BIGINT NOT NULL REFERENCES training_programmes (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    name_native TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL,
    region TEXT NOT NULL DEFAULT '',
    birth_year INTEGER NOT NULL DEFAULT 0,
    stakeholder_group TEXT NOT NULL DEFAULT '',
    gender TEXT NOT NULL DEFAULT '',
    answers TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL,
    waitlist INTEGER NOT NULL DEFAULT 0,
    offered_at {{time}},
    respond_by {{time}},
    responded_at {{time}},
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL,
    UNIQUE (programme_id, user_id)
);
CREATE INDEX training_applications_user ON training_applications (user_id);
CREATE INDEX training_applications_status ON training_applications (programme_id, status);

-- Trainers: an account that teaches a programme sees its participants
-- and sessions, and nothing of other programmes.
CREATE TABLE training_trainers (
    programme_id BIGINT NOT NULL REFERENCES training_programmes (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL,
    created_at {{time}} NOT NULL,
    PRIMARY KEY (programme_id, user_id)
);
CREATE INDEX training_trainers_user ON training_trainers (user_id);

-- The cohort's sessions.
CREATE TABLE training_sessions (
    id {{id}},
    programme_id BIGINT NOT NULL REFERENCES training_programmes (id) ON DELETE CASCADE,
    title_en TEXT NOT NULL DEFAULT '',
    title_zh_hans TEXT NOT NULL DEFAULT '',
    title_zh_hant TEXT NOT NULL DEFAULT '',
    starts_at {{time}} NOT NULL,
    ends_at {{time}} NOT NULL,
    created_at {{time}} NOT NULL
);
CREATE INDEX training_sessions_programme ON training_sessions (programme_id, starts_at);

-- Attendance: one row per participant and session; recorded_by is the
-- account that took it.
CREATE TABLE training_attendance (
    session_id BIGINT NOT NULL REFERENCES training_sessions (id) ON DELETE CASCADE,
    application_id BIGINT NOT NULL REFERENCES training_applications (id) ON DELETE CASCADE,
    recorded_by BIGINT NOT NULL,
    recorded_at {{time}} NOT NULL,
    PRIMARY KEY (session_id, application_id)
);

-- Certificates, one per completing application. token is the signed
-- statement the QR code carries ("wzc1." payload "." signature); the
-- code (WZC-XXXX-XXXX-XXXX) finds it. revoked_at and reason are set when
-- the secretariat revokes it.
CREATE TABLE training_certificates (
    id {{id}},
    code TEXT NOT NULL UNIQUE,
    programme_id BIGINT NOT NULL REFERENCES training_programmes (id) ON DELETE CASCADE,
    application_id BIGINT NOT NULL UNIQUE REFERENCES training_applications (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL,
    holder TEXT NOT NULL,
    holder_native TEXT NOT NULL DEFAULT '',
    issued_on TEXT NOT NULL,
    token TEXT NOT NULL,
    revoked_at {{time}},
    reason TEXT NOT NULL DEFAULT '',
    created_at {{time}} NOT NULL
);
CREATE INDEX training_certificates_user ON training_certificates (user_id);
