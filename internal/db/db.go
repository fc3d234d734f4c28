// Package db is the thin layer between the platform's hand-written SQL and its
// two databases, SQLite (embedded default) and PostgreSQL: one SQL dialect with
// `?` placeholders, transactions, the clock, and numbered migrations.
//
// On SQLite there is one write connection (transactions begin IMMEDIATE) and a
// read-only pool; on PostgreSQL both are the same pool.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect names the database behind a DB.
type Dialect string

// The two dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is a database handle. It is safe for concurrent use.
type DB struct {
	dialect Dialect
	w, r    *sql.DB
	// SQLite only: statements prepared once (see stmtCache), and the
	// writer goroutine that commits transactions in groups (batch.go).
	wc, rc *stmtCache
	batch  *batcher
	// Now is the clock; tests may replace it before use.
	Now func() time.Time
}

// Querier is what DB and Tx share: queries in the one dialect.
type Querier interface {
	Exec(ctx context.Context, q string, args ...any) (sql.Result, error)
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, q string, args ...any) *sql.Row
	Dialect() Dialect
}

// Open opens the database named by url: "sqlite:PATH" or "postgres://…"
// (also "postgresql://…"). It pings the database but runs no migrations.
func Open(ctx context.Context, url string) (*DB, error) {
	d := &DB{Now: func() time.Time { return time.Now().UTC() }}
	switch {
	case strings.HasPrefix(url, "sqlite:"):
		path := strings.TrimPrefix(strings.TrimPrefix(url, "sqlite:"), "//")
		if path == "" {
			return nil, errors.New("db: sqlite URL has no path")
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("db: %w", err)
		}
		// 32 MiB of page cache per connection and memory-mapped reads:
		// search and directory queries touch many pages.
		pragmas := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" +
			"&_pragma=cache_size(-32768)&_pragma=mmap_size(268435456)"
		w, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_txlock=immediate")
		if err != nil {
			return nil, fmt.Errorf("db: open sqlite: %w", err)
		}
		w.SetMaxOpenConns(1)
		w.SetConnMaxIdleTime(0)
		r, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=query_only(1)")
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("db: open sqlite: %w", err)
		}
		r.SetMaxOpenConns(8)
		r.SetMaxIdleConns(8)
		d.dialect, d.w, d.r = SQLite, w, r
		d.wc, d.rc = newStmtCache(w), newStmtCache(r)
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		p, err := sql.Open("pgx", url)
		if err != nil {
			return nil, fmt.Errorf("db: open postgres: %w", err)
		}
		p.SetMaxOpenConns(32)
		p.SetMaxIdleConns(16)
		p.SetConnMaxLifetime(time.Hour)
		d.dialect, d.w, d.r = Postgres, p, p
	default:
		return nil, fmt.Errorf("db: unknown database URL %q (want sqlite:PATH or postgres://…)", url)
	}
	if err := d.Ping(ctx); err != nil {
		d.Close()
		return nil, err
	}
	// Make the write connection create the file and switch to WAL before
	// readers open it read-only.
	if d.dialect == SQLite {
		if _, err := d.w.ExecContext(ctx, "SELECT 1"); err != nil {
			d.Close()
			return nil, fmt.Errorf("db: %w", err)
		}
		d.startBatcher()
	}
	return d, nil
}

// Dialect reports which database this is.
func (d *DB) Dialect() Dialect { return d.dialect }

// Ready checks that the database answers reads, without waiting behind
// the SQLite writer.
func (d *DB) Ready(ctx context.Context) error {
	if err := d.r.PingContext(ctx); err != nil {
		return fmt.Errorf("db: ping: %w", err)
	}
	return nil
}

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.w.PingContext(ctx); err != nil {
		return fmt.Errorf("db: ping: %w", err)
	}
	if d.r != d.w {
		if err := d.r.PingContext(ctx); err != nil {
			return fmt.Errorf("db: ping: %w", err)
		}
	}
	return nil
}

// Close closes the pools.
func (d *DB) Close() error {
	d.stopBatcher()
	d.wc.close()
	d.rc.close()
	err := d.w.Close()
	if d.r != d.w {
		err = errors.Join(err, d.r.Close())
	}
	return err
}

