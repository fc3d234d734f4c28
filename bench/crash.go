package main

// The crash scenario: write load against the real binary, SIGKILL at
// random moments, restart, and at the end a check that every write the
// server acknowledged is in the database as sent.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/db"
)

// readyLimit is how soon after a restart /readyz must answer 200.
const readyLimit = time.Second

// crashSetup is what run prepared for the scenario.
type crashSetup struct {
	bin, tmp, data string
	dbURL          string // --db of the server, "" for SQLite in data
	loadURL        string // the database as internal/db opens it
	dbName         string // sqlite or postgres
}

// crashAccount is a verified account that one worker writes as.
type crashAccount struct {
	ID      int64
	Email   string
	Name    string
	Token   string // personal API token, for the API
	Session string // session cookie value, for the forms
}

// crashEnv is what a kind of write's Setup gets: the migrated database,
// before the server first starts, and the workers' accounts.
type crashEnv struct {
	DB       *db.DB
	Accounts []crashAccount
}

// outcome is what became of one write, as its sender saw it.
type outcome int

const (
	acked    outcome = iota // the server acknowledged it: it must be in the database, whole
	refused                 // the connection was refused: the server never saw it
	unknown                 // the connection broke before the answer (a kill): it may or may not be there
	rejected                // the server answered, but not with the acknowledgement
)

func (o outcome) String() string {
	return [...]string{"acknowledged", "refused", "unknown", "rejected"}[o]
}

// attempt is one write sent.
type attempt struct {
	Kind    string
	Worker  int
	Seq     int
	Outcome outcome
	Status  int   // HTTP status; 0 for a transport error
	ID      int64 // the id the acknowledgement named
	Want    any   // what the write must have stored, for its kind's Check
	Err     string
	Life    int // the server's life (0 before the first kill) when it was sent
}

// crashWrite is one kind of write in the crash scenario's mix; each worker
// takes the kinds in turn.
type crashWrite struct {
	Name string
	// Setup runs once on the migrated database before the server first
	// starts; nil for nothing.
	Setup func(ctx context.Context, env *crashEnv) error
	// Send makes one write as worker w and says what became of it (see
	// crashWorker.send). Want holds what must be stored.
	Send func(ctx context.Context, w *crashWorker, seq int) *attempt
	// Check compares the database, after the last stop, with every
	// attempt of this kind whatever its outcome.
	Check func(ctx context.Context, d *db.DB, attempts []*attempt) (*verdict, error)
}

// crashWrites is the scenario's write mix: membership applications
// (crash_apps.go) and registrations for events (crash_regs.go).
var crashWrites = []crashWrite{applicationWrites, registrationWrites}

// verdict is what a Check found.
type verdict struct {
	Present int      // acknowledged writes found whole
	Lost    []string // acknowledged writes missing or stored otherwise than sent, described
	// Unanswered are rows written by attempts whose answer never came
	// (in flight at a kill, or answered with a 5xx): allowed.
	Unanswered int
	// Phantom are rows that no unanswered attempt explains, described.
	Phantom []string
}

// crashWorker is one writer: its own account and keep-alive connection.
type crashWorker struct {
	N       int
	Account crashAccount
	Base    string // http://127.0.0.1:port, the same across restarts
	Client  *http.Client
	Rand    *rand.Rand
	life    func() int
	turns   map[string]int
}

// turn counts the calls for key and returns the count before this one, so
// that a kind can take turns between routes.
func (w *crashWorker) turn(key string) int {
	if w.turns == nil {
		w.turns = map[string]int{}
	}
	n := w.turns[key]
	w.turns[key] = n + 1
	return n
}

// send posts body to path and classifies the answer: acknowledged when
// ack says so (it also returns the id the answer names), refused when the
// server was not listening, unknown when the connection broke, rejected
// otherwise.
func (w *crashWorker) send(ctx context.Context, a *attempt, path, contentType string, body []byte, header http.Header,
	ack func(status int, h http.Header, body []byte) (int64, bool)) *attempt {
	a.Worker, a.Life = w.N, w.life()
	t := target{Method: "POST", URI: path, Body: body, Header: header.Clone()}
	if t.Header == nil {
		t.Header = http.Header{}
	}
	t.Header.Set("Content-Type", contentType)
	t.Header.Set("User-Agent", "wuzhen-bench-crash")
	res, _, err := do(ctx, w.Client, w.Base, t, true)
	switch {
	case err != nil && errors.Is(err, syscall.ECONNREFUSED):
		a.Outcome, a.Err = refused, err.Error()
	case err != nil:
		a.Outcome, a.Err = unknown, err.Error()
	default:
		a.Status = res.Status
		if id, ok := ack(res.Status, res.Header, res.Body); ok {
			a.Outcome, a.ID = acked, id
		} else {
			a.Outcome, a.Err = rejected, fmt.Sprintf("%d: %.200s", res.Status, res.Body)
		}
	}
	return a
}

