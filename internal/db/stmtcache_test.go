package db

import (
	"context"
	"path/filepath"
	"testing"
)

// TestStatementCache checks that SQLite statements are prepared once and
// reused, in and out of transactions, with the right results, and that
// schema statements are never kept.
func TestStatementCache(t *testing.T) {
	ctx := context.Background()
	d, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Exec(ctx, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		err := d.Tx(ctx, func(tx *Tx) error {
			if _, err := tx.Exec(ctx, "-- insert\nINSERT INTO t (v) VALUES (?)", i); err != nil {
				return err
			}
			var n int
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM t WHERE v <> ?", "x").Scan(&n); err != nil || n != i+1 {
				t.Fatalf("round %d: count %d, %v", i, n, err)
			}
			_, err := tx.Exec(ctx, "CREATE TABLE IF NOT EXISTS u (id INTEGER)")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM t").Scan(&n); err != nil || n != i+1 {
			t.Fatalf("read %d: %d %v", i, n, err)
		}
	}
	if d.wc.get("-- insert\nINSERT INTO t (v) VALUES (?)") == nil || d.wc.get("SELECT COUNT(*) FROM t WHERE v <> ?") == nil {
		t.Fatal("the transaction's statements were not kept prepared")
	}
	if d.rc.get("SELECT COUNT(*) FROM t") == nil {
		t.Fatal("the read was not kept prepared")
	}
	if d.wc.get("CREATE TABLE IF NOT EXISTS u (id INTEGER)") != nil {
		t.Fatal("a schema statement was kept")
	}
	for q, want := range map[string]bool{"select 1": true, "  -- a\n-- b\nUPDATE t SET v = 1": true, "WITH x AS (SELECT 1) SELECT * FROM x": true,
		"CREATE TABLE x (a)": false, "PRAGMA integrity_check": false, "-- only a comment": false, "BEGIN": false} {
		if got := cacheable(q); got != want {
			t.Errorf("cacheable(%q) = %v", q, got)
		}
	}
}
