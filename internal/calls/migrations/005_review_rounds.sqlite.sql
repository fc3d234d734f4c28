-- Reviews belong to a review round (1, or 2 for a shortlist): a reviewer
-- may review the same submission once per round. SQLite cannot drop a
-- table's UNIQUE constraint: the table is rebuilt, ids kept.
CREATE TABLE call_reviews_rounds (
    id {{id}},
    submission_id BIGINT NOT NULL REFERENCES call_submissions (id) ON DELETE CASCADE,
    reviewer_id BIGINT NOT NULL REFERENCES call_reviewers (id) ON DELETE CASCADE,
    round INTEGER NOT NULL DEFAULT 1,
    status TEXT NOT NULL,
    scores TEXT NOT NULL DEFAULT '{}',
    comment TEXT NOT NULL DEFAULT '',
    conflict_reason TEXT NOT NULL DEFAULT '',
    assigned_at {{time}} NOT NULL,
    submitted_at {{time}},
    reminded_at {{time}},
    updated_at {{time}} NOT NULL,
    UNIQUE (submission_id, reviewer_id, round)
);
INSERT INTO call_reviews_rounds (id, submission_id, reviewer_id, status, scores, comment, conflict_reason, assigned_at,
    submitted_at, reminded_at, updated_at)
SELECT id, submission_id, reviewer_id, status, scores, comment, conflict_reason, assigned_at, submitted_at, reminded_at, updated_at
FROM call_reviews;
DROP TABLE call_reviews;
ALTER TABLE call_reviews_rounds RENAME TO call_reviews;
CREATE INDEX call_reviews_reviewer ON call_reviews (reviewer_id, status);
