-- mail_messages: the outbox of outgoing mail (see package mail).
CREATE TABLE mail_messages (
	id {{id}},
	to_addr TEXT NOT NULL,
	subject TEXT NOT NULL,
	body_text TEXT NOT NULL,
	body_html TEXT NOT NULL DEFAULT '',
	-- status: queued, sent, kept, failed; stored, do not rename.
	status TEXT NOT NULL DEFAULT 'queued'
		CHECK (status IN ('queued', 'sent', 'kept', 'failed')),
	attempts INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	created_at {{time}} NOT NULL,
	sent_at {{time}}
);

CREATE INDEX mail_messages_created_at ON mail_messages (created_at);
