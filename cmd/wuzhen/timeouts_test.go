package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/config"
)

// trickle writes data to conn a few bytes at a time, pausing between
// writes, until it is all sent or the server closes the connection. It
// returns whether the server closed it first, and what the server sent.
// The pauses make the client slow; nothing here measures time: the test
// asserts what the server did, not when.
func trickle(t *testing.T, conn net.Conn, data []byte, chunk int, pause time.Duration) (closed bool, got []byte) {
	t.Helper()
	done := make(chan struct{})
	var buf bytes.Buffer
	go func() {
		defer close(done)
		// A bound so that a server that never closes fails the test
		// rather than hanging it.
		conn.SetReadDeadline(time.Now().Add(2 * time.Minute))
		_, err := io.Copy(&buf, conn)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Errorf("the server kept the connection open for two minutes")
		}
	}()
	for len(data) > 0 {
		select {
		case <-done:
			return true, buf.Bytes()
		case <-time.After(pause):
		}
		n := min(chunk, len(data))
		if _, err := conn.Write(data[:n]); err != nil {
			<-done
			return true, buf.Bytes()
		}
		data = data[n:]
	}
	// All sent: the server may answer and close, or keep the
	// connection; stop reading after a while.
	select {
	case <-done:
		return false, buf.Bytes()
	case <-time.After(3 * time.Second):
		conn.Close()
		<-done
		return false, buf.Bytes()
	}
}

// status returns the status code of the first answer in raw, 0 when none.
func status(raw []byte) int {
	res, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), nil)
	if err != nil {
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}

