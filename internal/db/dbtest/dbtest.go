// Package dbtest runs a test on every database the platform supports: a fresh
// SQLite file in t.TempDir() and, when PostgreSQL is available, a fresh
// PostgreSQL database (see internal/testenv), each migrated with the sets given.
package dbtest

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/testenv"
)

// Each runs fn as the subtests "sqlite" and "postgres", each on a new
// database migrated with sets. The postgres subtest skips (or fails, where
// PostgreSQL is required) as testenv.PostgresDSN says.
func Each(t *testing.T, sets []db.Migrations, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		fn(t, Open(t, "sqlite:"+filepath.Join(t.TempDir(), "test.db"), sets))
	})
	t.Run("postgres", func(t *testing.T) {
		fn(t, Open(t, testenv.PostgresDSN(t), sets))
	})
}

var urls sync.Map // *db.DB → URL

// URL returns the URL a database of Each was opened with, so that a test
// can open more handles on it.
func URL(t testing.TB, d *db.DB) string {
	u, ok := urls.Load(d)
	if !ok {
		t.Fatal("dbtest: not a database of Each")
	}
	return u.(string)
}

// Open opens and migrates the database at url, closing it when t ends.
func Open(t testing.TB, url string, sets []db.Migrations) *db.DB {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	urls.Store(d, url)
	t.Cleanup(func() { d.Close(); urls.Delete(d) })
	if err := d.Migrate(ctx, sets...); err != nil {
		t.Fatal(err)
	}
	return d
}
