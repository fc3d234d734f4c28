-- Membership applications. status values are stored: draft, submitted,
-- info_requested, approved, rejected; do not rename. kind values are stored:
-- organization, individual. stakeholder_group values are stored: government,
-- international_organization, business, technical_community, civil_society,
-- academia, individual. Dates (YYYY-MM-DD) are TEXT on both databases.
CREATE TABLE membership_applications (
    id {{id}},
    applicant_id BIGINT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'organization',
    name_en TEXT NOT NULL DEFAULT '',
    name_zh_hans TEXT NOT NULL DEFAULT '',
    name_zh_hant TEXT NOT NULL DEFAULT '',
    acronym TEXT NOT NULL DEFAULT '',
    stakeholder_group TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '',
    website_domain TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    contact_name TEXT NOT NULL DEFAULT '',
    contact_email TEXT NOT NULL DEFAULT '',
    motivation TEXT NOT NULL DEFAULT '',
    charter_agreed BOOLEAN NOT NULL DEFAULT false,
    status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    member_id BIGINT,
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL,
    submitted_at {{time}},
    decided_at {{time}}
);
CREATE INDEX membership_applications_queue ON membership_applications (status, submitted_at);
CREATE INDEX membership_applications_applicant ON membership_applications (applicant_id);

CREATE TABLE membership_comments (
    id {{id}},
    application_id BIGINT NOT NULL REFERENCES membership_applications (id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL,
    author_name TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at {{time}} NOT NULL
);
CREATE INDEX membership_comments_application ON membership_comments (application_id);

-- Members. status values are stored: active, lapsed, suspended, withdrawn;
-- do not rename. search holds every name in lower case, Chinese in
-- Simplified, for search in any script.
CREATE TABLE members (
    id {{id}},
    kind TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    name_zh_hans TEXT NOT NULL DEFAULT '',
    name_zh_hant TEXT NOT NULL DEFAULT '',
    acronym TEXT NOT NULL DEFAULT '',
    stakeholder_group TEXT NOT NULL,
    country TEXT NOT NULL,
    continent TEXT NOT NULL,
    website TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    description_zh_hans TEXT NOT NULL DEFAULT '',
    description_zh_hant TEXT NOT NULL DEFAULT '',
    contact_email TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    joined_on TEXT NOT NULL,
    term_ends_on TEXT NOT NULL DEFAULT '',
    reminded_at {{time}},
    search TEXT NOT NULL DEFAULT '',
    sort_name TEXT NOT NULL DEFAULT '',
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);
CREATE INDEX members_status_sort ON members (status, sort_name);
CREATE INDEX members_country ON members (country);
CREATE INDEX members_joined ON members (joined_on);

CREATE TABLE member_representatives (
    member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL,
    is_primary BOOLEAN NOT NULL DEFAULT false,
    created_at {{time}} NOT NULL,
    PRIMARY KEY (member_id, user_id)
);
CREATE INDEX member_representatives_user ON member_representatives (user_id);
