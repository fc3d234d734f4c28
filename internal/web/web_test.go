package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
)

// nobody is an Identity that knows no sessions or tokens: these tests are
// about the server's own behaviour, not accounts.
type nobody struct{}

func (nobody) Session(context.Context, string) (*Principal, error) { return nil, nil }
func (nobody) Bearer(context.Context, string) (*Principal, error)  { return nil, nil }
func (nobody) SetLocale(context.Context, int64, string) error      { return nil }

func testServer(t *testing.T, logs *bytes.Buffer, routes ...Route) *Server {
	t.Helper()
	tpl, err := ParseTemplates()
	if err != nil {
		t.Fatal(err)
	}
	s := New(Config{
		Logger:    slog.New(LogHandler{slog.NewTextHandler(logs, nil)}),
		Identity:  nobody{},
		Policy:    func(*Principal, string) bool { return false },
		Templates: tpl,
	})
	s.Handle(routes...)
	return s
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/about":               "/about",
		"/admin?page=2":        "/admin?page=2",
		"":                     "/",
		"//evil.example/x":     "/",
		"/\\evil.example":      "/",
		"https://evil.example": "/",
		"javascript:alert(1)":  "/",
		"about":                "/",
		"/a\r\nSet-Cookie: x":  "/",
	} {
		if got := LocalPath(in); got != want {
			t.Errorf("LocalPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestErrorsAreMappedAndNeverLeak(t *testing.T) {
	var logs bytes.Buffer
	s := testServer(t, &logs,
		Route{Method: "GET", Path: "/boom", Access: Public, Handle: func(c *Ctx) error { panic("secret detail") }},
		Route{Method: "GET", Path: "/fail", Access: Public, Handle: func(c *Ctx) error { return errors.New("db password=hunter2") }},
		Route{Method: "POST", Path: "/api/v1/things", Access: Public, MaxBody: 64, Handle: func(c *Ctx) error {
			var v struct {
				Name string `json:"name"`
			}
			if err := c.DecodeJSON(&v); err != nil {
				return err
			}
			var fe errs.Fields
			fe.Add("name", "auth.name_required")
			return fe.Err()
		}},
	)
	for _, tc := range []struct {
		method, path, body, lang string
		status                   int
		want                     string
	}{
		{"GET", "/boom", "", "", 500, "Something went wrong"},
		{"GET", "/fail", "", "zh-CN", 500, "我们这边出了问题"},
		{"POST", "/api/v1/things", `{"name":""}`, "zh-TW", 422, `"field":"name","message":"請輸入您的姓名。"`},
		{"POST", "/api/v1/things", `{"nam`, "", 422, "not valid JSON"},
		{"POST", "/api/v1/things", `{"name":"` + strings.Repeat("x", 100) + `"}`, "", 413, "too large"},
	} {
		req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
		req.Header.Set("Accept-Language", tc.lang)
		req.Header.Set("X-Request-ID", "req-"+tc.path[1:4])
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		body := rec.Body.String()
		if rec.Code != tc.status || !strings.Contains(body, tc.want) {
			t.Errorf("%s %s: %d %s, want %d with %q", tc.method, tc.path, rec.Code, body, tc.status, tc.want)
		}
		if strings.Contains(body, "secret") || strings.Contains(body, "hunter2") || strings.Contains(body, "goroutine") {
			t.Errorf("%s: internal detail leaked: %s", tc.path, body)
		}
		if strings.HasPrefix(tc.path, "/api/") {
			if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("%s: Content-Type %q", tc.path, ct)
			}
			var p Problem
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Status != tc.status || p.Type == "" || p.Title == "" {
				t.Errorf("%s: problem %s (%v)", tc.path, body, err)
			}
		}
	}
	if !strings.Contains(logs.String(), "secret detail") || !strings.Contains(logs.String(), "request_id=req-boo") {
		t.Errorf("the panic is not logged with its request ID:\n%s", logs.String())
	}
}

func TestAccessNeedsSignIn(t *testing.T) {
	var logs bytes.Buffer
	ok := func(c *Ctx) error { return c.JSON(200, "ok") }
	s := testServer(t, &logs,
		Route{Method: "GET", Path: "/mine", Access: SignedIn, Handle: ok},
		Route{Method: "GET", Path: "/api/v1/mine", Access: SignedIn, Handle: ok},
	)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/mine?x=1", nil))
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/login?next=%2Fmine%3Fx%3D1" {
		t.Errorf("page: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	rec = httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/mine", nil))
	if rec.Code != http.StatusUnauthorized || rec.Header().Get("WWW-Authenticate") == "" {
		t.Errorf("api: %d %v", rec.Code, rec.Header())
	}
}

