package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/wuzhen/wuzhen/internal/config"
	"github.com/wuzhen/wuzhen/internal/db"
)

// The PostgreSQL commands that docs/OPERATIONS.md documents, for messages.
const (
	pgDumpCommand    = `pg_dump --format=custom --file FILE "$WUZHEN_DB"`
	pgRestoreCommand = `pg_restore --no-owner --exit-on-error --dbname "$WUZHEN_DB" FILE`
)

// backupCommand runs "backup" or "restore".
func backupCommand(name string, args []string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if name == "restore" {
		return restore(ctx, args)
	}
	return backup(ctx, args)
}

// backup writes a consistent copy of the database to --out while the
// server goes on running, and checks the copy. It never migrates: a backup
// taken before an upgrade holds the schema of the version that wrote it.
func backup(ctx context.Context, args []string) error {
	flags := flag.NewFlagSet("backup", flag.ContinueOnError)
	cfg := config.Register(flags)
	out := flags.String("out", "", "file to write the backup to; it must not exist (required)")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if err := cfg.Resolve(); err != nil {
		return err
	}
	if *out == "" || flags.NArg() > 0 {
		return errors.New("backup: usage: wuzhen backup --out FILE [--data DIR] [--db URL]")
	}
	if _, err := os.Lstat(*out); err == nil {
		return fmt.Errorf("backup: %s already exists; choose a new name (a backup never overwrites a file)", *out)
	}
	path, ok := db.SQLitePath(cfg.DB)
	if !ok {
		return pgDump(ctx, cfg.DB, *out)
	}
	// Open would create an empty database where there is none.
	if st, err := os.Stat(path); err != nil || st.Size() == 0 {
		return fmt.Errorf("backup: no database at %s (check --data or --db)", path)
	}
	start := time.Now()
	d, err := db.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	err = d.BackupTo(ctx, *out)
	d.Close()
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("backup: %s already exists; choose a new name (a backup never overwrites a file)", *out)
	}
	if err != nil {
		return err
	}
	took := time.Since(start)
	fi, err := db.InspectFile(ctx, *out)
	if err != nil {
		return fmt.Errorf("backup: the copy at %s failed its check, do not rely on it: %w", *out, err)
	}
	fmt.Printf("Backed up %s to %s in %s: %s, integrity_check ok.\n", path, *out, took.Round(time.Millisecond), size(fi.Size))
	printCounts(fi.Tables)
	fmt.Printf("Restore it with: wuzhen restore --data EMPTY_DIR %s\n", *out)
	return nil
}

// restore puts a backup into an empty data folder (or at a --db sqlite:PATH
// that does not exist yet), then opens it as serve does, so that the
// migrations of this version run forward on a backup from an older one.
func restore(ctx context.Context, args []string) error {
	flags := flag.NewFlagSet("restore", flag.ContinueOnError)
	cfg := config.Register(flags)
	if err := flags.Parse(args); err != nil {
		return err
	}
	var src string
	if flags.NArg() > 0 { // flags may follow FILE too
		src = flags.Arg(0)
		if err := flags.Parse(flags.Args()[1:]); err != nil {
			return err
		}
	}
	if src == "" || flags.NArg() > 0 {
		return errors.New("restore: usage: wuzhen restore --data DIR FILE  (or --db sqlite:PATH instead of --data)")
	}
	if err := cfg.Resolve(); err != nil {
		return err
	}
	path, ok := db.SQLitePath(cfg.DB)
	if !ok {
		return fmt.Errorf("restore: this command restores SQLite backups; restore a PostgreSQL dump into a new, empty database with\n  %s\nthen run \"wuzhen migrate\" with the new version (see docs/OPERATIONS.md)", pgRestoreCommand)
	}
	for _, p := range []string{path, path + "-wal"} {
		if _, err := os.Lstat(p); err == nil {
			return fmt.Errorf("restore: %s already exists: restore into an empty data folder (a restore never overwrites a database)", p)
		}
	}
	start := time.Now()
	fi, err := db.RestoreFile(ctx, src, path)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("restore: %s already exists: restore into an empty data folder (a restore never overwrites a database)", path)
	}
	if err != nil {
		return err
	}
	before, _ := fi.Rows("schema_migrations")
	a, err := open(ctx, cfg)
	if err != nil {
		return fmt.Errorf("restore: the backup was put at %s, but opening it failed: %w", path, err)
	}
	defer a.close()
	var after int64
	if err := a.db.QueryRow(ctx, "SELECT count(*) FROM schema_migrations").Scan(&after); err != nil {
		return err
	}
	counts, err := liveCounts(ctx, a.db)
	if err != nil {
		return err
	}
	fmt.Printf("Restored %s (%s, integrity_check ok) to %s in %s.\n", src, size(fi.Size), path, time.Since(start).Round(time.Millisecond))
	if after > before {
		fmt.Printf("Migrations run forward: %d applied to the backup's schema.\n", after-before)
	} else {
		fmt.Println("Schema up to date: no migration was needed.")
	}
	printCounts(counts)
	fmt.Printf("Start it with: wuzhen serve --data %s\n", filepath.Dir(path))
	return nil
}

