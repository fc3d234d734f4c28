package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/db/dbtest"
	"github.com/wuzhen/wuzhen/internal/jobs"
	"github.com/wuzhen/wuzhen/internal/testenv"
)

var sets = []db.Migrations{jobs.Migrations}

// clock is a settable clock for db.DB.Now, safe for the workers' goroutines.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(d *db.DB) *clock {
	c := &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	d.Now = c.Now
	return c
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// jobRow is a job as stored.
type jobRow struct {
	State     string
	Attempts  int
	LastError string
	RunAt     time.Time
}

func loadJob(t *testing.T, d *db.DB, id int64) jobRow {
	t.Helper()
	var r jobRow
	err := d.QueryRow(context.Background(),
		"SELECT state, attempts, last_error, run_at FROM jobs WHERE id = ?", id).
		Scan(&r.State, &r.Attempts, &r.LastError, &r.RunAt)
	if err != nil {
		t.Fatalf("load job %d: %v", id, err)
	}
	return r
}

func enqueue(t *testing.T, d *db.DB, kind string, payload any, opts ...jobs.Option) int64 {
	t.Helper()
	var id int64
	err := d.Tx(context.Background(), func(tx *db.Tx) error {
		var err error
		id, err = jobs.Enqueue(context.Background(), tx, kind, payload, opts...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// waitFor polls cond until it holds, failing the test after a generous
// deadline (a hang, not a timing measurement).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// startWorker runs w until the test ends, and returns a stop function that
// cancels it and waits for Run to return.
func startWorker(t *testing.T, w *jobs.Worker) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

func stats(t *testing.T, d *db.DB) map[string]int {
	t.Helper()
	s, err := jobs.Stats(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestEnqueueRolledBack(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := d.Tx(ctx, func(tx *db.Tx) error {
			if _, err := jobs.Enqueue(ctx, tx, "test.kind", map[string]int{"n": 1}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Tx: %v, want boom", err)
		}
		var n int
		if err := d.QueryRow(ctx, "SELECT count(*) FROM jobs").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("%d jobs after rollback, want 0", n)
		}
		// A worker finds nothing to do.
		w := jobs.NewWorker(d, quietLog(), map[string]jobs.Handler{
			"test.kind": func(context.Context, json.RawMessage) error {
				t.Error("handler ran for a rolled-back job")
				return nil
			},
		})
		if ran, err := w.RunNext(ctx); err != nil || ran {
			t.Fatalf("RunNext = %v, %v; want false, nil", ran, err)
		}
	})
}

func TestEnqueueRunsOnce(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		type payload struct {
			Name string `json:"name"`
			N    int    `json:"n"`
		}
		var mu sync.Mutex
		var got []payload
		w := jobs.NewWorker(d, quietLog(), map[string]jobs.Handler{
			"test.greet": func(_ context.Context, raw json.RawMessage) error {
				var p payload
				if err := json.Unmarshal(raw, &p); err != nil {
					return err
				}
				mu.Lock()
				got = append(got, p)
				mu.Unlock()
				return nil
			},
		}, jobs.PollInterval(10*time.Millisecond))
		stop := startWorker(t, w)

		id := enqueue(t, d, "test.greet", payload{Name: "乌镇", N: 7})
		waitFor(t, "the job to be done", func() bool { return loadJob(t, d, id).State == "done" })
		// Let the worker poll a few more times: a done job must not run again.
		time.Sleep(50 * time.Millisecond)
		stop()

		mu.Lock()
		defer mu.Unlock()
		if len(got) != 1 || got[0] != (payload{Name: "乌镇", N: 7}) {
			t.Fatalf("handler got %+v, want one call with {乌镇 7}", got)
		}
		if r := loadJob(t, d, id); r.Attempts != 1 || r.LastError != "" {
			t.Fatalf("job = %+v, want 1 attempt and no error", r)
		}
		if s := stats(t, d); s["done"] != 1 || s["pending"] != 0 || s["running"] != 0 || s["failed"] != 0 {
			t.Fatalf("Stats = %v", s)
		}
	})
}

func TestRunAtDelaysJob(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := newClock(d)
		var calls atomic.Int32
		w := jobs.NewWorker(d, quietLog(), map[string]jobs.Handler{
			"test.later": func(context.Context, json.RawMessage) error { calls.Add(1); return nil },
		})
		id := enqueue(t, d, "test.later", nil, jobs.RunAt(clk.Now().Add(time.Hour)))
		if ran, err := w.RunNext(ctx); err != nil || ran {
			t.Fatalf("RunNext before run_at = %v, %v; want false, nil", ran, err)
		}
		clk.Add(time.Hour)
		if ran, err := w.RunNext(ctx); err != nil || !ran {
			t.Fatalf("RunNext at run_at = %v, %v; want true, nil", ran, err)
		}
		if calls.Load() != 1 || loadJob(t, d, id).State != "done" {
			t.Fatalf("calls = %d, state = %s; want 1, done", calls.Load(), loadJob(t, d, id).State)
		}
	})
}

func TestFailingJobRetriesThenFails(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := newClock(d)
		var calls atomic.Int32
		w := jobs.NewWorker(d, quietLog(), map[string]jobs.Handler{
			"test.fail": func(context.Context, json.RawMessage) error {
				return fmt.Errorf("attempt %d went wrong", calls.Add(1))
			},
		})
		id := enqueue(t, d, "test.fail", nil, jobs.MaxAttempts(3))

		// Each failure reschedules with a growing delay: 10s, then 20s
		// (each plus at most 10% jitter).
		wantDelay := []time.Duration{10 * time.Second, 20 * time.Second}
		for attempt := 1; attempt <= 2; attempt++ {
			if ran, err := w.RunNext(ctx); err != nil || !ran {
				t.Fatalf("attempt %d: RunNext = %v, %v; want true, nil", attempt, ran, err)
			}
			r := loadJob(t, d, id)
			if r.State != "pending" || r.Attempts != attempt || r.LastError != fmt.Sprintf("attempt %d went wrong", attempt) {
				t.Fatalf("after attempt %d: %+v", attempt, r)
			}
			delay, base := r.RunAt.Sub(clk.Now()), wantDelay[attempt-1]
			if delay < base || delay > base+base/10 {
				t.Fatalf("after attempt %d: retry in %v, want %v plus at most 10%%", attempt, delay, base)
			}
			// Not due yet: nothing to run.
			if ran, err := w.RunNext(ctx); err != nil || ran {
				t.Fatalf("after attempt %d, before the retry is due: RunNext = %v, %v", attempt, ran, err)
			}
			clk.Add(2 * base)
		}
		if ran, err := w.RunNext(ctx); err != nil || !ran {
			t.Fatalf("attempt 3: RunNext = %v, %v; want true, nil", ran, err)
		}
		r := loadJob(t, d, id)
		if r.State != "failed" || r.Attempts != 3 || r.LastError != "attempt 3 went wrong" {
			t.Fatalf("after the last attempt: %+v, want failed after 3 attempts", r)
		}
		clk.Add(24 * time.Hour)
		if ran, err := w.RunNext(ctx); err != nil || ran {
			t.Fatalf("a failed job was claimed again: RunNext = %v, %v", ran, err)
		}
		if calls.Load() != 3 {
			t.Fatalf("handler ran %d times, want 3", calls.Load())
		}
		if s := stats(t, d); s["failed"] != 1 {
			t.Fatalf("Stats = %v, want 1 failed", s)
		}
	})
}

