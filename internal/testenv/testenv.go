// Package testenv gives tests the outside things they need: a fresh
// PostgreSQL database, a headless Chromium and a folder for artifacts.
//
// Only tests import it. A test that needs PostgreSQL or Chromium skips with
// one clear message when the thing is not there, and fails instead when the
// environment asks for it (WUZHEN_REQUIRE_PG=1, WUZHEN_REQUIRE_BROWSER=1), as
// .ci/run does. scripts/test starts a throwaway PostgreSQL cluster and sets
// WUZHEN_TEST_PG for the whole run.
package testenv

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the database/sql driver "pgx"
)

// Environment variables read by this package.
const (
	// EnvPostgres holds the URL (or key=value DSN) of a PostgreSQL server
	// whose user may create and drop databases.
	EnvPostgres = "WUZHEN_TEST_PG"
	// EnvRequirePostgres set to 1 turns a missing PostgreSQL into a failure.
	EnvRequirePostgres = "WUZHEN_REQUIRE_PG"
	// EnvChromium names the Chromium binary (a path or a name on PATH).
	EnvChromium = "WUZHEN_CHROMIUM"
	// EnvRequireBrowser set to 1 turns a missing Chromium into a failure.
	EnvRequireBrowser = "WUZHEN_REQUIRE_BROWSER"
	// EnvArtifacts names the folder for screenshots and other artifacts.
	EnvArtifacts = "WUZHEN_ARTIFACTS"
)

// chromiumNames are the programs Browser looks for on PATH, in order.
var chromiumNames = []string{"chromium", "chromium-browser", "google-chrome"}

func required(name string) bool { return os.Getenv(name) == "1" }

// PostgresDSN creates an empty database with UTF-8 encoding and the C.UTF-8
// collation and ctype on the server named by WUZHEN_TEST_PG, and returns a
// DSN for it in the same form (URL or key=value) as WUZHEN_TEST_PG. The
// database is dropped, with any connections still open to it, when the test
// and its subtests finish.
//
// Without WUZHEN_TEST_PG the test is skipped, or fails when
// WUZHEN_REQUIRE_PG=1. A server that cannot be reached fails the test.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	admin := os.Getenv(EnvPostgres)
	if admin == "" {
		if required(EnvRequirePostgres) {
			t.Fatalf("PostgreSQL is required (%s=1) but %s is not set; run the tests with scripts/test", EnvRequirePostgres, EnvPostgres)
		}
		t.Skip("PostgreSQL not available (set WUZHEN_TEST_PG or install PostgreSQL)")
	}

	name := databaseName(t.Name())
	dsn, err := withDatabase(admin, name)
	if err != nil {
		t.Fatalf("testenv: %s: %v", EnvPostgres, err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err = adminExec(ctx, admin, "CREATE DATABASE "+quoteIdent(name)+
		" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'")
	if err != nil {
		t.Fatalf("testenv: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := adminExec(ctx, admin, "DROP DATABASE IF EXISTS "+quoteIdent(name)+" WITH (FORCE)"); err != nil {
			t.Errorf("testenv: drop database %s: %v", name, err)
		}
	})
	return dsn
}

// adminExec runs one statement on a short-lived connection to the server.
func adminExec(ctx context.Context, dsn, stmt string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, stmt)
	return err
}

var nonIdent = regexp.MustCompile(`[^a-z0-9]+`)

// databaseName makes a database name that no other test, in this process or
// another test binary running at the same time, is using: a readable part
// from the test name and a random suffix. It stays within PostgreSQL's 63
// bytes.
func databaseName(testName string) string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	part := strings.Trim(nonIdent.ReplaceAllString(strings.ToLower(testName), "_"), "_")
	if len(part) > 32 {
		part = strings.TrimRight(part[:32], "_")
	}
	return "wuzhen_t_" + part + "_" + hex.EncodeToString(b[:])
}

// withDatabase returns dsn with its database replaced by name. It accepts
// postgres:// URLs and key=value strings.
func withDatabase(dsn, name string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", err
		}
		u.Path = "/" + name
		u.RawPath = ""
		return u.String(), nil
	}
	if strings.Contains(dsn, "=") {
		// A later keyword wins in pgx's key=value parser.
		return dsn + " dbname=" + name, nil
	}
	return "", errors.New("want a postgres:// URL or a key=value connection string")
}