// answered reports whether the server's answer settled the attempt: a
// rejection below 500 wrote nothing, a 5xx may have.
func (a *attempt) answered() bool {
	return a.Outcome == acked || a.Outcome == refused || (a.Outcome == rejected && a.Status < 500)
}

// kill is one SIGKILL and the restart after it.
type kill struct {
	At       time.Duration // since the load started
	Acked    int           // writes acknowledged so far
	InFlight int           // writes whose connection the kill broke
	Ready    time.Duration // from the restart to the first 200 of /readyz
	Snapshot string        // integrity of the database files as the kill left them
}

// crashResult is the whole run.
type crashResult struct {
	Kills                                   []kill
	Attempts                                map[string][]*attempt // by kind
	Elapsed                                 time.Duration
	Acked, Refused, Unknown, Rejected, Srv5 int
	Present, Unanswered                     int
	Lost, Phantom                           []string
	Integrity                               string // ok, n/a, or the first problem
	Statuses                                map[int]int
}

// runCrash runs the scenario on the migrated database of cs.
func runCrash(ctx context.Context, o *options, cs crashSetup, stdout io.Writer, say func(string, ...any)) error {
	accounts, err := crashPrepare(ctx, cs.loadURL, o.concurrency)
	if err != nil {
		return err
	}
	say("created %d accounts with tokens and sessions", len(accounts))

	port, err := freePort()
	if err != nil {
		return err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	logPath := filepath.Join(cs.tmp, "server.log")
	srv, err := launchServer(cs.bin, addr, cs.data, cs.dbURL, logPath)
	if err != nil {
		return err
	}
	defer func() { srv.stop() }()
	if err := srv.waitReady(ctx, 60*time.Second); err != nil {
		return fmt.Errorf("%w\n%s", err, tail(logPath, 20))
	}
	say("wuzhen serve is ready at %s; %d writers, %d kills at random moments within %s of each restart…",
		srv.URL, o.concurrency, o.kills, o.killWithin)

	rng := rand.New(rand.NewPCG(o.seed, o.seed^0x2545f4914f6cdd1d))
	var (
		mu       sync.Mutex
		attempts = map[string][]*attempt{}
		life     int
		inFlight int // attempts sent but not yet classified
	)
	lifeNow := func() int { mu.Lock(); defer mu.Unlock(); return life }
	// quit ends the load: each worker finishes the write it is sending
	// (so that only kills leave answers unknown) and sends no more.
	quit := make(chan struct{})
	var quitOnce sync.Once
	stopLoad := func() { quitOnce.Do(func() { close(quit) }) }
	defer stopLoad()
	var wg sync.WaitGroup
	start := time.Now()
	for i, acc := range accounts {
		w := &crashWorker{N: i, Account: acc, Base: srv.URL, Client: crashClient(),
			Rand: rand.New(rand.NewPCG(o.seed+uint64(i)+1, 0x9e3779b97f4a7c15)), life: lifeNow}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer w.Client.CloseIdleConnections()
			for seq := 0; ; seq++ {
				select {
				case <-quit:
					return
				default:
				}
				kind := crashWrites[seq%len(crashWrites)]
				mu.Lock()
				inFlight++
				mu.Unlock()
				a := kind.Send(ctx, w, seq)
				a.Kind, a.Seq = kind.Name, seq
				mu.Lock()
				inFlight--
				attempts[kind.Name] = append(attempts[kind.Name], a)
				mu.Unlock()
				if a.Outcome == refused || a.Outcome == unknown {
					// The server is down or restarting: try again soon.
					select {
					case <-quit:
					case <-time.After(5 * time.Millisecond):
					}
				}
			}
		}()
	}
	count := func(out outcome) int {
		mu.Lock()
		defer mu.Unlock()
		n := 0
		for _, list := range attempts {
			for _, a := range list {
				if a.Outcome == out {
					n++
				}
			}
		}
		return n
	}

	res := &crashResult{Attempts: attempts, Integrity: "n/a", Statuses: map[int]int{}}
	sqlitePath, isSQLite := db.SQLitePath(cs.loadURL)
	if isSQLite {
		res.Integrity = "ok"
	}
	var runErr error
	for k := range o.kills {
		wait := o.killWithin/10 + time.Duration(rng.Int64N(int64(o.killWithin-o.killWithin/10)+1))
		select {
		case <-ctx.Done():
			runErr = ctx.Err()
		case err := <-srv.done:
			runErr = fmt.Errorf("wuzhen serve exited by itself: %v\n%s", err, tail(logPath, 20))
		case <-time.After(wait):
		}
		if runErr != nil {
			break
		}
		mu.Lock()
		flying := inFlight
		mu.Unlock()
		kl := kill{At: time.Since(start), Acked: count(acked), InFlight: flying}
		srv.cmd.Process.Kill() // SIGKILL
		<-srv.done
		mu.Lock()
		life++
		mu.Unlock()
		var snap string
		if isSQLite {
			// The files as the kill left them, checked once the server
			// is back (so that the check does not delay the restart).
			if snap, err = snapshot(sqlitePath, filepath.Join(cs.tmp, "snapshot")); err != nil {
				runErr = err
				break
			}
		}
		t0 := time.Now()
		if srv, err = launchServer(cs.bin, addr, cs.data, cs.dbURL, logPath); err != nil {
			runErr = err
			break
		}
		kl.Ready, err = readyAfter(ctx, srv, t0, 30*time.Second)
		if err != nil {
			runErr = fmt.Errorf("restart %d: %w\n%s", k+1, err, tail(logPath, 20))
			break
		}
		kl.Snapshot = "n/a"
		if snap != "" {
			kl.Snapshot = integrity(ctx, snap)
			os.RemoveAll(filepath.Dir(snap))
			if kl.Snapshot != "ok" && res.Integrity == "ok" {
				res.Integrity = kl.Snapshot
			}
		}
		res.Kills = append(res.Kills, kl)
		say("kill %d/%d at %s: %d acknowledged so far, %d in flight; ready again in %s; database as left: %s",
			k+1, o.kills, kl.At.Round(time.Millisecond), kl.Acked, kl.InFlight, kl.Ready.Round(100*time.Microsecond), kl.Snapshot)
	}
	if runErr == nil {
		// Some load on the last restart before stopping.
		select {
		case <-ctx.Done():
			runErr = ctx.Err()
		case <-time.After(o.killWithin / 2):
		}
	}
	stopLoad()
	wg.Wait()
	res.Elapsed = time.Since(start)
	srv.stop()
	if runErr != nil {
		return runErr
	}

	say("checking every acknowledged write in the database…")
	if err := crashCheck(ctx, cs.loadURL, res); err != nil {
		return err
	}
	if isSQLite {
		if s := integrityFile(ctx, sqlitePath); s != "ok" && res.Integrity == "ok" {
			res.Integrity = s
		}
	}
	crashReport(stdout, o, cs.dbName, res)
	var problems []string
	if len(res.Lost) > 0 {
		problems = append(problems, fmt.Sprintf("%d acknowledged writes lost", len(res.Lost)))
	}
	if len(res.Phantom) > 0 {
		problems = append(problems, fmt.Sprintf("%d rows nobody wrote", len(res.Phantom)))
	}
	if res.Integrity != "ok" && res.Integrity != "n/a" {
		problems = append(problems, "integrity check failed: "+res.Integrity)
	}
	if slow := res.slowRestarts(); slow > 0 {
		problems = append(problems, fmt.Sprintf("%d restarts not ready within %s", slow, readyLimit))
	}
	if len(problems) > 0 {
		return errors.New("crash: " + strings.Join(problems, "; "))
	}
	return nil
}

