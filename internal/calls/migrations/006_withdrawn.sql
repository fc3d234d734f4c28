-- A review the platform withdrew because a conflict of interest arose
-- after assignment (a co-author confirming, a changed organisation or
-- country, a conflict declared in the other round): withdrawn holds the
-- ConflictReason (author, organization, country, declared); '' for a
-- review the reviewer ended themselves. Such rows have status 'conflict'.
ALTER TABLE call_reviews ADD COLUMN withdrawn TEXT NOT NULL DEFAULT '';
