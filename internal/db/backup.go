package db

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Backups of SQLite databases: a consistent copy of a running database
// (BackupTo), a check of a copy (InspectFile) and putting one in place
// (RestoreFile). Every file is written under a temporary name next to its
// target, synced, and then linked to its name, so that a target name either
// does not exist or names a whole file, and an existing file is never
// overwritten. PostgreSQL is backed up with pg_dump (docs/OPERATIONS.md).

// ErrNotSQLite is returned by BackupTo on a PostgreSQL database.
var ErrNotSQLite = errors.New("db: backups through the db package work on SQLite only; back up PostgreSQL with pg_dump")

// SQLitePath returns the file of a "sqlite:PATH" database URL, as Open reads
// it, and false for any other URL.
func SQLitePath(url string) (string, bool) {
	if !strings.HasPrefix(url, "sqlite:") {
		return "", false
	}
	path := strings.TrimPrefix(strings.TrimPrefix(url, "sqlite:"), "//")
	return path, path != ""
}

// BackupTo writes a consistent copy of the SQLite database to path with
// VACUUM INTO, while other connections and processes go on writing: the copy
// holds exactly the transactions committed when it started. path must not
// exist (the error then wraps fs.ErrExist); the copy is written to a
// temporary file in the same folder, synced and then given its name, so
// path never names a partial copy. The file is readable by its owner only.
//
// VACUUM INTO runs outside any transaction on a connection of its own,
// opened read-only: the read pool is query_only, which refuses VACUUM INTO
// even though the database it reads is not written, and the single write
// connection would hold up this process's writers for as long as the copy
// takes.
func (d *DB) BackupTo(ctx context.Context, path string) error {
	if d.dialect != SQLite {
		return ErrNotSQLite
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("db: backup: %s: %w", path, fs.ErrExist)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("db: backup: %w", err)
	}
	var src string
	if err := d.r.QueryRowContext(ctx, "SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&src); err != nil {
		return fmt.Errorf("db: backup: database file: %w", err)
	}
	if src == "" {
		return errors.New("db: backup: the database has no file")
	}
	tmp, err := tempNear(path)
	if err != nil {
		return fmt.Errorf("db: backup: %w", err)
	}
	defer os.Remove(tmp) // gone already after a successful publish

	conn, err := sql.Open("sqlite", "file:"+src+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("db: backup: %w", err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	// The temporary file exists and is empty, which VACUUM INTO accepts.
	if _, err := conn.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		return fmt.Errorf("db: backup: vacuum into: %w", err)
	}
	if err := conn.Close(); err != nil {
		return fmt.Errorf("db: backup: %w", err)
	}
	return Publish(tmp, path)
}

// tempNear creates an empty file, readable by its owner only, in the folder
// of path, for Publish to give path's name later.
func tempNear(path string) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return "", err
	}
	name := f.Name()
	if err := f.Close(); err != nil {
		os.Remove(name)
		return "", err
	}
	return name, nil
}

// Publish gives the complete file tmp the name path, in the same folder,
// unless path exists (the error then wraps fs.ErrExist): it syncs tmp, links
// it to path (or, on a file system without hard links, renames it after
// checking that path does not exist), removes the name tmp and syncs the
// folder, so that after a crash path is either absent or whole.
func Publish(tmp, path string) error {
	f, err := os.OpenFile(tmp, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("db: %w", err)
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("db: sync %s: %w", tmp, err)
	}
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("db: %s: %w", path, fs.ErrExist)
		}
		// No hard links here: rename, which replaces, after a check.
		if _, serr := os.Lstat(path); serr == nil {
			return fmt.Errorf("db: %s: %w", path, fs.ErrExist)
		}
		if err := os.Rename(tmp, path); err != nil {
			return fmt.Errorf("db: %w", err)
		}
	} else if err := os.Remove(tmp); err != nil {
		return fmt.Errorf("db: %w", err)
	}
	return syncDir(filepath.Dir(path))
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("db: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("db: sync %s: %w", dir, err)
	}
	return nil
}

// FileInfo describes a SQLite database file that passed InspectFile.
type FileInfo struct {
	Size   int64        // bytes
	Tables []TableCount // every table, by name
}

// TableCount is the number of rows of one table.
type TableCount struct {
	Name string
	Rows int64
}

