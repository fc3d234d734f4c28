package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/config"
	"github.com/wuzhen/wuzhen/internal/mail"
	"github.com/wuzhen/wuzhen/internal/testenv"
)

// testApp is the whole application, wired as serve wires it, behind a
// loopback test server.
type testApp struct {
	*app
	ts *httptest.Server
}

// cheap keeps argon2id but at a cost that suits tests under -race.
var cheap = auth.Params{Memory: 1024, Time: 1, Threads: 1}

// eachApp runs fn against the application on SQLite and on PostgreSQL.
func eachApp(t *testing.T, fn func(t *testing.T, a *testApp)) {
	t.Run("sqlite", func(t *testing.T) {
		fn(t, startApp(t, "sqlite:"+filepath.Join(t.TempDir(), "wuzhen.db")))
	})
	t.Run("postgres", func(t *testing.T) {
		fn(t, startApp(t, testenv.PostgresDSN(t)))
	})
}

func startApp(t *testing.T, dbURL string) *testApp {
	t.Helper()
	cfg := &config.Config{Data: t.TempDir(), DB: dbURL, Addr: "127.0.0.1:0"}
	if err := cfg.Resolve(); err != nil {
		t.Fatal(err)
	}
	a, err := open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.close)
	a.log = slog.New(slog.NewTextHandler(io.Discard, nil)) // the tests read answers, not logs
	a.users.Log = a.log
	a.users.Params = cheap
	srv, err := a.handler()
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	a.users.BaseURL = ts.URL
	return &testApp{app: a, ts: ts}
}

// browser is an HTTP client with its own cookies that does not follow
// redirects, so that tests see them.
type browser struct {
	t    *testing.T
	a    *testApp
	c    *http.Client
	lang string // Accept-Language
}

func (a *testApp) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, a: a, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

type response struct {
	*http.Response
	body string
}

func (b *browser) do(method, path string, form url.Values, header ...string) response {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.a.ts.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return response{res, string(data)}
}

func (b *browser) get(path string, header ...string) response {
	return b.do("GET", path, nil, header...)
}
func (b *browser) post(path string, form url.Values, header ...string) response {
	return b.do("POST", path, form, header...)
}

func (r response) expect(t *testing.T, status int, contains ...string) {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d\n%.2000s", r.Request.Method, r.Request.URL.Path, r.StatusCode, status, r.body)
	}
	for _, s := range contains {
		if !strings.Contains(r.body, s) {
			t.Fatalf("%s %s: body lacks %q\n%.3000s", r.Request.Method, r.Request.URL.Path, s, r.body)
		}
	}
}

var linkRE = regexp.MustCompile(`https?://[^/\s]+(/[a-z/]+\?token=[A-Za-z0-9_-]+)`)

// mailLink returns the path of the newest link mailed to addr.
func (a *testApp) mailLink(t *testing.T, addr string) string {
	t.Helper()
	msgs, _, err := mail.List(context.Background(), a.db, 50, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.To == addr {
			if l := linkRE.FindStringSubmatch(m.Text); l != nil {
				return l[1]
			}
		}
	}
	t.Fatalf("no mail with a link to %s", addr)
	return ""
}

func (a *testApp) staff(t *testing.T, email, role string) *browser {
	t.Helper()
	if _, err := a.users.Create(context.Background(), email, "Staff "+role, "staff-password-1", role); err != nil {
		t.Fatal(err)
	}
	b := a.browser(t)
	b.post("/login", url.Values{"email": {email}, "password": {"staff-password-1"}}).expect(t, http.StatusSeeOther)
	return b
}

