-- Events that anyone can cause and that send mail (sign-ups, reset
-- requests), counted per kind and key (an address or an email) to limit them.
CREATE TABLE rate_events (
    id {{id}},
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    at {{time}} NOT NULL
);
CREATE INDEX rate_events_key ON rate_events (kind, key, at);
