package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func durations(ms ...int) []time.Duration {
	out := make([]time.Duration, len(ms))
	for i, m := range ms {
		out[i] = time.Duration(m) * time.Millisecond
	}
	return out
}

func TestPercentile(t *testing.T) {
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond // 1..100 ms
	}
	for _, tc := range []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one sample", durations(7), 50, 7 * time.Millisecond},
		{"one sample p99", durations(7), 99, 7 * time.Millisecond},
		{"p50 of 1..100", hundred, 50, 50 * time.Millisecond},
		{"p90 of 1..100", hundred, 90, 90 * time.Millisecond},
		{"p99 of 1..100", hundred, 99, 99 * time.Millisecond},
		{"p100 of 1..100", hundred, 100, 100 * time.Millisecond},
		{"p99.9 of 1..100 is the max", hundred, 99.9, 100 * time.Millisecond},
		{"tiny p is the min", hundred, 0.001, 1 * time.Millisecond},
		// Nearest rank: ceil(0.5*4) = 2nd sample, no interpolation.
		{"p50 of four", durations(10, 20, 30, 40), 50, 20 * time.Millisecond},
		{"p51 of four", durations(10, 20, 30, 40), 51, 30 * time.Millisecond},
		{"p99 of ten is the max", durations(1, 2, 3, 4, 5, 6, 7, 8, 9, 1000), 99, 1000 * time.Millisecond},
	} {
		if got := percentile(tc.sorted, tc.p); got != tc.want {
			t.Errorf("%s: percentile(p=%v) = %v, want %v", tc.name, tc.p, got, tc.want)
		}
	}
}

func TestSummarizeSorts(t *testing.T) {
	s := summarize(durations(5, 1, 4, 2, 3))
	if s.N != 5 || s.P50 != 3*time.Millisecond || s.Max != 5*time.Millisecond || s.P99 != 5*time.Millisecond {
		t.Errorf("summarize = %+v", s)
	}
	if z := summarize(nil); z != (summary{}) {
		t.Errorf("summarize(nil) = %+v, want zero", z)
	}
}

func TestFormatting(t *testing.T) {
	if got := ms(1234567 * time.Nanosecond); got != "1.23" {
		t.Errorf("ms = %q", got)
	}
	if got := rate(150, 1500*time.Millisecond); got != "100.0" {
		t.Errorf("rate = %q", got)
	}
	if got := rate(5, 0); got != "0.0" {
		t.Errorf("rate over no time = %q", got)
	}
	if got := ratio(1, 3); got != "0.333" {
		t.Errorf("ratio = %q", got)
	}
	if got := ratio(1, 0); got != "0" {
		t.Errorf("ratio over 0 = %q", got)
	}
}

func TestResultLine(t *testing.T) {
	got := resultLine("pages", []kv{{"rps", "812.4"}, {"p99_ms", "18.20"}, {"errors", "0"}, {"ratio", "0.512"}})
	if want := "pages: rps=812.4 p99_ms=18.20 errors=0 ratio=0.512"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	got = resultLine("x", []kv{{"a", ""}, {"b", "two words"}, {"c", `q"e=`}})
	if want := `x: a="" b="two words" c="q\"e="`; got != want {
		t.Errorf("quoting: got %q, want %q", got, want)
	}
	// The line splits on spaces into name and pairs, each with one '='
	// outside quotes.
	line := resultLine("api", resultPairs(&options{concurrency: 16, duration: 10 * time.Second}, "sqlite",
		&loadStats{Members: 10000, Took: 3 * time.Second}, 1234,
		&loadResult{Elapsed: time.Second, All: summary{N: 500}}, &loadResult{Elapsed: time.Second, All: summary{N: 1000}}))
	fields := strings.Fields(line)
	if fields[0] != "api:" {
		t.Fatalf("line starts %q", fields[0])
	}
	want := map[string]string{"rps": "500.0", "baseline_rps": "1000.0", "ratio": "0.500", "members": "10000",
		"max_bytes": "1234", "db": "sqlite", "errors": "0", "duration": "10s"}
	seen := map[string]string{}
	for _, f := range fields[1:] {
		k, v, ok := strings.Cut(f, "=")
		if !ok || strings.Contains(v, "=") {
			t.Fatalf("field %q is not key=value", f)
		}
		seen[k] = v
	}
	for k, v := range want {
		if seen[k] != v {
			t.Errorf("%s=%q, want %q (line %q)", k, seen[k], v, line)
		}
	}
	for _, k := range []string{"rps", "p50_ms", "p99_ms", "errors", "baseline_rps", "ratio"} {
		if !strings.Contains(line, " "+k+"=") {
			t.Errorf("line lacks %s: %q", k, line)
		}
	}
}

