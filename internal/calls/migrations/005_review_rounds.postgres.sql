-- Reviews belong to a review round (1, or 2 for a shortlist): a reviewer
-- may review the same submission once per round.
ALTER TABLE call_reviews ADD COLUMN round INTEGER NOT NULL DEFAULT 1;
ALTER TABLE call_reviews DROP CONSTRAINT call_reviews_submission_id_reviewer_id_key;
ALTER TABLE call_reviews ADD CONSTRAINT call_reviews_round_key UNIQUE (submission_id, reviewer_id, round);
