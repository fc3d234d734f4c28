-- Invitations to become a representative of a member. Only the SHA-256 hash
-- (hex) of the token is kept; the token itself is mailed. An invitation is
-- spent when accepted_at is set, and worthless after expires_at.
CREATE TABLE member_invitations (
    id {{id}},
    token_hash TEXT NOT NULL UNIQUE,
    member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    invited_by BIGINT NOT NULL,
    created_at {{time}} NOT NULL,
    expires_at {{time}} NOT NULL,
    accepted_at {{time}},
    accepted_by BIGINT
);
CREATE INDEX member_invitations_member ON member_invitations (member_id, created_at);

-- At most one primary representative per member, whatever the code does.
CREATE UNIQUE INDEX member_representatives_one_primary ON member_representatives (member_id) WHERE is_primary;

-- The renewal reminders, the lapsing job and the secretariat's list look
-- memberships up by standing and term end.
CREATE INDEX members_status_term ON members (status, term_ends_on);