func TestAccounts(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		b := a.browser(t)
		const email = "amina.otieno@example.org"
		t.Run("sign-up keeps the form and says what is wrong at the field, in the reader's language", func(t *testing.T) {
			b.lang = "zh-CN"
			r := b.post("/signup", url.Values{"name": {"Amina Otieno"}, "email": {"not-an-address"}, "password": {"short"}})
			r.expect(t, http.StatusUnprocessableEntity, `lang="zh-Hans"`, "请输入有效的电子邮箱地址", "密码至少需要 10 个字符", `value="Amina Otieno"`, `value="not-an-address"`)
			if strings.Contains(r.body, `value="short"`) {
				t.Error("the password was echoed back")
			}
			b.lang = ""
		})
		t.Run("sign-up mails a verification link", func(t *testing.T) {
			b.post("/signup", url.Values{"name": {"Amina Otieno"}, "email": {"Amina.Otieno@Example.org"}, "password": {"correct horse battery"}}).
				expect(t, http.StatusOK, email)
			// A taken address answers the same, and its holder gets a note.
			b.post("/signup", url.Values{"name": {"Again"}, "email": {email}, "password": {"correct horse battery"}}).
				expect(t, http.StatusOK, email)
		})
		t.Run("sign-in waits for verification", func(t *testing.T) {
			b.post("/login", url.Values{"email": {email}, "password": {"correct horse battery"}}).
				expect(t, http.StatusForbidden, "confirm your email address first")
		})
		link := a.mailLink(t, email)
		t.Run("the link verifies once", func(t *testing.T) {
			token := strings.SplitN(link, "token=", 2)[1]
			b.get(link).expect(t, http.StatusOK, `name="token" value="`+token+`"`)
			b.post("/verify", url.Values{"token": {token}}).expect(t, http.StatusOK, "Email address confirmed")
			b.post("/verify", url.Values{"token": {token}}).expect(t, http.StatusUnprocessableEntity, "invalid, already used or expired")
		})
		t.Run("sign in, see who, no admin, sign out", func(t *testing.T) {
			b.post("/login", url.Values{"email": {email}, "password": {"wrong password!"}}).
				expect(t, http.StatusUnauthorized, "wrong", `value="amina.otieno@example.org"`)
			r := b.post("/login", url.Values{"email": {email}, "password": {"correct horse battery"}, "next": {"/about"}})
			r.expect(t, http.StatusSeeOther)
			if loc := r.Header.Get("Location"); loc != "/about" {
				t.Errorf("redirect to %q, want /about", loc)
			}
			b.get("/").expect(t, http.StatusOK, "Amina Otieno", "Sign out")
			b.get("/admin").expect(t, http.StatusForbidden)
			b.get("/admin/outbox").expect(t, http.StatusForbidden)
			b.post("/logout", url.Values{}).expect(t, http.StatusSeeOther)
			r = b.get("/")
			r.expect(t, http.StatusOK, "Sign in")
			if strings.Contains(r.body, "Amina Otieno") {
				t.Error("still signed in after sign-out")
			}
			b.get("/admin").expect(t, http.StatusSeeOther)
		})
		t.Run("sign-in does not leave the site", func(t *testing.T) {
			r := b.post("/login", url.Values{"email": {email}, "password": {"correct horse battery"}, "next": {"//evil.example/x"}})
			r.expect(t, http.StatusSeeOther)
			if loc := r.Header.Get("Location"); loc != "/" {
				t.Errorf("redirect to %q, want /", loc)
			}
			b.post("/logout", url.Values{}).expect(t, http.StatusSeeOther)
		})
		t.Run("password reset", func(t *testing.T) {
			b.post("/password/reset", url.Values{"email": {"nobody@example.org"}}).expect(t, http.StatusOK, "If an account exists")
			b.post("/password/reset", url.Values{"email": {email}}).expect(t, http.StatusOK, "If an account exists")
			link := a.mailLink(t, email)
			if !strings.HasPrefix(link, "/password/reset/confirm?token=") {
				t.Fatalf("reset link %q", link)
			}
			token := strings.SplitN(link, "token=", 2)[1]
			b.get(link).expect(t, http.StatusOK, token)
			b.post("/password/reset/confirm", url.Values{"token": {token}, "password": {"short"}}).
				expect(t, http.StatusUnprocessableEntity, "at least 10 characters")
			b.post("/password/reset/confirm", url.Values{"token": {token}, "password": {"a brand new password"}}).
				expect(t, http.StatusOK, "Password changed")
			b.post("/password/reset/confirm", url.Values{"token": {token}, "password": {"another new password"}}).
				expect(t, http.StatusUnprocessableEntity)
			b.post("/login", url.Values{"email": {email}, "password": {"correct horse battery"}}).expect(t, http.StatusUnauthorized)
			b.post("/login", url.Values{"email": {email}, "password": {"a brand new password"}}).expect(t, http.StatusSeeOther)
		})
		t.Run("staff read the outbox", func(t *testing.T) {
			s := a.staff(t, "sec@example.org", auth.RoleSecretariat)
			s.get("/admin").expect(t, http.StatusOK, "Administration")
			s.get("/admin/outbox").expect(t, http.StatusOK, email, "Confirm your email address")
			s.get("/admin/audit").expect(t, http.StatusForbidden)
			// Sign-in links are for administrators only.
			msgs, _, err := mail.List(context.Background(), a.db, 1, 0)
			if err != nil {
				t.Fatal(err)
			}
			r := s.get(fmt.Sprintf("/admin/outbox/%d", msgs[0].ID))
			r.expect(t, http.StatusOK, "link hidden")
			if strings.Contains(r.body, "token=") {
				t.Error("the secretariat sees a sign-in link")
			}
			ad := a.staff(t, "admin@example.org", auth.RoleAdmin)
			ad.get(fmt.Sprintf("/admin/outbox/%d", msgs[0].ID)).expect(t, http.StatusOK, "token=")
			ad.get("/admin/audit").expect(t, http.StatusOK, "user.signup", "user.verify", "user.password_reset")
		})
	})
}

