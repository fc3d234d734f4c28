-- Invitation codes: each reserves seats in a category when it is made, so
-- that a guest who brings the code is confirmed at once, skipping approval
-- and the waitlist, without the category ever holding more people than
-- seats. reserved on the category counts the seats held by invitations
-- and not yet used. Only a hash of the code is kept.
ALTER TABLE event_categories ADD COLUMN reserved INTEGER NOT NULL DEFAULT 0;

CREATE TABLE event_invitations (
    id {{id}},
    event_id BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    category_id BIGINT NOT NULL REFERENCES event_categories (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL DEFAULT '',
    seats INTEGER NOT NULL,
    used INTEGER NOT NULL DEFAULT 0,
    revoked BOOLEAN NOT NULL DEFAULT false,
    created_by BIGINT NOT NULL,
    created_at {{time}} NOT NULL
);
CREATE INDEX event_invitations_event ON event_invitations (event_id);

-- Delegations: the secretariat gives a member organisation a quota of
-- people for an event, in one category; the member's representatives
-- register them by name. delegation_member_id marks those registrations.
CREATE TABLE event_delegations (
    id {{id}},
    event_id BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    member_id BIGINT NOT NULL,
    category_id BIGINT NOT NULL REFERENCES event_categories (id) ON DELETE CASCADE,
    quota INTEGER NOT NULL,
    created_at {{time}} NOT NULL,
    UNIQUE (event_id, member_id)
);

ALTER TABLE event_registrations ADD COLUMN delegation_member_id BIGINT;
ALTER TABLE event_registrations ADD COLUMN invitation_id BIGINT;
CREATE INDEX event_registrations_delegation ON event_registrations (event_id, delegation_member_id);