func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// Chromium returns the path of the Chromium binary that Browser starts:
// WUZHEN_CHROMIUM if set, else the first of chromium, chromium-browser and
// google-chrome on PATH. It returns an error when none is found.
func Chromium() (string, error) {
	if v := os.Getenv(EnvChromium); v != "" {
		p, err := exec.LookPath(v)
		if err != nil {
			return "", fmt.Errorf("%s=%s: %w", EnvChromium, v, err)
		}
		return p, nil
	}
	for _, n := range chromiumNames {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("none of %s is on PATH and %s is not set", strings.Join(chromiumNames, ", "), EnvChromium)
}

// Browser starts a headless Chromium for the test and returns a chromedp
// context for a tab in it. The browser has a fresh profile in t.TempDir(), a
// 1280x900 window, and no background networking; the tab's viewport is
// 1280x900 at a device scale of 1 (a tab opened with chromedp.NewContext on
// the returned context gets only the window, so emulate its viewport too).
// It is closed when the test and its subtests finish.
//
// The browser is already running when Browser returns, so a caller may derive
// contexts with timeouts from the returned one: they limit single actions,
// not the browser's life. Each test gets its own browser; for several tabs in
// one test, call chromedp.NewContext on the returned context.
//
// Without Chromium the test is skipped, or fails when WUZHEN_REQUIRE_BROWSER=1.
//
// extra options are added to the browser's flags, for example a fake
// camera (chromedp.Flag("use-file-for-fake-video-capture", path)).
func Browser(t testing.TB, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	bin, err := Chromium()
	if err != nil {
		if required(EnvRequireBrowser) || os.Getenv(EnvChromium) != "" {
			t.Fatalf("Chromium is required but not usable: %v", err)
		}
		t.Skipf("Chromium not available (install chromium or set %s): %v", EnvChromium, err)
	}

	profile := filepath.Join(t.TempDir(), "chromium-profile")
	if err := os.Mkdir(profile, 0o700); err != nil {
		t.Fatal(err)
	}
	output := new(lockedBuffer)

	// NewExecAllocator uses only the options it is given, so start from
	// chromedp's defaults (headless, no first run, no sync, ...) and add ours.
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
		chromedp.CombinedOutput(output),
	)
	opts = append(opts, extra...)
	// The browser must not depend on t.Context, which ends before the
	// cleanups run and would kill it before the graceful close below.
	allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(), opts...)
	logs := &testLog{t: t}
	ctx, cancel := chromedp.NewContext(allocCtx, chromedp.WithErrorf(logs.Errorf))

	t.Cleanup(func() {
		defer logs.stop()
		// Close the browser gracefully, so that its helper processes exit
		// too, then free everything chromedp holds.
		cctx, ccancel := context.WithTimeout(ctx, 15*time.Second)
		_ = chromedp.Cancel(cctx)
		ccancel()
		cancel()
		allocCancel()
		// chromedp removes a profile only when it made it, so stop stray
		// helper processes that could still write into ours before
		// t.TempDir's cleanup removes it.
		killProfileUsers(profile)
		if err := removeAllRetry(profile); err != nil {
			t.Logf("testenv: removing the Chromium profile: %v", err)
		}
	})

	// The first action starts the browser; its context owns the browser, so
	// give it none with a deadline. Bound the start-up by hand instead.
	// --window-size sets the outer window: in headless mode the page then
	// gets only 1280x757. Emulate the viewport so that the page sees 1280x900
	// at a device scale of 1, and screenshots are the same everywhere.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)) }()
	select {
	case err = <-started:
	case <-time.After(60 * time.Second):
		err = errors.New("timed out after 60s")
	}
	if err != nil {
		t.Fatalf("testenv: starting %s: %v\nbrowser output:\n%s", bin, err, output.String())
	}
	return ctx
}

// testLog sends chromedp's error messages to the test log while the test
// runs, and to nowhere after: testing panics on a log after the test ended.
type testLog struct {
	mu      sync.Mutex
	t       testing.TB
	stopped bool
}

func (l *testLog) Errorf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.stopped {
		l.t.Logf("chromedp: "+format, args...)
	}
}

func (l *testLog) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stopped = true
}

// lockedBuffer collects the browser's output, written from another goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// killProfileUsers kills processes started with --user-data-dir=dir. Chromium
// passes the flag to each of its helper processes. It does nothing where
// /proc is missing.
func killProfileUsers(dir string) {
	want := []byte("--user-data-dir=" + dir)
	for range 3 {
		entries, err := os.ReadDir("/proc")
		if err != nil {
			return
		}
		found := 0
		for _, e := range entries {
			pid, err := strconv.Atoi(e.Name())
			if err != nil || pid == os.Getpid() {
				continue
			}
			cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
			if err != nil {
				continue
			}
			for arg := range bytes.SplitSeq(cmdline, []byte{0}) {
				if bytes.Equal(arg, want) {
					_ = syscall.Kill(pid, syscall.SIGKILL)
					found++
					break
				}
			}
		}
		if found == 0 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func removeAllRetry(dir string) error {
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := os.RemoveAll(dir)
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// ArtifactDir returns the folder where tests save artifacts such as
// screenshots, and creates it: $WUZHEN_ARTIFACTS if set, else "artifacts" at
// the root of the repository (the folder holding go.mod).
func ArtifactDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv(EnvArtifacts)
	if dir == "" {
		root, err := repoRoot()
		if err != nil {
			t.Fatalf("testenv: %v", err)
		}
		dir = filepath.Join(root, "artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("testenv: artifact folder: %v", err)
	}
	return dir
}

// repoRoot walks up from the working directory (a package folder, under go
// test) to the folder that holds go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory; set " + EnvArtifacts)
		}
		dir = parent
	}
}