func TestPanicAndUnknownKindFailTheAttempt(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := jobs.NewWorker(d, quietLog(), map[string]jobs.Handler{
			"test.panic": func(context.Context, json.RawMessage) error { panic("kaboom") },
		})
		panicky := enqueue(t, d, "test.panic", nil)
		unknown := enqueue(t, d, "test.nobody", nil, jobs.MaxAttempts(1))
		for range 2 {
			if ran, err := w.RunNext(ctx); err != nil || !ran {
				t.Fatalf("RunNext = %v, %v; want true, nil", ran, err)
			}
		}
		if r := loadJob(t, d, panicky); r.State != "pending" || r.Attempts != 1 || !strings.Contains(r.LastError, "panicked: kaboom") {
			t.Fatalf("panicking job: %+v, want pending for a retry with the panic recorded", r)
		}
		if r := loadJob(t, d, unknown); r.State != "failed" || !strings.Contains(r.LastError, `no handler for kind "test.nobody"`) {
			t.Fatalf("unknown kind: %+v, want failed with a clear error", r)
		}
	})
}

// A worker that stops (crashes) while it holds a job loses it when its lease
// expires: another worker runs it, and the late first worker cannot
// overwrite the newer attempt's outcome.
func TestExpiredLeaseIsReclaimed(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := newClock(d)
		started := make(chan int, 2)
		release := make(chan struct{})
		var calls atomic.Int32
		handlers := map[string]jobs.Handler{
			"test.slow": func(ctx context.Context, _ json.RawMessage) error {
				n := int(calls.Add(1))
				started <- n
				if n == 1 {
					<-release // the "crashed" worker never gets on
					return errors.New("too late")
				}
				return nil
			},
		}
		// The lease is measured on the injected clock; the handler's own
		// deadline (the lease in real time) stays far away.
		crashed := jobs.NewWorker(d, quietLog(), handlers, jobs.Lease(time.Hour))
		other := jobs.NewWorker(d, quietLog(), handlers, jobs.Lease(time.Hour))
		id := enqueue(t, d, "test.slow", nil)

		firstDone := make(chan error, 1)
		go func() {
			_, err := crashed.RunNext(ctx)
			firstDone <- err
		}()
		<-started
		if r := loadJob(t, d, id); r.State != "running" || r.Attempts != 1 {
			t.Fatalf("claimed job: %+v", r)
		}
		// Within the lease, nobody else takes it.
		clk.Add(59 * time.Minute)
		if ran, err := other.RunNext(ctx); err != nil || ran {
			t.Fatalf("RunNext within the lease = %v, %v; want false, nil", ran, err)
		}
		clk.Add(2 * time.Minute)
		if ran, err := other.RunNext(ctx); err != nil || !ran {
			t.Fatalf("RunNext after the lease = %v, %v; want true, nil", ran, err)
		}
		if n := <-started; n != 2 {
			t.Fatalf("second run is call %d", n)
		}
		if r := loadJob(t, d, id); r.State != "done" || r.Attempts != 2 {
			t.Fatalf("after the reclaim: %+v, want done after 2 attempts", r)
		}
		close(release)
		if err := <-firstDone; err != nil {
			t.Fatal(err)
		}
		if r := loadJob(t, d, id); r.State != "done" || r.LastError != "" {
			t.Fatalf("the stale worker overwrote the job: %+v", r)
		}
	})
}

