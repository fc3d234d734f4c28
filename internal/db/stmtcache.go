package db

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"sync/atomic"
)

// stmtCache keeps SQLite statements prepared once per query text. SQLite
// (modernc) parses a statement's text every time it is run unprepared, and
// on the hot paths (a registration, a bearer token) parsing took as long
// as running. database/sql keeps each *sql.Stmt prepared once per
// connection of its pool. PostgreSQL needs none of this: pgx caches
// prepared statements itself.
type stmtCache struct {
	db    *sql.DB
	m     sync.Map // rebound query text → *sql.Stmt
	count atomic.Int32
}

// maxCached bounds the cache: queries built from filters have a few
// variants each, not an unbounded number, but a bug should not grow it
// without end.
const maxCached = 2000

func newStmtCache(d *sql.DB) *stmtCache { return &stmtCache{db: d} }

// get returns the prepared statement of q, or nil.
func (c *stmtCache) get(q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	if s, ok := c.m.Load(q); ok {
		return s.(*sql.Stmt)
	}
	return nil
}

// prepare prepares q on the pool and keeps it. It must not be called while
// the caller holds the pool's only connection (inside a write
// transaction): Tx prepares what it missed after it ends. Errors leave q
// unprepared; running it reports them.
func (c *stmtCache) prepare(ctx context.Context, q string) *sql.Stmt {
	if c == nil || !cacheable(q) || c.count.Load() >= maxCached {
		return nil
	}
	s, err := c.db.PrepareContext(context.WithoutCancel(ctx), q)
	if err != nil {
		return nil
	}
	if old, loaded := c.m.LoadOrStore(q, s); loaded {
		s.Close()
		return old.(*sql.Stmt)
	}
	c.count.Add(1)
	return s
}

func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.m.Range(func(_, s any) bool {
		s.(*sql.Stmt).Close()
		return true
	})
}

// cacheable reports whether q is a data statement (not schema, not a
// transaction or pragma statement), after its leading comments.
func cacheable(q string) bool {
	for {
		q = strings.TrimLeft(q, " \t\r\n")
		if !strings.HasPrefix(q, "--") {
			break
		}
		i := strings.IndexByte(q, '\n')
		if i < 0 {
			return false
		}
		q = q[i+1:]
	}
	if len(q) < 6 {
		return false
	}
	switch strings.ToUpper(q[:6]) {
	case "SELECT", "INSERT", "UPDATE", "DELETE":
		return true
	}
	return strings.HasPrefix(strings.ToUpper(q), "WITH ")
}