// Exec runs a statement on the write connection, outside a transaction.
func (d *DB) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return d.w.ExecContext(ctx, d.rebind(q), d.args(args)...)
}

// Query runs a read query on the read pool.
func (d *DB) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	q = d.rebind(q)
	if s := d.readStmt(ctx, q); s != nil {
		return s.QueryContext(ctx, d.args(args)...)
	}
	return d.r.QueryContext(ctx, q, d.args(args)...)
}

// QueryRow runs a read query returning at most one row on the read pool.
func (d *DB) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	q = d.rebind(q)
	if s := d.readStmt(ctx, q); s != nil {
		return s.QueryRowContext(ctx, d.args(args)...)
	}
	return d.r.QueryRowContext(ctx, q, d.args(args)...)
}

// readStmt is the prepared statement of a read query on SQLite (prepared
// now if it is the first time), or nil.
func (d *DB) readStmt(ctx context.Context, q string) *sql.Stmt {
	if d.rc == nil {
		return nil
	}
	if s := d.rc.get(q); s != nil {
		return s
	}
	return d.rc.prepare(ctx, q)
}

// Tx runs fn in a write transaction and commits when fn returns nil; it rolls
// back on an error or a panic. Functions registered with AfterCommit run after
// a successful commit. On SQLite, fn runs on the writer goroutine, possibly
// committed together with other transactions (see batch.go); it must not
// start another transaction.
func (d *DB) Tx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	if d.batch != nil {
		return d.batchTx(ctx, fn)
	}
	stx, err := d.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: begin: %w", err)
	}
	tx := &Tx{db: d, tx: stx}
	defer func() {
		if p := recover(); p != nil {
			stx.Rollback()
			panic(p)
		}
	}()
	// The write connection is free again once the transaction ends: prepare
	// then what the transaction ran unprepared, for the next time.
	defer func() {
		for _, q := range tx.missed {
			d.wc.prepare(ctx, q)
		}
	}()
	if err := fn(tx); err != nil {
		stx.Rollback()
		return err
	}
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("db: commit: %w", err)
	}
	for _, f := range tx.after {
		f()
	}
	return nil
}

// Tx is a write transaction.
type Tx struct {
	db      *DB
	tx      *sql.Tx
	after   []func()
	missed  []string // queries run unprepared, to prepare after the transaction
	batched bool     // one of a group commit's (batch.go)
}

// ctx is the context of a statement: in a group commit, the caller's
// cancellation must not interrupt a statement, since SQLite may then roll
// back the whole transaction, the other callers' writes with it.
func (t *Tx) ctx(ctx context.Context) context.Context {
	if t.batched {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// Dialect reports which database this is.
func (t *Tx) Dialect() Dialect { return t.db.dialect }

// Now is the database's clock.
func (t *Tx) Now() time.Time { return t.db.Now() }

// Exec runs a statement in the transaction.
func (t *Tx) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	ctx, q = t.ctx(ctx), t.db.rebind(q)
	if s := t.stmt(ctx, q); s != nil {
		return s.ExecContext(ctx, t.db.args(args)...)
	}
	return t.tx.ExecContext(ctx, q, t.db.args(args)...)
}

// Query runs a query in the transaction.
func (t *Tx) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	ctx, q = t.ctx(ctx), t.db.rebind(q)
	if s := t.stmt(ctx, q); s != nil {
		return s.QueryContext(ctx, t.db.args(args)...)
	}
	return t.tx.QueryContext(ctx, q, t.db.args(args)...)
}

// QueryRow runs a query returning at most one row in the transaction.
func (t *Tx) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	ctx, q = t.ctx(ctx), t.db.rebind(q)
	if s := t.stmt(ctx, q); s != nil {
		return s.QueryRowContext(ctx, t.db.args(args)...)
	}
	return t.tx.QueryRowContext(ctx, q, t.db.args(args)...)
}

