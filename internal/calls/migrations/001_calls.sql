-- Calls. kind values are stored: case, session_proposal, award; status
-- values: draft, published; do not rename. fields, languages and criteria
-- are JSON: a list of field codes, a list of language tags, and the rubric
-- [{"code","name":{…},"weight","max"}].
CREATE TABLE calls (
    id {{id}},
    slug TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    title_en TEXT NOT NULL DEFAULT '',
    title_zh_hans TEXT NOT NULL DEFAULT '',
    title_zh_hant TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    description_zh_hans TEXT NOT NULL DEFAULT '',
    description_zh_hant TEXT NOT NULL DEFAULT '',
    fields TEXT NOT NULL DEFAULT '[]',
    opens_at {{time}} NOT NULL,
    closes_at {{time}} NOT NULL,
    timezone TEXT NOT NULL,
    year INTEGER NOT NULL,
    members_only BOOLEAN NOT NULL DEFAULT false,
    languages TEXT NOT NULL DEFAULT '[]',
    max_coauthors INTEGER NOT NULL DEFAULT 5,
    min_countries INTEGER NOT NULL DEFAULT 0,
    reviews_per_submission INTEGER NOT NULL,
    blind BOOLEAN NOT NULL DEFAULT true,
    exclude_same_country BOOLEAN NOT NULL DEFAULT false,
    criteria TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL,
    published_at {{time}},
    results_published_at {{time}},
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);

-- Submissions. status values are stored: draft, submitted, withdrawn;
-- screening: '', eligible, ineligible; decision: '', selected,
-- shortlisted, rejected; do not rename. countries is a JSON list of ISO
-- codes, partners a JSON list [{"name","country"}]. published_at is set
-- when a selected submission enters the public showcase.
CREATE TABLE call_submissions (
    id {{id}},
    call_id BIGINT NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    submitter_id BIGINT NOT NULL,
    title_en TEXT NOT NULL DEFAULT '',
    title_zh_hans TEXT NOT NULL DEFAULT '',
    title_zh_hant TEXT NOT NULL DEFAULT '',
    summary_en TEXT NOT NULL DEFAULT '',
    summary_zh_hans TEXT NOT NULL DEFAULT '',
    summary_zh_hant TEXT NOT NULL DEFAULT '',
    field TEXT NOT NULL DEFAULT '',
    countries TEXT NOT NULL DEFAULT '[]',
    partners TEXT NOT NULL DEFAULT '[]',
    video_url TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    screening TEXT NOT NULL DEFAULT '',
    screening_reason TEXT NOT NULL DEFAULT '',
    decision TEXT NOT NULL DEFAULT '',
    decided_at {{time}},
    submitted_at {{time}},
    published_at {{time}},
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);
CREATE INDEX call_submissions_call ON call_submissions (call_id, status);
CREATE INDEX call_submissions_submitter ON call_submissions (submitter_id);
CREATE INDEX call_submissions_published ON call_submissions (published_at);

-- The submitter (is_submitter) and the co-authors of a submission. A
-- co-author is invited by email (token_hash) and confirms with an account
-- (user_id, confirmed_at).
CREATE TABLE call_authors (
    id {{id}},
    submission_id BIGINT NOT NULL REFERENCES call_submissions (id) ON DELETE CASCADE,
    user_id BIGINT,
    email TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    organization TEXT NOT NULL DEFAULT '',
    is_submitter BOOLEAN NOT NULL DEFAULT false,
    token_hash TEXT,
    invited_at {{time}} NOT NULL,
    confirmed_at {{time}},
    UNIQUE (submission_id, email)
);
CREATE INDEX call_authors_user ON call_authors (user_id);
CREATE INDEX call_authors_token ON call_authors (token_hash);

-- A call's reviewer pool. user_id is NULL until an invited expert joins
-- with an account. fields and languages are JSON lists.
CREATE TABLE call_reviewers (
    id {{id}},
    call_id BIGINT NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    user_id BIGINT,
    email TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    organization TEXT NOT NULL DEFAULT '',
    fields TEXT NOT NULL DEFAULT '[]',
    languages TEXT NOT NULL DEFAULT '[]',
    token_hash TEXT,
    invited_at {{time}} NOT NULL,
    joined_at {{time}},
    UNIQUE (call_id, email)
);
CREATE INDEX call_reviewers_user ON call_reviewers (user_id);
CREATE INDEX call_reviewers_token ON call_reviewers (token_hash);

-- One reviewer's review of one submission. status values are stored:
-- assigned, submitted, conflict; do not rename. A conflict row stays, so
-- that the reviewer is never given the submission again. scores is a JSON
-- object criterion code → score.
CREATE TABLE call_reviews (
    id {{id}},
    submission_id BIGINT NOT NULL REFERENCES call_submissions (id) ON DELETE CASCADE,
    reviewer_id BIGINT NOT NULL REFERENCES call_reviewers (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    scores TEXT NOT NULL DEFAULT '{}',
    comment TEXT NOT NULL DEFAULT '',
    conflict_reason TEXT NOT NULL DEFAULT '',
    assigned_at {{time}} NOT NULL,
    submitted_at {{time}},
    reminded_at {{time}},
    updated_at {{time}} NOT NULL,
    UNIQUE (submission_id, reviewer_id)
);
CREATE INDEX call_reviews_reviewer ON call_reviews (reviewer_id, status);
