-- Consultations: a version opened to public comment for a window
-- [opens_at, closes_at), enforced by the server's clock. timezone is the
-- IANA zone the secretariat set the window in (pages show the reader's
-- zone when they name one). One consultation per version.
CREATE TABLE document_consultations (
    id {{id}},
    document_id BIGINT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    version_id BIGINT NOT NULL REFERENCES document_versions (id),
    opens_at {{time}} NOT NULL,
    closes_at {{time}} NOT NULL,
    timezone TEXT NOT NULL DEFAULT 'UTC',
    created_by BIGINT,
    created_at {{time}} NOT NULL,
    UNIQUE (version_id)
);
CREATE INDEX document_consultations_document ON document_consultations (document_id, opens_at);

-- Comments on a paragraph (pid: the paragraph's stable id) of a consulted
-- version; parent_id makes a reply. amendment is the proposed replacement
-- text of the paragraph, NULL for a plain comment. The commenter's name,
-- organisation, country and stakeholder group are kept as given then.
-- staff marks an answer of the secretariat. decision (amendments only):
-- '' (open), accepted, declined; stored, do not rename. A hidden comment
-- (hidden_at set, with the reason) is shown to the secretariat only.
CREATE TABLE document_comments (
    id {{id}},
    consultation_id BIGINT NOT NULL REFERENCES document_consultations (id) ON DELETE CASCADE,
    pid INTEGER NOT NULL,
    parent_id BIGINT REFERENCES document_comments (id),
    user_id BIGINT NOT NULL,
    author_name TEXT NOT NULL,
    organisation TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    stakeholder_group TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    amendment TEXT,
    staff BOOLEAN NOT NULL DEFAULT false,
    decision TEXT NOT NULL DEFAULT '',
    decision_note TEXT NOT NULL DEFAULT '',
    decided_by BIGINT,
    decided_at {{time}},
    hidden_at {{time}},
    hidden_by BIGINT,
    hidden_reason TEXT NOT NULL DEFAULT '',
    created_at {{time}} NOT NULL
);
CREATE INDEX document_comments_paragraph ON document_comments (consultation_id, pid, id);

-- Requests to endorse: the secretariat asked the active members to
-- endorse a version (mail to their representatives). A version takes
-- endorsements once asked.
CREATE TABLE document_endorsement_requests (
    id {{id}},
    document_id BIGINT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    version_id BIGINT NOT NULL REFERENCES document_versions (id),
    asked_by BIGINT,
    recipients INTEGER NOT NULL DEFAULT 0,
    created_at {{time}} NOT NULL,
    UNIQUE (version_id)
);

-- Endorsements: one per member organisation and version (the unique
-- constraint decides between two representatives acting at once).
-- decision: endorse, decline; stored, do not rename. The member's names,
-- country, continent and stakeholder group are kept as they were then,
-- so that the record of who endorsed stays as it was.
CREATE TABLE document_endorsements (
    id {{id}},
    document_id BIGINT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    version_id BIGINT NOT NULL REFERENCES document_versions (id),
    member_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    decision TEXT NOT NULL,
    statement TEXT NOT NULL DEFAULT '',
    member_name_en TEXT NOT NULL DEFAULT '',
    member_name_zh_hans TEXT NOT NULL DEFAULT '',
    member_name_zh_hant TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    continent TEXT NOT NULL DEFAULT '',
    stakeholder_group TEXT NOT NULL DEFAULT '',
    created_at {{time}} NOT NULL,
    UNIQUE (version_id, member_id)
);

-- Votes of the member organisations (at the annual meeting) on a
-- resolution, or on a document version. options is a JSON list of option
-- codes (for, against, abstain by default). quorum is the number of
-- members that must vote; eligible the number of active members when the
-- vote was created (turnout's denominator). is_open: who voted what is
-- public after the close.
CREATE TABLE document_votes (
    id {{id}},
    title_en TEXT NOT NULL DEFAULT '',
    title_zh_hans TEXT NOT NULL DEFAULT '',
    title_zh_hant TEXT NOT NULL DEFAULT '',
    document_id BIGINT REFERENCES documents (id),
    version_id BIGINT REFERENCES document_versions (id),
    options TEXT NOT NULL,
    opens_at {{time}} NOT NULL,
    closes_at {{time}} NOT NULL,
    timezone TEXT NOT NULL DEFAULT 'UTC',
    quorum INTEGER NOT NULL DEFAULT 0,
    eligible INTEGER NOT NULL DEFAULT 0,
    is_open BOOLEAN NOT NULL DEFAULT false,
    created_by BIGINT,
    created_at {{time}} NOT NULL
);
CREATE INDEX document_votes_closes ON document_votes (closes_at);

-- Ballots: one per vote and member (the primary key decides between two
-- representatives acting at once); a representative changes it until the
-- close. The member's names are kept for an open vote's list.
CREATE TABLE document_ballots (
    vote_id BIGINT NOT NULL REFERENCES document_votes (id) ON DELETE CASCADE,
    member_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    choice TEXT NOT NULL,
    member_name_en TEXT NOT NULL DEFAULT '',
    member_name_zh_hans TEXT NOT NULL DEFAULT '',
    member_name_zh_hant TEXT NOT NULL DEFAULT '',
    stakeholder_group TEXT NOT NULL DEFAULT '',
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL,
    PRIMARY KEY (vote_id, member_id)
);
