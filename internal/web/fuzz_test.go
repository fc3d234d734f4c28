package web

// Fuzz tests of the parsers of outside input in this package: JSON bodies
// (Ctx.DecodeJSON), posted forms (Ctx.Form), query strings and language
// choices (negotiate, NewPager), redirect targets (LocalPath) and
// X-Forwarded-For (ClientAddr). They run their seeds as ordinary tests;
// go test -fuzz FuzzX ./internal/web explores further.

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wuzhen/wuzhen/internal/i18n"
)

// fuzzServer is a server with one route per parser, whose handlers answer
// 200 with what they parsed, as JSON.
func fuzzServer(f *testing.F) *Server {
	f.Helper()
	tpl, err := ParseTemplates()
	if err != nil {
		f.Fatal(err)
	}
	s := New(Config{
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		Identity:  nobody{},
		Policy:    func(*Principal, string) bool { return false },
		Templates: tpl,
	})
	s.Handle(
		Route{Method: "POST", Path: "/api/v1/things", Access: Public, MaxBody: 4096, Handle: func(c *Ctx) error {
			var v fuzzThing
			if err := c.DecodeJSON(&v); err != nil {
				return err
			}
			return c.JSON(http.StatusOK, map[string]any{"thing": v, "unstorable": unstorable(v.strings()...)})
		}},
		Route{Method: "POST", Path: "/things", Access: Public, MaxBody: 4096, Handle: func(c *Ctx) error {
			f, err := c.Form()
			if err != nil {
				return err
			}
			var all []string
			for k, vs := range f.Values {
				all = append(append(all, k), vs...)
			}
			return c.JSON(http.StatusOK, map[string]any{"values": f.Values, "unstorable": unstorable(all...)})
		}},
		Route{Method: "GET", Path: "/list", Access: Public, Handle: func(c *Ctx) error {
			q := c.R.URL.Query()
			page := PageNumber(q)
			return c.JSON(http.StatusOK, map[string]any{"lang": c.Lang, "pager": NewPager(q, page, 10, 95)})
		}},
	)
	return s
}

// fuzzThing has a field of each kind a request body carries.
type fuzzThing struct {
	Name   string            `json:"name"`
	Count  int               `json:"count"`
	Flag   *bool             `json:"flag"`
	Tags   []string          `json:"tags"`
	Names  map[string]string `json:"names"`
	Nested struct {
		Text string `json:"text"`
	} `json:"nested"`
}

// strings returns every string in t.
func (t fuzzThing) strings() []string {
	out := []string{t.Name, t.Nested.Text}
	out = append(out, t.Tags...)
	for k, v := range t.Names {
		out = append(out, k, v)
	}
	return out
}

// unstorable returns the strings of ss that could not be stored as they
// came in both databases: not UTF-8, or with a NUL (PostgreSQL refuses
// both). The handlers check, because their JSON answer would hide it.
func unstorable(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
			out = append(out, s)
		}
	}
	return out
}

