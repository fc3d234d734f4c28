// Command bench measures the real wuzhen binary under load, against a
// plain net/http server replaying the same bytes in the same run.
//
//	go run ./bench pages [--members 10000] [--duration 10s] [--concurrency 16] [--db postgres://…]
//	go run ./bench api   [same flags]
//	go run ./bench login [--accounts N] [same flags]
//	go run ./bench rush  [--people 10000] [--seats 5000] [--concurrency 500] [--cancel-every 20] [--db postgres://… --instances 3]
//	go run ./bench crash [--kills 10] [--kill-within 3s] [--concurrency 16] [--db postgres://…]
//	go run ./bench search [--docs 100000] [--concurrency 1] [--duration 30s] [--db postgres://…]
//
// See bench/README.md.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const usage = `usage: go run ./bench SCENARIO [flags]

scenarios:
  pages   home, member directory, a filtered directory page, member profiles
  api     members list (50 per page) and member statistics
  login   sign-ins (POST /login) with argon2id at the default parameters
  rush    --people distinct accounts register at once for one category of --seats seats
  crash   write load, SIGKILL and restart N times, then check that every acknowledged write is there
  search  a fixed set of queries over 100,000 documents (GET /api/v1/search),
          beside the same queries on a plain FTS5 table of the raw text

