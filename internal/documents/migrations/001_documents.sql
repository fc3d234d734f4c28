-- Outcome documents. kind values are stored: initiative, outlook,
-- action_plan, report, statement, concept_paper; do not rename. topics is
-- a JSON list of topic codes. source_lang is the language the text is
-- drafted in (en, zh-Hans, zh-Hant); versions in other languages are
-- translations of a version in it. next_pid is the next stable paragraph
-- id to give (paragraph ids are per document, shared by every version and
-- language). published_version_id is the source-language version the
-- public page shows, NULL until one is published.
CREATE TABLE documents (
    id {{id}},
    slug TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    year INTEGER NOT NULL,
    topics TEXT NOT NULL DEFAULT '[]',
    title_en TEXT NOT NULL DEFAULT '',
    title_zh_hans TEXT NOT NULL DEFAULT '',
    title_zh_hant TEXT NOT NULL DEFAULT '',
    summary_en TEXT NOT NULL DEFAULT '',
    summary_zh_hans TEXT NOT NULL DEFAULT '',
    summary_zh_hant TEXT NOT NULL DEFAULT '',
    source_lang TEXT NOT NULL DEFAULT 'en',
    next_pid INTEGER NOT NULL DEFAULT 1,
    published_version_id BIGINT,
    published_at {{time}},
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);
CREATE INDEX documents_year_kind ON documents (year, kind);

-- Versions: every save of a document's text in one language. number counts
-- the document's versions across its languages (1, 2, …), so that
-- "version 7" names one text. source_version_id is, for a translation, the
-- source-language version it translates (NULL for a source version). hash
-- is the SHA-256 of body (hex). name ("consultation draft", "final") and
-- note may change; body and hash never do. A published version stays
-- published.
CREATE TABLE document_versions (
    id {{id}},
    document_id BIGINT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    lang TEXT NOT NULL,
    source_version_id BIGINT REFERENCES document_versions (id),
    body TEXT NOT NULL,
    hash TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    published BOOLEAN NOT NULL DEFAULT false,
    published_at {{time}},
    created_by BIGINT,
    created_at {{time}} NOT NULL,
    UNIQUE (document_id, number)
);
CREATE INDEX document_versions_lang ON document_versions (document_id, lang, number);

-- Paragraphs: the blocks of each version, in order (position from 1).
-- pid is the paragraph's stable id within its document: a paragraph edited
-- from one version to the next keeps it, a new one gets a new one, and a
-- translation's paragraphs take the ids of the source version's. number is
-- the printed paragraph number (0 for headings and footnotes). kind values
-- are stored: heading, paragraph, list, footnote.
CREATE TABLE document_paragraphs (
    version_id BIGINT NOT NULL REFERENCES document_versions (id) ON DELETE CASCADE,
    document_id BIGINT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    pid INTEGER NOT NULL,
    position INTEGER NOT NULL,
    number INTEGER NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (version_id, pid)
);
CREATE INDEX document_paragraphs_pid ON document_paragraphs (document_id, pid);