// A job whose last attempt was lost with its worker is failed, not run again.
func TestExpiredLastAttemptFails(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := newClock(d)
		release := make(chan struct{})
		started := make(chan struct{})
		var calls atomic.Int32
		handlers := map[string]jobs.Handler{
			"test.once": func(context.Context, json.RawMessage) error {
				calls.Add(1)
				close(started)
				<-release
				return nil
			},
		}
		crashed := jobs.NewWorker(d, quietLog(), handlers, jobs.Lease(time.Minute))
		other := jobs.NewWorker(d, quietLog(), handlers, jobs.Lease(time.Minute))
		id := enqueue(t, d, "test.once", nil, jobs.MaxAttempts(1))
		firstDone := make(chan error, 1)
		go func() {
			_, err := crashed.RunNext(ctx)
			firstDone <- err
		}()
		<-started
		clk.Add(2 * time.Minute)
		if ran, err := other.RunNext(ctx); err != nil || !ran {
			t.Fatalf("RunNext = %v, %v; want true, nil", ran, err)
		}
		r := loadJob(t, d, id)
		if r.State != "failed" || r.Attempts != 1 || !strings.Contains(r.LastError, "lease expired") {
			t.Fatalf("job = %+v, want failed after its 1 attempt, lease expired", r)
		}
		close(release)
		if err := <-firstDone; err != nil {
			t.Fatal(err)
		}
		if calls.Load() != 1 || loadJob(t, d, id).State != "failed" {
			t.Fatalf("calls = %d, state = %s; want 1, failed", calls.Load(), loadJob(t, d, id).State)
		}
	})
}