// crashPrepare creates n verified accounts, each with an API token and a
// session, and runs the write kinds' Setup.
func crashPrepare(ctx context.Context, url string, n int) ([]crashAccount, error) {
	d, err := db.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	users := &auth.Store{DB: d, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Params: auth.DefaultParams,
		BaseURL: "http://127.0.0.1"}
	password := randomPassword()
	env := &crashEnv{DB: d}
	for i := range n {
		a := crashAccount{Email: fmt.Sprintf("crash-%d@example.org", i+1), Name: fmt.Sprintf("Crash Writer %d", i+1)}
		u, err := users.Create(ctx, a.Email, a.Name, password)
		if err != nil {
			return nil, fmt.Errorf("create account %s: %w", a.Email, err)
		}
		a.ID = u.ID
		if a.Token, err = users.CreateToken(ctx, a.Email, "crash"); err != nil {
			return nil, err
		}
		if a.Session, _, _, err = users.Login(ctx, a.Email, password, "bench", ""); err != nil {
			return nil, fmt.Errorf("sign in %s: %w", a.Email, err)
		}
		env.Accounts = append(env.Accounts, a)
	}
	for _, k := range crashWrites {
		if k.Setup != nil {
			if err := k.Setup(ctx, env); err != nil {
				return nil, fmt.Errorf("set up %s: %w", k.Name, err)
			}
		}
	}
	return env.Accounts, nil
}