// checkRefusal checks a non-200 answer of the fuzz server: a client error
// (never a 5xx), as problem details on the API.
func checkRefusal(t *testing.T, rec *httptest.ResponseRecorder, api bool) {
	t.Helper()
	if rec.Code >= 500 || rec.Code < 400 {
		t.Fatalf("status %d: %.300s", rec.Code, rec.Body.String())
	}
	if api {
		var p Problem
		if rec.Header().Get("Content-Type") != "application/problem+json" || json.Unmarshal(rec.Body.Bytes(), &p) != nil ||
			p.Status != rec.Code || p.Title == "" {
			t.Fatalf("status %d without problem details: %q %.300s", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
		}
	}
}

// FuzzDecodeJSON sends any body to a route that decodes JSON: it is
// either decoded whole (one JSON value, nothing after it, every string
// storable) or refused with a 4xx problem, never a 5xx.
func FuzzDecodeJSON(f *testing.F) {
	for _, seed := range []string{
		`{"name":"Amina","count":3,"flag":true,"tags":["a","b"],"names":{"en":"x"},"nested":{"text":"y"}}`,
		`{}`, `null`, `[]`, `"x"`, `{"name":1}`, `{"count":1e400}`, `{"count":"3"}`, `{"unknown":1}`,
		`{"name":"x"} trailing`, `{"name":"x"}{"name":"y"}`, `{"name":"a\u0000b"}`, `{"name":"\ud800"}`,
		"{\"name\":\"\xff\xfe\"}", `{"name":"` + strings.Repeat("长", 2000) + `"}`, `{"tags":[` + strings.Repeat(`"x",`, 2000) + `"x"]}`,
		strings.Repeat("[", 5000), `{"flag":null}`, `{"names":{"\u0000":"x"}}`, "", " ", "\xef\xbb\xbf{}",
		`{"nested":{"text":"<script>alert(1)</script>"}}`,
	} {
		f.Add([]byte(seed))
	}
	s := fuzzServer(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest("POST", "/api/v1/things", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			checkRefusal(t, rec, true)
			return
		}
		// JSON is UTF-8 (RFC 8259): a body that is not was decoded
		// with U+FFFD in place of what was sent.
		if !json.Valid(body) || !utf8.Valid(body) {
			t.Fatalf("accepted a body that is not one JSON value in UTF-8: %q", body)
		}
		var got struct{ Unstorable []string }
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if len(got.Unstorable) > 0 {
			t.Fatalf("accepted strings that cannot be stored whole: %q", got.Unstorable)
		}
	})
}

// FuzzForm posts any body, as any content type, to a route that reads a
// form: it is read (every value storable) or refused with a 4xx page.
func FuzzForm(f *testing.F) {
	for _, seed := range []struct{ body, ct string }{
		{"name=Amina&email=a%40example.org", "application/x-www-form-urlencoded"},
		{"name=%00", "application/x-www-form-urlencoded"},
		{"name=%ff%fe", "application/x-www-form-urlencoded"},
		{"a=1&a=2&b", "application/x-www-form-urlencoded"},
		{"%", "application/x-www-form-urlencoded"},
		{"a=%zz", "application/x-www-form-urlencoded"},
		{";;;&&&==", "application/x-www-form-urlencoded"},
		{"name=" + strings.Repeat("x", 5000), "application/x-www-form-urlencoded"},
		{"name=x", "application/x-www-form-urlencoded; charset=iso-8859-1"},
		{"name=x", ""},
		{"name=x", "text/plain"},
		{"--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nv\r\n--b--\r\n", "multipart/form-data; boundary=b"},
		{"name=x", "multipart/form-data"},
		{"name=<script>alert(1)</script>&url=javascript%3Aalert(1)", "application/x-www-form-urlencoded"},
		{"name=%E2%80%AEevil", "application/x-www-form-urlencoded"},
	} {
		f.Add([]byte(seed.body), seed.ct)
	}
	s := fuzzServer(f)
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		req := httptest.NewRequest("POST", "/things", bytes.NewReader(body))
		if contentType != "" {
			req.Header["Content-Type"] = []string{contentType}
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			checkRefusal(t, rec, false)
			return
		}
		var got struct{ Unstorable []string }
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if len(got.Unstorable) > 0 {
			t.Fatalf("accepted values that cannot be stored whole: %q", got.Unstorable)
		}
	})
}