// eachTwoHandles runs fn on two handles on one database, as two processes
// would have: two *db.DB on one SQLite file, two pools on one PostgreSQL
// database.
func eachTwoHandles(t *testing.T, fn func(t *testing.T, d1, d2 *db.DB)) {
	t.Run("sqlite", func(t *testing.T) {
		url := "sqlite:" + filepath.Join(t.TempDir(), "test.db")
		fn(t, dbtest.Open(t, url, sets), dbtest.Open(t, url, sets))
	})
	t.Run("postgres", func(t *testing.T) {
		url := testenv.PostgresDSN(t)
		fn(t, dbtest.Open(t, url, sets), dbtest.Open(t, url, sets))
	})
}

func TestTwoWorkersRunEachJobOnce(t *testing.T) {
	eachTwoHandles(t, func(t *testing.T, d1, d2 *db.DB) {
		const n = 60
		var mu sync.Mutex
		runs := map[int]int{}
		handler := func(_ context.Context, raw json.RawMessage) error {
			var i int
			if err := json.Unmarshal(raw, &i); err != nil {
				return err
			}
			mu.Lock()
			runs[i]++
			mu.Unlock()
			time.Sleep(time.Millisecond) // hold the job while others claim
			return nil
		}
		for _, d := range []*db.DB{d1, d2} {
			w := jobs.NewWorker(d, quietLog(), map[string]jobs.Handler{"test.count": handler},
				jobs.PollInterval(5*time.Millisecond), jobs.Concurrency(3))
			startWorker(t, w)
		}
		// Enqueue while the workers run, from both handles.
		for i := range n {
			enqueue(t, []*db.DB{d1, d2}[i%2], "test.count", i)
		}
		waitFor(t, "every job to be done", func() bool { return stats(t, d1)["done"] == n })

		mu.Lock()
		defer mu.Unlock()
		if len(runs) != n {
			t.Fatalf("%d distinct jobs ran, want %d", len(runs), n)
		}
		for i, c := range runs {
			if c != 1 {
				t.Errorf("job %d ran %d times", i, c)
			}
		}
	})
}

func TestRunStopsGracefully(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		started := make(chan struct{})
		release := make(chan struct{})
		var finished atomic.Bool
		w := jobs.NewWorker(d, quietLog(), map[string]jobs.Handler{
			"test.block": func(ctx context.Context, _ json.RawMessage) error {
				close(started)
				<-release
				if ctx.Err() != nil {
					return fmt.Errorf("handler context ended: %w", ctx.Err())
				}
				finished.Store(true)
				return nil
			},
		}, jobs.PollInterval(10*time.Millisecond))
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- w.Run(ctx) }()

		id := enqueue(t, d, "test.block", nil)
		<-started
		cancel()
		select {
		case err := <-done:
			t.Fatalf("Run returned (%v) while a handler was still running", err)
		case <-time.After(100 * time.Millisecond):
		}
		close(release)
		if err := <-done; err != nil {
			t.Fatalf("Run: %v", err)
		}
		if !finished.Load() {
			t.Fatal("Run returned before the handler finished")
		}
		if r := loadJob(t, d, id); r.State != "done" {
			t.Fatalf("job = %+v, want done", r)
		}
	})
}

func TestPrune(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := newClock(d)
		w := jobs.NewWorker(d, quietLog(), map[string]jobs.Handler{
			"test.ok":   func(context.Context, json.RawMessage) error { return nil },
			"test.fail": func(context.Context, json.RawMessage) error { return errors.New("no") },
		})
		enqueue(t, d, "test.ok", nil)
		enqueue(t, d, "test.fail", nil, jobs.MaxAttempts(1))
		for range 2 {
			if _, err := w.RunNext(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := jobs.Prune(ctx, d, time.Hour); err != nil || n != 0 {
			t.Fatalf("Prune of fresh jobs = %d, %v; want 0", n, err)
		}
		clk.Add(2 * time.Hour)
		if n, err := jobs.Prune(ctx, d, time.Hour); err != nil || n != 1 {
			t.Fatalf("Prune = %d, %v; want 1", n, err)
		}
		if s := stats(t, d); s["done"] != 0 || s["failed"] != 1 {
			t.Fatalf("Stats after Prune = %v, want the failed job kept", s)
		}
	})
}
