-- Accounts run on the web: names in other scripts, a time zone, disabling,
-- the last sign-in, and deletion (the row stays, emptied, for what points
-- at it).
ALTER TABLE users ADD COLUMN other_names TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN timezone TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN disabled_at {{time}};
ALTER TABLE users ADD COLUMN last_login_at {{time}};
ALTER TABLE users ADD COLUMN deleted_at {{time}};
-- API tokens made on the web carry an expiry; sessions say where they
-- were opened, for the person's list of their devices.
ALTER TABLE api_tokens ADD COLUMN expires_at {{time}};
ALTER TABLE sessions ADD COLUMN addr TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN agent TEXT NOT NULL DEFAULT '';
-- purpose 'email' (stored, do not rename) carries the new address in data.
ALTER TABLE auth_tokens ADD COLUMN data TEXT NOT NULL DEFAULT '';
-- A sign-in attempt from a known device carries the device's hash.
ALTER TABLE login_failures ADD COLUMN device TEXT NOT NULL DEFAULT '';
-- Devices (browsers) that signed in to an account before: a random token
-- in a long-lived cookie, kept as its hash. They sign in past the global
-- per-account limit that others' failures may have reached.
CREATE TABLE login_devices (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at {{time}} NOT NULL,
    last_used_at {{time}} NOT NULL
);
CREATE INDEX login_devices_user ON login_devices (user_id);
CREATE INDEX users_last_login ON users (last_login_at);
