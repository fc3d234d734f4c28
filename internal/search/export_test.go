package search

import (
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"testing"
	"testing/fstest"

	"github.com/wuzhen/wuzhen/internal/db"
)

// SetCountLimit lowers the count limit for the rest of test t, so that
// tests reach it with a few documents. Tests that call it must not run in
// parallel.
func SetCountLimit(t testing.TB, n int) {
	old := countLimit
	countLimit = n
	t.Cleanup(func() { countLimit = old })
}

// MigrationsBefore returns the search migrations numbered below n, to
// test an upgrade from a database made by them.
func MigrationsBefore(n int) db.Migrations {
	files := fstest.MapFS{}
	number := regexp.MustCompile(`^(\d+)_`)
	names, _ := fs.Glob(migrations, "migrations/*.sql")
	for _, name := range names {
		v, _ := strconv.Atoi(number.FindStringSubmatch(path.Base(name))[1])
		if v < n {
			b, _ := fs.ReadFile(migrations, name)
			files[path.Base(name)] = &fstest.MapFile{Data: b}
		}
	}
	return db.Migrations{Owner: "search", FS: files}
}