// Rows returns the row count of table, and false if there is no such table.
func (fi *FileInfo) Rows(table string) (int64, bool) {
	for _, t := range fi.Tables {
		if t.Name == table {
			return t.Rows, true
		}
	}
	return 0, false
}

// sqliteHeader starts every SQLite database file.
var sqliteHeader = []byte("SQLite format 3\x00")

// InspectFile checks that path is a SQLite database whose PRAGMA
// integrity_check answers ok, and counts the rows of each of its tables. It
// opens the file read-only and changes nothing; the file must not be in use
// by a server (a backup or a copy in the making).
func InspectFile(ctx context.Context, path string) (*FileInfo, error) {
	fi, err := inspect(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("db: %s: %w", path, err)
	}
	return fi, nil
}

func inspect(ctx context.Context, path string) (*FileInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, errors.New("not a file")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	head := make([]byte, len(sqliteHeader))
	_, err = io.ReadFull(f, head)
	f.Close()
	if err != nil || !bytes.Equal(head, sqliteHeader) {
		return nil, errors.New("not a SQLite database")
	}

	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	problems, err := integrityCheck(ctx, conn)
	if err != nil {
		return nil, fmt.Errorf("integrity check: %w", err)
	}
	if len(problems) != 1 || problems[0] != "ok" {
		if len(problems) > 5 {
			problems = append(problems[:5], "…")
		}
		return nil, fmt.Errorf("integrity check failed: %s", strings.Join(problems, "; "))
	}
	fi := &FileInfo{Size: st.Size()}
	names, err := tableNames(ctx, conn)
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		var n int64
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM "`+strings.ReplaceAll(name, `"`, `""`)+`"`).Scan(&n); err != nil {
			return nil, fmt.Errorf("count %s: %w", name, err)
		}
		fi.Tables = append(fi.Tables, TableCount{Name: name, Rows: n})
	}
	return fi, nil
}

func integrityCheck(ctx context.Context, conn *sql.DB) ([]string, error) {
	rows, err := conn.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func tableNames(ctx context.Context, conn *sql.DB) ([]string, error) {
	rows, err := conn.QueryContext(ctx, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		names = append(names, s)
	}
	return names, rows.Err()
}

// RestoreFile puts a copy of the SQLite backup src at path, which must not
// exist (the error then wraps fs.ErrExist), nor a -wal file beside it. The
// copy is written under a temporary name next to path, synced and checked
// with InspectFile (integrity ok, and a schema_migrations table, so that it
// is a Wuzhen database) before it gets its name; a file that fails the check
// is not restored. It runs no migrations: open the database with Open and
// Migrate afterwards. It returns what InspectFile found in the copy.
func RestoreFile(ctx context.Context, src, path string) (*FileInfo, error) {
	for _, p := range []string{path, path + "-wal"} {
		if _, err := os.Lstat(p); err == nil {
			return nil, fmt.Errorf("db: restore: %s: %w", p, fs.ErrExist)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("db: restore: %w", err)
		}
	}
	if st, err := os.Stat(src + "-wal"); err == nil && st.Size() > 0 {
		return nil, fmt.Errorf("db: restore: %s has a -wal file beside it: it is a database in use, not a backup (make one with wuzhen backup)", src)
	}
	in, err := os.Open(src)
	if err != nil {
		return nil, fmt.Errorf("db: restore: %w", err)
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("db: restore: %w", err)
	}
	tmp, err := tempNear(path)
	if err != nil {
		return nil, fmt.Errorf("db: restore: %w", err)
	}
	defer os.Remove(tmp) // gone already after a successful publish
	out, err := os.OpenFile(tmp, os.O_WRONLY, 0)
	if err != nil {
		return nil, fmt.Errorf("db: restore: %w", err)
	}
	_, err = io.Copy(out, in)
	if serr := out.Sync(); err == nil {
		err = serr
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("db: restore: copy: %w", err)
	}
	fi, err := inspect(ctx, tmp)
	if err != nil {
		return nil, fmt.Errorf("db: restore: %s: %w", src, err)
	}
	if _, ok := fi.Rows("schema_migrations"); !ok {
		return nil, fmt.Errorf("db: restore: %s has no schema_migrations table: not a Wuzhen database", src)
	}
	if err := Publish(tmp, path); err != nil {
		return nil, fmt.Errorf("db: restore: %w", err)
	}
	return fi, nil
}