flags:
`

// options are the flags of a run.
type options struct {
	scenario    string
	members     int
	duration    time.Duration
	concurrency int
	requests    int
	warmup      time.Duration
	db          string
	lang        string
	accounts    int
	loadWorkers int
	seed        uint64
	idleRuns    int
	rounds      int
	people      int
	seats       int
	cancelEvery int
	instances   int
	kills       int           // crash: SIGKILLs
	killWithin  time.Duration // crash: each kill comes at a random moment within this of the restart before it
	docs        int           // search: documents indexed
	batch       int           // search: documents per transaction while indexing
	tidy        bool          // search: run search.Tidy after indexing
}

func parseOptions(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	fs.IntVar(&o.members, "members", 10000, "members to load before serving")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "how long to measure each server")
	fs.IntVar(&o.concurrency, "concurrency", 16, "requests in flight at once (one keep-alive connection each)")
	fs.IntVar(&o.requests, "requests", 0, "stop each server's run after this many requests (0: only --duration bounds it)")
	fs.DurationVar(&o.warmup, "warmup", time.Second, "load sent before measuring each server, not counted")
	fs.StringVar(&o.db, "db", "", "postgres://… URL of a PostgreSQL server (a fresh database is created on it and dropped afterwards); default SQLite in a fresh data folder")
	fs.StringVar(&o.lang, "lang", "en", "Accept-Language of every request")
	fs.IntVar(&o.accounts, "accounts", 0, "login: accounts to sign in with; worker w uses account w modulo N (default: one per worker)")
	fs.IntVar(&o.loadWorkers, "load-workers", 0, "parallel members.Store.Add calls while loading (default 1 on SQLite, 8 on PostgreSQL)")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the generated members")
	fs.IntVar(&o.rounds, "rounds", 0, "slices the measurement alternates in between wuzhen and the baseline (default 5; 1 for login)")
	fs.IntVar(&o.people, "people", 10000, "rush: distinct accounts that register")
	fs.IntVar(&o.seats, "seats", 5000, "rush: seats of the one category")
	fs.IntVar(&o.cancelEvery, "cancel-every", 20, "rush: every N-th person cancels right after a confirmed answer (0: nobody)")
	fs.IntVar(&o.instances, "instances", 0, "rush: wuzhen serve instances sharing the database (default 1 on SQLite, 3 on PostgreSQL)")
	fs.IntVar(&o.idleRuns, "idle-runs", 9, "requests of each URL timed one at a time before the load (the idle_ms column)")
	fs.IntVar(&o.kills, "kills", 10, "crash: how many times the server is killed with SIGKILL and restarted")
	fs.DurationVar(&o.killWithin, "kill-within", 3*time.Second, "crash: each kill comes at a random moment between a tenth of this and this after the server was last ready")
	fs.IntVar(&o.docs, "docs", 100000, "search: documents indexed before serving")
	fs.IntVar(&o.batch, "batch", 0, "search: documents per transaction while indexing (default 1000 on SQLite, 200 on PostgreSQL)")
	fs.BoolVar(&o.tidy, "tidy", true, "search: merge the index with search.Tidy after indexing, as the server's maintenance does")
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fs.Usage()
		return nil, errors.New("no scenario")
	}
	o.scenario = args[0]
	if err := fs.Parse(args[1:]); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch o.scenario {
	case "crash":
		// The writes need no members; load some only when asked.
		if !set["members"] {
			o.members = 0
		}
	case "pages", "api", "login", "rush", "search":
	default:
		fs.Usage()
		return nil, fmt.Errorf("unknown scenario %q", o.scenario)
	}
	switch {
	case o.members < 0:
		return nil, errors.New("--members must be 0 or more")
	case o.concurrency < 1:
		return nil, errors.New("--concurrency must be at least 1")
	case o.duration <= 0:
		return nil, errors.New("--duration must be positive")
	case o.requests < 0:
		return nil, errors.New("--requests must be 0 or more")
	case o.warmup < 0:
		return nil, errors.New("--warmup must not be negative")
	case o.rounds < 0:
		return nil, errors.New("--rounds must be 1 or more")
	case o.kills < 1:
		return nil, errors.New("--kills must be 1 or more")
	case o.killWithin < 10*time.Millisecond:
		return nil, errors.New("--kill-within must be at least 10ms")
	case o.docs < 1:
		return nil, errors.New("--docs must be at least 1")
	case o.batch < 0:
		return nil, errors.New("--batch must be 1 or more")
	case o.db != "" && !strings.HasPrefix(o.db, "postgres://") && !strings.HasPrefix(o.db, "postgresql://"):
		return nil, errors.New("--db takes a postgres:// URL; SQLite is the default")
	}
	if o.rounds == 0 {
		o.rounds = 5
		if o.scenario == "login" {
			// A sign-in takes long enough that the end of each slice,
			// when workers stop and the last answers drain, would weigh
			// on the figures: one round.
			o.rounds = 1
		}
	}
	if o.scenario == "rush" {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if !set["concurrency"] {
			o.concurrency = 500
		}
		if o.instances <= 0 {
			o.instances = 1
			if o.db != "" {
				o.instances = 3
			}
		}
		if o.people < 1 || o.seats < 1 || o.cancelEvery < 0 {
			return nil, errors.New("--people and --seats must be at least 1, --cancel-every 0 or more")
		}
		if o.db == "" && o.instances > 1 {
			return nil, errors.New("--instances above 1 needs --db postgres://… (SQLite has one writer process)")
		}
	}
	if o.scenario == "search" {
		// The goals are per query: by default one query at a time, so
		// that a latency is a query's, not a queue's; and longer, so that
		// each of the queries gets enough samples for its p99.
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if !set["concurrency"] {
			o.concurrency = 1
		}
		if !set["duration"] {
			o.duration = 30 * time.Second
		}
		if o.batch == 0 {
			o.batch = 1000
			if o.db != "" {
				o.batch = 200
			}
		}
	}
	if o.accounts <= 0 {
		o.accounts = o.concurrency
	}
	if o.loadWorkers <= 0 {
		o.loadWorkers = 1
		if o.db != "" {
			o.loadWorkers = 8
		}
	}
	return o, nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	interrupted := ctx.Err() != nil
	stop()
	if err != nil {
		if interrupted {
			err = errors.New("interrupted; the server is stopped and the temporary files removed")
		}
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// run is one invocation. Whatever happens, the server is stopped, the
// PostgreSQL database dropped and the temporary folder removed before it
// returns.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseOptions(args, stderr)
	if err != nil {
		return err
	}
	if o.scenario == "search" {
		return runSearch(ctx, o, stdout, stderr)
	}
	say := func(format string, a ...any) { fmt.Fprintf(stderr, "bench: "+format+"\n", a...) }

	root, err := moduleRoot(ctx)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "wuzhen-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	t0 := time.Now()
	bin, err := build(ctx, root, tmp)
	if err != nil {
		return err
	}
	say("built wuzhen in %s", time.Since(t0).Round(time.Millisecond))

	data := filepath.Join(tmp, "data")
	dbURL, dbName := "", "sqlite"
	loadURL := "sqlite:" + filepath.Join(data, "wuzhen.db") // the server's default for --data
	if o.db != "" {
		pg, err := createPG(ctx, o.db)
		if err != nil {
			return err
		}
		defer func() {
			if err := pg.drop(); err != nil {
				say("drop database %s: %v", pg.name, err)
			}
		}()
		dbURL, dbName, loadURL = pg.URL, "postgres", pg.URL
		say("created database %s on %s", pg.name, redact(o.db))
	}

	if o.scenario == "rush" {
		return rush(ctx, o, bin, tmp, data, dbURL, loadURL, stdout, say)
	}

	if o.members > 0 {
		say("loading %d members (members.Store.Add, %d at a time)…", o.members, o.loadWorkers)
	}
	ls, err := loadMembers(ctx, loadURL, o.members, o.loadWorkers, o.seed)
	if err != nil {
		return fmt.Errorf("load members: %w", err)
	}
	if o.members > 0 {
		say("loaded %d members in %s (%.0f/s)", ls.Members, ls.Took.Round(time.Millisecond), perSecond(ls.Members, ls.Took))
	}
	if o.scenario == "pages" {
		t0 := time.Now()
		if ls.Event, err = loadEvent(ctx, loadURL); err != nil {
			return err
		}
		say("loaded the demo's summits, forums, registrations and programme in %s", time.Since(t0).Round(time.Millisecond))
	}
	if o.scenario == "crash" {
		return runCrash(ctx, o, crashSetup{bin: bin, tmp: tmp, data: data, dbURL: dbURL, loadURL: loadURL, dbName: dbName}, stdout, say)
	}

	var password string
	if o.scenario == "login" {
		password = randomPassword()
		t0 := time.Now()
		for i := range o.accounts {
			if err := createUser(ctx, bin, data, dbURL, accountEmail(i), fmt.Sprintf("Bench User %d", i+1), password); err != nil {
				return err
			}
		}
		say("created %d accounts with wuzhen user create in %s", o.accounts, time.Since(t0).Round(time.Millisecond))
	}

	srv, err := startServer(ctx, bin, data, dbURL, filepath.Join(tmp, "server.log"))
	if err != nil {
		return err
	}
	defer srv.stop()
	say("wuzhen serve is ready at %s", srv.URL)

	targets := scenarioTargets(o, ls, password)
	caps, err := capture(ctx, srv.URL, targets, o.idleRuns)
	if err != nil {
		return fmt.Errorf("%w\n%s", err, tail(srv.log, 20))
	}
	// After the capture, so that first_ms is the first request of each URL.
	if err := checkMembers(ctx, srv.URL, o.members); err != nil {
		return err
	}
	bl, err := startBaseline(targets, caps)
	if err != nil {
		return err
	}
	defer bl.Close()
	cfg := loadConfig{Concurrency: o.concurrency, Duration: o.duration, Requests: o.requests, Warmup: o.warmup, Rounds: o.rounds,
		Pinned: o.scenario == "login"}
	say("driving wuzhen and the baseline: %d workers, %s each in %d rounds…", o.concurrency, o.duration, o.rounds)
	res, err := runLoad(ctx, []endpoint{{URL: srv.URL, PID: srv.cmd.Process.Pid}, {URL: bl.URL}}, targets, cfg)
	if err != nil {
		return err
	}
	wz, base := res[0], res[1]

	report(stdout, o, dbName, ls, targets, caps, wz, base)
	if wz.FirstErr != "" {
		say("first wuzhen error: %s", wz.FirstErr)
	}
	if base.FirstErr != "" {
		say("first baseline error: %s", base.FirstErr)
	}
	return nil
}

func accountEmail(i int) string { return fmt.Sprintf("bench-%d@example.org", i+1) }

// checkMembers asks the running server how many members it has, to be
// sure it serves the data that was loaded.
func checkMembers(ctx context.Context, base string, want int) error {
	c := newClient(1)
	defer c.CloseIdleConnections()
	res, _, err := do(ctx, c, base, target{Method: "GET", URI: "/api/v1/stats/members"}, true)
	if err != nil {
		return err
	}
	var st struct{ Members int }
	if err := json.Unmarshal(res.Body, &st); err != nil || res.Status != http.StatusOK {
		return fmt.Errorf("GET /api/v1/stats/members: status %d: %.200s", res.Status, res.Body)
	}
	if st.Members != want {
		return fmt.Errorf("the server has %d members, want %d: it is not serving the loaded data", st.Members, want)
	}
	return nil
}

// scenarioTargets returns the scenario's mix.
func scenarioTargets(o *options, ls *loadStats, password string) []target {
	browser := http.Header{
		"Accept":          {"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
		"Accept-Encoding": {"gzip"},
		"Accept-Language": {o.lang},
		"User-Agent":      {"wuzhen-bench"},
	}
	api := http.Header{
		"Accept":          {"application/json"},
		"Accept-Encoding": {"gzip"},
		"Accept-Language": {o.lang},
		"User-Agent":      {"wuzhen-bench"},
	}
	get := func(name, uri string, h http.Header) target {
		return target{Name: name, Method: "GET", URI: uri, Header: h}
	}
	var ts []target
	switch o.scenario {
	case "pages":
		ts = append(ts, get("home", "/", browser), get("directory", "/members", browser),
			get("directory filtered", "/members?continent=AS&page=2", browser))
		for _, id := range ls.Picks {
			ts = append(ts, get("profile", "/members/"+strconv.FormatInt(id, 10), browser))
		}
		if ls.Event != "" {
			ts = append(ts, get("event", ls.Event, browser))
		}
	case "api":
		pages := max(1, (ls.Members+49)/50)
		for _, p := range uniqueInts(1, 2, pages/2, pages) {
			ts = append(ts, get("members list", fmt.Sprintf("/api/v1/members?per_page=50&page=%d", p), api))
		}
		ts = append(ts, get("member stats", "/api/v1/stats/members", api))
	case "login":
		// One target per account, pinned: worker w signs in to account
		// w modulo --accounts, so that with as many accounts as workers
		// (the default) no two sign-ins to one account overlap.
		for i := range o.accounts {
			h := browser.Clone()
			h.Set("Content-Type", "application/x-www-form-urlencoded")
			body := url.Values{"email": {accountEmail(i)}, "password": {password}}.Encode()
			ts = append(ts, target{Name: "login", Method: "POST", URI: "/login", Body: []byte(body), Header: h, Want: http.StatusSeeOther})
		}
	}
	return ts
}

func uniqueInts(xs ...int) []int {
	var out []int
	seen := map[int]bool{}
	for _, x := range xs {
		if x >= 1 && !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
