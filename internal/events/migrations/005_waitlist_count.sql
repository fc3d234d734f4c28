-- How many of a category's registrations are waitlisted, kept with every
-- change of status (as confirmed is), so that a new place on the waitlist
-- is its position without counting the whole waitlist.
ALTER TABLE event_categories ADD COLUMN waitlisted INTEGER NOT NULL DEFAULT 0;
UPDATE event_categories SET waitlisted = (SELECT COUNT(*) FROM event_registrations r
	WHERE r.category_id = event_categories.id AND r.status = 'waitlisted');