// TestSlowClients runs the binary with short timeouts and checks that it
// closes the connection of a client that sends its headers too slowly
// (slowloris), its body too slowly, or nothing at all after a request,
// and that a prompt client is served with the same settings.
func TestSlowClients(t *testing.T) {
	srv := startServe(t, []string{"WUZHEN_DATA=" + t.TempDir()},
		"--read-header-timeout", "300ms", "--read-timeout", "1s", "--idle-timeout", "500ms")
	addr := strings.TrimPrefix(srv.base, "http://")
	dial := func(t *testing.T) net.Conn {
		t.Helper()
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		return conn
	}

	t.Run("a prompt client is served", func(t *testing.T) {
		conn := dial(t)
		closed, got := trickle(t, conn, []byte("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 1<<10, 0)
		if closed || status(got) != http.StatusOK {
			t.Fatalf("closed early %v, answer %.200q", closed, got)
		}
	})

	t.Run("headers sent slowly", func(t *testing.T) {
		// Headers that never end, one byte every 20 ms: 3,000 bytes
		// would take a minute.
		conn := dial(t)
		req := "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + strings.Repeat("a", 3000)
		closed, got := trickle(t, conn, []byte(req), 1, 20*time.Millisecond)
		if !closed {
			t.Fatal("the server waited for the whole header")
		}
		// Closed without an answer, or (when the deadline falls inside a
		// read) with net/http's plain 400 or 408: never served.
		if s := status(got); s != 0 && s != http.StatusBadRequest && s != http.StatusRequestTimeout {
			t.Errorf("answered %d to a request whose headers never ended", s)
		}
	})

	t.Run("body sent slowly", func(t *testing.T) {
		conn := dial(t)
		body := "email=slow%40example.org&password=" + strings.Repeat("x", 3000)
		head := fmt.Sprintf("POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n", len(body))
		if _, err := conn.Write([]byte(head)); err != nil {
			t.Fatal(err)
		}
		closed, got := trickle(t, conn, []byte(body), 1, 20*time.Millisecond)
		if !closed {
			t.Fatal("the server waited for the whole body")
		}
		// Whatever it answered, it is neither a sign-in nor a server
		// error.
		if s := status(got); s != 0 && (s < 400 || s >= 500) {
			t.Errorf("answered %d to a body that never arrived:\n%.500s", s, got)
		}
	})

	t.Run("idle connection", func(t *testing.T) {
		conn := dial(t)
		if _, err := conn.Write([]byte("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(conn)
		conn.SetReadDeadline(time.Now().Add(time.Minute))
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || res.Close {
			t.Fatalf("healthz %d, close %v", res.StatusCode, res.Close)
		}
		// Now say nothing: the server must close the kept-alive
		// connection (EOF), not leave it to our deadline.
		_, err = br.ReadByte()
		var ne net.Error
		if err == nil || errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("idle connection not closed by the server: %v", err)
		}
	})

	t.Run("headers too large", func(t *testing.T) {
		conn := dial(t)
		req := "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 80<<10) + "\r\n\r\n"
		_, got := trickle(t, conn, []byte(req), 16<<10, 0)
		if s := status(got); s != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("answered %d to 80 KB of headers", s)
		}
	})
}

// TestServerTimeoutsByDefault checks that serve's server has every
// timeout and a header limit when nothing is configured.
func TestServerTimeoutsByDefault(t *testing.T) {
	cfg := &config.Config{}
	if err := cfg.Resolve(); err != nil {
		t.Fatal(err)
	}
	hs := httpServer(cfg, http.NotFoundHandler())
	if hs.ReadHeaderTimeout != config.DefaultReadHeaderTimeout || hs.ReadTimeout != config.DefaultReadTimeout ||
		hs.WriteTimeout != config.DefaultWriteTimeout || hs.IdleTimeout != config.DefaultIdleTimeout || hs.MaxHeaderBytes <= 0 {
		t.Errorf("server %+v", hs)
	}
	for _, d := range []time.Duration{hs.ReadHeaderTimeout, hs.ReadTimeout, hs.WriteTimeout, hs.IdleTimeout} {
		if d <= 0 {
			t.Errorf("a timeout is off: %+v", hs)
		}
	}
	t.Setenv("WUZHEN_READ_TIMEOUT", "soon")
	if err := (&config.Config{}).Resolve(); err == nil {
		t.Error("WUZHEN_READ_TIMEOUT=soon accepted")
	}
}

// TestBodyLimits posts a body one byte over its route's limit to every
// route that takes one, as an administrator (who may reach them all):
// each answers 413, as problem details on the API; but the file uploads
// (uploads), which say so at the form's field (422), with or without the
// length declared.
func TestBodyLimits(t *testing.T) {
	a := startApp(t, "sqlite:"+filepath.Join(t.TempDir(), "w.db"))
	ctx := context.Background()
	if _, err := a.users.Create(ctx, "admin@example.org", "Admin", "limits-password", auth.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	b := a.browser(t)
	b.post("/login", url.Values{"email": {"admin@example.org"}, "password": {"limits-password"}}).expect(t, http.StatusSeeOther)
	token, err := a.users.CreateToken(ctx, "admin@example.org", "limits")
	if err != nil {
		t.Fatal(err)
	}
	// An application of the administrator's own, number 1, for the logo
	// upload, and an event for the events' routes.
	b.post("/members/apply", url.Values{"kind": {"organization"}, "name_en": {"Limits"}, "action": {"save"}}).
		expect(t, http.StatusSeeOther)
	admin, err := a.users.ByEmail(ctx, "admin@example.org")
	if err != nil {
		t.Fatal(err)
	}
	pe := newProofEvent(t, a, admin.Principal())
	routes := a.web.Routes()
	// Signing out ends the session the other requests need: do it last.
	sort.SliceStable(routes, func(i, j int) bool { return routes[j].Pattern() == "POST /logout" })
	n := 0
	for _, rt := range routes {
		if rt.Method == http.MethodGet || rt.Method == http.MethodHead {
			continue
		}
		n++
		limit := rt.MaxBody
		if limit == 0 {
			limit = 1 << 20
		}
		path := pe.path(rt, 1)
		message, upload := uploads[rt.Pattern()]
		var body []byte
		var ct string
		switch {
		case rt.IsAPI():
			body, ct = []byte(`{"x":"`+strings.Repeat("x", int(limit))+`"}`), "application/json"
		case upload:
			field := rt.Path[strings.LastIndex(rt.Path, "/")+1:]
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			fw, _ := mw.CreateFormFile(field, "big.png")
			fw.Write(append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, int(limit))...))
			mw.Close()
			body, ct = buf.Bytes(), mw.FormDataContentType()
		default:
			body, ct = []byte("x="+strings.Repeat("x", int(limit))), "application/x-www-form-urlencoded"
		}
		// With its length declared, and for some without (chunked).
		lengths := []bool{true}
		if rt.Pattern() == "POST /login" || rt.Pattern() == "POST /api/v1/membership-applications" || upload {
			lengths = append(lengths, false)
		}
		for _, declared := range lengths {
			req, err := http.NewRequest(rt.Method, a.ts.URL+path, bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			// A declared length over the limit is refused before any
			// handler runs; an undeclared one when the handler reads it. A
			// form's file upload says so at its field either way.
			want := http.StatusRequestEntityTooLarge
			if upload {
				want = http.StatusUnprocessableEntity
			}
			if !declared {
				req.ContentLength = -1
			}
			req.Header.Set("Content-Type", ct)
			if rt.IsAPI() {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			res, err := b.c.Do(req)
			if err != nil {
				t.Fatalf("%s: %v", rt.Pattern(), err)
			}
			got, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != want {
				t.Errorf("%s with %d bytes (length declared: %v): %d, want %d\n%.300s", rt.Pattern(), len(body), declared, res.StatusCode, want, got)
				continue
			}
			if want == http.StatusUnprocessableEntity && !strings.Contains(string(got), message) {
				t.Errorf("%s: no message at the field:\n%.2000s", rt.Pattern(), got[max(0, bytes.Index(got, []byte("<main"))):])
			}
			if ctype := res.Header.Get("Content-Type"); rt.IsAPI() && ctype != "application/problem+json" {
				t.Errorf("%s: 413 as %q", rt.Pattern(), ctype)
			}
		}
	}
	if n < 10 {
		t.Errorf("only %d routes take a body", n)
	}
}

// uploads are the routes that take a file: one over the limit comes back
// at the form's field (422) with this message.
var uploads = map[string]string{
	"POST /members/applications/{id}/logo":                  "The file is too large: at most 2 MB.",
	"POST /submissions/{id}/attachments":                    "The file is too large: at most 20 MB.",
	"POST /admin/events/{slug}/programme/people/{id}/photo": "The file is too large: at most 5 MB.",
	"POST /events/{slug}/register":                          "The files are too large: at most 31 MB in all.",
}