// crashClient is a writer's client: one keep-alive connection, no
// redirects followed, no cookie jar.
func crashClient() *http.Client {
	c := newClient(1)
	c.Timeout = 20 * time.Second
	return c
}

// readyAfter polls /readyz every 2 ms until it answers 200 and returns the
// time since t0.
func readyAfter(ctx context.Context, s *server, t0 time.Time, limit time.Duration) (time.Duration, error) {
	c := &http.Client{Timeout: time.Second, Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	for time.Since(t0) < limit {
		req, _ := http.NewRequestWithContext(ctx, "GET", s.URL+"/readyz", nil)
		if res, err := c.Do(req); err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return time.Since(t0), nil
			}
		}
		select {
		case err := <-s.done:
			return 0, fmt.Errorf("wuzhen serve exited before it was ready: %v", err)
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(2 * time.Millisecond):
		}
	}
	return 0, fmt.Errorf("not ready within %s", limit)
}

// snapshot copies the SQLite database at path and its -wal file (the
// -shm index is rebuilt from it) into a new folder under dir and returns
// the copy's path.
func snapshot(path, dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	to, err := os.MkdirTemp(dir, "kill-")
	if err != nil {
		return "", err
	}
	dst := filepath.Join(to, filepath.Base(path))
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(path + suffix)
		if errors.Is(err, os.ErrNotExist) && suffix != "" {
			continue
		}
		if err != nil {
			return "", err
		}
		if err := os.WriteFile(dst+suffix, b, 0o600); err != nil {
			return "", err
		}
	}
	return dst, nil
}

// integrity opens the SQLite database at path as the server would (which
// recovers its write-ahead log) and returns the answer of PRAGMA
// integrity_check: "ok", or the problems it names.
func integrity(ctx context.Context, path string) string {
	d, err := db.Open(ctx, "sqlite:"+path)
	if err != nil {
		return "open failed: " + err.Error()
	}
	defer d.Close()
	rows, err := d.Query(ctx, "PRAGMA integrity_check")
	if err != nil {
		return "integrity_check failed: " + err.Error()
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return "integrity_check failed: " + err.Error()
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return "integrity_check failed: " + err.Error()
	}
	if len(out) == 1 && out[0] == "ok" {
		return "ok"
	}
	if len(out) > 3 {
		out = append(out[:3], "…")
	}
	return strings.Join(out, "; ")
}

// integrityFile checks the database the server used, after it stopped.
func integrityFile(ctx context.Context, path string) string { return integrity(ctx, path) }

// crashCheck runs every kind's Check on the database and adds up.
func crashCheck(ctx context.Context, url string, res *crashResult) error {
	d, err := db.Open(ctx, url)
	if err != nil {
		return err
	}
	defer d.Close()
	for _, k := range crashWrites {
		list := res.Attempts[k.Name]
		for _, a := range list {
			switch a.Outcome {
			case acked:
				res.Acked++
			case refused:
				res.Refused++
			case unknown:
				res.Unknown++
			case rejected:
				res.Rejected++
				if a.Status >= 500 {
					res.Srv5++
				}
			}
			if a.Status != 0 {
				res.Statuses[a.Status]++
			} else {
				res.Statuses[0]++
			}
		}
		v, err := k.Check(ctx, d, list)
		if err != nil {
			return fmt.Errorf("check %s: %w", k.Name, err)
		}
		res.Present += v.Present
		res.Unanswered += v.Unanswered
		res.Lost = append(res.Lost, v.Lost...)
		res.Phantom = append(res.Phantom, v.Phantom...)
	}
	return nil
}

