-- The submission form of a call: which attachments it takes and their
-- limits ({"pdf_max_mb","pdfs_max","images_max","video_link"}), and its
-- own questions ([{"code","kind","label":{…},"options":[…],"required"}]);
-- a submission's answers are a JSON object question code → answer.
ALTER TABLE calls ADD COLUMN attachments TEXT NOT NULL DEFAULT '{"pdf_max_mb":10,"pdfs_max":3,"images_max":5,"video_link":true}';
ALTER TABLE calls ADD COLUMN questions TEXT NOT NULL DEFAULT '[]';
ALTER TABLE call_submissions ADD COLUMN answers TEXT NOT NULL DEFAULT '{}';

-- A submission's files: PDFs (checked by their content, kept as sent) and
-- images (decoded and re-encoded as JPEG). kind values are stored: pdf,
-- image; do not rename. round is the review round the file was added for
-- (1, or 2 for a shortlist's extra material). name is the file name the
-- submitter gave, cleaned; blind reviewers are given a neutral one.
CREATE TABLE call_attachments (
    id {{id}},
    submission_id BIGINT NOT NULL REFERENCES call_submissions (id) ON DELETE CASCADE,
    round INTEGER NOT NULL DEFAULT 1,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    width INTEGER NOT NULL DEFAULT 0,
    height INTEGER NOT NULL DEFAULT 0,
    hash TEXT NOT NULL,
    data {{blob}} NOT NULL,
    uploaded_by BIGINT NOT NULL,
    created_at {{time}} NOT NULL
);
CREATE INDEX call_attachments_submission ON call_attachments (submission_id, round);

-- A call's second review round (round = 2) for its shortlist: what the
-- authors are asked for, in three languages, and its deadline.
CREATE TABLE call_rounds (
    id {{id}},
    call_id BIGINT NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    round INTEGER NOT NULL,
    request_en TEXT NOT NULL DEFAULT '',
    request_zh_hans TEXT NOT NULL DEFAULT '',
    request_zh_hant TEXT NOT NULL DEFAULT '',
    deadline {{time}} NOT NULL,
    opened_at {{time}} NOT NULL,
    UNIQUE (call_id, round)
);

-- A submission in a round, with the extra material its authors add: a
-- long text and a video link (files: call_attachments of that round).
CREATE TABLE call_round_entries (
    id {{id}},
    round_id BIGINT NOT NULL REFERENCES call_rounds (id) ON DELETE CASCADE,
    submission_id BIGINT NOT NULL REFERENCES call_submissions (id) ON DELETE CASCADE,
    material TEXT NOT NULL DEFAULT '',
    video_url TEXT NOT NULL DEFAULT '',
    updated_at {{time}},
    UNIQUE (round_id, submission_id)
);
CREATE INDEX call_round_entries_submission ON call_round_entries (submission_id);
