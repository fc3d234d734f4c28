package testenv_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"image/png"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/wuzhen/wuzhen/internal/testenv"
)

func TestPostgresDSN(t *testing.T) {
	dsn := testenv.PostgresDSN(t)
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	var dbName, ctype, collate, encoding string
	err = db.QueryRowContext(ctx, `SELECT current_database(), current_setting('lc_ctype'),
		current_setting('lc_collate'), current_setting('server_encoding')`).
		Scan(&dbName, &ctype, &collate, &encoding)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(dbName, "wuzhen_t_") || !strings.Contains(dsn, dbName) {
		t.Errorf("connected to database %q for DSN %q, want the fresh wuzhen_t_ database", dbName, dsn)
	}
	var shown string
	if err := db.QueryRowContext(ctx, `SHOW lc_ctype`).Scan(&shown); err != nil {
		t.Fatal(err)
	}
	if shown != "C.UTF-8" || ctype != "C.UTF-8" || collate != "C.UTF-8" || encoding != "UTF8" {
		t.Errorf("SHOW lc_ctype = %q, lc_ctype = %q, lc_collate = %q, encoding = %q; want C.UTF-8, C.UTF-8, C.UTF-8, UTF8",
			shown, ctype, collate, encoding)
	}

	if _, err := db.ExecContext(ctx, `CREATE TABLE notes (id integer PRIMARY KEY, body text NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	const want = "数字鸿沟"
	if _, err := db.ExecContext(ctx, `INSERT INTO notes (id, body) VALUES ($1, $2)`, 1, want); err != nil {
		t.Fatal(err)
	}
	var got string
	var chars int
	if err := db.QueryRowContext(ctx, `SELECT body, char_length(body) FROM notes WHERE id = $1`, 1).Scan(&got, &chars); err != nil {
		t.Fatal(err)
	}
	if got != want || chars != 4 {
		t.Errorf("read back %q (%d characters), want %q (4)", got, chars, want)
	}
	// With a UTF-8 ctype, upper() leaves Han characters alone and handles
	// non-ASCII letters, which a C ctype would not.
	var upper string
	if err := db.QueryRowContext(ctx, `SELECT upper('é' || body) FROM notes WHERE id = 1`).Scan(&upper); err != nil {
		t.Fatal(err)
	}
	if upper != "É"+want {
		t.Errorf("upper = %q, want %q", upper, "É"+want)
	}
}

// TestPostgresDSNIsolated checks that two calls give two separate databases
// and that the database is gone after its test.
func TestPostgresDSNIsolated(t *testing.T) {
	var first string
	t.Run("a", func(t *testing.T) {
		first = testenv.PostgresDSN(t)
		second := testenv.PostgresDSN(t)
		if first == second {
			t.Fatalf("two calls returned the same DSN %q", first)
		}
	})
	if first == "" {
		t.Skip("subtest skipped")
	}
	db, err := sql.Open("pgx", os.Getenv(testenv.EnvPostgres))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	name := first[strings.LastIndex(first, "/")+1:]
	name, _, _ = strings.Cut(name, "?")
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM pg_database WHERE datname = $1`, name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("database %s still exists after its test ended", name)
	}
}

func TestBrowser(t *testing.T) {
	ctx := testenv.Browser(t)

	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8"><title>乌镇</title></head>`+
			`<body><h1>乌镇</h1><p>数字鸿沟</p><div style="height:1500px"></div><p>底部</p></body></html>`)
	}))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts.Listener = l
	ts.Start()
	defer ts.Close()

	actx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(actx, chromedp.Navigate(ts.URL)); err != nil {
		t.Fatal(err)
	}
	h1, err := chromedp.Run(actx, chromedp.Text(chromedp.CSS("h1")))
	if err != nil {
		t.Fatal(err)
	}
	if h1 != "乌镇" {
		t.Errorf("h1 text = %q, want %q", h1, "乌镇")
	}

	// Quality 100 makes FullScreenshot a PNG; anything else is a JPEG.
	buf, err := chromedp.Run(actx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(testenv.ArtifactDir(t), "testenv-browser.png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", path, len(buf))

	saved, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(saved) == 0 || !bytes.HasPrefix(saved, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("screenshot is not a PNG (%d bytes)", len(saved))
	}
	img, err := png.Decode(bytes.NewReader(saved))
	if err != nil {
		t.Fatalf("decoding the screenshot: %v", err)
	}
	// The page is taller than the 900-pixel viewport: a full-page shot
	// holds all of it.
	if b := img.Bounds(); b.Dx() != 1280 || b.Dy() <= 1500 {
		t.Errorf("screenshot is %dx%d, want 1280 wide and taller than the 1500-pixel block", b.Dx(), b.Dy())
	}
	size, err := chromedp.Run(actx, chromedp.Evaluate[[]int](`[innerWidth, innerHeight]`))
	if err != nil {
		t.Fatal(err)
	}
	if len(size) != 2 || size[0] != 1280 || size[1] != 900 {
		t.Errorf("viewport = %v, want [1280 900]", size)
	}
}

func TestArtifactDir(t *testing.T) {
	dir := testenv.ArtifactDir(t)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Fatalf("ArtifactDir %q is not a folder: %v", dir, err)
	}
	if os.Getenv(testenv.EnvArtifacts) == "" {
		if _, err := os.Stat(filepath.Join(dir, "..", "go.mod")); err != nil {
			t.Errorf("ArtifactDir %q is not beside go.mod: %v", dir, err)
		}
	}

	want := t.TempDir()
	t.Setenv(testenv.EnvArtifacts, filepath.Join(want, "a"))
	if got := testenv.ArtifactDir(t); got != filepath.Join(want, "a") {
		t.Errorf("with %s set, ArtifactDir = %q", testenv.EnvArtifacts, got)
	}
}
