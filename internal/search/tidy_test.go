package search_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/db/dbtest"
	"github.com/wuzhen/wuzhen/internal/search"
)

func TestTidy(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		// One transaction each, as the app writes: FTS5 keeps a b-tree
		// per transaction until it merges them.
		for i := range 40 {
			put(t, d, doc("event", int64(i+1), en(fmt.Sprintf("Forum %d on data governance", i+1), "Speakers and sessions.")))
		}
		put(t, d, doc("member", 1, en("Data Governance Lab", "")))
		before := ids(find(t, d, search.Request{Q: "data governance", Limit: 50}))
		steps, err := search.Tidy(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		if d.Dialect() == db.Postgres {
			if steps != 0 {
				t.Errorf("Tidy on PostgreSQL took %d steps, want none", steps)
			}
		} else if steps == 0 {
			t.Error("Tidy found nothing to merge after 41 transactions")
		}
		if again, err := search.Tidy(ctx, d); err != nil || again != 0 {
			t.Errorf("second Tidy: %d steps, %v; want nothing to do", again, err)
		}
		if after := ids(find(t, d, search.Request{Q: "data governance", Limit: 50})); !slices.Equal(after, before) || len(after) != 41 {
			t.Errorf("after Tidy: %v\nbefore: %v", after, before)
		}
		// The index still takes changes.
		put(t, d, doc("member", 2, en("Governance Watch", "")))
		if res := find(t, d, search.Request{Q: "governance watch"}); len(res.Hits) != 1 {
			t.Errorf("after a put: %v", ids(res))
		}
	})
}
