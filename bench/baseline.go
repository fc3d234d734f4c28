package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// captured is a response of wuzhen kept to be replayed by the baseline.
type captured struct {
	Status          int
	ContentType     string
	ContentEncoding string
	Location        string
	Body            []byte
	First           time.Duration // time of the first request of the URL (any cache cold)
	Idle            time.Duration // median time of one request with nothing else running
}

// capture sends every target to wuzhen once, checks the answer, keeps it,
// and times idleRuns more requests of each, one at a time. The capture
// client is the load generator's, so the bytes kept are the bytes sent.
func capture(ctx context.Context, base string, targets []target, idleRuns int) ([]captured, error) {
	client := newClient(1)
	defer client.CloseIdleConnections()
	out := make([]captured, len(targets))
	for i, t := range targets {
		t0 := time.Now()
		res, _, err := do(ctx, client, base, t, true)
		first := time.Since(t0)
		if err != nil {
			return nil, fmt.Errorf("capture %s %s: %w", t.Method, t.URI, err)
		}
		if !t.ok(res.Status) {
			return nil, fmt.Errorf("capture %s %s: status %d: %.300s", t.Method, t.URI, res.Status, res.Body)
		}
		out[i] = captured{
			Status: res.Status, ContentType: res.Header.Get("Content-Type"),
			ContentEncoding: res.Header.Get("Content-Encoding"), Location: res.Header.Get("Location"), Body: res.Body,
			First: first,
		}
		var times []time.Duration
		for range idleRuns {
			t0 := time.Now()
			if _, _, err := do(ctx, client, base, t, false); err != nil {
				return nil, fmt.Errorf("time %s %s: %w", t.Method, t.URI, err)
			}
			times = append(times, time.Since(t0))
		}
		if len(times) > 0 {
			slices.Sort(times)
			out[i].Idle = percentile(times, 50)
		}
	}
	return out, nil
}

// baseline is a plain net/http server on loopback that answers each
// target's path and query with the bytes wuzhen gave for it.
type baseline struct {
	srv *http.Server
	URL string
}

func startBaseline(targets []target, caps []captured) (*baseline, error) {
	byURI := map[string]captured{}
	for i, t := range targets {
		byURI[t.URI] = caps[i]
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := byURI[r.URL.RequestURI()]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if r.Body != nil {
			r.Body.Close()
		}
		hd := w.Header()
		hd.Set("Content-Type", c.ContentType)
		if c.ContentEncoding != "" {
			hd.Set("Content-Encoding", c.ContentEncoding)
		}
		if c.Location != "" {
			hd.Set("Location", c.Location)
		}
		hd.Set("Content-Length", strconv.Itoa(len(c.Body)))
		w.WriteHeader(c.Status)
		w.Write(c.Body)
	})
	return serveBaseline(h)
}

// serveBaseline serves h on a free loopback port.
func serveBaseline(h http.Handler) (*baseline, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	b := &baseline{
		srv: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second},
		URL: "http://" + ln.Addr().String(),
	}
	go func() {
		if err := b.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Println("baseline server:", err)
		}
	}()
	return b, nil
}

func (b *baseline) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := b.srv.Shutdown(ctx); err != nil {
		b.srv.Close()
	}
}
