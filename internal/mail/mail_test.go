package mail_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/db/dbtest"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/jobs"
	"github.com/wuzhen/wuzhen/internal/mail"
)

var sets = []db.Migrations{jobs.Migrations, mail.Migrations}

// lockedBuffer is a log destination safe for concurrent writes.
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

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func send(t *testing.T, d *db.DB, m mail.Message) int64 {
	t.Helper()
	var id int64
	err := d.Tx(context.Background(), func(tx *db.Tx) error {
		var err error
		id, err = mail.Send(context.Background(), tx, m)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func get(t *testing.T, d *db.DB, id int64) mail.Stored {
	t.Helper()
	s, err := mail.Get(context.Background(), d, id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// worker runs mail jobs with h (usually a Sender's Handle).
func worker(d *db.DB, h jobs.Handler) *jobs.Worker {
	return jobs.NewWorker(d, quietLog(), map[string]jobs.Handler{mail.JobKind: h})
}

func runNext(t *testing.T, w *jobs.Worker) {
	t.Helper()
	ran, err := w.RunNext(context.Background())
	if err != nil || !ran {
		t.Fatalf("RunNext = %v, %v; want a job run", ran, err)
	}
}

func TestSendValidates(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ok := mail.Message{To: "li@example.org", Subject: "Hello", Text: "Body"}
		for _, c := range []struct {
			name  string
			edit  func(*mail.Message)
			field string
		}{
			{"no address", func(m *mail.Message) { m.To = "" }, "to"},
			{"not an address", func(m *mail.Message) { m.To = "not an address" }, "to"},
			{"two addresses", func(m *mail.Message) { m.To = "a@example.org, b@example.org" }, "to"},
			{"header injection", func(m *mail.Message) { m.To = "a@example.org\r\nBcc: b@example.org" }, "to"},
			{"no subject", func(m *mail.Message) { m.Subject = " " }, "subject"},
			{"subject with newline", func(m *mail.Message) { m.Subject = "a\r\nBcc: b@example.org" }, "subject"},
			{"no body", func(m *mail.Message) { m.Text = "" }, "text"},
		} {
			m := ok
			c.edit(&m)
			err := d.Tx(ctx, func(tx *db.Tx) error {
				_, err := mail.Send(ctx, tx, m)
				return err
			})
			e, isErr := errs.As(err)
			if !isErr || e.Code != errs.Invalid || len(e.Fields) != 1 || e.Fields[0].Name != c.field {
				t.Errorf("%s: Send = %v, want Invalid at field %s", c.name, err, c.field)
			}
		}
		if _, total, err := mail.List(ctx, d, 10, 0); err != nil || total != 0 {
			t.Fatalf("List = %d, %v; want nothing stored", total, err)
		}
		// A name with the address is fine.
		id := send(t, d, mail.Message{To: "李伟 <li@example.org>", Subject: "Hello", Text: "Body"})
		if got := get(t, d, id).To; got != "李伟 <li@example.org>" {
			t.Fatalf("To = %q", got)
		}
	})
}

func TestSendRolledBack(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := d.Tx(ctx, func(tx *db.Tx) error {
			if _, err := mail.Send(ctx, tx, mail.Message{To: "li@example.org", Subject: "Hi", Text: "Body"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Tx = %v, want boom", err)
		}
		if _, total, err := mail.List(ctx, d, 10, 0); err != nil || total != 0 {
			t.Fatalf("List after rollback = %d, %v; want 0", total, err)
		}
		if s, err := jobs.Stats(ctx, d); err != nil || s["pending"] != 0 {
			t.Fatalf("jobs after rollback = %v, %v; want none", s, err)
		}
	})
}

func TestWithoutSMTPMailIsKept(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		cfg, err := mail.ParseConfig("", "")
		if err != nil {
			t.Fatal(err)
		}
		var logs lockedBuffer
		s := mail.NewSender(cfg, d, slog.New(slog.NewTextHandler(&logs, nil)))
		body := "请打开 https://wuzhen.example.org/verify?token=abc 完成注册。"
		first := send(t, d, mail.Message{To: "first@example.org", Subject: "First", Text: "one"})
		id := send(t, d, mail.Message{To: "li@example.org", Subject: "乌镇峰会: 确认", Text: body, HTML: "<p>确认</p>"})

		w := worker(d, s.Handle)
		runNext(t, w)
		runNext(t, w)

		msgs, total, err := mail.List(ctx, d, 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		if total != 2 || len(msgs) != 2 || msgs[0].ID != id || msgs[1].ID != first {
			t.Fatalf("List = %d %+v, want both, newest first", total, msgs)
		}
		m := msgs[0]
		if m.Status != mail.Kept || m.To != "li@example.org" || m.Subject != "乌镇峰会: 确认" ||
			m.Text != body || m.HTML != "<p>确认</p>" || m.CreatedAt.IsZero() || !m.SentAt.IsZero() {
			t.Fatalf("stored message = %+v", m)
		}
		if !strings.Contains(logs.String(), "token=abc") || !strings.Contains(logs.String(), "level=INFO") {
			t.Fatalf("log does not show the body at INFO:\n%s", logs.String())
		}
		// Paging, and the count alone.
		page, total, err := mail.List(ctx, d, 1, 1)
		if err != nil || total != 2 || len(page) != 1 || page[0].ID != first {
			t.Fatalf("List(1, 1) = %+v, %d, %v", page, total, err)
		}
		none, total, err := mail.List(ctx, d, 0, 0)
		if err != nil || total != 2 || len(none) != 0 {
			t.Fatalf("List(0, 0) = %+v, %d, %v; want the count alone", none, total, err)
		}
		if st, err := jobs.Stats(ctx, d); err != nil || st["done"] != 2 {
			t.Fatalf("jobs = %v, %v; want 2 done", st, err)
		}
	})
}

func TestGetNotFound(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		_, err := mail.Get(context.Background(), d, 4242)
		if errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("Get = %v, want NotFound", err)
		}
	})
}

