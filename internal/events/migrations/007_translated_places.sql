-- Venues, rooms and the interpretation line in Chinese as well: the
-- existing columns keep the text as written (and English); these hold its
-- Simplified and Traditional Chinese, '' when not given (readers then get
-- the other script converted, or the text as written).
ALTER TABLE events ADD COLUMN venue_zh_hans TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN venue_zh_hant TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN interpretation_zh_hans TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN interpretation_zh_hant TEXT NOT NULL DEFAULT '';
ALTER TABLE programme_sessions ADD COLUMN room_zh_hans TEXT NOT NULL DEFAULT '';
ALTER TABLE programme_sessions ADD COLUMN room_zh_hant TEXT NOT NULL DEFAULT '';
