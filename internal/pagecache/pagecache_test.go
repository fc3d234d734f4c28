package pagecache_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/db/dbtest"
	"github.com/wuzhen/wuzhen/internal/pagecache"
)

// TestGeneration: a Bump committed by this process changes the generation
// at once; one rolled back does not; a change made by another process (here
// a second handle on the same database, bumping without this process
// knowing) shows at once on PostgreSQL and, on SQLite, within a second.
func TestGeneration(t *testing.T) {
	dbtest.Each(t, []db.Migrations{pagecache.Migrations}, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var mu sync.Mutex
		now := time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)
		d.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		advance := func(by time.Duration) { mu.Lock(); now = now.Add(by); mu.Unlock() }
		c := pagecache.New(d, 10)
		gen := func() int64 {
			t.Helper()
			n, err := c.Generation(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		g0 := gen()
		c.Put("/", g0, http.StatusOK, http.Header{}, []byte("home"))
		if _, ok := c.Get("/", gen()); !ok {
			t.Fatal("a page put at this generation is not served")
		}

		if err := d.Tx(ctx, func(tx *db.Tx) error { return pagecache.Bump(ctx, tx) }); err != nil {
			t.Fatal(err)
		}
		g1 := gen()
		if g1 == g0 {
			t.Fatal("a committed Bump did not change the generation")
		}
		if _, ok := c.Get("/", g1); ok {
			t.Fatal("the page of the old generation is still served")
		}

		d.Tx(ctx, func(tx *db.Tx) error {
			if err := pagecache.Bump(ctx, tx); err != nil {
				return err
			}
			return context.Canceled // rolled back
		})
		if g := gen(); g != g1 {
			t.Fatalf("a rolled-back Bump changed the generation: %d to %d", g1, g)
		}

		other := dbtest.Open(t, dbtest.URL(t, d), []db.Migrations{pagecache.Migrations})
		if _, err := other.Exec(ctx, "UPDATE cache_generation SET n = n + 1 WHERE id = 1"); err != nil {
			t.Fatal(err)
		}
		g := gen()
		if d.Dialect() == db.Postgres {
			if g == g1 {
				t.Fatal("PostgreSQL: another instance's change is not seen at once")
			}
			return
		}
		if g != g1 {
			t.Fatalf("SQLite: the generation was read again within the second (%d to %d)", g1, g)
		}
		advance(time.Second)
		if g := gen(); g == g1 {
			t.Fatal("SQLite: another process's change is not seen after a second")
		}
	})
}