// FuzzQuery sends any query string, language cookie and Accept-Language:
// the page answers 200 in one of the catalog's languages, and the pager's
// links keep the query (but for page and lang) and name the next pages;
// or, for a query that is not UTF-8 or holds a NUL, 422.
func FuzzQuery(f *testing.F) {
	for _, seed := range []struct{ query, cookie, accept string }{
		{"", "", ""},
		{"page=2&q=%E6%95%B0%E5%AD%97", "", "zh-CN"},
		{"lang=zh-Hant&page=3", "", ""},
		{"lang=xx&page=-1", "zh-Hans", "fr;q=0.5,zh-TW;q=0.9"},
		{"page=99999999999999999999", "", "*"},
		{"page=1e3&page=2", "en", "zh-Hant-TW;q=abc"},
		{"%", "\xff", "\x00"},
		{"q=%00&lang=%ff", "", strings.Repeat("zh,", 1000)},
		{"a;b=c&&=&q=<script>", "", "en-US,en;q=0.9"},
		{"page=9223372036854775807", "", ""},
		{"page=99999999999999999999999", "", ""},
		{"page=-9223372036854775808", "", ""},
		{"q=\xff", "", ""},
	} {
		f.Add(seed.query, seed.cookie, seed.accept)
	}
	s := fuzzServer(f)
	f.Fuzz(func(t *testing.T, query, cookie, accept string) {
		req := httptest.NewRequest("GET", "/list", nil)
		req.URL.RawQuery = query
		req.Header["Accept-Language"] = []string{accept}
		if cookie != "" {
			req.Header["Cookie"] = []string{LangCookie + "=" + cookie}
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		q, _ := url.ParseQuery(query)
		var all []string
		for k, vs := range q {
			all = append(append(all, k), vs...)
		}
		if len(unstorable(all...)) > 0 {
			if rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("query %q: status %d", query, rec.Code)
			}
			return
		}
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d: %.300s", rec.Code, rec.Body.String())
		}
		var got struct {
			Lang  string
			Pager Pager
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(i18n.Langs, got.Lang) || rec.Header().Get("Content-Language") != got.Lang {
			t.Fatalf("language %q (Content-Language %q)", got.Lang, rec.Header().Get("Content-Language"))
		}
		p := got.Pager
		if p.Pages != 10 || p.Page < 1 || p.Page > MaxPage {
			t.Fatalf("pager %+v", p)
		}
		for n, link := range map[int]string{p.Page - 1: p.Prev, p.Page + 1: p.Next} {
			if link == "" {
				if n >= 1 && n <= p.Pages {
					t.Fatalf("no link to page %d of %d: %+v", n, p.Pages, p)
				}
				continue
			}
			v, err := url.ParseQuery(strings.TrimPrefix(link, "?"))
			if err != nil || !strings.HasPrefix(link, "?") || v.Get("page") != strconv.Itoa(n) || v.Has("lang") {
				t.Fatalf("link to page %d: %q (%v)", n, link, err)
			}
			for k, vs := range q {
				if k != "page" && k != "lang" && !slices.Equal(v[k], vs) {
					t.Fatalf("link %q lost %s=%q", link, k, vs)
				}
			}
		}
	})
}

// FuzzLocalPath checks that a redirect target either stays on the site
// as given or becomes "/".
func FuzzLocalPath(f *testing.F) {
	for _, seed := range []string{"/about", "/admin?page=2", "", "//evil.example/x", "/\\evil.example", "https://evil.example",
		"javascript:alert(1)", "/a\r\nSet-Cookie: x", "/%2F%2Fevil.example", "/\t/evil.example", "/.//evil.example",
		"/\u3000/evil", "/?next=//evil.example", "\x00/", "/%00"} {
		f.Add(seed)
	}
	site, _ := url.Parse("https://wuzhen.example/members/apply")
	f.Fuzz(func(t *testing.T, p string) {
		got := LocalPath(p)
		if got != "/" && got != p {
			t.Fatalf("LocalPath(%q) = %q", p, got)
		}
		u, err := url.Parse(got)
		if err != nil {
			t.Fatalf("LocalPath(%q) = %q does not parse: %v", p, got, err)
		}
		// What a browser would do with the Location header.
		if r := site.ResolveReference(u); r.Host != site.Host || r.Scheme != site.Scheme {
			t.Fatalf("LocalPath(%q) = %q leads to %s", p, got, r)
		}
		if strings.ContainsAny(got, "\r\n\\") {
			t.Fatalf("LocalPath(%q) = %q", p, got)
		}
	})
}

