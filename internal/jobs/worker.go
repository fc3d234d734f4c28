package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/wuzhen/wuzhen/internal/db"
)

// Handler does the work of one kind of job. It gets the payload given to
// Enqueue, as JSON. A returned error (or a panic) fails the attempt: the job
// is retried later, until its max attempts. Its context ends when the
// worker's lease on the job ends; it does not end when the worker is asked
// to stop, so that a graceful stop lets handlers finish.
type Handler func(ctx context.Context, payload json.RawMessage) error

// Defaults of a Worker.
const (
	DefaultPollInterval = time.Second
	DefaultLease        = 5 * time.Minute
	DefaultConcurrency  = 2
)

// finishTimeout bounds the statement that records a job's outcome.
const finishTimeout = 30 * time.Second

// maxErrorLen bounds the error text kept in last_error, in bytes.
const maxErrorLen = 4000

// WorkerOption changes a Worker's defaults.
type WorkerOption func(*Worker)

// PollInterval sets how often an idle worker looks for due jobs (default 1s).
// Jobs enqueued by this process wake its workers at once; the poll finds jobs
// enqueued by other processes, retries that became due, and expired leases.
func PollInterval(d time.Duration) WorkerOption {
	return func(w *Worker) {
		if d > 0 {
			w.poll = d
		}
	}
}

// Lease sets how long a claimed job belongs to its worker (default 5m). A
// handler's context ends with the lease; after it, another worker may claim
// the job again, so a lease must be longer than any handler runs.
func Lease(d time.Duration) WorkerOption {
	return func(w *Worker) {
		if d > 0 {
			w.lease = d
		}
	}
}

// Concurrency sets how many jobs a worker runs at once (default 2).
func Concurrency(n int) WorkerOption {
	return func(w *Worker) {
		if n > 0 {
			w.concurrency = n
		}
	}
}

// Worker claims due jobs from the database and runs their handlers. Several
// workers, in one process or many, may share a database: each job runs in
// one of them at a time.
type Worker struct {
	d           *db.DB
	log         *slog.Logger
	handlers    map[string]Handler
	poll        time.Duration
	lease       time.Duration
	concurrency int
}

// NewWorker returns a worker that runs jobs on d with handlers, keyed by job
// kind. A job of a kind without a handler fails its attempt, and is retried,
// since a newer instance of the platform may know the kind. main wires it;
// log may be nil for slog.Default().
func NewWorker(d *db.DB, log *slog.Logger, handlers map[string]Handler, opts ...WorkerOption) *Worker {
	if log == nil {
		log = slog.Default()
	}
	w := &Worker{
		d:           d,
		log:         log,
		handlers:    make(map[string]Handler, len(handlers)),
		poll:        DefaultPollInterval,
		lease:       DefaultLease,
		concurrency: DefaultConcurrency,
	}
	for k, h := range handlers {
		w.handlers[k] = h
	}
	for _, opt := range opts {
		opt(w)
	}
	return w
}

// Run claims and runs jobs until ctx is cancelled, then waits for the
// handlers still running and returns nil. Database errors while claiming are
// logged and retried at the next poll, not returned: a worker outlives a
// database restart. main calls it once per worker, in its own goroutine.
func (w *Worker) Run(ctx context.Context) error {
	wakeup := make(chan struct{}, 1)
	addWaker(wakeup)
	defer removeWaker(wakeup)

	slots := make(chan struct{}, w.concurrency)
	var running sync.WaitGroup
	defer running.Wait()

	w.log.Debug("jobs: worker started", "concurrency", w.concurrency, "poll", w.poll, "lease", w.lease)
	defer w.log.Debug("jobs: worker stopped")
	for {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return nil
		}
		if ctx.Err() != nil {
			return nil
		}
		j, err := w.claim(ctx)
		if err != nil && ctx.Err() == nil {
			w.log.Error("jobs: claim", "err", err)
		}
		if j == nil {
			<-slots
			timer := time.NewTimer(w.poll)
			select {
			case <-ctx.Done():
				timer.Stop()
				return nil
			case <-wakeup:
				timer.Stop()
			case <-timer.C:
			}
			continue
		}
		if j.expired {
			<-slots
			continue
		}
		running.Go(func() {
			defer func() { <-slots }()
			w.run(ctx, j)
		})
	}
}

// RunNext claims the next due job, if any, runs it in the caller's goroutine
// and records the outcome. It reports whether it claimed a job; the handler's
// error is recorded in the job, not returned. For tests and one-shot tools;
// services use Run. It returns the database's error.
func (w *Worker) RunNext(ctx context.Context) (bool, error) {
	j, err := w.claim(ctx)
	if err != nil || j == nil {
		return false, err
	}
	if j.expired {
		return true, nil
	}
	return true, w.run(ctx, j)
}

// job is a claimed job.
type job struct {
	id          int64
	kind        string
	payload     string
	attempt     int // attempts including this one: the lease's fencing token
	maxAttempts int
	// expired: the job's last attempt lost its lease (its worker died), so
	// claim failed it instead of running it again.
	expired bool
}

