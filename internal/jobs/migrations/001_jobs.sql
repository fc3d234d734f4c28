-- jobs: durable background work (see package jobs).
CREATE TABLE jobs (
	id {{id}},
	kind TEXT NOT NULL,
	payload TEXT NOT NULL,
	-- state: pending, running, done, failed; stored, do not rename.
	state TEXT NOT NULL DEFAULT 'pending'
		CHECK (state IN ('pending', 'running', 'done', 'failed')),
	attempts INTEGER NOT NULL DEFAULT 0,
	max_attempts INTEGER NOT NULL,
	run_at {{time}} NOT NULL,
	locked_until {{time}},
	last_error TEXT NOT NULL DEFAULT '',
	created_at {{time}} NOT NULL,
	finished_at {{time}}
);

CREATE INDEX jobs_state_run_at ON jobs (state, run_at);
