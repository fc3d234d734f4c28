package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // the baseline's FTS5 table, with the app's driver

	"github.com/wuzhen/wuzhen/internal/search"
)

// searchQuery is one query of the search scenario's fixed set.
type searchQuery struct {
	Q    string
	What string // what kind of query it is, for the reader
}

// searchQueries is the fixed set: English words, stems and phrases,
// two-character Chinese words and longer ones in both scripts, names in
// both writings, common terms (thousands of documents) and rare ones (a
// few dozen).
var searchQueries = []searchQuery{
	{"internet", "en, very common"},
	{"governance", "en, common"},
	{"governing", "en, stem of governance"},
	{"cybersecurity", "en word"},
	{"digital divide", "en, two words"},
	{`"data protection"`, "en, quoted phrase"},
	{"artificial intelligence", "en, two words"},
	{"women in technology", "en, with a stop word"},
	{"rural schools", "en, two words"},
	{"telemedicine", "en word"},
	{"quantum computing", "en, rare"},
	{"submarine cables", "en, rare"},
	{"Nairobi", "en, place"},
	{"Amina Mensah", "en, common name"},
	{"Wanjiru Kamau", "en, rare name"},
	{"互联网", "zh-Hans, very common"},
	{"治理", "zh, two characters (both scripts)"},
	{"数据", "zh-Hans, two characters"},
	{"數據", "zh-Hant, two characters"},
	{"网络安全", "zh-Hans word"},
	{"數字鴻溝", "zh-Hant word"},
	{"人工智能", "zh-Hans word"},
	{"乌镇峰会", "zh-Hans, place and kind"},
	{"王伟", "zh-Hans, common name"},
	{"陳嘉怡", "zh-Hant, rarer name"},
	{"量子", "zh-Hans, rare"},
	{"海底光纜", "zh-Hant, rare"},
}

// searchTargets are the requests of the queries: the API with a bearer
// token, so that every request searches (anonymous requests of the same
// address would be served from the page cache after the first).
func searchTargets(lang, token string) []target {
	h := http.Header{
		"Accept":          {"application/json"},
		"Accept-Encoding": {"gzip"},
		"Accept-Language": {lang},
		"User-Agent":      {"wuzhen-bench"},
		"Authorization":   {"Bearer " + token},
	}
	out := make([]target, len(searchQueries))
	for i, q := range searchQueries {
		out[i] = target{Name: q.Q, Method: "GET", URI: "/api/v1/search?q=" + url.QueryEscape(q.Q), Header: h}
	}
	return out
}

