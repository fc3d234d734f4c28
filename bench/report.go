package main

import (
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// columns of the table; the first two are left-aligned, the rest right.
var columns = []string{"server", "url", "requests", "rps", "p50_ms", "p90_ms", "p99_ms", "max_ms", "errors", "bytes", "enc", "first_ms", "idle_ms"}

// report prints the table and, last, the result line.
func report(w io.Writer, o *options, dbName string, ls *loadStats, targets []target, caps []captured, wz, base *loadResult) {
	fmt.Fprint(w, heading(o, dbName, ls, wz, base))

	rows := [][]string{columns}
	add := func(name string, r *loadResult, idle bool) {
		for _, u := range r.URIs {
			c := caps[u.Index]
			enc, firstMS, idleMS := c.ContentEncoding, "", ""
			if enc == "" {
				enc = "-"
			}
			if idle {
				firstMS, idleMS = ms(c.First), ms(c.Idle)
			}
			rows = append(rows, []string{name, u.URI, strconv.Itoa(u.Lat.N), rate(u.Lat.N, r.Elapsed),
				ms(u.Lat.P50), ms(u.Lat.P90), ms(u.Lat.P99), ms(u.Lat.Max), strconv.Itoa(u.Errors),
				strconv.Itoa(len(c.Body)), enc, firstMS, idleMS})
		}
		rows = append(rows, []string{name, "all", strconv.Itoa(r.All.N), rate(r.All.N, r.Elapsed),
			ms(r.All.P50), ms(r.All.P90), ms(r.All.P99), ms(r.All.Max), strconv.Itoa(r.Errors), "", "", "", ""})
	}
	add("wuzhen", wz, true)
	add("baseline", base, false)
	io.WriteString(w, formatTable(rows, 2))

	maxBytes, maxURI := heaviest(targets, caps)
	fmt.Fprintf(w, "\nstatuses: wuzhen %s; baseline %s\n", statusList(wz.Statuses), statusList(base.Statuses))
	fmt.Fprintf(w, "heaviest response: %s, %d bytes as sent\n", maxURI, maxBytes)
	fmt.Fprintf(w, "CPU per request: wuzhen run: server %s ms, load generator %s ms; baseline run: generator and baseline server together %s ms\n",
		cpuPerRequest(wz.ServerCPU, wz.All.N), cpuPerRequest(wz.SelfCPU, wz.All.N), cpuPerRequest(base.SelfCPU, base.All.N))
	fmt.Fprintf(w, "ratio = wuzhen_rps / baseline_rps = %s / %s = %s\n\n",
		strconv.FormatFloat(wz.RPS(), 'f', 1, 64), strconv.FormatFloat(base.RPS(), 'f', 1, 64), ratio(wz.RPS(), base.RPS()))
	fmt.Fprintln(w, resultLine(o.scenario, resultPairs(o, dbName, ls, maxBytes, wz, base)))
}

// heading says what ran, on what, and how busy the machine was.
func heading(o *options, dbName string, ls *loadStats, wz, base *loadResult) string {
	var b strings.Builder
	rounds := "in one round (wuzhen, then the baseline)"
	if o.rounds > 1 {
		rounds = fmt.Sprintf("in %d alternating rounds", o.rounds)
	}
	fmt.Fprintf(&b, "%s on %s: %d members, concurrency %d, %s per server %s after %s warm-up",
		o.scenario, dbName, ls.Members, o.concurrency, o.duration, rounds, o.warmup)
	if o.requests > 0 {
		fmt.Fprintf(&b, ", at most %d requests", o.requests)
	}
	fmt.Fprintf(&b, "; Accept-Encoding: gzip, Accept-Language: %s\n", o.lang)
	fmt.Fprintf(&b, "data: %d members loaded with members.Store.Add in %s (%.0f/s)\n",
		ls.Members, ls.Took.Round(time.Millisecond), perSecond(ls.Members, ls.Took))
	fmt.Fprintf(&b, "machine: %d CPUs, bench %s, GOMAXPROCS %d; CPU used by other processes during the slices: wuzhen %s, baseline %s of the machine\n\n",
		runtime.NumCPU(), runtime.Version(), runtime.GOMAXPROCS(0), percent(wz.OtherShare()), percent(base.OtherShare()))
	return b.String()
}

// formatTable lays rows out in columns two spaces apart, the first left
// columns aligned left and the others right.
func formatTable(rows [][]string, left int) string {
	var width []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(width) {
				width = append(width, 0)
			}
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		var line strings.Builder
		for i, c := range r {
			if i > 0 {
				line.WriteString("  ")
			}
			pad := strings.Repeat(" ", width[i]-len([]rune(c)))
			if i < left {
				line.WriteString(c + pad)
			} else {
				line.WriteString(pad + c)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteByte('\n')
	}
	return b.String()
}

// resultPairs are the key=value pairs of the last line.
func resultPairs(o *options, dbName string, ls *loadStats, maxBytes int, wz, base *loadResult) []kv {
	return []kv{
		{"rps", strconv.FormatFloat(wz.RPS(), 'f', 1, 64)},
		{"p50_ms", ms(wz.All.P50)},
		{"p99_ms", ms(wz.All.P99)},
		{"errors", strconv.Itoa(wz.Errors)},
		{"baseline_rps", strconv.FormatFloat(base.RPS(), 'f', 1, 64)},
		{"baseline_p99_ms", ms(base.All.P99)},
		{"ratio", ratio(wz.RPS(), base.RPS())},
		{"members", strconv.Itoa(ls.Members)},
		{"max_bytes", strconv.Itoa(maxBytes)},
		{"db", dbName},
		{"concurrency", strconv.Itoa(o.concurrency)},
		{"duration", o.duration.String()},
		{"rounds", strconv.Itoa(o.rounds)},
		{"requests", strconv.Itoa(wz.All.N)},
		{"load_s", strconv.FormatFloat(ls.Took.Seconds(), 'f', 1, 64)},
		{"server_cpu_ms", cpuPerRequest(wz.ServerCPU, wz.All.N)},
		{"other_cpu", percent(wz.OtherShare())},
	}
}

// cpuPerRequest formats CPU time per request in milliseconds, "?" where
// unknown.
func cpuPerRequest(cpu time.Duration, n int) string {
	if cpu < 0 || n == 0 {
		return "?"
	}
	return strconv.FormatFloat(float64(cpu)/float64(time.Millisecond)/float64(n), 'f', 3, 64)
}

// percent formats a share in per cent, "?" when negative (unknown).
func percent(x float64) string {
	if x < 0 {
		return "?"
	}
	return strconv.FormatFloat(x, 'f', 0, 64) + "%"
}

// heaviest returns the largest captured response, in bytes as sent, and
// its URI.
func heaviest(targets []target, caps []captured) (int, string) {
	n, uri := -1, ""
	for i, c := range caps {
		if len(c.Body) > n {
			n, uri = len(c.Body), targets[i].URI
		}
	}
	return max(n, 0), uri
}

// statusList says how many answers had each status, "transport-error"
// for none.
func statusList(m map[int]int) string {
	codes := make([]int, 0, len(m))
	for c := range m {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	var parts []string
	for _, c := range codes {
		name := strconv.Itoa(c)
		if c == 0 {
			name = "transport-error"
		}
		parts = append(parts, fmt.Sprintf("%s×%d", name, m[c]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, " ")
}