// FuzzClientAddr checks that the client address is the peer, or an
// address named in X-Forwarded-For when the peer is a trusted proxy.
func FuzzClientAddr(f *testing.F) {
	for _, seed := range [][2]string{{"10.1.2.3:4000", "198.51.100.1"}, {"10.1.2.3:4000", ", , 10.9.9.9,,"},
		{"[::1]:4000", "2001:db8::7%eth0"}, {"203.0.113.5:1", "198.51.100.1"}, {"garbage", "x"}, {"10.0.0.1:1", "::ffff:10.0.0.2, 1.2.3.4"}} {
		f.Add(seed[0], seed[1])
	}
	s := &Server{cfg: Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}}}
	f.Fuzz(func(t *testing.T, remote, xff string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = remote
		r.Header["X-Forwarded-For"] = []string{xff}
		got := (&Ctx{R: r, srv: s}).ClientAddr()
		peer := remote
		if h, _, err := net.SplitHostPort(remote); err == nil {
			peer = h
		}
		if got == peer {
			return
		}
		if _, err := netip.ParseAddr(got); err != nil || !strings.Contains(xff, got) {
			t.Fatalf("ClientAddr(%q, %q) = %q", remote, xff, got)
		}
	})
}

// TestRefusesWhatCannotBeStored names the fields that hold what the
// databases cannot store, on the API and in forms.
func TestRefusesWhatCannotBeStored(t *testing.T) {
	var logs bytes.Buffer
	s := testServer(t, &logs,
		Route{Method: "POST", Path: "/api/v1/things", Access: Public, Handle: func(c *Ctx) error {
			var v fuzzThing
			if err := c.DecodeJSON(&v); err != nil {
				return err
			}
			return c.JSON(http.StatusOK, v)
		}},
		Route{Method: "POST", Path: "/things", Access: Public, Handle: func(c *Ctx) error {
			if _, err := c.Form(); err != nil {
				return err
			}
			return c.JSON(http.StatusOK, "ok")
		}},
	)
	post := func(path, ct, body, lang string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", path, strings.NewReader(body))
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Accept-Language", lang)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec
	}
	rec := post("/api/v1/things", "application/json", `{"name":"ok","names":{"en":"a\u0000b"},"tags":["x","\u0000"],"nested":{"text":"\u0000"}}`, "zh-TW")
	var p Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	var fields []string
	for _, f := range p.Errors {
		fields = append(fields, f.Field)
		if !strings.Contains(f.Message, "無法儲存") {
			t.Errorf("message %q", f.Message)
		}
	}
	slices.Sort(fields)
	if !slices.Equal(fields, []string{"names.en", "nested.text", "tags[1]"}) {
		t.Errorf("fields %q", fields)
	}
	for _, body := range []string{"{\"name\":\"\xff\"}", `{"name":"x"} {"name":"y"}`, `{"name":"x"} x`} {
		if rec := post("/api/v1/things", "application/json", body, ""); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "not valid JSON") {
			t.Errorf("%q: %d %s", body, rec.Code, rec.Body)
		}
	}
	if rec := post("/api/v1/things", "application/json", "{\"name\":\"x\"}\n", ""); rec.Code != http.StatusOK {
		t.Errorf("a body with a final newline: %d %s", rec.Code, rec.Body)
	}
	for _, body := range []string{"name=a%00b", "name=%ff", "a%00=x"} {
		rec := post("/things", "application/x-www-form-urlencoded", body, "")
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "cannot be stored") {
			t.Errorf("form %q: %d %.500s", body, rec.Code, rec.Body)
		}
	}
	if rec := post("/things", "application/x-www-form-urlencoded", "name=%E2%80%AE%3Cscript%3E", ""); rec.Code != http.StatusOK {
		t.Errorf("a storable form: %d", rec.Code)
	}
}
