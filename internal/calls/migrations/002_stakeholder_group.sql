-- The stakeholder group of a submission's applicant (the submitter's
-- organisation), as members name them: government,
-- international_organization, business, technical_community,
-- civil_society, academia, individual; '' when not stated. Stored, do not
-- rename.
ALTER TABLE call_submissions ADD COLUMN stakeholder_group TEXT NOT NULL DEFAULT '';
