package db_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/db/dbtest"
	"github.com/wuzhen/wuzhen/internal/testenv"
)

var backupSchema = db.Migrations{Owner: "backuptest", FS: fstest.MapFS{
	"001_log.sql": {Data: []byte(`CREATE TABLE log (
		id INTEGER PRIMARY KEY,
		body TEXT NOT NULL,
		at {{time}} NOT NULL);`)},
}}

// body is row i's content, long enough that the copy takes a moment.
func body(i int64) string {
	return strings.Repeat(string(rune('a'+i%26)), 512) + "#" + string(rune('0'+i%10))
}

// TestBackupWhileWriting copies a SQLite database while another goroutine
// commits one row per transaction: the copy passes integrity_check and
// holds every row committed before the copy began, none that was not yet
// begun when it ended, and no gap (ids 1…n, each body intact).
func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	d := dbtest.Open(t, "sqlite:"+filepath.Join(dir, "live.db"), []db.Migrations{backupSchema})

	var begun, committed atomic.Int64
	write := func() error {
		i := begun.Add(1)
		err := d.Tx(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, "INSERT INTO log (id, body, at) VALUES (?, ?, ?)", i, body(i), tx.Now())
			return err
		})
		if err == nil {
			committed.Add(1)
		}
		return err
	}
	for range 2000 { // about 1 MB before the writer starts
		if err := write(); err != nil {
			t.Fatal(err)
		}
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var writeErr atomic.Value
	wg.Add(1)
	go func() {
		defer wg.Done()
		for n := 0; n < 100_000; n++ { // bounded, in case stop never comes
			select {
			case <-stop:
				return
			default:
			}
			if err := write(); err != nil {
				writeErr.Store(err)
				return
			}
		}
	}()
	// waitFor waits until the writer has committed n rows, or has stopped.
	waitFor := func(n int64) {
		deadline := time.Now().Add(30 * time.Second)
		for committed.Load() < n && writeErr.Load() == nil && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
	}
	waitFor(2100) // the writer is under way

	out := filepath.Join(dir, "backup.db")
	low := committed.Load()
	if err := d.BackupTo(ctx, out); err != nil {
		t.Fatal(err)
	}
	high := begun.Load()
	waitFor(high + 50) // and goes on after the copy
	close(stop)
	wg.Wait()
	if err, _ := writeErr.Load().(error); err != nil {
		t.Fatal("writer:", err)
	}
	if committed.Load() < high+50 {
		t.Fatal("the writer did not go on after the backup")
	}

	fi, err := db.InspectFile(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	n, ok := fi.Rows("log")
	if !ok || n < low || n > high {
		t.Fatalf("backup has %d rows (table found: %v), want between %d (committed before) and %d (begun after)", n, ok, low, high)
	}
	if _, ok := fi.Rows("schema_migrations"); !ok {
		t.Error("backup lacks schema_migrations")
	}
	t.Logf("backup: %d bytes, %d rows; %d committed before it, %d begun by its end, %d committed in all",
		fi.Size, n, low, high, committed.Load())

	copyDB, err := sql.Open("sqlite", "file:"+out+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	var maxID, bad int64
	if err := copyDB.QueryRow("SELECT coalesce(max(id), 0) FROM log").Scan(&maxID); err != nil {
		t.Fatal(err)
	}
	if maxID != n {
		t.Errorf("max id %d with %d rows: a committed row is missing", maxID, n)
	}
	rows, err := copyDB.Query("SELECT id, body FROM log")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var b string
		if err := rows.Scan(&id, &b); err != nil {
			t.Fatal(err)
		}
		if b != body(id) {
			bad++
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if bad > 0 {
		t.Errorf("%d rows with a wrong body", bad)
	}
	var mode string
	if err := copyDB.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode == "wal" {
		t.Errorf("backup journal mode %q (%v): want a single file, not WAL", mode, err)
	}

	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
	if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("backup mode %v (%v), want 0600: it holds personal data", st.Mode().Perm(), err)
	}

	// A second backup to the same name is refused and leaves the first alone.
	before, _ := os.ReadFile(out)
	if err := d.BackupTo(ctx, out); !errors.Is(err, fs.ErrExist) {
		t.Errorf("backup over an existing file: %v, want fs.ErrExist", err)
	}
	if after, _ := os.ReadFile(out); !bytes.Equal(before, after) {
		t.Error("the existing file was changed")
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".*tmp*")); len(leftovers) > 0 {
		t.Errorf("temporary files left after a refusal: %v", leftovers)
	}
}

func TestRestoreFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	d := dbtest.Open(t, "sqlite:"+filepath.Join(dir, "live.db"), []db.Migrations{backupSchema})
	for i := int64(1); i <= 10; i++ {
		if _, err := d.Exec(ctx, "INSERT INTO log (id, body, at) VALUES (?, ?, ?)", i, body(i), d.Now()); err != nil {
			t.Fatal(err)
		}
	}
	backup := filepath.Join(dir, "backup.db")
	if err := d.BackupTo(ctx, backup); err != nil {
		t.Fatal(err)
	}

	t.Run("round trip", func(t *testing.T) {
		target := filepath.Join(t.TempDir(), "new", "wuzhen.db")
		fi, err := db.RestoreFile(ctx, backup, target)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := fi.Rows("log"); n != 10 {
			t.Errorf("restored %d rows, want 10", n)
		}
		r := dbtest.Open(t, "sqlite:"+target, []db.Migrations{backupSchema})
		var n int
		if err := r.QueryRow(ctx, "SELECT count(*) FROM log WHERE body = ?", body(7)).Scan(&n); err != nil || n != 1 {
			t.Errorf("row 7 after restore: %d %v", n, err)
		}
		// Restoring again over it is refused.
		if _, err := db.RestoreFile(ctx, backup, target); !errors.Is(err, fs.ErrExist) {
			t.Errorf("restore over a database: %v, want fs.ErrExist", err)
		}
	})
	t.Run("refusals", func(t *testing.T) {
		tmp := t.TempDir()
		text := filepath.Join(tmp, "notes.txt")
		os.WriteFile(text, []byte("not a database at all, but long enough to have a header"), 0o600)
		empty := filepath.Join(tmp, "empty.db")
		e, err := sql.Open("sqlite", "file:"+empty)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Exec("CREATE TABLE other (x)"); err != nil {
			t.Fatal(err)
		}
		e.Close()
		corrupt := filepath.Join(tmp, "corrupt.db")
		b, _ := os.ReadFile(backup)
		for i := 4096; i < len(b); i += 7 {
			b[i] ^= 0x5a // every page after the first
		}
		os.WriteFile(corrupt, b, 0o600)
		withWAL := filepath.Join(tmp, "live.db")
		os.WriteFile(withWAL, mustRead(t, backup), 0o600)
		os.WriteFile(withWAL+"-wal", []byte("frames"), 0o600)

		for _, c := range []struct{ src, want string }{
			{text, "not a SQLite database"},
			{empty, "no schema_migrations"},
			{corrupt, "integrity check"},
			{withWAL, "-wal file"},
			{filepath.Join(tmp, "missing.db"), "no such file"},
		} {
			target := filepath.Join(t.TempDir(), "wuzhen.db")
			_, err := db.RestoreFile(ctx, c.src, target)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("restore %s: %v, want an error saying %q", filepath.Base(c.src), err, c.want)
			}
			if _, serr := os.Stat(target); serr == nil {
				t.Errorf("restore %s: a file was put in place", filepath.Base(c.src))
			}
			if left, _ := os.ReadDir(filepath.Dir(target)); len(left) > 0 {
				t.Errorf("restore %s: files left: %v", filepath.Base(c.src), left)
			}
		}
		// A stale -wal at the target would be replayed into the restored file.
		target := filepath.Join(t.TempDir(), "wuzhen.db")
		os.WriteFile(target+"-wal", []byte("old frames"), 0o600)
		if _, err := db.RestoreFile(ctx, backup, target); !errors.Is(err, fs.ErrExist) {
			t.Errorf("restore next to a -wal file: %v, want fs.ErrExist", err)
		}
	})
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBackupToPostgres(t *testing.T) {
	d := dbtest.Open(t, testenv.PostgresDSN(t), nil)
	out := filepath.Join(t.TempDir(), "backup.db")
	if err := d.BackupTo(context.Background(), out); !errors.Is(err, db.ErrNotSQLite) {
		t.Fatalf("BackupTo on PostgreSQL: %v, want ErrNotSQLite", err)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a file was written")
	}
}

func TestSQLitePath(t *testing.T) {
	for url, want := range map[string]string{
		"sqlite:data/wuzhen.db":   "data/wuzhen.db",
		"sqlite:///abs/wuzhen.db": "/abs/wuzhen.db",
		"sqlite:":                 "",
		"postgres://h/db":         "",
	} {
		if got, ok := db.SQLitePath(url); got != want || ok != (want != "") {
			t.Errorf("SQLitePath(%q) = %q %v, want %q", url, got, ok, want)
		}
	}
}
