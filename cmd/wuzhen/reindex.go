package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/wuzhen/wuzhen/internal/config"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/pagecache"
	"github.com/wuzhen/wuzhen/internal/search"
)

// reindex rebuilds every search index from the content, in one
// transaction: readers see the old index until it commits.
func reindex(args []string) error {
	fs := flag.NewFlagSet("reindex", flag.ContinueOnError)
	cfg := config.Register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.Resolve(); err != nil {
		return err
	}
	ctx := context.Background()
	a, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.close()
	counts, err := a.reindex(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("Reindexed %s.\n", strings.Join(counts, ", "))
	return nil
}

// reindex rebuilds the search index of every capability that has one, in
// one transaction, then tidies it; it returns what it counted, as "152
// members".
func (a *app) reindex(ctx context.Context) ([]string, error) {
	indexes := []struct {
		what string
		fn   func(context.Context, *db.Tx) (int, error)
	}{
		{"members", a.members.Reindex},
		{"events (with their sessions and speakers)", a.events.Reindex},
		{"cases", a.calls.Reindex},
		{"documents", a.docs.Reindex},
	}
	var counts []string
	err := a.db.Tx(ctx, func(tx *db.Tx) error {
		counts = counts[:0]
		for _, ix := range indexes {
			n, err := ix.fn(ctx, tx)
			if err != nil {
				return fmt.Errorf("reindex %s: %w", ix.what, err)
			}
			counts = append(counts, fmt.Sprintf("%d %s", n, ix.what))
		}
		// Cached search pages were answered from the old index.
		return pagecache.Bump(ctx, tx)
	})
	if err != nil {
		return nil, err
	}
	if _, err := search.Tidy(ctx, a.db); err != nil {
		return nil, err
	}
	return counts, nil
}