// received is a message as the test SMTP server got it.
type received struct {
	from string
	to   []string
	data []byte
}

// smtpServer is a minimal SMTP server (RFC 5321: EHLO/HELO, MAIL, RCPT, DATA,
// RSET, NOOP, QUIT; no TLS, no AUTH) on 127.0.0.1.
type smtpServer struct {
	ln         net.Listener
	dataReply  string // the reply after the data; "" means 250
	rejectData string // the reply to DATA instead of 354, if set
	mu         sync.Mutex
	got        []received
	wg         sync.WaitGroup
}

func startSMTP(t *testing.T, configure func(*smtpServer)) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{ln: ln}
	if configure != nil {
		configure(s)
	}
	s.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Go(func() { s.serve(c) })
		}
	})
	t.Cleanup(func() {
		ln.Close()
		s.wg.Wait()
	})
	return s
}

func (s *smtpServer) url() string { return "smtp+insecure://" + s.ln.Addr().String() }

func (s *smtpServer) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.got...)
}

func (s *smtpServer) serve(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	r := bufio.NewReader(c)
	reply := func(line string) { fmt.Fprintf(c, "%s\r\n", line) }
	reply("220 test.local ESMTP ready")
	var cur received
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			reply("250-test.local greets " + arg)
			reply("250 8BITMIME")
		case "HELO":
			reply("250 test.local")
		case "MAIL":
			cur = received{from: arg}
			reply("250 2.1.0 OK")
		case "RCPT":
			cur.to = append(cur.to, arg)
			reply("250 2.1.5 OK")
		case "DATA":
			if s.rejectData != "" {
				reply(s.rejectData)
				continue
			}
			reply("354 end data with <CR><LF>.<CR><LF>")
			var data bytes.Buffer
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				data.WriteString(strings.TrimPrefix(l, ".")) // undo dot-stuffing
			}
			cur.data = data.Bytes()
			if s.dataReply != "" {
				reply(s.dataReply)
				continue
			}
			s.mu.Lock()
			s.got = append(s.got, cur)
			s.mu.Unlock()
			reply("250 2.0.0 queued")
		case "RSET":
			cur = received{}
			reply("250 2.0.0 OK")
		case "NOOP":
			reply("250 2.0.0 OK")
		case "QUIT":
			reply("221 2.0.0 bye")
			return
		default:
			reply("502 5.5.2 command not recognised")
		}
	}
}

