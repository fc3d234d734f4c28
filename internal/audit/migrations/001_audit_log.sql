CREATE TABLE audit_log (
    id {{id}},
    at {{time}} NOT NULL,
    actor_id BIGINT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    object TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_object ON audit_log (object);
CREATE INDEX audit_log_actor ON audit_log (actor_id);
