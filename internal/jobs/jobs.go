// Package jobs is the platform's durable job queue: a table of its own in the
// application database, with the guarantees the platform needs from it.
//
//   - A job is enqueued in the same transaction as the change that causes it
//     (Enqueue takes the *db.Tx), so it exists if and only if that change
//     committed.
//   - Jobs survive restarts: they are rows, claimed by a Worker under a lease.
//     A job whose worker died is claimed again once its lease has expired.
//   - A job runs once across several instances: claiming is an UPDATE of one
//     row in a write transaction (FOR UPDATE SKIP LOCKED on PostgreSQL, the
//     single writer on SQLite), and finishing is fenced by the attempt number,
//     so a worker that lost its lease cannot overwrite the newer attempt.
//
// Delivery is at least once: a handler that did its work and then lost its
// process before the job was marked done runs again. Handlers should be
// idempotent where repeating them matters (mail checks its outbox row first).
//
// Failed attempts are retried with exponential backoff (10s, 20s, 40s, …,
// at most 1h, plus up to 10% jitter) until the job's max attempts, then the job
// is failed with its last error kept for the admin pages.
package jobs

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/wuzhen/wuzhen/internal/db"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations creates the jobs table. Run it (db.Migrate) before enqueuing.
var Migrations = db.MigrationsIn("jobs", migrationFiles, "migrations")

// State is where a job is in its life.
type State string

// The job states; stored, do not rename.
const (
	Pending State = "pending" // waiting for run_at, or for a retry
	Running State = "running" // claimed by a worker until locked_until
	Done    State = "done"    // the handler succeeded
	Failed  State = "failed"  // every attempt failed; last_error says why
)

// States lists every state, in the order of a job's life.
var States = []State{Pending, Running, Done, Failed}

// DefaultMaxAttempts is how many times a job is tried unless MaxAttempts says
// otherwise.
const DefaultMaxAttempts = 8

// Option changes how Enqueue schedules a job.
type Option func(*enqueueOptions)

type enqueueOptions struct {
	runAt       time.Time
	maxAttempts int
}

// RunAt makes the job due at t instead of now.
func RunAt(t time.Time) Option {
	return func(o *enqueueOptions) { o.runAt = t }
}

// MaxAttempts sets how many times the job is tried before it fails; values
// below 1 mean 1.
func MaxAttempts(n int) Option {
	return func(o *enqueueOptions) { o.maxAttempts = max(n, 1) }
}

// Enqueue adds a job of kind with payload (encoded as JSON) in tx, so that the
// job exists only if tx commits; after the commit, workers of this process
// are woken at once instead of at their next poll. Any code that writes may
// call it. It returns the job's id, or an error when payload cannot be
// encoded or the insert fails (tx should then be rolled back).
func Enqueue(ctx context.Context, tx *db.Tx, kind string, payload any, opts ...Option) (int64, error) {
	if kind == "" {
		return 0, errors.New("jobs: enqueue: empty kind")
	}
	now := tx.Now()
	o := enqueueOptions{runAt: now, maxAttempts: DefaultMaxAttempts}
	for _, opt := range opts {
		opt(&o)
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return 0, fmt.Errorf("jobs: enqueue %s: encode payload: %w", kind, err)
	}
	var id int64
	err = tx.QueryRow(ctx, `-- jobs.Enqueue
		INSERT INTO jobs (kind, payload, state, attempts, max_attempts, run_at, created_at)
		VALUES (?, ?, 'pending', 0, ?, ?, ?)
		RETURNING id`,
		kind, string(body), o.maxAttempts, o.runAt.UTC(), now).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("jobs: enqueue %s: %w", kind, err)
	}
	tx.AfterCommit(wakeWorkers)
	return id, nil
}

// Stats counts jobs per state, keyed by the stored State values, with every
// state present (zero when there is none); for the admin pages. It returns
// the database's error.
func Stats(ctx context.Context, q db.Querier) (map[string]int, error) {
	rows, err := q.Query(ctx, `-- jobs.Stats
		SELECT state, count(*) FROM jobs GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("jobs: stats: %w", err)
	}
	defer rows.Close()
	out := make(map[string]int, len(States))
	for _, s := range States {
		out[string(s)] = 0
	}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("jobs: stats: %w", err)
		}
		out[s] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("jobs: stats: %w", err)
	}
	return out, nil
}

// Prune deletes done jobs that finished more than age ago and returns how
// many it deleted; failed jobs stay for staff to read. A periodic task of the
// platform may call it. It returns the database's error.
func Prune(ctx context.Context, d *db.DB, age time.Duration) (int64, error) {
	res, err := d.Exec(ctx, `-- jobs.Prune
		DELETE FROM jobs WHERE state = 'done' AND finished_at < ?`, d.Now().Add(-age))
	if err != nil {
		return 0, fmt.Errorf("jobs: prune: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("jobs: prune: %w", err)
	}
	return n, nil
}

// wake holds a channel per running Worker of this process. Enqueue signals
// them all after its commit: a worker on another database only makes one
// extra, empty claim.
var wake struct {
	sync.Mutex
	chans map[chan struct{}]struct{}
}

func addWaker(c chan struct{}) {
	wake.Lock()
	defer wake.Unlock()
	if wake.chans == nil {
		wake.chans = make(map[chan struct{}]struct{})
	}
	wake.chans[c] = struct{}{}
}

func removeWaker(c chan struct{}) {
	wake.Lock()
	defer wake.Unlock()
	delete(wake.chans, c)
}

func wakeWorkers() {
	wake.Lock()
	defer wake.Unlock()
	for c := range wake.chans {
		select {
		case c <- struct{}{}:
		default: // already signalled
		}
	}
}