func TestLoginRateLimit(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		if _, err := a.users.Create(context.Background(), "lee@example.org", "Lee", "the right password"); err != nil {
			t.Fatal(err)
		}
		b := a.browser(t)
		for i := 0; i < auth.LimitPerAccount; i++ {
			b.post("/login", url.Values{"email": {"lee@example.org"}, "password": {"a wrong password"}}).expect(t, http.StatusUnauthorized)
		}
		b.post("/login", url.Values{"email": {"lee@example.org"}, "password": {"the right password"}}).
			expect(t, http.StatusTooManyRequests, "Too many failed sign-in attempts")
	})
}

func TestSecurityHeadersAndCrossOrigin(t *testing.T) {
	a := startApp(t, "sqlite:"+filepath.Join(t.TempDir(), "w.db"))
	b := a.browser(t)
	for _, path := range []string{"/", "/login", "/healthz", "/api/v1/me", "/no/such/page"} {
		r := b.get(path)
		csp := r.Header.Get("Content-Security-Policy")
		if csp == "" || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		if r.Header.Get("X-Content-Type-Options") != "nosniff" || r.Header.Get("Referrer-Policy") == "" {
			t.Errorf("%s: headers %v", path, r.Header)
		}
		if r.Header.Get("X-Request-ID") == "" {
			t.Errorf("%s: no request ID", path)
		}
	}
	b.get("/no/such/page").expect(t, http.StatusNotFound)
	r := b.post("/login", url.Values{"email": {"x@example.org"}, "password": {"whatever-long"}}, "Origin", "https://evil.example")
	r.expect(t, http.StatusForbidden)
	r = b.post("/login", url.Values{"email": {"x@example.org"}, "password": {"whatever-long"}}, "Sec-Fetch-Site", "cross-site")
	r.expect(t, http.StatusForbidden)
	b.post("/login", url.Values{"email": {"x@example.org"}, "password": {"whatever-long"}}, "Origin", a.ts.URL).
		expect(t, http.StatusUnauthorized)
}

