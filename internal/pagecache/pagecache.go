// Package pagecache keeps rendered public pages in memory so that a
// visitor's page is served without rendering it again, and drops them when
// public content changes: stores call Bump in the transaction of the
// change, which raises a generation number in the database. On PostgreSQL
// every instance reads it once per request (another instance may have
// changed it). On SQLite, whose one server process makes the changes, the
// number read is kept until this process commits a Bump, and read again at
// least every second for changes by another process (a command such as
// wuzhen reindex run beside the server).
package pagecache

import (
	"bytes"
	"compress/gzip"
	"context"
	"embed"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wuzhen/wuzhen/internal/db"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations create the generation counter.
var Migrations = db.MigrationsIn("pagecache", migrations, "migrations")

// Bump marks public content as changed, in the transaction of the change.
// Any store that changes what a public page shows calls it.
func Bump(ctx context.Context, tx *db.Tx) error {
	if _, err := tx.Exec(ctx, "UPDATE cache_generation SET n = n + 1 WHERE id = 1"); err != nil {
		return fmt.Errorf("pagecache: bump: %w", err)
	}
	tx.AfterCommit(func() { bumps.Add(1) })
	return nil
}

// bumps counts the Bumps this process has committed, in any database: a
// cache that last read the generation at another count reads it again.
var bumps atomic.Int64

// recheck is how long a SQLite cache keeps the generation it read when
// this process has committed no Bump since: another process's change
// shows within it.
const recheck = time.Second

// seen is the generation as last read, with the count of bumps before the
// read and when it was read.
type seen struct {
	gen, bumps int64
	at         time.Time
}

// Entry is a rendered page.
type Entry struct {
	gen    int64
	Status int
	Header http.Header
	Body   []byte
	Gzip   []byte // Body compressed, made once
}

// Cache holds rendered pages of the current generation.
type Cache struct {
	db  *db.DB
	max int

	genMu sync.Mutex
	gen   *db.Stmt             // prepared on first use
	last  atomic.Pointer[seen] // SQLite only

	mu      sync.RWMutex
	entries map[string]*Entry
}

// New returns a cache of at most max pages over the database d.
func New(d *db.DB, max int) *Cache {
	return &Cache{db: d, max: max, entries: map[string]*Entry{}}
}

// Generation returns the current generation of public content.
func (c *Cache) Generation(ctx context.Context) (int64, error) {
	if c.db.Dialect() != db.SQLite {
		return c.read(ctx)
	}
	// The count first: a Bump committed after it changes it, so that the
	// next request reads again whatever this read sees.
	b := bumps.Load()
	if l := c.last.Load(); l != nil && l.bumps == b && c.db.Now().Sub(l.at) < recheck {
		return l.gen, nil
	}
	at := c.db.Now()
	n, err := c.read(ctx)
	if err == nil {
		c.last.Store(&seen{gen: n, bumps: b, at: at})
	}
	return n, err
}

// read reads the generation from the database.
func (c *Cache) read(ctx context.Context) (int64, error) {
	// Prepared once, and again after a failure to prepare.
	c.genMu.Lock()
	if c.gen == nil {
		st, err := c.db.PrepareRead(ctx, "SELECT n FROM cache_generation WHERE id = 1")
		if err != nil {
			c.genMu.Unlock()
			return 0, fmt.Errorf("pagecache: generation: %w", err)
		}
		c.gen = st
	}
	st := c.gen
	c.genMu.Unlock()
	var n int64
	if err := st.QueryRow(ctx).Scan(&n); err != nil {
		return 0, fmt.Errorf("pagecache: generation: %w", err)
	}
	return n, nil
}

// Get returns the page cached under key for generation gen.
func (c *Cache) Get(key string, gen int64) (*Entry, bool) {
	c.mu.RLock()
	e, ok := c.entries[key]
	c.mu.RUnlock()
	if !ok || e.gen != gen {
		return nil, false
	}
	return e, true
}

// Put caches a page under key for generation gen, compressing it once.
// When the cache is full, it starts again empty: simple, and bounded.
func (c *Cache) Put(key string, gen int64, status int, header http.Header, body []byte) *Entry {
	var gz bytes.Buffer
	w, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	w.Write(body)
	w.Close()
	e := &Entry{gen: gen, Status: status, Header: header, Body: body, Gzip: gz.Bytes()}
	c.mu.Lock()
	if len(c.entries) >= c.max {
		c.entries = map[string]*Entry{}
	}
	c.entries[key] = e
	c.mu.Unlock()
	return e
}

// Len returns how many pages are cached.
func (c *Cache) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.entries)
}