// runSearch is the search scenario: index the documents with search.Put,
// serve them, and time every query against wuzhen and against the
// baseline, a plain FTS5 table of the raw text queried in this process.
func runSearch(ctx context.Context, o *options, stdout, stderr io.Writer) error {
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
	loadURL := "sqlite:" + filepath.Join(data, "wuzhen.db")
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

	docs := searchDocs(o.seed, time.Now().UTC(), o.docs)
	say("indexing %d documents with search.Put, %d per transaction, %d transaction(s) at a time…", len(docs), o.batch, o.loadWorkers)
	last := time.Now()
	is, err := indexDocs(ctx, loadURL, docs, o.batch, o.loadWorkers, func(n int) {
		if time.Since(last) > 10*time.Second {
			last = time.Now()
			say("  %d of %d indexed", n, len(docs))
		}
	})
	if err != nil {
		return fmt.Errorf("index: %w", err)
	}
	say("indexed %d documents in %s (%.0f/s)", is.Docs, is.Took.Round(time.Millisecond), perSecond(is.Docs, is.Took))
	if o.tidy {
		if err := tidyIndex(ctx, loadURL, is); err != nil {
			return err
		}
		say("search.Tidy took %s (%d steps)", is.TidyTook.Round(time.Millisecond), is.TidySteps)
	}

	t0 = time.Now()
	raw, err := openRawFTS(ctx, filepath.Join(tmp, "baseline.db"), docs, o.concurrency)
	if err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	defer raw.Close()
	rawTook := time.Since(t0)
	say("built the baseline's FTS5 table in %s", rawTook.Round(time.Millisecond))

	if err := createUser(ctx, bin, data, dbURL, accountEmail(0), "Bench User", randomPassword()); err != nil {
		return err
	}
	token, err := createToken(ctx, bin, data, dbURL, accountEmail(0))
	if err != nil {
		return err
	}
	srv, err := startServer(ctx, bin, data, dbURL, filepath.Join(tmp, "server.log"))
	if err != nil {
		return err
	}
	defer srv.stop()
	say("wuzhen serve is ready at %s", srv.URL)

	targets := searchTargets(o.lang, token)
	caps, err := capture(ctx, srv.URL, targets, o.idleRuns)
	if err != nil {
		return fmt.Errorf("%w\n%s", err, tail(srv.log, 20))
	}
	found := make([]int, len(caps))
	for i, c := range caps {
		if found[i], err = searchTotal(c); err != nil {
			return fmt.Errorf("%s: %w", targets[i].URI, err)
		}
	}
	if err := checkIndexed(ctx, srv.URL, targets[0].Header, docs); err != nil {
		return err
	}
	rawFound := make([]int, len(searchQueries))
	for i, q := range searchQueries {
		if rawFound[i], err = raw.count(ctx, q.Q); err != nil {
			return fmt.Errorf("baseline %q: %w", q.Q, err)
		}
	}

	say("timing %d queries on wuzhen and on the baseline: %d at a time, %s each in %d rounds…", len(targets), o.concurrency, o.duration, o.rounds)
	wz, base, err := runSearchLoad(ctx, srv, raw, targets, o)
	if err != nil {
		return err
	}
	searchReport(stdout, o, dbName, is, rawTook, targets, caps, found, rawFound, wz, base)
	if wz.FirstErr != "" {
		say("first wuzhen error: %s", wz.FirstErr)
	}
	if base.FirstErr != "" {
		say("first baseline error: %s", base.FirstErr)
	}
	return nil
}

// createToken runs "wuzhen token create" and returns the token, printed
// on the last line.
func createToken(ctx context.Context, bin, data, dbURL, email string) (string, error) {
	args := append([]string{"token", "create", "--email", email, "--name", "bench"}, dbArgs(data, dbURL)...)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = commandEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("wuzhen token create: %w\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	tok := strings.TrimSpace(lines[len(lines)-1])
	if tok == "" || strings.ContainsAny(tok, " \t") {
		return "", fmt.Errorf("wuzhen token create printed no token:\n%s", out)
	}
	return tok, nil
}

// searchAnswer is what bench reads of GET /api/v1/search.
type searchAnswer struct {
	Items  []json.RawMessage `json:"items"`
	Total  int               `json:"total"`
	Facets struct {
		Type map[string]int `json:"type"`
	} `json:"facets"`
}

func decodeSearch(c captured) (searchAnswer, error) {
	var a searchAnswer
	body := c.Body
	if c.ContentEncoding == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return a, err
		}
		if body, err = io.ReadAll(zr); err != nil {
			return a, err
		}
	}
	if err := json.Unmarshal(body, &a); err != nil {
		return a, fmt.Errorf("answer is not the search JSON: %w: %.200s", err, body)
	}
	return a, nil
}

// searchTotal reads the total of a captured answer.
func searchTotal(c captured) (int, error) {
	a, err := decodeSearch(c)
	return a.Total, err
}

// checkIndexed makes sure that the server searches the documents loaded:
// the counts of a search for words of the generated texts must be the
// documents that hold them.
func checkIndexed(ctx context.Context, base string, h http.Header, docs []search.Doc) error {
	c := newClient(1)
	defer c.CloseIdleConnections()
	// Every English event says "Registration opens", every English
	// session "Interpretation is provided".
	for typ, word := range map[string]string{"event": "Registration", "session": "Interpretation"} {
		want := 0
		for _, d := range docs {
			if d.Type == typ && strings.Contains(d.Body["en"], word) {
				want++
			}
		}
		t := target{Method: "GET", URI: "/api/v1/search?q=" + word, Header: h}
		res, _, err := do(ctx, c, base, t, true)
		if err != nil {
			return err
		}
		a, err := decodeSearch(captured{Body: res.Body, ContentEncoding: res.Header.Get("Content-Encoding")})
		if err != nil {
			return err
		}
		if got := a.Facets.Type[typ]; got != want && !capped(got, want) {
			return fmt.Errorf("GET %s counts %d %s documents, %d hold the word: the server is not searching the loaded data", t.URI, got, typ, want)
		}
	}
	return nil
}

