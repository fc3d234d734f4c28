package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestErrorPages: every 404 (an unknown path too), 403, 405 and 500 of a
// page is the site's own page in the reader's language with the way back
// (home, search); the API answers the same statuses with problem details.
func TestErrorPages(t *testing.T) {
	var logs bytes.Buffer
	ok := func(c *Ctx) error { return c.JSON(200, "ok") }
	s := testServer(t, &logs,
		Route{Method: "GET", Path: "/things", Access: Public, Handle: ok},
		Route{Method: "GET", Path: "/things/{id}", Access: Public, Handle: func(c *Ctx) error { return NotFound() }},
		Route{Method: "GET", Path: "/staff", Access: Perm("x.y"), Handle: ok},
		Route{Method: "GET", Path: "/broken", Access: Public, Handle: func(c *Ctx) error { return errors.New("disk on fire") }},
		Route{Method: "GET", Path: "/api/v1/things", Access: Public, Handle: ok},
		Route{Method: "GET", Path: "/api/v1/broken", Access: Public, Handle: func(c *Ctx) error { return errors.New("disk on fire") }},
		Route{Method: "GET", Path: "/api/v1/staff", Access: Perm("x.y"), Handle: ok},
	)
	s.cfg.Identity = someone{}
	for _, tc := range []struct {
		method, path, lang string
		status             int
		want               string
	}{
		{"GET", "/no/such/page", "en", 404, "This page does not exist."},
		{"GET", "/no/such/page", "zh-CN", 404, "该页面不存在"},
		{"GET", "/things/7", "zh-TW", 404, "首頁"},
		{"DELETE", "/things", "zh-TW", 405, "此網址不接受這種請求"},
		{"GET", "/staff", "en", 403, "You do not have permission"},
		{"GET", "/broken", "zh-CN", 500, "我们这边出了问题"},
		{"GET", "/api/v1/nothing", "en", 404, ""},
		{"POST", "/api/v1/things", "en", 405, ""},
		{"GET", "/api/v1/staff", "en", 403, ""},
		{"GET", "/api/v1/broken", "en", 500, ""},
	} {
		req := httptest.NewRequest(tc.method, tc.path, nil)
		req.Header.Set("Accept-Language", tc.lang)
		req.Header.Set("Authorization", "Bearer t")
		req.AddCookie(&http.Cookie{Name: SessionCookie, Value: "s"})
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		body := rec.Body.String()
		if rec.Code != tc.status {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.path, rec.Code, tc.status)
			continue
		}
		if strings.Contains(body, "disk on fire") {
			t.Errorf("%s: the internal error leaked", tc.path)
		}
		if tc.status == 405 && rec.Header().Get("Allow") == "" {
			t.Errorf("%s %s: no Allow header", tc.method, tc.path)
		}
		if strings.HasPrefix(tc.path, "/api/") {
			var p Problem
			if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("%s %s: Content-Type %q", tc.method, tc.path, ct)
			} else if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Status != tc.status || p.Title == "" {
				t.Errorf("%s %s: problem %s (%v)", tc.method, tc.path, body, err)
			}
			continue
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("%s %s: Content-Type %q, want the site's page", tc.method, tc.path, ct)
		}
		for _, want := range []string{tc.want, `<header class="site-header">`, `<a href="/">`, `action="/search"`} {
			if !strings.Contains(body, want) {
				t.Errorf("%s %s (%s): page lacks %q:\n%s", tc.method, tc.path, tc.lang, want, body)
			}
		}
	}
	// A signed-in person sees themselves in the header of a 404 too.
	req := httptest.NewRequest("GET", "/nowhere", nil)
	req.AddCookie(&http.Cookie{Name: SessionCookie, Value: "s"})
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if !strings.Contains(rec.Body.String(), "Ada Signed-In") {
		t.Errorf("404 for a signed-in person does not show them in the header")
	}
	// A cross-site form post is refused with the site's page.
	req = httptest.NewRequest("POST", "/things", nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Accept-Language", "zh-TW")
	rec = httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != 403 || !strings.Contains(rec.Body.String(), "返回首頁") {
		t.Errorf("cross-site POST: %d %s", rec.Code, rec.Body.String())
	}
}

// someone is an Identity for which every session and token is one
// signed-in person without roles.
type someone struct{ nobody }

func (someone) Session(context.Context, string) (*Principal, error) {
	return &Principal{ID: 1, Name: "Ada Signed-In"}, nil
}
func (someone) Bearer(context.Context, string) (*Principal, error) {
	return &Principal{ID: 1, Name: "Ada Signed-In"}, nil
}