func TestLanguage(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		for accept, want := range map[string][]string{
			"":                        {`<html lang="en">`, "Members", "Sign in"},
			"zh-TW,zh;q=0.9":          {`<html lang="zh-Hant">`, "會員", "登入", "關於我們"},
			"zh-HK":                   {`<html lang="zh-Hant">`, "會員"},
			"zh-CN":                   {`<html lang="zh-Hans">`, "会员", "登录", "关于我们"},
			"zh-SG":                   {`<html lang="zh-Hans">`, "会员"},
			"fr-FR,fr;q=0.9,de;q=0.8": {`<html lang="en">`, "Members"},
		} {
			b := a.browser(t)
			b.lang = accept
			b.get("/").expect(t, http.StatusOK, want...)
		}
		b := a.browser(t)
		b.get("/?lang=zh-Hant").expect(t, http.StatusOK, `<html lang="zh-Hant">`, "培訓")
		b.get("/about").expect(t, http.StatusOK, `<html lang="zh-Hant">`) // the cookie remembers
		b.lang = "en"
		b.get("/").expect(t, http.StatusOK, `<html lang="zh-Hant">`) // the choice beats the header

		// A signed-in person's choice is stored on the account and follows
		// them to another browser.
		if _, err := a.users.Create(context.Background(), "wang@example.org", "王芳", "the right password"); err != nil {
			t.Fatal(err)
		}
		b1 := a.browser(t)
		b1.post("/login", url.Values{"email": {"wang@example.org"}, "password": {"the right password"}}).expect(t, http.StatusSeeOther)
		b1.get("/?lang=zh-Hans").expect(t, http.StatusOK, `lang="zh-Hans"`)
		b2 := a.browser(t)
		b2.post("/login", url.Values{"email": {"wang@example.org"}, "password": {"the right password"}}).expect(t, http.StatusSeeOther)
		b2.get("/").expect(t, http.StatusOK, `<html lang="zh-Hans">`, "王芳")
	})
}

func TestAPIMe(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		ctx := context.Background()
		if _, err := a.users.Create(ctx, "ops@example.org", "Ops", "", auth.RoleSecretariat); err != nil {
			t.Fatal(err)
		}
		tok, err := a.users.CreateToken(ctx, "ops@example.org", "script")
		if err != nil {
			t.Fatal(err)
		}
		b := a.browser(t)
		for _, h := range [][]string{nil, {"Authorization", "Bearer wz_not-a-token"}, {"Authorization", "Basic abc"}} {
			r := b.get("/api/v1/me", h...)
			r.expect(t, http.StatusUnauthorized)
			if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type %q", ct)
			}
			var p struct {
				Status int    `json:"status"`
				Title  string `json:"title"`
			}
			if err := json.Unmarshal([]byte(r.body), &p); err != nil || p.Status != 401 || p.Title == "" {
				t.Errorf("problem %s (%v)", r.body, err)
			}
		}
		r := b.get("/api/v1/me", "Authorization", "Bearer "+tok)
		r.expect(t, http.StatusOK)
		var me auth.Me
		if err := json.Unmarshal([]byte(r.body), &me); err != nil {
			t.Fatal(err)
		}
		if me.Email != "ops@example.org" || me.Name != "Ops" || len(me.Roles) != 1 || me.Roles[0] != "secretariat" || me.Locale != "en" {
			t.Errorf("me = %+v", me)
		}
		// A session cookie does not authenticate the API.
		s := a.staff(t, "staff2@example.org", auth.RoleAdmin)
		s.get("/api/v1/me").expect(t, http.StatusUnauthorized)
	})
}

func TestProbes(t *testing.T) {
	a := startApp(t, "sqlite:"+filepath.Join(t.TempDir(), "w.db"))
	b := a.browser(t)
	b.get("/healthz").expect(t, http.StatusOK)
	b.get("/readyz").expect(t, http.StatusOK)
	b.get("/").expect(t, http.StatusOK)
	b.get("/metrics").expect(t, http.StatusUnauthorized) // TestMetricsNeedAnAdmin
	a.db.Close()
	b.get("/readyz").expect(t, http.StatusServiceUnavailable)
	b.get("/healthz").expect(t, http.StatusOK)
}