// decodePart reads a MIME part's body, undoing its transfer encoding.
func decodePart(t *testing.T, enc string, body io.Reader) string {
	t.Helper()
	switch strings.ToLower(enc) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "", "7bit", "8bit":
	default:
		t.Fatalf("unexpected transfer encoding %q", enc)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSMTPDelivers(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		srv := startSMTP(t, nil)
		cfg, err := mail.ParseConfig(srv.url(), "乌镇峰会 <noreply@wuzhen.example.org>")
		if err != nil {
			t.Fatal(err)
		}
		s := mail.NewSender(cfg, d, quietLog())
		text := "欢迎参加乌镇峰会。\n请打开 https://wuzhen.example.org/verify?token=abc"
		html := "<p>欢迎参加<b>乌镇峰会</b>。</p>"
		id := send(t, d, mail.Message{To: "李伟 <li@example.org>", Subject: "乌镇峰会: 请确认", Text: text, HTML: html})
		runNext(t, worker(d, s.Handle))

		got := srv.messages()
		if len(got) != 1 {
			t.Fatalf("server got %d messages, want 1", len(got))
		}
		if got[0].from != "FROM:<noreply@wuzhen.example.org>" && !strings.HasPrefix(got[0].from, "FROM:<noreply@wuzhen.example.org> ") {
			t.Errorf("MAIL %s", got[0].from)
		}
		if len(got[0].to) != 1 || !strings.HasPrefix(got[0].to[0], "TO:<li@example.org>") {
			t.Errorf("RCPT %v", got[0].to)
		}
		msg, err := netmail.ReadMessage(bytes.NewReader(got[0].data))
		if err != nil {
			t.Fatalf("read message: %v\n%s", err, got[0].data)
		}
		dec := new(mime.WordDecoder)
		subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
		if err != nil || subject != "乌镇峰会: 请确认" {
			t.Errorf("Subject = %q (%v), raw %q", subject, err, msg.Header.Get("Subject"))
		}
		to, err := msg.Header.AddressList("To")
		if err != nil || len(to) != 1 || to[0].Address != "li@example.org" || to[0].Name != "李伟" {
			t.Errorf("To = %v (%v), raw %q", to, err, msg.Header.Get("To"))
		}
		from, err := msg.Header.AddressList("From")
		if err != nil || len(from) != 1 || from[0].Address != "noreply@wuzhen.example.org" || from[0].Name != "乌镇峰会" {
			t.Errorf("From = %v (%v), raw %q", from, err, msg.Header.Get("From"))
		}
		if date, err := msg.Header.Date(); err != nil || date.IsZero() {
			t.Errorf("Date %q: %v", msg.Header.Get("Date"), err)
		}
		if mid := msg.Header.Get("Message-Id"); !strings.HasPrefix(mid, fmt.Sprintf("<wuzhen.%d.", id)) || !strings.HasSuffix(mid, "@wuzhen.example.org>") {
			t.Errorf("Message-ID = %q", mid)
		}

		mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
		if err != nil || mediaType != "multipart/alternative" {
			t.Fatalf("Content-Type = %q (%v), want multipart/alternative", msg.Header.Get("Content-Type"), err)
		}
		parts := map[string]string{}
		mr := multipart.NewReader(msg.Body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			ct, cp, err := mime.ParseMediaType(p.Header.Get("Content-Type"))
			if err != nil || !strings.EqualFold(cp["charset"], "utf-8") {
				t.Errorf("part Content-Type %q: %v, want UTF-8", p.Header.Get("Content-Type"), err)
			}
			parts[ct] = decodePart(t, p.Header.Get("Content-Transfer-Encoding"), p)
		}
		if got := strings.ReplaceAll(parts["text/plain"], "\r\n", "\n"); got != text {
			t.Errorf("text part = %q, want %q", got, text)
		}
		if got := parts["text/html"]; got != html {
			t.Errorf("html part = %q, want %q", got, html)
		}

		m := get(t, d, id)
		if m.Status != mail.Sent || m.Attempts != 1 || m.LastError != "" || m.SentAt.IsZero() {
			t.Fatalf("stored message = %+v, want sent", m)
		}
		// Running the handler again does not send the message again.
		if err := s.Handle(context.Background(), json.RawMessage(fmt.Sprintf(`{"id":%d}`, id))); err != nil {
			t.Fatal(err)
		}
		if n := len(srv.messages()); n != 1 {
			t.Fatalf("server has %d messages after a repeated job, want 1", n)
		}
	})
}