// claim takes the next due job, pending or with an expired lease, and leases
// it to this worker. It returns nil when no job is due.
func (w *Worker) claim(ctx context.Context) (*job, error) {
	var j *job
	err := w.d.Tx(ctx, func(tx *db.Tx) error {
		now := tx.Now()
		var c job
		err := tx.QueryRow(ctx, `-- jobs.Worker.claim
			UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_until = ?
			WHERE id = (
				SELECT id FROM jobs
				WHERE (state = 'pending' AND run_at <= ?) OR (state = 'running' AND locked_until < ?)
				ORDER BY run_at, id
				LIMIT 1`+tx.SkipLocked()+`)
			RETURNING id, kind, payload, attempts, max_attempts`,
			now.Add(w.lease), now, now).Scan(&c.id, &c.kind, &c.payload, &c.attempt, &c.maxAttempts)
		if db.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		j = &c
		if c.attempt <= c.maxAttempts {
			return nil
		}
		// Its final attempt was claimed and never finished.
		c.expired = true
		_, err = tx.Exec(ctx, `-- jobs.Worker.claim: expired final attempt
			UPDATE jobs SET state = 'failed', attempts = max_attempts, locked_until = NULL,
				finished_at = ?, last_error = ?
			WHERE id = ?`,
			now, "jobs: the worker running the last attempt stopped before it finished (lease expired)", c.id)
		if err == nil {
			w.log.Error("jobs: job failed", "job", c.id, "kind", c.kind, "attempt", c.maxAttempts,
				"err", "lease of the last attempt expired")
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: claim: %w", err)
	}
	return j, nil
}

// run calls the job's handler and records its outcome. It returns the
// database's error from recording it.
func (w *Worker) run(ctx context.Context, j *job) error {
	log := w.log.With("job", j.id, "kind", j.kind, "attempt", j.attempt, "max_attempts", j.maxAttempts)
	start := time.Now()
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.lease)
	err := w.call(hctx, log, j)
	cancel()
	log = log.With("duration", time.Since(start))

	fctx, fcancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
	defer fcancel()
	now := w.d.Now()
	var q string
	var args []any
	switch {
	case err == nil:
		q = `-- jobs.Worker.run: done
			UPDATE jobs SET state = 'done', locked_until = NULL, finished_at = ?
			WHERE id = ? AND state = 'running' AND attempts = ?`
		args = []any{now, j.id, j.attempt}
		log.Debug("jobs: job done")
	case j.attempt >= j.maxAttempts:
		q = `-- jobs.Worker.run: failed
			UPDATE jobs SET state = 'failed', locked_until = NULL, finished_at = ?, last_error = ?
			WHERE id = ? AND state = 'running' AND attempts = ?`
		args = []any{now, errorText(err), j.id, j.attempt}
		log.Error("jobs: job failed", "err", err)
	default:
		next := now.Add(backoff(j.attempt))
		q = `-- jobs.Worker.run: retry
			UPDATE jobs SET state = 'pending', locked_until = NULL, run_at = ?, last_error = ?
			WHERE id = ? AND state = 'running' AND attempts = ?`
		args = []any{next, errorText(err), j.id, j.attempt}
		log.Warn("jobs: job attempt failed", "err", err, "retry_at", next)
	}
	res, dberr := w.d.Exec(fctx, q, args...)
	if dberr == nil {
		var n int64
		if n, dberr = res.RowsAffected(); dberr == nil && n == 0 {
			log.Warn("jobs: lease lost before the job finished; a newer attempt owns it")
		}
	}
	if dberr != nil {
		log.Error("jobs: record outcome", "err", dberr)
		return fmt.Errorf("jobs: record outcome of job %d: %w", j.id, dberr)
	}
	return nil
}

// call runs the handler, turning a panic or an unknown kind into an error.
func (w *Worker) call(ctx context.Context, log *slog.Logger, j *job) (err error) {
	h, ok := w.handlers[j.kind]
	if !ok {
		return fmt.Errorf("jobs: no handler for kind %q in this worker", j.kind)
	}
	defer func() {
		if p := recover(); p != nil {
			log.Error("jobs: handler panicked", "panic", p, "stack", string(debug.Stack()))
			err = fmt.Errorf("jobs: handler panicked: %v", p)
		}
	}()
	return h(ctx, json.RawMessage(j.payload))
}

// backoff is the wait before retrying after the given failed attempt
// (counted from 1): 10s·2^(attempt-1), at most 1h, plus up to 10% jitter so
// that jobs failing together do not retry together.
func backoff(attempt int) time.Duration {
	d := 10 * time.Second
	for i := 1; i < attempt && d < time.Hour; i++ {
		d *= 2
	}
	d = min(d, time.Hour)
	return d + rand.N(d/10+1)
}

func errorText(err error) string {
	s := err.Error()
	if s == "" {
		return "error without text"
	}
	if len(s) > maxErrorLen {
		// Cut at the limit, dropping a UTF-8 sequence cut in half.
		s = strings.ToValidUTF8(s[:maxErrorLen], "")
	}
	return s
}