// errorKinds counts the transport errors of unknown and refused writes
// by their text without addresses, most frequent first.
func (r *crashResult) errorKinds() []string {
	counts := map[string]int{}
	for _, list := range r.Attempts {
		for _, a := range list {
			if a.Outcome == unknown || a.Outcome == refused {
				counts[a.Outcome.String()+": "+addrRE.ReplaceAllString(a.Err, "ADDR")]++
			}
		}
	}
	var out []string
	for k, n := range counts {
		out = append(out, fmt.Sprintf("%6d × %s", n, k))
	}
	slices.SortFunc(out, func(a, b string) int { return strings.Compare(b, a) })
	return out
}

var addrRE = regexp.MustCompile(`127\.0\.0\.1:\d+`)

func (r *crashResult) slowRestarts() int {
	n := 0
	for _, k := range r.Kills {
		if k.Ready > readyLimit {
			n++
		}
	}
	return n
}

// crashReport prints the kills, the outcomes and, last, the result line.
func crashReport(w io.Writer, o *options, dbName string, r *crashResult) {
	fmt.Fprintf(w, "crash on %s: %d writers, %d kills (SIGKILL) at random moments %s–%s after each restart; writes: %s\n",
		dbName, o.concurrency, o.kills, o.killWithin/10, o.killWithin, kindNames())
	fmt.Fprintf(w, "machine: %d CPUs, bench %s; the load ran %s\n\n", runtime.NumCPU(), runtime.Version(), r.Elapsed.Round(time.Millisecond))
	rows := [][]string{{"kill", "at_s", "acked_before", "in_flight", "ready_ms", "db_as_left"}}
	var ready []time.Duration
	for i, k := range r.Kills {
		rows = append(rows, []string{strconv.Itoa(i + 1), strconv.FormatFloat(k.At.Seconds(), 'f', 2, 64),
			strconv.Itoa(k.Acked), strconv.Itoa(k.InFlight), ms(k.Ready), k.Snapshot})
		ready = append(ready, k.Ready)
	}
	io.WriteString(w, formatTable(rows, 1))
	rs := summarize(ready)
	fmt.Fprintf(w, "\nwrites sent: %d acknowledged, %d refused (server down), %d unknown (connection broken by a kill), %d rejected (%d of them 5xx)\n",
		r.Acked, r.Refused, r.Unknown, r.Rejected, r.Srv5)
	fmt.Fprintf(w, "statuses: %s\n", statusList(r.Statuses))
	for _, e := range r.errorKinds() {
		fmt.Fprintf(w, "  %s\n", e)
	}
	fmt.Fprintf(w, "in the database: %d acknowledged writes whole, %d lost; %d more rows from writes whose answer never came; %d rows nobody sent\n",
		r.Present, len(r.Lost), r.Unanswered, len(r.Phantom))
	for i, l := range r.Lost {
		if i == 10 {
			fmt.Fprintf(w, "  … and %d more lost\n", len(r.Lost)-10)
			break
		}
		fmt.Fprintf(w, "  lost: %s\n", l)
	}
	for i, p := range r.Phantom {
		if i == 10 {
			fmt.Fprintf(w, "  … and %d more\n", len(r.Phantom)-10)
			break
		}
		fmt.Fprintf(w, "  nobody sent: %s\n", p)
	}
	fmt.Fprintf(w, "ready after restart: p50 %s ms, max %s ms (limit %s ms); integrity: %s\n\n",
		ms(rs.P50), ms(rs.Max), ms(readyLimit), r.Integrity)
	fmt.Fprintln(w, resultLine("crash", []kv{
		{"kills", strconv.Itoa(len(r.Kills))},
		{"acknowledged", strconv.Itoa(r.Acked)},
		{"lost", strconv.Itoa(len(r.Lost))},
		{"integrity", r.Integrity},
		{"ready_p50_ms", ms(rs.P50)},
		{"ready_max_ms", ms(rs.Max)},
		{"slow_restarts", strconv.Itoa(r.slowRestarts())},
		{"unknown", strconv.Itoa(r.Unknown)},
		{"unanswered_present", strconv.Itoa(r.Unanswered)},
		{"phantom", strconv.Itoa(len(r.Phantom))},
		{"rejected", strconv.Itoa(r.Rejected)},
		{"acked_per_s", rate(r.Acked, r.Elapsed)},
		{"db", dbName},
		{"concurrency", strconv.Itoa(o.concurrency)},
	}))
}

func kindNames() string {
	var names []string
	for _, k := range crashWrites {
		names = append(names, k.Name)
	}
	return strings.Join(names, ", ")
}
