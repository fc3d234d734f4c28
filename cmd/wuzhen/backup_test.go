package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the test reads backups with database/sql

	"github.com/wuzhen/wuzhen/internal/testenv"
)

// TestBackupRestore backs up a running server's SQLite database while
// accounts are being created, restores the backup into an empty folder, and
// proves the round trip: every table has the same rows (count and content
// checksum) in the backup and in the restored database, every account
// acknowledged before the backup began is in it, and the restored folder
// serves the same directory and lets the demo admin sign in.
func TestBackupRestore(t *testing.T) {
	data := t.TempDir()
	env := []string{"WUZHEN_DATA=" + data}
	srv := startServe(t, env, "--demo")
	cred := credLine.FindStringSubmatch(srv.printed)
	if cred == nil {
		t.Fatalf("no demo admin credentials printed:\n%s", srv.printed)
	}
	members := memberTotal(t, srv.base)
	if members == 0 {
		t.Fatal("the demo has no members")
	}

	// Writers: two loops of "wuzhen user create", each a process of its own
	// writing to the database the server uses, until told to stop.
	var (
		mu      sync.Mutex
		acked   []string // emails of accounts whose creation succeeded
		started atomic.Int64
		stop    = make(chan struct{})
		wg      sync.WaitGroup
		failed  []string
	)
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 { // bounded, in case stop never comes
				select {
				case <-stop:
					return
				default:
				}
				email := fmt.Sprintf("writer%d-%d@writers.example.org", w, i)
				started.Add(1)
				out, err := wuzhen(t, env, "", "user", "create", "--email", email, "--name", "Writer")
				mu.Lock()
				if err != nil {
					failed = append(failed, fmt.Sprintf("%s: %v %s", email, err, out))
				} else {
					acked = append(acked, email)
				}
				mu.Unlock()
			}
		}()
	}
	ackedCount := func() int { mu.Lock(); defer mu.Unlock(); return len(acked) }
	waitAcked := func(n int) {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for ackedCount() < n {
			if time.Now().After(deadline) {
				t.Fatalf("the writers acknowledged %d accounts, waiting for %d", ackedCount(), n)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	defer func() { // also when a check below fails
		select {
		case <-stop:
		default:
			close(stop)
		}
		wg.Wait()
	}()

	waitAcked(4)
	mu.Lock()
	before := append([]string(nil), acked...)
	mu.Unlock()
	backup := filepath.Join(t.TempDir(), "wuzhen-backup.db")
	out, err := wuzhen(t, env, "", "backup", "--out", backup)
	if err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	startedBy := started.Load()
	t.Logf("backup while writing (%d accounts acknowledged before it, %d begun by its end):\n%s", len(before), startedBy, out)
	for _, want := range []string{"integrity_check ok", "users", "members", "schema_migrations"} {
		if !strings.Contains(out, want) {
			t.Errorf("backup output lacks %q", want)
		}
	}
	waitAcked(ackedCount() + 2) // the writers go on after the backup
	close(stop)
	wg.Wait()
	if len(failed) > 0 {
		t.Fatalf("writers failed while the backup ran:\n%s", strings.Join(failed, "\n"))
	}

	// The backup holds every account acknowledged before it began, and
	// none that was not yet begun when it ended.
	sums := tableSums(t, backup)
	bk := openRO(t, backup)
	for _, email := range before {
		var n int
		if err := bk.QueryRow("SELECT count(*) FROM users WHERE email = ?", email).Scan(&n); err != nil || n != 1 {
			t.Errorf("account %s, acknowledged before the backup, is not in it (%d, %v)", email, n, err)
		}
	}
	var writers int64
	if err := bk.QueryRow("SELECT count(*) FROM users WHERE email LIKE '%@writers.example.org'").Scan(&writers); err != nil {
		t.Fatal(err)
	}
	if writers < int64(len(before)) || writers > startedBy {
		t.Errorf("backup has %d writer accounts, want between %d and %d", writers, len(before), startedBy)
	}
	bk.Close()

	// Refused: a backup over an existing file, which stays as it was.
	was, _ := os.ReadFile(backup)
	if out, err := wuzhen(t, env, "", "backup", "--out", backup); err == nil || !strings.Contains(out, "already exists") {
		t.Errorf("backup over an existing file: %v\n%s", err, out)
	}
	if now, _ := os.ReadFile(backup); !bytes.Equal(was, now) {
		t.Error("backup over an existing file changed it")
	}

	// Restore into an empty folder; the round trip keeps every row.
	restored := t.TempDir()
	out, err = wuzhen(t, nil, "", "restore", "--data", restored, backup)
	if err != nil {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	t.Logf("restore:\n%s", out)
	for _, want := range []string{"integrity_check ok", "no migration was needed"} {
		if !strings.Contains(out, want) {
			t.Errorf("restore output lacks %q", want)
		}
	}
	got := tableSums(t, filepath.Join(restored, "wuzhen.db"))
	if len(sums) < 15 || len(got) != len(sums) {
		t.Errorf("%d tables in the backup, %d restored", len(sums), len(got))
	}
	for name, want := range sums {
		if got[name] != want {
			t.Errorf("table %s: backup %v, restored %v", name, want, got[name])
		}
	}
	if sums["users"].rows < int64(len(before))+2 || sums["members"].rows < int64(members) {
		t.Errorf("backup has %d users and %d members, want at least %d and %d (listed)",
			sums["users"].rows, sums["members"].rows, len(before)+2, members)
	}

	// Refused: a restore into a folder that has a database, left as it was.
	was, _ = os.ReadFile(filepath.Join(restored, "wuzhen.db"))
	if out, err := wuzhen(t, nil, "", "restore", "--data", restored, backup); err == nil || !strings.Contains(out, "already exists") {
		t.Errorf("restore into a folder with a database: %v\n%s", err, out)
	}
	if out, err := wuzhen(t, nil, "", "restore", "--data", data, backup); err == nil || !strings.Contains(out, "already exists") {
		t.Errorf("restore over the running server's database: %v\n%s", err, out)
	}
	if now, _ := os.ReadFile(filepath.Join(restored, "wuzhen.db")); !bytes.Equal(was, now) {
		t.Error("a refused restore changed the database")
	}

	// The restored folder serves: probes, the directory, the demo admin.
	rs := startServe(t, []string{"WUZHEN_DATA=" + restored})
	for _, path := range []string{"/readyz", "/members"} {
		if code := getStatus(t, http.DefaultClient, rs.base+path); code != 200 {
			t.Errorf("restored server: GET %s %d", path, code)
		}
	}
	if n := memberTotal(t, rs.base); n != members {
		t.Errorf("restored server lists %d members, the original %d", n, members)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res, err := c.PostForm(rs.base+"/login", url.Values{"email": {cred[1]}, "password": {cred[2]}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if code := getStatus(t, c, rs.base+"/admin"); code != 200 {
		t.Errorf("restored server: the demo admin cannot open /admin (%d)", code)
	}
}

// TestBackupRestoreOlderSchema restores a backup made by an earlier version,
// without the members package's third migration: restore runs it forward.
func TestBackupRestoreOlderSchema(t *testing.T) {
	data := t.TempDir()
	env := []string{"WUZHEN_DATA=" + data}
	if out, err := wuzhen(t, env, "", "migrate"); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	backup := filepath.Join(t.TempDir(), "old.db")
	if out, err := wuzhen(t, env, "", "backup", "--out", backup); err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	old, err := sql.Open("sqlite", "file:"+backup)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"DROP TABLE member_invitations",
		"DROP INDEX member_representatives_one_primary",
		"DROP INDEX members_status_term",
		"DELETE FROM schema_migrations WHERE owner = 'members' AND version = 3",
	} {
		if _, err := old.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	old.Close()

	restored := t.TempDir()
	out, err := wuzhen(t, nil, "", "restore", "--data", restored, backup)
	if err != nil || !strings.Contains(out, "Migrations run forward") {
		t.Fatalf("restore of an older backup: %v\n%s", err, out)
	}
	db := openRO(t, filepath.Join(restored, "wuzhen.db"))
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM schema_migrations WHERE owner = 'members' AND version = 3").Scan(&n); err != nil || n != 1 {
		t.Errorf("members/003 after restore: %d %v", n, err)
	}
	if _, err := db.Exec("SELECT count(*) FROM member_invitations"); err != nil {
		t.Errorf("member_invitations after restore: %v", err)
	}

	// Not backups: refused, and nothing is left in the folder.
	text := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(text, []byte(strings.Repeat("not a database ", 10)), 0o600)
	empty := t.TempDir()
	if out, err := wuzhen(t, nil, "", "restore", "--data", empty, text); err == nil || !strings.Contains(out, "not a SQLite database") {
		t.Errorf("restore of a text file: %v\n%s", err, out)
	}
	if left, _ := os.ReadDir(empty); len(left) > 0 {
		t.Errorf("a refused restore left %v", left)
	}
	if out, err := wuzhen(t, nil, "", "backup", "--data", t.TempDir(), "--out", filepath.Join(t.TempDir(), "b.db")); err == nil || !strings.Contains(out, "no database") {
		t.Errorf("backup of a folder without a database: %v\n%s", err, out)
	}
}

// TestBackupPostgres runs pg_dump through "wuzhen backup" and refuses
// "wuzhen restore" on PostgreSQL with the documented pg_restore command.
func TestBackupPostgres(t *testing.T) {
	dsn := testenv.PostgresDSN(t)
	// The data folder holds only the secret key on PostgreSQL: keep it out
	// of the working folder.
	data := t.TempDir()
	env := []string{"WUZHEN_DB=" + dsn, "WUZHEN_DATA=" + data}
	if out, err := wuzhen(t, env, "", "user", "create", "--email", "pg@example.org", "--name", "PG", "--role", "admin"); err != nil {
		t.Fatalf("user create: %v\n%s", err, out)
	}
	out, err := wuzhen(t, env, "", "restore", "--data", t.TempDir(), filepath.Join(t.TempDir(), "x.dump"))
	if err == nil || !strings.Contains(out, "pg_restore --no-owner") {
		t.Errorf("restore on PostgreSQL: %v\n%s", err, out)
	}
	requireTool(t, "pg_dump")
	dump := filepath.Join(t.TempDir(), "wuzhen.dump")
	out, err = wuzhen(t, env, "", "backup", "--out", dump)
	if err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	t.Logf("backup:\n%s", out)
	if b, _ := os.ReadFile(dump); !bytes.HasPrefix(b, []byte("PGDMP")) {
		t.Errorf("%s is not a pg_dump custom-format file", dump)
	}
	if out, err := wuzhen(t, env, "", "backup", "--out", dump); err == nil || !strings.Contains(out, "already exists") {
		t.Errorf("backup over an existing file: %v\n%s", err, out)
	}

	// The documented restore: pg_restore into a new, empty database.
	requireTool(t, "pg_restore")
	dsn2 := testenv.PostgresDSN(t)
	if b, err := exec.Command("pg_restore", "--no-owner", "--exit-on-error", "--dbname", dsn2, dump).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, b)
	}
	if out, err := wuzhen(t, []string{"WUZHEN_DB=" + dsn2, "WUZHEN_DATA=" + data}, "", "migrate"); err != nil {
		t.Fatalf("migrate after pg_restore: %v\n%s", err, out)
	}
	count := func(dsn, table string) int {
		d, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		var n int
		if err := d.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, table := range []string{"schema_migrations", "users", "audit_log"} {
		if a, b := count(dsn, table), count(dsn2, table); a != b || a == 0 {
			t.Errorf("%s: %d rows, %d after pg_restore", table, a, b)
		}
	}
}

func TestBackupSplitPassword(t *testing.T) {
	conn, pw, err := splitPassword("postgres://app:s3cret%2F@db.example.org:5432/wuzhen?sslmode=require")
	if err != nil || conn != "postgres://app@db.example.org:5432/wuzhen?sslmode=require" || pw != "s3cret/" {
		t.Errorf("got %q %q %v", conn, pw, err)
	}
	if conn, pw, _ := splitPassword("postgres://db/wuzhen"); conn != "postgres://db/wuzhen" || pw != "" {
		t.Errorf("got %q %q", conn, pw)
	}
}

// server is a "wuzhen serve" process on a free loopback port.
type server struct {
	base    string // http://127.0.0.1:PORT
	printed string // what it printed up to its address
	// stop sends SIGTERM and waits (30 s at most) for the process to end,
	// returning how it ended and everything it logged. It may be called
	// more than once.
	stop func() (exit error, logs string)
}

// startServe starts "wuzhen serve" with env and extra flags, waits for its
// address, and stops it with SIGTERM when the test ends.
func startServe(t *testing.T, env []string, flags ...string) *server {
	t.Helper()
	cmd := exec.Command(binary(t), append([]string{"serve", "--addr", "127.0.0.1:0"}, flags...)...)
	cmd.Env = append(os.Environ(), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 100)
	exited := make(chan struct{})
	var exitErr error
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		exitErr = cmd.Wait()
		close(exited)
	}()
	var once sync.Once
	stop := func() (error, string) {
		once.Do(func() {
			cmd.Process.Signal(syscall.SIGTERM)
			go func() {
				for range lines {
				}
			}()
			select {
			case <-exited:
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				<-exited
				exitErr = fmt.Errorf("serve did not stop within 30 s of SIGTERM (killed): %v", exitErr)
			}
		})
		return exitErr, logs.String()
	}
	t.Cleanup(func() { stop() })
	var printed strings.Builder
	deadline := time.After(60 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				<-exited // logs is written until the process ends
				t.Fatalf("serve ended early:\n%s\n%s", printed.String(), logs.String())
			}
			printed.WriteString(l + "\n")
			if m := addrLine.FindStringSubmatch(l); m != nil {
				return &server{base: m[1], printed: printed.String(), stop: stop}
			}
		case <-deadline:
			t.Fatalf("serve printed no address:\n%s", printed.String())
		}
	}
}

func getStatus(t *testing.T, c *http.Client, u string) int {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// memberTotal is the directory's member count from the API.
func memberTotal(t *testing.T, base string) int {
	t.Helper()
	res, err := http.Get(base + "/api/v1/members")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct {
		Total *int `json:"total"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil || res.StatusCode != 200 || body.Total == nil {
		t.Fatalf("GET /api/v1/members: %d %v", res.StatusCode, err)
	}
	return *body.Total
}

func openRO(t *testing.T, path string) *sql.DB {
	t.Helper()
	d, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// tableSum is a table's row count and the SHA-256 of its rows as text.
type tableSum struct {
	rows int64
	sum  string
}

// tableSums reads every table of the SQLite file at path, rows ordered by
// all their columns, each value written with its type.
func tableSums(t *testing.T, path string) map[string]tableSum {
	t.Helper()
	d := openRO(t, path)
	defer d.Close()
	var names []string
	rows, err := d.Query("SELECT name FROM sqlite_schema WHERE type = 'table'")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		rows.Scan(&s)
		names = append(names, s)
	}
	rows.Close()
	out := map[string]tableSum{}
	for _, name := range names {
		q := `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
		cols, err := d.Query("SELECT * FROM " + q + " LIMIT 0")
		if err != nil {
			t.Fatal(err)
		}
		cn, _ := cols.Columns()
		cols.Close()
		order := make([]string, len(cn))
		for i := range cn {
			order[i] = fmt.Sprint(i + 1)
		}
		rows, err := d.Query("SELECT * FROM " + q + " ORDER BY " + strings.Join(order, ", "))
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		var n int64
		vals := make([]any, len(cn))
		ptrs := make([]any, len(cn))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				fmt.Fprintf(h, "%T:", v)
				if b, ok := v.([]byte); ok {
					v = hex.EncodeToString(b)
				}
				fmt.Fprintf(h, "%v\x1f", v)
			}
			h.Write([]byte{'\n'})
			n++
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		out[name] = tableSum{rows: n, sum: hex.EncodeToString(h.Sum(nil))}
	}
	return out
}

// requireTool skips the rest of a PostgreSQL test when a client tool is
// missing, unless PostgreSQL tests are required (CI), where it fails.
func requireTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv(testenv.EnvRequirePostgres) == "1" {
			t.Fatalf("%s is not on PATH, and PostgreSQL tests are required", name)
		}
		t.Skipf("%s is not on PATH", name)
	}
}
