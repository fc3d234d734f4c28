package db_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/db/dbtest"
)

// TestConcurrentTransactions runs many write transactions at once, as a
// rush of registrations does. On SQLite they are committed in groups
// (batch.go): each transaction still stands alone: a failed one leaves
// nothing, a panicking one panics in its own caller and leaves nothing, the
// others are all there, each caller's AfterCommit runs once in its own
// goroutine after its writes are visible, and a transaction sees the
// writes committed (or batched) before it, so that a counter read and
// written by every transaction ends exact.
func TestConcurrentTransactions(t *testing.T) {
	dbtest.Each(t, []db.Migrations{testSchema}, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.Exec(ctx, "INSERT INTO things (name, note, at) VALUES ('counter', '0', ?)", d.Now()); err != nil {
			t.Fatal(err)
		}
		const n = 300
		var wg sync.WaitGroup
		var afters atomic.Int32
		errFail := errors.New("refused on purpose")
		outcome := make([]string, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				name := fmt.Sprintf("c%03d", i)
				defer func() {
					if p := recover(); p != nil {
						outcome[i] = fmt.Sprint("panic: ", p)
					}
				}()
				err := d.Tx(ctx, func(tx *db.Tx) error {
					var c int
					if err := tx.QueryRow(ctx, "SELECT CAST(note AS INTEGER) FROM things WHERE name = 'counter'"+tx.ForUpdate()).Scan(&c); err != nil {
						return err
					}
					if _, err := tx.Exec(ctx, "UPDATE things SET note = ? WHERE name = 'counter'", fmt.Sprint(c+1)); err != nil {
						return err
					}
					if _, err := tx.Exec(ctx, "INSERT INTO things (name, at) VALUES (?, ?)", name, tx.Now()); err != nil {
						return err
					}
					switch i % 10 {
					case 3:
						return errFail
					case 7:
						panic("boom " + name)
					case 5:
						// A statement that fails inside the transaction: a
						// name already taken.
						_, err := tx.Exec(ctx, "INSERT INTO things (name, at) VALUES (?, ?)", name, tx.Now())
						return err
					}
					tx.AfterCommit(func() {
						var got string
						if err := d.QueryRow(ctx, "SELECT name FROM things WHERE name = ?", name).Scan(&got); err != nil {
							t.Errorf("%s: after commit, not visible: %v", name, err)
						}
						afters.Add(1)
					})
					return nil
				})
				switch {
				case err == nil:
					outcome[i] = "ok"
				case errors.Is(err, errFail):
					outcome[i] = "failed"
				case db.IsUnique(err):
					outcome[i] = "unique"
				default:
					outcome[i] = "error: " + err.Error()
				}
			}()
		}
		wg.Wait()
		ok := 0
		for i, o := range outcome {
			want := "ok"
			switch i % 10 {
			case 3:
				want = "failed"
			case 7:
				want = fmt.Sprintf("panic: boom c%03d", i)
			case 5:
				want = "unique"
			}
			if o != want {
				t.Errorf("transaction %d: %s, want %s", i, o, want)
			}
			var count int
			d.QueryRow(ctx, "SELECT COUNT(*) FROM things WHERE name = ?", fmt.Sprintf("c%03d", i)).Scan(&count)
			if (want == "ok") != (count == 1) || count > 1 {
				t.Errorf("transaction %d (%s): %d rows", i, o, count)
			}
			if want == "ok" {
				ok++
			}
		}
		if int(afters.Load()) != ok {
			t.Errorf("%d AfterCommit calls for %d commits", afters.Load(), ok)
		}
		var counter string
		d.QueryRow(ctx, "SELECT note FROM things WHERE name = 'counter'").Scan(&counter)
		if counter != fmt.Sprint(ok) {
			t.Errorf("counter %s after %d committed increments", counter, ok)
		}
	})
}

// TestTransactionCancelled: a caller whose context is done before its
// transaction runs gets the context's error and writes nothing; the
// database goes on serving the others.
func TestTransactionCancelled(t *testing.T) {
	dbtest.Each(t, []db.Migrations{testSchema}, func(t *testing.T, d *db.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := d.Tx(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, "INSERT INTO things (name, at) VALUES ('cancelled', ?)", tx.Now())
			return err
		})
		if err == nil {
			t.Fatal("a cancelled context's transaction committed")
		}
		var n int
		d.QueryRow(context.Background(), "SELECT COUNT(*) FROM things WHERE name = 'cancelled'").Scan(&n)
		if n != 0 {
			t.Errorf("%d rows written by a cancelled transaction", n)
		}
		if err := d.Tx(context.Background(), func(tx *db.Tx) error {
			_, err := tx.Exec(context.Background(), "INSERT INTO things (name, at) VALUES ('after', ?)", tx.Now())
			return err
		}); err != nil {
			t.Fatal(err)
		}
	})
}
