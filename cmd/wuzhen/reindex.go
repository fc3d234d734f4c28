package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/wuzhen/wuzhen/internal/config"
	"github.com/wuzhen/wuzhen/internal/db"
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
	var n, cases int
	err = a.db.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if n, err = a.members.Reindex(ctx, tx); err != nil {
			return err
		}
		cases, err = a.calls.Reindex(ctx, tx)
		return err
	})
	if err != nil {
		return err
	}
	if _, err := search.Tidy(ctx, a.db); err != nil {
		return err
	}
	fmt.Printf("Reindexed %d members and %d cases.\n", n, cases)
	return nil
}
