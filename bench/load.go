package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// target is one request of a scenario's mix.
type target struct {
	Name   string // what it is ("directory", "login"), for error messages and readers
	Method string
	URI    string // path and query
	Body   []byte // form body of a POST
	Header http.Header
	// Want is the status that counts as success; 0 means any 2xx.
	Want int
}

func (t target) ok(status int) bool {
	if t.Want != 0 {
		return status == t.Want
	}
	return status >= 200 && status < 300
}

// newClient returns the load generator's client: keep-alive with one idle
// connection per worker, no cookie jar, redirects not followed, no proxy
// (every address is loopback), and no transparent decompression, so that
// the bytes counted are the bytes sent.
func newClient(concurrency int) *http.Client {
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        concurrency,
		MaxIdleConnsPerHost: concurrency,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &http.Client{
		Transport:     tr,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// response is what one request brought back.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// do sends t to base ("http://127.0.0.1:port") and reads the whole body.
func do(ctx context.Context, c *http.Client, base string, t target, keep bool) (response, int64, error) {
	var body io.Reader
	if t.Body != nil {
		body = bytes.NewReader(t.Body)
	}
	req, err := http.NewRequestWithContext(ctx, t.Method, base+t.URI, body)
	if err != nil {
		return response{}, 0, err
	}
	for k, vs := range t.Header {
		req.Header[k] = vs
	}
	res, err := c.Do(req)
	if err != nil {
		return response{}, 0, err
	}
	defer res.Body.Close()
	r := response{Status: res.StatusCode, Header: res.Header}
	var n int64
	if keep {
		r.Body, err = io.ReadAll(res.Body)
		n = int64(len(r.Body))
	} else {
		n, err = io.Copy(io.Discard, res.Body)
	}
	return r, n, err
}

// loadConfig bounds a run.
type loadConfig struct {
	Concurrency int
	Duration    time.Duration // each server is driven this long in all
	Requests    int           // and at most this many requests in all; 0 for no limit
	Warmup      time.Duration // sent to each server before measuring, not counted
	// Rounds splits the measurement into slices that alternate between
	// the servers (wuzhen, baseline, wuzhen, …), so that other work on the
	// machine weighs on both alike.
	Rounds int
	// Pinned gives worker w the target w modulo the number of targets,
	// always, instead of the mix round-robin (login: an account each).
	Pinned bool
}

// sample is one measured request.
type sample struct {
	target int
	took   time.Duration
	status int // 0 for a transport error
	ok     bool
}

// endpoint is a server to drive.
type endpoint struct {
	URL string // http://127.0.0.1:port
	// PID is the server's process when it is not this one (wuzhen); 0
	// for the baseline, which runs inside bench.
	PID int
}

// uriResult is the figures of the targets with one URI (the login
// scenario has one target per account, all POST /login).
type uriResult struct {
	URI    string
	Index  int // of the first target with the URI, in the scenario's list
	Lat    summary
	Errors int
}

// loadResult is the figures of one server over its whole run.
type loadResult struct {
	Elapsed  time.Duration // the measured slices, added up
	All      summary
	Errors   int
	URIs     []uriResult // in the order of the scenario's list
	Statuses map[int]int // status → count; 0 is a transport error
	FirstErr string
	// CPU time used over the measured slices by this process (the load
	// generator, and the baseline when it is the server), by the server
	// process, and by every other process of the machine (PostgreSQL
	// included); negative where unknown.
	SelfCPU, ServerCPU, OtherCPU time.Duration
}

// OtherShare is OtherCPU as a share of the machine's CPU capacity over
// the run, in per cent, or -1 where unknown.
func (r *loadResult) OtherShare() float64 {
	if r.OtherCPU < 0 || r.Elapsed <= 0 {
		return -1
	}
	return max(0, 100*float64(r.OtherCPU)/(float64(r.Elapsed)*float64(runtime.NumCPU())))
}

// RPS is the requests per second of the run, errors included.
func (r *loadResult) RPS() float64 { return perSecond(r.All.N, r.Elapsed) }

// slices returns the duration and request limit of each round: the
// duration and the requests shared out, the remainder to the last round.
// A round with a request limit of 0 while cfg.Requests > 0 sends nothing.
func (cfg loadConfig) slices() (durations []time.Duration, limits []int) {
	n := max(1, cfg.Rounds)
	for r := range n {
		d, l := cfg.Duration/time.Duration(n), cfg.Requests/n
		if r == n-1 {
			d, l = cfg.Duration-d*time.Duration(n-1), cfg.Requests-l*(n-1)
		}
		durations, limits = append(durations, d), append(limits, l)
	}
	return durations, limits
}

// runLoad drives targets at each endpoint with cfg.Concurrency workers,
// each sending the mix round-robin from its own starting point: first
// cfg.Warmup each, then cfg.Rounds slices each, alternating between the
// endpoints, until each has had cfg.Duration (or cfg.Requests) in all, or
// ctx ends. It returns one result per endpoint.
func runLoad(ctx context.Context, eps []endpoint, targets []target, cfg loadConfig) ([]*loadResult, error) {
	type acc struct {
		client                   *http.Client
		per                      []workerResult
		elapsed                  time.Duration
		self, server, busy       time.Duration
		selfOK, serverOK, busyOK bool
	}
	accs := make([]*acc, len(eps))
	for i, ep := range eps {
		a := &acc{client: newClient(cfg.Concurrency), selfOK: true, serverOK: ep.PID != 0, busyOK: true}
		defer a.client.CloseIdleConnections()
		accs[i] = a
		if cfg.Warmup > 0 {
			drive(ctx, a.client, ep.URL, targets, cfg.Concurrency, time.Now().Add(cfg.Warmup), 0, cfg.Pinned)
		}
	}
	durations, limits := cfg.slices()
	for r := range durations {
		if cfg.Requests > 0 && limits[r] == 0 {
			continue
		}
		for i, ep := range eps {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			a := accs[i]
			busy0, bok0 := machineBusy()
			self0, ok0 := selfCPU()
			server0, sok0 := processCPU(ep.PID)
			start := time.Now()
			per := drive(ctx, a.client, ep.URL, targets, cfg.Concurrency, start.Add(durations[r]), limits[r], cfg.Pinned)
			a.elapsed += time.Since(start)
			self1, ok1 := selfCPU()
			server1, sok1 := processCPU(ep.PID)
			busy1, bok1 := machineBusy()
			a.per = append(a.per, per...)
			a.busy += busy1 - busy0
			a.busyOK = a.busyOK && bok0 && bok1
			a.self += self1 - self0
			a.server += server1 - server0
			a.selfOK = a.selfOK && ok0 && ok1
			a.serverOK = a.serverOK && sok0 && sok1
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([]*loadResult, len(eps))
	for i, a := range accs {
		res := aggregate(targets, a.per, a.elapsed)
		res.SelfCPU, res.ServerCPU, res.OtherCPU = -1, -1, -1
		if a.busyOK && a.selfOK && (a.serverOK || eps[i].PID == 0) {
			// Clock ticks are coarse: on a quiet machine the difference
			// can come out a little below zero.
			res.OtherCPU = max(0, a.busy-a.self-a.server)
		}
		if a.selfOK {
			res.SelfCPU = a.self
		}
		if a.serverOK {
			res.ServerCPU = a.server
		}
		out[i] = res
	}
	return out, nil
}

// aggregate gathers the workers' samples into figures per URI and in all.
func aggregate(targets []target, per []workerResult, elapsed time.Duration) *loadResult {
	res := &loadResult{Elapsed: elapsed, Statuses: map[int]int{}}
	row := make([]int, len(targets)) // target → index in res.URIs
	at := map[string]int{}
	for i, t := range targets {
		j, ok := at[t.URI]
		if !ok {
			j = len(res.URIs)
			at[t.URI] = j
			res.URIs = append(res.URIs, uriResult{URI: t.URI, Index: i})
		}
		row[i] = j
	}
	lat := make([][]time.Duration, len(res.URIs))
	var all []time.Duration
	for _, w := range per {
		for _, s := range w.samples {
			j := row[s.target]
			lat[j] = append(lat[j], s.took)
			all = append(all, s.took)
			res.Statuses[s.status]++
			if !s.ok {
				res.URIs[j].Errors++
				res.Errors++
			}
		}
		if res.FirstErr == "" {
			res.FirstErr = w.firstErr
		}
	}
	for j := range res.URIs {
		res.URIs[j].Lat = summarize(lat[j])
	}
	res.All = summarize(all)
	return res
}

type workerResult struct {
	samples  []sample
	firstErr string
}

// drive runs the workers until deadline, or until limit requests (0: no
// limit) have been started, or until ctx ends. Worker w sends targets
// w, w+1, w+2, … round-robin, or only target w when pinned.
func drive(ctx context.Context, client *http.Client, base string, targets []target, concurrency int, deadline time.Time, limit int, pinned bool) []workerResult {
	var started atomic.Int64
	out := make([]workerResult, concurrency)
	var wg sync.WaitGroup
	for w := range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wr := &out[w]
			wr.samples = make([]sample, 0, 4096)
			for i := w; ctx.Err() == nil && time.Now().Before(deadline); i++ {
				if limit > 0 && started.Add(1) > int64(limit) {
					return
				}
				ti := i % len(targets)
				if pinned {
					ti = w % len(targets)
				}
				t0 := time.Now()
				res, _, err := do(ctx, client, base, targets[ti], false)
				took := time.Since(t0)
				if ctx.Err() != nil {
					return // interrupted: not a measurement
				}
				s := sample{target: ti, took: took, status: res.Status}
				switch {
				case err != nil:
					s.status = 0
					if wr.firstErr == "" {
						wr.firstErr = fmt.Sprintf("%s %s (%s): %v", targets[ti].Method, targets[ti].URI, targets[ti].Name, err)
					}
				case !targets[ti].ok(res.Status):
					if wr.firstErr == "" {
						wr.firstErr = fmt.Sprintf("%s %s (%s): status %d", targets[ti].Method, targets[ti].URI, targets[ti].Name, res.Status)
					}
				default:
					s.ok = true
				}
				wr.samples = append(wr.samples, s)
			}
		}()
	}
	wg.Wait()
	return out
}
