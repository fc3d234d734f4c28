package search

import (
	"context"
	"fmt"

	"github.com/wuzhen/wuzhen/internal/db"
)

// tidyPages is how many pages of merged index one transaction of Tidy
// writes (4 KB each): a writer waits for one such step at most.
const tidyPages = 500

// Tidy merges each full-text index of SQLite into a single b-tree, the way
// FTS5's 'optimize' does, but incrementally: tidyPages pages a
// transaction, so that writers wait for one step at most. FTS5's own
// automerge, as documents come in, keeps about ten b-trees for 100,000
// documents, and a query opens every b-tree for each of its words, which
// doubles the cost of a search against one b-tree. Run it now and then
// (the server's maintenance does, hourly, and wuzhen reindex after
// rebuilding); when the index has not changed since, it does nothing. It
// returns how many steps did work. On PostgreSQL, autovacuum keeps the GIN
// indexes; Tidy only refreshes the planner's statistics of search_docs
// (ANALYZE, as autovacuum does after many changes), which tell it how
// common each word is: an index scan in rid order for a common word, a
// bitmap of the GIN index for a rare one. It returns 0 steps there.
func Tidy(ctx context.Context, d *db.DB) (int, error) {
	if d.Dialect() == db.Postgres {
		if _, err := d.Exec(ctx, "ANALYZE search_docs"); err != nil {
			return 0, fmt.Errorf("search: tidy: %w", err)
		}
		return 0, nil
	}
	steps := 0
	for _, table := range []string{"search_fts", "search_titles"} {
		// The first step with a negative count merges every b-tree, the
		// following ones finish that merge, even if new b-trees come in
		// meanwhile (FTS5's documentation of 'merge').
		n := -tidyPages
		for {
			worked := false
			err := d.Tx(ctx, func(tx *db.Tx) error {
				var before, after int64
				if err := tx.QueryRow(ctx, "SELECT total_changes()").Scan(&before); err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, "INSERT INTO "+table+" ("+table+", rank) VALUES ('merge', ?)", n); err != nil {
					return err
				}
				if err := tx.QueryRow(ctx, "SELECT total_changes()").Scan(&after); err != nil {
					return err
				}
				worked = after-before >= 2
				return nil
			})
			if err != nil {
				return steps, fmt.Errorf("search: tidy %s: %w", table, err)
			}
			if !worked {
				break
			}
			steps++
			n = tidyPages
		}
	}
	return steps, nil
}
