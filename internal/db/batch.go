package db

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// Group commit on SQLite. SQLite has one writer, so write transactions run
// one after another whatever the load; each paid for its own BEGIN, its
// own COMMIT (the log's frames, checksums and header) and a hand-over of
// the one write connection. Under load the writer goroutine runs the
// transactions waiting at that moment in one SQLite transaction instead,
// each inside its own savepoint: a transaction whose function fails (or
// panics) is rolled back to its savepoint alone, the others commit
// together, and no caller hears back before the COMMIT that makes its
// writes durable has returned. Functions registered with AfterCommit run
// in the caller's goroutine, after that commit, as with a transaction of
// its own.
//
// A function in a batch sees the writes of the functions before it in the
// same batch, which is what it would see had they committed first; if the
// COMMIT fails, every function of the batch fails with it.

// maxBatch bounds the transactions committed together, so that a caller
// does not wait behind an unbounded queue's work before its commit.
const maxBatch = 64

// txRequest is one caller's transaction, waiting for the writer.
type txRequest struct {
	ctx  context.Context
	fn   func(*Tx) error
	done chan txResult
}

type txResult struct {
	err      error
	panicked bool
	panicV   any
	after    []func()
}

// batcher is the SQLite writer goroutine's side.
type batcher struct {
	queue chan *txRequest
	quit  chan struct{}
	wg    sync.WaitGroup
	once  sync.Once
}

var errClosed = errors.New("db: closed")

func (d *DB) startBatcher() {
	d.batch = &batcher{queue: make(chan *txRequest, 1024), quit: make(chan struct{})}
	d.batch.wg.Add(1)
	go d.writer()
}

func (d *DB) stopBatcher() {
	if d.batch == nil {
		return
	}
	d.batch.once.Do(func() { close(d.batch.quit) })
	d.batch.wg.Wait()
}

// batchTx hands fn to the writer goroutine and waits for its result.
func (d *DB) batchTx(ctx context.Context, fn func(tx *Tx) error) error {
	req := &txRequest{ctx: ctx, fn: fn, done: make(chan txResult, 1)}
	select {
	case d.batch.queue <- req:
	case <-d.batch.quit:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once queued, the request is answered: the writer never drops one.
	res := <-req.done
	if res.panicked {
		panic(res.panicV)
	}
	if res.err != nil {
		return res.err
	}
	for _, f := range res.after {
		f()
	}
	return nil
}

// writer runs the queued transactions, a batch at a time, until quit.
func (d *DB) writer() {
	defer d.batch.wg.Done()
	for {
		var first *txRequest
		select {
		case first = <-d.batch.queue:
		case <-d.batch.quit:
			// Answer what is still queued.
			for {
				select {
				case r := <-d.batch.queue:
					r.done <- txResult{err: errClosed}
				default:
					return
				}
			}
		}
		batch := []*txRequest{first}
	fill:
		for len(batch) < maxBatch {
			select {
			case r := <-d.batch.queue:
				batch = append(batch, r)
			default:
				break fill
			}
		}
		d.runBatch(batch)
	}
}

// runBatch runs batch in one transaction, each request in a savepoint.
func (d *DB) runBatch(batch []*txRequest) {
	ctx := context.Background()
	results := make([]txResult, len(batch))
	answer := func() {
		for i, r := range batch {
			r.done <- results[i]
		}
	}
	stx, err := d.w.BeginTx(ctx, nil)
	if err != nil {
		for i := range results {
			results[i] = txResult{err: fmt.Errorf("db: begin: %w", err)}
		}
		answer()
		return
	}
	var missed []string
	ok := 0 // requests whose writes are in the transaction
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			results[i].err = err
			continue
		}
		if _, err := stx.ExecContext(ctx, "SAVEPOINT wuzhen_tx"); err != nil {
			results[i].err = fmt.Errorf("db: savepoint: %w", err)
			continue
		}
		tx := &Tx{db: d, tx: stx, batched: true}
		res := call(r.fn, tx)
		missed = append(missed, tx.missed...)
		if res.err == nil && !res.panicked {
			if _, err := stx.ExecContext(ctx, "RELEASE wuzhen_tx"); err != nil {
				res.err = fmt.Errorf("db: release: %w", err)
			} else {
				res.after = tx.after
				results[i] = res
				ok++
				continue
			}
		}
		results[i] = res
		// Undo this request alone. If SQLite has already rolled back the
		// whole transaction (as it does on some errors), the savepoint is
		// gone: everything before in the batch is lost with it.
		_, err1 := stx.ExecContext(ctx, "ROLLBACK TO wuzhen_tx")
		if err1 == nil {
			_, err1 = stx.ExecContext(ctx, "RELEASE wuzhen_tx")
		}
		if err1 != nil {
			stx.Rollback()
			lost := fmt.Errorf("db: transaction rolled back by another in its batch: %w", err1)
			for j := range i {
				if results[j].err == nil && !results[j].panicked {
					results[j] = txResult{err: lost}
				}
			}
			for j := i + 1; j < len(batch); j++ {
				results[j] = txResult{err: lost}
			}
			answer()
			d.prepareMissed(missed)
			return
		}
	}
	if ok == 0 {
		stx.Rollback()
	} else if err := stx.Commit(); err != nil {
		for i := range results {
			if results[i].err == nil && !results[i].panicked {
				results[i] = txResult{err: fmt.Errorf("db: commit: %w", err)}
			}
		}
	}
	answer()
	d.prepareMissed(missed)
}

// call runs fn, catching a panic to hand it back to the caller.
func call(fn func(*Tx) error, tx *Tx) (res txResult) {
	defer func() {
		if p := recover(); p != nil {
			res = txResult{panicked: true, panicV: p}
		}
	}()
	return txResult{err: fn(tx)}
}

// prepareMissed prepares, once the write connection is free, what the
// transactions ran unprepared.
func (d *DB) prepareMissed(missed []string) {
	for _, q := range missed {
		if d.wc.get(q) == nil {
			d.wc.prepare(context.Background(), q)
		}
	}
}
