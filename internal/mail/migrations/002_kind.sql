-- What a message is about, for the outbox's filter: registration, visa,
-- membership, calls, account; '' for messages sent before it was kept.
ALTER TABLE mail_messages ADD COLUMN kind TEXT NOT NULL DEFAULT '';
CREATE INDEX mail_messages_kind ON mail_messages (kind, created_at);