// stmt is q prepared once on the SQLite write connection, bound to this
// transaction (database/sql reuses the connection's statement), or nil the
// first time, when q is noted to be prepared after the transaction.
func (t *Tx) stmt(ctx context.Context, q string) *sql.Stmt {
	if t.db.wc == nil {
		return nil
	}
	if s := t.db.wc.get(q); s != nil {
		return t.tx.StmtContext(ctx, s)
	}
	if cacheable(q) {
		t.missed = append(t.missed, q)
	}
	return nil
}

// AfterCommit registers f to run once the transaction has committed.
func (t *Tx) AfterCommit(f func()) { t.after = append(t.after, f) }

// ForUpdate is the row-locking suffix for a SELECT inside a transaction:
// " FOR UPDATE" on PostgreSQL, nothing on SQLite, whose single writer already
// serialises write transactions.
func (t *Tx) ForUpdate() string {
	if t.db.dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// SkipLocked is ForUpdate that skips rows another transaction holds.
func (t *Tx) SkipLocked() string {
	if t.db.dialect == Postgres {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// Lock takes a lock on key until the transaction ends, serialising the
// transactions that take the same key across processes: an advisory lock
// on PostgreSQL; nothing on SQLite, whose write transactions are already
// serial.
func (t *Tx) Lock(ctx context.Context, key string) error {
	if t.db.dialect != Postgres {
		return nil
	}
	_, err := t.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext(?))", key)
	return err
}

// IsNotFound reports whether err means that a query found no row.
func IsNotFound(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// IsUnique reports whether err is a violation of a unique constraint.
func IsUnique(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// timeLayout is how times are stored on SQLite: UTC, fixed width, so that
// they compare correctly as text.
const timeLayout = "2006-01-02 15:04:05.000000"

func (d *DB) args(args []any) []any {
	if d.dialect != SQLite {
		return args
	}
	var out []any // copied on the first change: the caller's slice stays as it was
	for i, a := range args {
		var s any
		switch v := a.(type) {
		case time.Time:
			s = v.UTC().Format(timeLayout)
		case *time.Time:
			if v != nil {
				s = v.UTC().Format(timeLayout)
			}
		default:
			continue
		}
		if out == nil {
			out = append([]any(nil), args...)
		}
		out[i] = s
	}
	if out == nil {
		return args
	}
	return out
}

var rebound sync.Map // query → PostgreSQL form

// rebind turns `?` placeholders into `$1…` for PostgreSQL, leaving question
// marks inside quoted strings alone.
func (d *DB) rebind(q string) string {
	if d.dialect != Postgres || !strings.Contains(q, "?") {
		return q
	}
	if v, ok := rebound.Load(q); ok {
		return v.(string)
	}
	var b strings.Builder
	n, quote, comment := 0, rune(0), false
	var prev rune
	for _, r := range q {
		switch {
		case comment:
			if r == '\n' {
				comment = false
			}
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '-' && prev == '-':
			comment = true
		case r == '\'' || r == '"':
			quote = r
		case r == '?':
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
		prev = r
	}
	rebound.Store(q, b.String())
	return b.String()
}

// Stmt is a read query prepared once, for the hottest paths.
type Stmt struct {
	d *DB
	s *sql.Stmt
}

// PrepareRead prepares a read query on the read pool. The statement is
// safe for concurrent use and is prepared again on each connection only
// once.
func (d *DB) PrepareRead(ctx context.Context, q string) (*Stmt, error) {
	s, err := d.r.PrepareContext(ctx, d.rebind(q))
	if err != nil {
		return nil, fmt.Errorf("db: prepare: %w", err)
	}
	return &Stmt{d: d, s: s}, nil
}

// QueryRow runs the prepared query.
func (s *Stmt) QueryRow(ctx context.Context, args ...any) *sql.Row {
	return s.s.QueryRowContext(ctx, s.d.args(args)...)
}

// Query runs the prepared query.
func (s *Stmt) Query(ctx context.Context, args ...any) (*sql.Rows, error) {
	return s.s.QueryContext(ctx, s.d.args(args)...)
}

// Close releases the statement.
func (s *Stmt) Close() error { return s.s.Close() }