// liveCounts counts the rows of every table of an open SQLite database.
func liveCounts(ctx context.Context, d *db.DB) ([]db.TableCount, error) {
	rows, err := d.Query(ctx, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
	if err != nil {
		return nil, err
	}
	var names []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return nil, err
		}
		names = append(names, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []db.TableCount
	for _, name := range names {
		var n int64
		if err := d.QueryRow(ctx, `SELECT count(*) FROM "`+strings.ReplaceAll(name, `"`, `""`)+`"`).Scan(&n); err != nil {
			return nil, fmt.Errorf("count %s: %w", name, err)
		}
		out = append(out, db.TableCount{Name: name, Rows: n})
	}
	return out, nil
}

// printCounts prints the row count of every table, a few to a line.
func printCounts(tables []db.TableCount) {
	var total int64
	for _, t := range tables {
		total += t.Rows
	}
	fmt.Printf("%d tables, %d rows:\n", len(tables), total)
	for i, t := range tables {
		fmt.Printf("  %-26s %8d", t.Name, t.Rows)
		if i%2 == 1 || i == len(tables)-1 {
			fmt.Println()
		}
	}
}

func size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// pgDump backs up a PostgreSQL database with pg_dump when it is on PATH,
// in its custom format, written next to out and given out's name when
// complete; without pg_dump it says the command to run.
func pgDump(ctx context.Context, dsn, out string) error {
	bin, err := exec.LookPath("pg_dump")
	if err != nil {
		return fmt.Errorf("backup: PostgreSQL is backed up with pg_dump, which is not on PATH; install the PostgreSQL client (the same major version as the server or newer) and run\n  %s\nor run this command again (see docs/OPERATIONS.md)", pgDumpCommand)
	}
	conn, password, err := splitPassword(dsn)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	dir := filepath.Dir(out)
	tmpDir, err := os.MkdirTemp(dir, "."+filepath.Base(out)+".tmp-")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(tmpDir)
	tmp := filepath.Join(tmpDir, "dump")
	start := time.Now()
	cmd := exec.CommandContext(ctx, bin, "--format=custom", "--file", tmp, "--dbname", conn)
	cmd.Env = os.Environ()
	if password != "" { // kept out of the command line, which others may read
		cmd.Env = append(cmd.Env, "PGPASSWORD="+password)
	}
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = os.Stdout, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("backup: pg_dump: %w\n%s", err, strings.TrimSpace(stderr.String()))
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	// Link from inside the temporary folder to out, in the folder above.
	if err := db.Publish(tmp, out); errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("backup: %s already exists; choose a new name (a backup never overwrites a file)", out)
	} else if err != nil {
		return err
	}
	st, err := os.Stat(out)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Printf("Backed up the PostgreSQL database with %s to %s in %s: %s.\n", bin, out, time.Since(start).Round(time.Millisecond), size(st.Size()))
	if list, err := exec.LookPath("pg_restore"); err == nil {
		b, err := exec.CommandContext(ctx, list, "--list", out).Output()
		if err != nil {
			return fmt.Errorf("backup: the dump at %s cannot be read back by pg_restore --list, do not rely on it: %w", out, err)
		}
		fmt.Printf("pg_restore --list reads it: %d tables with data.\n", strings.Count(string(b), " TABLE DATA "))
	}
	fmt.Printf("Restore it into a new, empty database with: %s\n", pgRestoreCommand)
	return nil
}

// splitPassword takes the password out of a postgres:// URL, for pg_dump to
// read from PGPASSWORD instead of its command line.
func splitPassword(dsn string) (string, string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", "", errors.New("the database URL cannot be parsed")
	}
	if u.User == nil {
		return dsn, "", nil
	}
	password, ok := u.User.Password()
	if !ok {
		return dsn, "", nil
	}
	u.User = url.User(u.User.Username())
	return u.String(), password, nil
}