func TestFormatTable(t *testing.T) {
	got := formatTable([][]string{{"server", "url", "rps"}, {"wuzhen", "/members", "12.5"}, {"baseline", "/", "1000.0"}}, 2)
	want := "" +
		"server    url          rps\n" +
		"wuzhen    /members    12.5\n" +
		"baseline  /         1000.0\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestAggregateByURI(t *testing.T) {
	targets := []target{{URI: "/a"}, {URI: "/login"}, {URI: "/login"}}
	per := []workerResult{
		{samples: []sample{{target: 0, took: 3, status: 200, ok: true}, {target: 1, took: 10, status: 303, ok: true}}},
		{samples: []sample{{target: 2, took: 20, status: 429}, {target: 0, took: 1, status: 0}}, firstErr: "boom"},
	}
	r := aggregate(targets, per, time.Second)
	if len(r.URIs) != 2 || r.URIs[0].URI != "/a" || r.URIs[1].URI != "/login" || r.URIs[1].Index != 1 {
		t.Fatalf("URIs = %+v", r.URIs)
	}
	if r.All.N != 4 || r.Errors != 2 || r.URIs[0].Errors != 1 || r.URIs[1].Errors != 1 || r.URIs[1].Lat.N != 2 {
		t.Errorf("result = %+v", r)
	}
	if r.URIs[1].Lat.Max != 20 || r.URIs[0].Lat.P50 != 1 {
		t.Errorf("latencies: %+v", r.URIs)
	}
	if r.FirstErr != "boom" {
		t.Errorf("FirstErr = %q", r.FirstErr)
	}
	if got := statusList(r.Statuses); got != "transport-error×1 200×1 303×1 429×1" {
		t.Errorf("statusList = %q", got)
	}
}

func TestTargetOK(t *testing.T) {
	get, login := target{}, target{Want: http.StatusSeeOther}
	for _, tc := range []struct {
		t      target
		status int
		want   bool
	}{{get, 200, true}, {get, 204, true}, {get, 303, false}, {get, 500, false}, {login, 303, true}, {login, 200, false}, {login, 429, false}} {
		if got := tc.t.ok(tc.status); got != tc.want {
			t.Errorf("ok(%d) with Want=%d = %v", tc.status, tc.t.Want, got)
		}
	}
}