// capped reports whether got is a count that search caps below want.
func capped(got, want int) bool { return got >= search.CountLimit && want > search.CountLimit }

// rawFTS is the baseline: the raw text of the same documents in a plain
// FTS5 table (the unicode61 tokenizer) in a SQLite file of its own, with
// the app's driver, queried in this process.
type rawFTS struct {
	db    *sql.DB
	top   *sql.Stmt
	total *sql.Stmt
}

// openRawFTS builds the baseline's table from docs: every language of the
// title in one column, of the body in another.
func openRawFTS(ctx context.Context, path string, docs []search.Doc, conns int) (*rawFTS, error) {
	pragmas := "_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-32768)&_pragma=mmap_size(268435456)"
	w, err := sql.Open("sqlite", "file:"+path+"?"+pragmas)
	if err != nil {
		return nil, err
	}
	defer w.Close()
	w.SetMaxOpenConns(1)
	if _, err := w.ExecContext(ctx, "CREATE VIRTUAL TABLE raw USING fts5(title, body, tokenize = 'unicode61')"); err != nil {
		return nil, err
	}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	ins, err := tx.PrepareContext(ctx, "INSERT INTO raw (rowid, title, body) VALUES (?, ?, ?)")
	if err != nil {
		tx.Rollback()
		return nil, err
	}
	for i, d := range docs {
		if _, err := ins.ExecContext(ctx, i+1, joinLangs(d.Title), joinLangs(d.Body)); err != nil {
			tx.Rollback()
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	if _, err := w.ExecContext(ctx, "INSERT INTO raw (raw) VALUES ('optimize')"); err != nil {
		return nil, err
	}
	r, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		return nil, err
	}
	r.SetMaxOpenConns(max(1, conns))
	r.SetMaxIdleConns(max(1, conns))
	b := &rawFTS{db: r}
	if b.top, err = r.PrepareContext(ctx, "SELECT rowid, title FROM raw WHERE raw MATCH ? ORDER BY bm25(raw, 10.0, 1.0) LIMIT 20"); err != nil {
		r.Close()
		return nil, err
	}
	if b.total, err = r.PrepareContext(ctx, "SELECT count(*) FROM raw WHERE raw MATCH ?"); err != nil {
		r.Close()
		return nil, err
	}
	return b, nil
}

func (b *rawFTS) Close() error { return b.db.Close() }

// query runs q as the baseline does: MATCH, ordered by bm25, the first
// twenty rows read.
func (b *rawFTS) query(ctx context.Context, q string) error {
	expr := rawMatch(q)
	if expr == "" {
		return nil // nothing to search for
	}
	rows, err := b.top.QueryContext(ctx, expr)
	if err != nil {
		return err
	}
	defer rows.Close()
	var (
		id    int64
		title string
	)
	for rows.Next() {
		if err := rows.Scan(&id, &title); err != nil {
			return err
		}
	}
	return rows.Err()
}

// count returns how many documents the baseline matches for q.
func (b *rawFTS) count(ctx context.Context, q string) (int, error) {
	if rawMatch(q) == "" {
		return 0, nil
	}
	var n int
	err := b.total.QueryRowContext(ctx, rawMatch(q)).Scan(&n)
	return n, err
}

// joinLangs joins the texts of every language, in tag order.
func joinLangs(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, m[k])
	}
	return strings.Join(parts, "\n")
}

// rawMatch turns a query as typed into an FTS5 expression for the
// baseline: text in double quotes stays one phrase, every other word is
// a phrase of its own (FTS5 ANDs them); double quotes inside are doubled,
// so no input is FTS5 syntax.
func rawMatch(q string) string {
	var parts []string
	for i, seg := range strings.Split(q, `"`) {
		if i%2 == 1 {
			if strings.TrimSpace(seg) != "" {
				parts = append(parts, `"`+seg+`"`)
			}
			continue
		}
		for _, w := range strings.Fields(seg) {
			parts = append(parts, `"`+w+`"`)
		}
	}
	return strings.Join(parts, " ")
}

