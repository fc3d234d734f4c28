package search

import (
	"context"
	"database/sql"
	"sync"

	"github.com/wuzhen/wuzhen/internal/db"
)

// Prepared statements. The SQL of a search depends only on its shape (how
// many types, which tier, whether there is a phrase or facet filters), so
// there are few texts; preparing an FTS5 query costs about as much as
// running a small one.

// maxStmts bounds the cache; when it is full, it starts again empty.
const maxStmts = 256

type stmtKey struct {
	d *db.DB
	q string
}

var stmts = struct {
	sync.Mutex
	m map[stmtKey]*db.Stmt
}{m: map[stmtKey]*db.Stmt{}}

// prepared returns the statement of q on d, preparing it the first time.
func prepared(ctx context.Context, d *db.DB, q string) (*db.Stmt, error) {
	key := stmtKey{d, q}
	stmts.Lock()
	st := stmts.m[key]
	stmts.Unlock()
	if st != nil {
		return st, nil
	}
	st, err := d.PrepareRead(ctx, q)
	if err != nil {
		return nil, err
	}
	stmts.Lock()
	defer stmts.Unlock()
	if old := stmts.m[key]; old != nil {
		st.Close()
		return old, nil
	}
	if len(stmts.m) >= maxStmts {
		for _, s := range stmts.m {
			s.Close()
		}
		clear(stmts.m)
	}
	stmts.m[key] = st
	return st, nil
}

// query runs a read query, prepared once when q is a database (within a
// transaction it is not).
func query(ctx context.Context, q db.Querier, text string, args ...any) (*sql.Rows, error) {
	d, ok := q.(*db.DB)
	if !ok {
		return q.Query(ctx, text, args...)
	}
	st, err := prepared(ctx, d, text)
	if err != nil {
		return nil, err
	}
	return st.Query(ctx, args...)
}

// queryRow runs a read query of one row into dest, as query.
func queryRow(ctx context.Context, q db.Querier, text string, args []any, dest ...any) error {
	rows, err := query(ctx, q, text, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	if err := rows.Scan(dest...); err != nil {
		return err
	}
	return rows.Close()
}
