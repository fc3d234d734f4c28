-- When the check-in desk starts taking an event's badges, as the
-- secretariat sets it; NULL for the default, the day before the event
-- starts (in its zone). The desk closes at the end of the event's last day.
ALTER TABLE events ADD COLUMN checkin_opens_at {{time}};