func TestSMTPRefused(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clock := struct {
			sync.Mutex
			t time.Time
		}{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
		d.Now = func() time.Time { clock.Lock(); defer clock.Unlock(); return clock.t }
		advance := func() { clock.Lock(); clock.t = clock.t.Add(2 * time.Hour); clock.Unlock() }

		srv := startSMTP(t, func(s *smtpServer) { s.rejectData = "554 5.7.1 no thanks" })
		cfg, err := mail.ParseConfig(srv.url(), "noreply@wuzhen.example.org")
		if err != nil {
			t.Fatal(err)
		}
		s := mail.NewSender(cfg, d, quietLog())
		var handlerErrs []error
		w := worker(d, func(ctx context.Context, p json.RawMessage) error {
			err := s.Handle(ctx, p)
			handlerErrs = append(handlerErrs, err)
			return err
		})
		id := send(t, d, mail.Message{To: "li@example.org", Subject: "乌镇峰会", Text: "乌镇峰会"})
		runNext(t, w)

		if len(handlerErrs) != 1 || handlerErrs[0] == nil || !strings.Contains(handlerErrs[0].Error(), "554") {
			t.Fatalf("handler returned %v, want the 554 refusal", handlerErrs)
		}
		m := get(t, d, id)
		if m.Status != mail.Queued || m.Attempts != 1 || !strings.Contains(m.LastError, "554") || !m.SentAt.IsZero() {
			t.Fatalf("stored message = %+v, want queued for a retry with the error", m)
		}
		if len(srv.messages()) != 0 {
			t.Fatal("the server kept a refused message")
		}
		if st, _ := jobs.Stats(ctx, d); st["pending"] != 1 {
			t.Fatalf("jobs = %v, want the job pending for a retry", st)
		}

		// Every retry fails the same way; after the last one the message
		// is failed, and so is its job.
		for i := 0; ; i++ {
			advance()
			ran, err := w.RunNext(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !ran {
				break
			}
			if i > 20 {
				t.Fatal("the job never stops")
			}
		}
		m = get(t, d, id)
		if m.Status != mail.Failed || m.Attempts != jobs.DefaultMaxAttempts || !strings.Contains(m.LastError, "554") {
			t.Fatalf("stored message = %+v, want failed after %d attempts", m, jobs.DefaultMaxAttempts)
		}
		if st, _ := jobs.Stats(ctx, d); st["failed"] != 1 {
			t.Fatalf("jobs = %v, want the job failed", st)
		}
	})
}

func TestSMTPUnreachable(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		// A port that nothing listens on.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		cfg, err := mail.ParseConfig("smtp+insecure://"+addr, "noreply@example.org")
		if err != nil {
			t.Fatal(err)
		}
		s := mail.NewSender(cfg, d, quietLog())
		id := send(t, d, mail.Message{To: "li@example.org", Subject: "Hi", Text: "Body"})
		if err := s.Handle(context.Background(), json.RawMessage(fmt.Sprintf(`{"id":%d}`, id))); err == nil {
			t.Fatal("Handle succeeded without a server")
		}
		if m := get(t, d, id); m.Status != mail.Queued || m.LastError == "" {
			t.Fatalf("stored message = %+v, want queued with the error", m)
		}
	})
}

