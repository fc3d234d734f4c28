CREATE TABLE users (
    id {{id}},
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL DEFAULT '',
    locale TEXT NOT NULL DEFAULT '',
    verified_at {{time}},
    created_at {{time}} NOT NULL
);
-- role values are stored: admin, secretariat; do not rename.
CREATE TABLE user_roles (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at {{time}} NOT NULL,
    expires_at {{time}} NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE TABLE api_tokens (
    id {{id}},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at {{time}} NOT NULL,
    last_used_at {{time}}
);
-- purpose values are stored: verify, reset; do not rename.
CREATE TABLE auth_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    created_at {{time}} NOT NULL,
    expires_at {{time}} NOT NULL,
    used_at {{time}}
);
CREATE INDEX auth_tokens_user ON auth_tokens (user_id);
CREATE TABLE login_failures (
    id {{id}},
    email TEXT NOT NULL,
    addr TEXT NOT NULL,
    at {{time}} NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email, at);
CREATE INDEX login_failures_addr ON login_failures (addr, at);
