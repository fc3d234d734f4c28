-- Files registrants give with their registration: the answers to a
-- category's questions of the kinds file (a PDF as uploaded, or an image
-- re-encoded as JPEG) and photo (the registrant's photo, re-encoded as a
-- square JPEG, printed on the badge and shown at the check-in desk).
-- Checked by their content, never by their name or declared type. One per
-- registration and question; kind is the question's kind, content_type
-- application/pdf or image/jpeg. Deleted with the rest of the personal
-- data a set number of days after the event (PurgeFiles).
CREATE TABLE event_registration_files (
    registration_id BIGINT NOT NULL REFERENCES event_registrations (id) ON DELETE CASCADE,
    question TEXT NOT NULL,
    kind TEXT NOT NULL,
    content_type TEXT NOT NULL,
    data {{blob}} NOT NULL,
    size INTEGER NOT NULL,
    hash TEXT NOT NULL,
    created_at {{time}} NOT NULL,
    PRIMARY KEY (registration_id, question)
);
