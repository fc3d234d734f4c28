-- Selection: the programme's reviewers (accounts, with the country they
-- would be partial to) and their reviews of applications. scores is JSON
-- {criterion code: 0–10}; conflict marks a review the reviewer declined
-- for a conflict of interest; submitted_at is set when the scores count.
CREATE TABLE training_reviewers (
    programme_id BIGINT NOT NULL REFERENCES training_programmes (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL,
    country TEXT NOT NULL DEFAULT '',
    created_at {{time}} NOT NULL,
    PRIMARY KEY (programme_id, user_id)
);
CREATE INDEX training_reviewers_user ON training_reviewers (user_id);

CREATE TABLE training_reviews (
    application_id BIGINT NOT NULL REFERENCES training_applications (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL,
    scores TEXT NOT NULL DEFAULT '{}',
    comment TEXT NOT NULL DEFAULT '',
    conflict BOOLEAN NOT NULL DEFAULT false,
    submitted_at {{time}},
    updated_at {{time}} NOT NULL,
    PRIMARY KEY (application_id, user_id)
);