func TestParseConfig(t *testing.T) {
	for _, c := range []struct {
		url, from string
		ok        bool
	}{
		{"", "", true},
		{"", "anything", true},
		{"smtp://user:p%40ss@mail.example.org:587", "noreply@example.org", true},
		{"smtp://mail.example.org", "Wuzhen <noreply@example.org>", true},
		{"smtps://user:pass@mail.example.org:465", "noreply@example.org", true},
		{"smtp+insecure://relay.local:25", "noreply@example.org", true},
		{"smtp+insecure://[::1]:2525", "noreply@example.org", true},
		{"smtp://mail.example.org", "", false},                                // no From
		{"smtp://mail.example.org", "not an address", false},                  // bad From
		{"http://mail.example.org", "noreply@example.org", false},             // scheme
		{"mail.example.org:587", "noreply@example.org", false},                // no scheme
		{"smtp://", "noreply@example.org", false},                             // no host
		{"smtp://mail.example.org:0", "noreply@example.org", false},           // port
		{"smtp://mail.example.org:99999", "noreply@example.org", false},       // port
		{"smtp://mail.example.org/x", "noreply@example.org", false},           // path
		{"smtp://mail.example.org?tls=no", "noreply@example.org", false},      // query
		{"smtp+insecure://u:p@relay.local", "noreply@example.org", false},     // clear password
		{"smtp://:secret@mail.example.org", "noreply@example.org", false},     // password, no user
		{"smtp://user:secret@mail example.org", "noreply@example.org", false}, // not a URL
	} {
		cfg, err := mail.ParseConfig(c.url, c.from)
		if (err == nil) != c.ok {
			t.Errorf("ParseConfig(%q, %q) = %v, want ok=%v", c.url, c.from, err, c.ok)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("ParseConfig(%q) error shows the password: %v", c.url, err)
		}
		if err == nil && cfg.SMTPURL != c.url {
			t.Errorf("ParseConfig(%q).SMTPURL = %q", c.url, cfg.SMTPURL)
		}
	}
}

// TestSMTPSenderFromSettings: the organisation's settings name the sender
// (From), part by part, over the server's --mail-from.
func TestSMTPSenderFromSettings(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		srv := startSMTP(t, nil)
		cfg, err := mail.ParseConfig(srv.url(), "Wuzhen <noreply@wuzhen.example.org>")
		if err != nil {
			t.Fatal(err)
		}
		s := mail.NewSender(cfg, d, quietLog())
		s.From = func(context.Context) (string, string) {
			return "全球互联网论坛", "secretariat@forum.example.org"
		}
		send(t, d, mail.Message{To: "li@example.org", Subject: "Hello", Text: "Hello."})
		runNext(t, worker(d, s.Handle))
		s.From = func(context.Context) (string, string) { return "Forum", "" }
		send(t, d, mail.Message{To: "li@example.org", Subject: "Hello again", Text: "Hello."})
		runNext(t, worker(d, s.Handle))
		got := srv.messages()
		if len(got) != 2 {
			t.Fatalf("server got %d messages, want 2", len(got))
		}
		for i, want := range []struct{ name, addr string }{{"全球互联网论坛", "secretariat@forum.example.org"}, {"Forum", "noreply@wuzhen.example.org"}} {
			msg, err := netmail.ReadMessage(bytes.NewReader(got[i].data))
			if err != nil {
				t.Fatal(err)
			}
			from, err := msg.Header.AddressList("From")
			if err != nil || len(from) != 1 || from[0].Address != want.addr || from[0].Name != want.name {
				t.Errorf("message %d: From = %v (%v), want %s <%s>", i, from, err, want.name, want.addr)
			}
		}
	})
}