// runSearchLoad times the queries: o.warmup each first, then o.rounds
// slices each, alternating between wuzhen (over HTTP) and the baseline
// (in this process), o.concurrency at a time, each worker going through
// the queries round-robin from its own starting point.
func runSearchLoad(ctx context.Context, srv *server, raw *rawFTS, targets []target, o *options) (wz, base *loadResult, err error) {
	client := newClient(o.concurrency)
	defer client.CloseIdleConnections()
	httpSide := func(deadline time.Time, limit int) []workerResult {
		return drive(ctx, client, srv.URL, targets, o.concurrency, deadline, limit, false)
	}
	rawSide := func(deadline time.Time, limit int) []workerResult {
		return driveFunc(ctx, len(targets), o.concurrency, deadline, limit, func(i int) error {
			return raw.query(ctx, searchQueries[i].Q)
		})
	}
	sides := []struct {
		run func(time.Time, int) []workerResult
		pid int
	}{{httpSide, srv.cmd.Process.Pid}, {rawSide, 0}}
	if o.warmup > 0 {
		for _, s := range sides {
			s.run(time.Now().Add(o.warmup), 0)
		}
	}
	type acc struct {
		per                      []workerResult
		elapsed                  time.Duration
		self, server, busy       time.Duration
		selfOK, serverOK, busyOK bool
	}
	accs := []*acc{{selfOK: true, serverOK: true, busyOK: true}, {selfOK: true, busyOK: true}}
	cfg := loadConfig{Duration: o.duration, Requests: o.requests, Rounds: o.rounds}
	durations, limits := cfg.slices()
	for r := range durations {
		if cfg.Requests > 0 && limits[r] == 0 {
			continue
		}
		for i, s := range sides {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
			a := accs[i]
			busy0, bok0 := machineBusy()
			self0, ok0 := selfCPU()
			server0, sok0 := processCPU(s.pid)
			start := time.Now()
			per := s.run(start.Add(durations[r]), limits[r])
			a.elapsed += time.Since(start)
			self1, ok1 := selfCPU()
			server1, sok1 := processCPU(s.pid)
			busy1, bok1 := machineBusy()
			a.per = append(a.per, per...)
			a.busy += busy1 - busy0
			a.busyOK = a.busyOK && bok0 && bok1
			a.self += self1 - self0
			a.selfOK = a.selfOK && ok0 && ok1
			if s.pid != 0 {
				a.server += server1 - server0
				a.serverOK = a.serverOK && sok0 && sok1
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	out := make([]*loadResult, 2)
	for i, a := range accs {
		res := aggregate(targets, a.per, a.elapsed)
		res.SelfCPU, res.ServerCPU, res.OtherCPU = -1, -1, -1
		if a.busyOK && a.selfOK && (a.serverOK || sides[i].pid == 0) {
			res.OtherCPU = max(0, a.busy-a.self-a.server)
		}
		if a.selfOK {
			res.SelfCPU = a.self
		}
		if a.serverOK && sides[i].pid != 0 {
			res.ServerCPU = a.server
		}
		out[i] = res
	}
	return out[0], out[1], nil
}

// driveFunc is drive for work done in this process: workers call fn with
// query indexes round-robin until deadline, or until limit calls (0: no
// limit) have started, or until ctx ends.
func driveFunc(ctx context.Context, n, concurrency int, deadline time.Time, limit int, fn func(i int) error) []workerResult {
	var (
		mu      sync.Mutex
		started int
	)
	out := make([]workerResult, concurrency)
	var wg sync.WaitGroup
	for w := range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wr := &out[w]
			for i := w; ctx.Err() == nil && time.Now().Before(deadline); i++ {
				if limit > 0 {
					mu.Lock()
					started++
					over := started > limit
					mu.Unlock()
					if over {
						return
					}
				}
				qi := i % n
				t0 := time.Now()
				err := fn(qi)
				took := time.Since(t0)
				if ctx.Err() != nil {
					return
				}
				s := sample{target: qi, took: took, status: http.StatusOK, ok: err == nil}
				if err != nil {
					s.status = 0
					if wr.firstErr == "" {
						wr.firstErr = fmt.Sprintf("%q: %v", searchQueries[qi].Q, err)
					}
				}
				wr.samples = append(wr.samples, s)
			}
		}()
	}
	wg.Wait()
	return out
}

// searchFigures are the figures of the last line.
type searchFigures struct {
	P50, P99, BaseP50    time.Duration // the slowest query's
	P50Query, P99Query   string
	MixP50, MixP99       time.Duration // over every request of the mix
	BaseMixP50           time.Duration
	BaseP50Query         string
	perQueryRatioMedian  float64
	perQueryRatioHighest float64
}

func searchFiguresOf(targets []target, wz, base *loadResult) searchFigures {
	f := searchFigures{MixP50: wz.All.P50, MixP99: wz.All.P99, BaseMixP50: base.All.P50}
	var ratios []float64
	for i, u := range wz.URIs {
		q := targets[u.Index].Name
		if u.Lat.P50 > f.P50 {
			f.P50, f.P50Query = u.Lat.P50, q
		}
		if u.Lat.P99 > f.P99 {
			f.P99, f.P99Query = u.Lat.P99, q
		}
		if i < len(base.URIs) {
			b := base.URIs[i].Lat.P50
			if b > f.BaseP50 {
				f.BaseP50, f.BaseP50Query = b, q
			}
			if b > 0 {
				ratios = append(ratios, float64(u.Lat.P50)/float64(b))
			}
		}
	}
	if len(ratios) > 0 {
		slices.Sort(ratios)
		f.perQueryRatioMedian = ratios[(len(ratios)-1)/2]
		f.perQueryRatioHighest = ratios[len(ratios)-1]
	}
	return f
}

// searchReport prints the table, the details and, last, the result line.
func searchReport(w io.Writer, o *options, dbName string, is *indexStats, rawTook time.Duration, targets []target, caps []captured,
	found, rawFound []int, wz, base *loadResult) {
	rounds := "in one round (wuzhen, then the baseline)"
	if o.rounds > 1 {
		rounds = fmt.Sprintf("in %d alternating rounds", o.rounds)
	}
	var types []string
	for _, t := range docTypes {
		types = append(types, fmt.Sprintf("%s %d", t.name, is.ByType[t.name]))
	}
	fmt.Fprintf(w, "search on %s: %d documents (%s), %d queries, %d at a time, %s per side %s after %s warm-up",
		dbName, is.Docs, strings.Join(types, ", "), len(targets), o.concurrency, o.duration, rounds, o.warmup)
	if o.requests > 0 {
		fmt.Fprintf(w, ", at most %d requests", o.requests)
	}
	fmt.Fprintf(w, "\nwuzhen: GET /api/v1/search?q=… with a bearer token (never the page cache), Accept-Encoding: gzip, Accept-Language: %s; "+
		"baseline: the same queries on a plain FTS5 table (unicode61) of the raw text in this process, MATCH, ORDER BY bm25, LIMIT 20\n", o.lang)
	tidy := "not merged (--tidy=false): the b-trees FTS5's automerge left"
	if o.tidy {
		tidy = fmt.Sprintf("then merged with search.Tidy, as the server's maintenance does, in %s", is.TidyTook.Round(time.Millisecond))
		if dbName == "postgres" {
			tidy = fmt.Sprintf("then search.Tidy (ANALYZE on PostgreSQL), as the server's maintenance does, in %s", is.TidyTook.Round(time.Millisecond))
		}
	}
	fmt.Fprintf(w, "data: %d documents indexed with search.Put, %d per transaction, in %s (%.0f/s), %s; the baseline's table built in %s\n",
		is.Docs, o.batch, is.Took.Round(time.Millisecond), perSecond(is.Docs, is.Took), tidy, rawTook.Round(time.Millisecond))
	fmt.Fprintf(w, "machine: %d CPUs, bench %s, GOMAXPROCS %d; CPU used by other processes during the slices: wuzhen %s, baseline %s of the machine\n\n",
		runtime.NumCPU(), runtime.Version(), runtime.GOMAXPROCS(0), percent(wz.OtherShare()), percent(base.OtherShare()))

	rows := [][]string{{"found", "raw_found", "requests", "p50_ms", "p90_ms", "p99_ms", "max_ms", "errors", "first_ms", "idle_ms",
		"base_p50_ms", "base_p99_ms", "p50_ratio", "query"}}
	for i, u := range wz.URIs {
		c := caps[u.Index]
		var b summary
		if i < len(base.URIs) {
			b = base.URIs[i].Lat
		}
		rows = append(rows, []string{countString(found[u.Index]), strconv.Itoa(rawFound[u.Index]), strconv.Itoa(u.Lat.N),
			ms(u.Lat.P50), ms(u.Lat.P90), ms(u.Lat.P99), ms(u.Lat.Max), strconv.Itoa(u.Errors), ms(c.First), ms(c.Idle),
			ms(b.P50), ms(b.P99), ratio(float64(u.Lat.P50), float64(b.P50)), targets[u.Index].Name})
	}
	rows = append(rows, []string{"", "", strconv.Itoa(wz.All.N), ms(wz.All.P50), ms(wz.All.P90), ms(wz.All.P99), ms(wz.All.Max),
		strconv.Itoa(wz.Errors), "", "", ms(base.All.P50), ms(base.All.P99), ratio(float64(wz.All.P50), float64(base.All.P50)), "(all)"})
	io.WriteString(w, formatTable(rows, 0))

	f := searchFiguresOf(targets, wz, base)
	fmt.Fprintf(w, "\nstatuses: wuzhen %s; baseline errors %d of %d\n", statusList(wz.Statuses), base.Errors, base.All.N)
	fmt.Fprintf(w, "CPU per request: wuzhen run: server %s ms, load generator %s ms; baseline run: %s ms\n",
		cpuPerRequest(wz.ServerCPU, wz.All.N), cpuPerRequest(wz.SelfCPU, wz.All.N), cpuPerRequest(base.SelfCPU, base.All.N))
	fmt.Fprintf(w, "slowest query: p50 %s ms (%s), p99 %s ms (%s); baseline's slowest p50 %s ms (%s)\n",
		ms(f.P50), f.P50Query, ms(f.P99), f.P99Query, ms(f.BaseP50), f.BaseP50Query)
	fmt.Fprintf(w, "per-query p50 ratio (wuzhen / baseline): median %.1f, highest %.1f; ratio = slowest p50 / baseline's slowest p50 = %s / %s\n\n",
		f.perQueryRatioMedian, f.perQueryRatioHighest, ms(f.P50), ms(f.BaseP50))
	fmt.Fprintln(w, resultLine("search details", []kv{
		{"mix_p50_ms", ms(f.MixP50)}, {"mix_p99_ms", ms(f.MixP99)}, {"baseline_mix_p50_ms", ms(f.BaseMixP50)},
		{"errors", strconv.Itoa(wz.Errors)}, {"db", dbName}, {"concurrency", strconv.Itoa(o.concurrency)},
		{"duration", o.duration.String()}, {"rounds", strconv.Itoa(o.rounds)}, {"requests", strconv.Itoa(wz.All.N)},
		{"load_s", strconv.FormatFloat(is.Took.Seconds(), 'f', 1, 64)},
		{"server_cpu_ms", cpuPerRequest(wz.ServerCPU, wz.All.N)}, {"other_cpu", percent(wz.OtherShare())},
		{"baseline_other_cpu", percent(base.OtherShare())},
	}))
	fmt.Fprintln(w, resultLine("search", searchPairs(is.Docs, f)))
}

// searchPairs are the pairs of the last line: the slowest query's p50
// and p99 (the goals are per query), the baseline's slowest p50, and
// their ratio.
func searchPairs(docs int, f searchFigures) []kv {
	return []kv{
		{"docs", strconv.Itoa(docs)},
		{"p50_ms", ms(f.P50)},
		{"p99_ms", ms(f.P99)},
		{"baseline_p50_ms", ms(f.BaseP50)},
		{"ratio", ratio(float64(f.P50), float64(f.BaseP50))},
	}
}

// countString shows a count, with a + when search capped it.
func countString(n int) string {
	if n >= search.CountLimit {
		return strconv.Itoa(n) + "+"
	}
	return strconv.Itoa(n)
}