func TestParseOptions(t *testing.T) {
	o, err := parseOptions([]string{"pages", "--members", "500", "--duration", "2s"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if o.scenario != "pages" || o.members != 500 || o.duration != 2*time.Second || o.concurrency != 16 || o.accounts != 16 ||
		o.loadWorkers != 1 || o.rounds != 5 {
		t.Errorf("options = %+v", o)
	}
	o, err = parseOptions([]string{"login", "--concurrency", "4", "--db", "postgres://x@127.0.0.1/postgres"}, io.Discard)
	if err != nil || o.accounts != 4 || o.loadWorkers != 8 || o.rounds != 1 {
		t.Errorf("login options = %+v, %v", o, err)
	}
	for _, args := range [][]string{nil, {"--members", "5"}, {"nosuch"}, {"pages", "extra"}, {"pages", "--concurrency", "0"},
		{"pages", "--db", "sqlite:x.db"}, {"api", "--duration", "0s"}} {
		if _, err := parseOptions(args, io.Discard); err == nil {
			t.Errorf("parseOptions(%q) succeeded", args)
		}
	}
}

// TestLoadAgainstBaseline drives the replaying server with a bounded
// count of requests: every answer is the captured one, none is an error.
func TestLoadAgainstBaseline(t *testing.T) {
	targets := []target{
		{Name: "home", Method: "GET", URI: "/", Header: http.Header{"Accept-Encoding": {"gzip"}}},
		{Name: "filtered", Method: "GET", URI: "/members?continent=AS&page=2"},
		{Name: "login", Method: "POST", URI: "/login", Body: []byte("email=a&password=b"), Want: http.StatusSeeOther},
	}
	caps := []captured{
		{Status: 200, ContentType: "text/html; charset=utf-8", ContentEncoding: "gzip", Body: []byte("\x1f\x8bnot really")},
		{Status: 200, ContentType: "text/html; charset=utf-8", Body: []byte(strings.Repeat("x", 5000))},
		{Status: 303, ContentType: "text/html; charset=utf-8", Location: "/"},
	}
	b, err := startBaseline(targets, caps)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	got, err := capture(context.Background(), b.URL, targets, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := range caps {
		g, w := got[i], caps[i]
		if g.Status != w.Status || g.ContentType != w.ContentType || g.ContentEncoding != w.ContentEncoding ||
			g.Location != w.Location || string(g.Body) != string(w.Body) {
			t.Errorf("%s: replayed %+v, want %+v", targets[i].URI, g, w)
		}
	}

	res, err := runLoad(context.Background(), []endpoint{{URL: b.URL}}, targets, loadConfig{Concurrency: 4, Duration: time.Minute, Requests: 60, Rounds: 3})
	if err != nil {
		t.Fatal(err)
	}
	r := res[0]
	if r.All.N != 60 || r.Errors != 0 {
		t.Errorf("requests %d errors %d (first: %s), want 60 and 0", r.All.N, r.Errors, r.FirstErr)
	}
	if len(r.URIs) != 3 || r.URIs[0].Lat.N+r.URIs[1].Lat.N+r.URIs[2].Lat.N != 60 || r.URIs[2].Lat.N == 0 {
		t.Errorf("per URI: %+v", r.URIs)
	}
	if r.Statuses[200] != r.URIs[0].Lat.N+r.URIs[1].Lat.N || r.Statuses[303] != r.URIs[2].Lat.N {
		t.Errorf("statuses %v", r.Statuses)
	}
	if r.ServerCPU >= 0 {
		t.Errorf("ServerCPU = %v for an in-process server, want unknown", r.ServerCPU)
	}

	// Two endpoints alternate; a path the baseline does not know is a
	// 404, counted as an error.
	res, err = runLoad(context.Background(), []endpoint{{URL: b.URL}, {URL: b.URL}}, []target{{Method: "GET", URI: "/nope"}},
		loadConfig{Concurrency: 2, Duration: time.Minute, Requests: 5, Rounds: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.All.N != 5 || r.Errors != 5 || !strings.Contains(r.FirstErr, "404") {
			t.Errorf("endpoint %d: requests %d errors %d first %q", i, r.All.N, r.Errors, r.FirstErr)
		}
	}
}

// TestPinned: with Pinned, worker w only ever sends target w modulo the
// number of targets; with one worker, that is the first target only.
func TestPinned(t *testing.T) {
	targets := []target{{Method: "GET", URI: "/"}, {Method: "GET", URI: "/members"}}
	b, err := startBaseline(targets, []captured{{Status: 200, ContentType: "text/plain"}, {Status: 200, ContentType: "text/plain"}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	res, err := runLoad(context.Background(), []endpoint{{URL: b.URL}}, targets,
		loadConfig{Concurrency: 1, Duration: time.Minute, Requests: 10, Pinned: true})
	if err != nil {
		t.Fatal(err)
	}
	if u := res[0].URIs; u[0].Lat.N != 10 || u[1].Lat.N != 0 {
		t.Errorf("pinned: %d and %d requests, want 10 and 0", u[0].Lat.N, u[1].Lat.N)
	}
}

func TestSlices(t *testing.T) {
	d, l := loadConfig{Duration: 10 * time.Second, Requests: 7, Rounds: 3}.slices()
	if len(d) != 3 || d[0]+d[1]+d[2] != 10*time.Second || l[0] != 2 || l[1] != 2 || l[2] != 3 {
		t.Errorf("slices = %v %v", d, l)
	}
	d, l = loadConfig{Duration: time.Second}.slices()
	if len(d) != 1 || d[0] != time.Second || l[0] != 0 {
		t.Errorf("one round: %v %v", d, l)
	}
}