func TestStaticFilesAreChecksummed(t *testing.T) {
	var logs bytes.Buffer
	s := testServer(t, &logs)
	u := StaticURL("app.css")
	if !strings.HasPrefix(u, "/static/app.") || u == "/static/app.css" {
		t.Fatalf("StaticURL = %q", u)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", u, nil))
	if rec.Code != 200 || !strings.Contains(rec.Header().Get("Cache-Control"), "immutable") || !strings.Contains(rec.Body.String(), "--ink") {
		t.Errorf("%s: %d %v", u, rec.Code, rec.Header())
	}
}

func TestClientAddr(t *testing.T) {
	s := &Server{cfg: Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}}}
	for _, tc := range []struct{ remote, xff, want string }{
		{"203.0.113.5:4000", "", "203.0.113.5"},
		{"203.0.113.5:4000", "198.51.100.1", "203.0.113.5"},                    // not from a proxy: the header is ignored
		{"10.1.2.3:4000", "198.51.100.1", "198.51.100.1"},                      // from a proxy
		{"10.1.2.3:4000", "192.0.2.9, 198.51.100.1, 10.9.9.9", "198.51.100.1"}, // the nearest untrusted hop
		{"10.1.2.3:4000", "", "10.1.2.3"},
		{"10.1.2.3:4000", "not-an-ip", "10.1.2.3"},
		{"[::1]:4000", "2001:db8::7", "2001:db8::7"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.remote
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		c := &Ctx{R: r, srv: s}
		if got := c.ClientAddr(); got != tc.want {
			t.Errorf("%s via %q: %s, want %s", tc.remote, tc.xff, got, tc.want)
		}
	}
}

func TestNewPager(t *testing.T) {
	q := url.Values{"q": {"数字"}, "page": {"2"}, "lang": {"zh-Hant"}}
	p := NewPager(q, 2, 10, 35)
	if p.Pages != 4 || p.Prev != "?page=1&q=%E6%95%B0%E5%AD%97" || p.Next != "?page=3&q=%E6%95%B0%E5%AD%97" {
		t.Errorf("%+v", p)
	}
	if p := NewPager(nil, 1, 10, 0); p.Pages != 1 || p.Prev != "" || p.Next != "" {
		t.Errorf("empty: %+v", p)
	}
	if p := NewPager(nil, 4, 10, 35); p.Next != "" || p.Prev != "?page=3" {
		t.Errorf("last: %+v", p)
	}
}

// TestDatesFunc: a span of days in a template reads as the formatter
// writes it, from dates or instants.
func TestDatesFunc(t *testing.T) {
	dates := Funcs(i18n.For(i18n.ZhHans))["dates"].(func(a, b any) string)
	if got := dates("2027-03-08", "2027-05-31"); got != "2027年3月8日至5月31日" {
		t.Errorf("dates = %q", got)
	}
	en := Funcs(i18n.For(i18n.En))["dates"].(func(a, b any) string)
	if got := en("2027-03-08", "2027-03-10"); got != "8–10 March 2027" {
		t.Errorf("dates = %q", got)
	}
	if got := en("not a date", "2027-03-10"); got != "" {
		t.Errorf("dates of a bad date = %q", got)
	}
}
