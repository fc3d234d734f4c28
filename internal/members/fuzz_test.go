package members

// Fuzz tests of the members' parsers of outside input, through the
// platform's web server on SQLite and (when there) PostgreSQL: query
// strings of every page and export that reads one, the application form
// and JSON body, every other form, and multipart uploads. Uploaded images
// themselves are FuzzLogo's (logo_test.go); there is no CSV or XLSX
// import, only exports, whose cells internal/tabular's FuzzText checks.
// The seeds run as ordinary tests; go test -fuzz FuzzX ./internal/members
// explores further.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/db/dbtest"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/testenv"
	"github.com/wuzhen/wuzhen/internal/web"
)

// fuzzSite is the members routes on one database, with an applicant (and
// an application), a representative of a member, and a secretariat
// account, each with a session; the applicant also has an API token.
type fuzzSite struct {
	name                   string
	d                      *db.DB
	s                      *Store
	srv                    *web.Server
	applicant, rep, sec    string // session tokens
	token                  string // the applicant's API token
	applicantID            int64
	appID, memberID, repID int64
}

// fuzzSites opens the members routes on SQLite and, when PostgreSQL is
// there (or required), on PostgreSQL.
func fuzzSites(f *testing.F) []*fuzzSite {
	f.Helper()
	urls := map[string]string{"sqlite": "sqlite:" + filepath.Join(f.TempDir(), "fuzz.db")}
	if os.Getenv(testenv.EnvPostgres) != "" || os.Getenv(testenv.EnvRequirePostgres) == "1" {
		urls["postgres"] = testenv.PostgresDSN(f)
	}
	tpl, err := web.ParseTemplates(Templates)
	if err != nil {
		f.Fatal(err)
	}
	var sites []*fuzzSite
	for _, name := range []string{"sqlite", "postgres"} {
		if urls[name] == "" {
			continue
		}
		ctx := context.Background()
		d := dbtest.Open(f, urls[name], sets)
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		users := &auth.Store{DB: d, Log: log, Params: auth.Params{Memory: 1024, Time: 1, Threads: 1}}
		site := &fuzzSite{name: name, d: d, s: &Store{DB: d, BaseURL: "https://wic.example"}}
		signIn := func(email string, roles ...string) (int64, string) {
			u, err := users.Create(ctx, email, strings.Split(email, "@")[0], "a good password", roles...)
			if err != nil {
				f.Fatal(err)
			}
			tok, _, _, err := users.Login(ctx, email, "a good password", "127.0.0.1", "")
			if err != nil {
				f.Fatal(err)
			}
			return u.ID, tok
		}
		site.applicantID, site.applicant = signIn("applicant@example.org")
		site.repID, site.rep = signIn("rep@example.org")
		_, site.sec = signIn("sec@example.org", auth.RoleSecretariat)
		if site.token, err = users.CreateToken(ctx, "applicant@example.org", "fuzz"); err != nil {
			f.Fatal(err)
		}
		a := valid()
		if err := site.s.Save(ctx, &actor.Actor{ID: site.applicantID, Email: "applicant@example.org"}, a, true); err != nil {
			f.Fatal(err)
		}
		site.appID = a.ID
		m := &Member{Kind: Organization, Name: Names{En: "Fuzz Member"}, Group: TechnicalCommunity, Country: "KE"}
		if err := site.s.Add(ctx, &actor.Actor{Email: "setup"}, m); err != nil {
			f.Fatal(err)
		}
		site.memberID = m.ID
		if _, err := d.Exec(ctx, "INSERT INTO member_representatives (member_id, user_id, is_primary, created_at) VALUES (?, ?, ?, ?)",
			m.ID, site.repID, true, d.Now()); err != nil {
			f.Fatal(err)
		}
		site.srv = web.New(web.Config{Logger: log, Identity: users, Policy: auth.Can, BaseURL: "https://wic.example",
			Templates: tpl, Now: d.Now})
		site.srv.Handle((&Handlers{Store: site.s}).Routes()...)
		sites = append(sites, site)
	}
	return sites
}

// do sends a request as session (none when "") and returns the recorder.
func (s *fuzzSite) do(method, target, session, contentType string, body []byte, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, "/", bytes.NewReader(body))
	// The target goes in as the client sent it, unparsed by NewRequest.
	r.URL.Path, r.URL.RawQuery, _ = strings.Cut(target, "?")
	r.RequestURI = target
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	if session != "" {
		r.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: session})
	}
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	s.srv.ServeHTTP(w, r)
	return w
}

// noServerError fails the test on a 5xx answer.
func noServerError(t *testing.T, site *fuzzSite, what string, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code >= 500 {
		t.Fatalf("%s on %s: status %d\n%.600s", what, site.name, rec.Code, rec.Body.String())
	}
}

// FuzzQueryStrings sends any query string to every members page and
// export that reads one: no 5xx; and the parsers themselves keep to
// their ranges.
func FuzzQueryStrings(f *testing.F) {
	for _, seed := range []string{
		"", "q=nairobi&country=KE&continent=AF&stakeholder_group=business&joined=2024&page=2&per_page=10",
		"page=0&per_page=0", "page=-5&per_page=1000", "page=9223372036854775807", "page=4611686018427387904&per_page=100",
		"page=99999999999999999999", "per_page=100&page=92233720368547759", "q=%00", "q=%ff%fe", "q=%25%5F%5C",
		"country=%00&continent=%ff&stakeholder_group=%00", "joined=-1", "joined=99999999999", "standing=lapsed&ending=soon&q=x",
		"standing=%00", "status=%ff&country=ke", "id=1", "id=-1", "id=abc", "id=99999999999999999999", "lang=zh-Hant&q=数字",
		"q=" + strings.Repeat("长", 3000), "q=<script>alert(1)</script>", "q=%E2%80%AE", "a=%zz&q=x", ";;&&==",
	} {
		f.Add(seed)
	}
	sites := fuzzSites(f)
	f.Fuzz(func(t *testing.T, query string) {
		q, _ := url.ParseQuery(query)
		page, per := paging(q, 24)
		if page < 1 || per < 1 || per > 100 {
			t.Fatalf("paging(%q) = %d, %d", query, page, per)
		}
		fl := exportFilterOf(q)
		if _, ok := geo.Lookup(fl.Country); fl.Country != "" && !ok {
			t.Fatalf("filter country %q", fl.Country)
		}
		if fl.Group != "" && !ValidGroup(fl.Group) || fl.Standing != "" && !validStanding(fl.Standing) {
			t.Fatalf("filter %+v", fl)
		}
		for _, site := range sites {
			for _, target := range []struct{ path, session string }{
				{"/members", ""}, {"/members", site.sec}, {"/api/v1/members", ""},
				{"/admin/applications", site.sec}, {"/admin/members", site.sec},
				{"/admin/members/export.csv", site.sec}, {"/members/apply", site.applicant},
				{fmt.Sprintf("/members/manage/%d", site.memberID), site.rep},
				{fmt.Sprintf("/members/manage/%d/edit", site.memberID), site.rep},
				{"/members/invitations/accept", ""},
			} {
				rec := site.do("GET", target.path+"?"+query, target.session, "", nil)
				noServerError(t, site, "GET "+target.path+"?"+query, rec)
			}
		}
	})
}

// applicationFields are the application form's text fields, each stored
// as sent but for the spaces around it.
var applicationFields = map[string]func(a *Application) string{
	"name_en":      func(a *Application) string { return a.Name.En },
	"name_zh_hans": func(a *Application) string { return a.Name.Hans },
	"name_zh_hant": func(a *Application) string { return a.Name.Hant },
	"acronym":      func(a *Application) string { return a.Acronym },
	"description":  func(a *Application) string { return a.Description },
	"contact_name": func(a *Application) string { return a.ContactName },
	"motivation":   func(a *Application) string { return a.Motivation },
}

// FuzzApplicationForm posts any body to the application form: it is
// refused with a 4xx, or saved with every text field whole.
func FuzzApplicationForm(f *testing.F) {
	good := url.Values{"kind": {"organization"}, "name_en": {"Fuzz Org"}, "stakeholder_group": {"business"}, "country": {"KE"},
		"contact_email": {"a@example.org"}, "motivation": {"Because."}, "charter": {"yes"}, "action": {"submit"}}
	with := func(k, v string) string {
		c := url.Values{}
		for kk, vv := range good {
			c[kk] = vv
		}
		c.Set(k, v)
		return c.Encode()
	}
	for _, seed := range []string{
		good.Encode(), "", "action=save", "kind=individual&name_en=x", with("name_en", strings.Repeat("x", 200)),
		with("name_en", strings.Repeat("x", 201)), with("description", strings.Repeat("长", 5001)),
		with("name_en", "\"><script>alert(1)</script>"), with("website", "javascript:alert(1)"),
		with("name_zh_hans", "\u202eevil\u202c"), with("motivation", "a\x00b"), with("motivation", "\xff"),
		with("id", "-1"), with("id", "1"), with("id", "99999999999999999999"), with("country", "\x00"),
		with("contact_email", "a@b@c"), with("acronym", strings.Repeat("A", 21)), "%", "name_en=%zz",
		with("name_en", "  spaced  "), with("description", "line\r\nbreak\ttab"),
	} {
		f.Add([]byte(seed))
	}
	sites := fuzzSites(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, site := range sites {
			rec := site.do("POST", "/members/apply", site.applicant, "application/x-www-form-urlencoded", body)
			noServerError(t, site, fmt.Sprintf("POST /members/apply %q", body), rec)
			if rec.Code != http.StatusSeeOther {
				if rec.Code < 400 {
					t.Fatalf("status %d", rec.Code)
				}
				continue
			}
			var id int64
			if _, err := fmt.Sscanf(rec.Header().Get("Location"), "/members/applications/%d", &id); err != nil {
				t.Fatalf("redirect to %q", rec.Header().Get("Location"))
			}
			a, err := site.s.application(context.Background(), site.d, id, "")
			if err != nil {
				t.Fatal(err)
			}
			sent, _ := url.ParseQuery(string(body))
			for name, got := range applicationFields {
				if want := strings.TrimSpace(sent.Get(name)); got(a) != want {
					t.Fatalf("%s on %s: %s stored as %q, sent %q", site.name, body, name, got(a), want)
				}
			}
		}
	})
}

// FuzzApplicationJSON posts any body to the API: it is refused with a
// problem (4xx), or saved with every text field whole.
func FuzzApplicationJSON(f *testing.F) {
	for _, seed := range []string{
		`{"name":{"en":"Fuzz Org"},"stakeholder_group":"business","country":"KE","contact_email":"a@example.org","motivation":"m"}`,
		`{"name":{"en":"Fuzz Org"},"submit":false}`, `{}`, `null`, `[]`, `{"kind":1}`, `{"name":"x"}`, `{"name":{"fr":"x"}}`,
		`{"name":{"en":"a\u0000b"},"submit":false}`, `{"name":{"en":"\ud800"},"submit":false}`, "{\"motivation\":\"\xff\"}",
		`{"name":{"en":"x"},"submit":false} {"x":1}`, `{"description":"` + strings.Repeat("长", 5001) + `","submit":false}`,
		`{"name":{"en":"<img src=x onerror=alert(1)>"},"website":"javascript:alert(1)","submit":false}`,
		`{"charter_agreed":"yes"}`, `{"submit":null}`,
	} {
		f.Add([]byte(seed))
	}
	sites := fuzzSites(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, site := range sites {
			rec := site.do("POST", "/api/v1/membership-applications", "", "application/json", body, "Authorization", "Bearer "+site.token)
			noServerError(t, site, fmt.Sprintf("POST /api/v1/membership-applications %q", body), rec)
			if rec.Code != http.StatusCreated {
				if rec.Code < 400 || rec.Header().Get("Content-Type") != "application/problem+json" {
					t.Fatalf("status %d, %q", rec.Code, rec.Header().Get("Content-Type"))
				}
				continue
			}
			var out struct{ ID int64 }
			if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
				t.Fatal(err)
			}
			a, err := site.s.application(context.Background(), site.d, out.ID, "")
			if err != nil {
				t.Fatal(err)
			}
			var sent applicationRequest
			if err := json.Unmarshal(body, &sent); err != nil || !utf8.Valid(body) {
				t.Fatalf("accepted %q: %v", body, err)
			}
			for name, pair := range map[string][2]string{
				"name.en": {a.Name.En, sent.Name.En}, "name.zh-Hans": {a.Name.Hans, sent.Name.Hans}, "name.zh-Hant": {a.Name.Hant, sent.Name.Hant},
				"acronym": {a.Acronym, sent.Acronym}, "description": {a.Description, sent.Description},
				"contact_name": {a.ContactName, sent.ContactName}, "motivation": {a.Motivation, sent.Motivation},
			} {
				if pair[0] != strings.TrimSpace(pair[1]) {
					t.Fatalf("%s on %s: %s stored as %q, sent %q", site.name, body, name, pair[0], pair[1])
				}
			}
		}
	})
}

// FuzzForms posts any body to every other members form, each as a person
// allowed to use it: no 5xx.
func FuzzForms(f *testing.F) {
	for _, seed := range []string{
		"", "body=A+comment", "body=%00", "body=" + strings.Repeat("x", 10001), "decision=approve", "decision=reject&reason=No",
		"decision=%ff", "decision=request_info&reason=<script>", "name_en=New+Name&description_en=x", "name_en=",
		"name_en=%00", "website=javascript:alert(1)&name_en=x", "email=new@example.org", "email=%00@x", "email=" + strings.Repeat("a", 500),
		"action=suspend&reason=x", "action=renew&term_ends_on=2031-01-01", "action=%ff", "token=abc", "token=%00", "%", "a=%zz",
	} {
		f.Add([]byte(seed))
	}
	sites := fuzzSites(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, site := range sites {
			for _, target := range []struct{ path, session string }{
				{fmt.Sprintf("/admin/applications/%d/comments", site.appID), site.sec},
				{fmt.Sprintf("/admin/applications/%d/decision", site.appID), site.sec},
				{fmt.Sprintf("/members/manage/%d/edit", site.memberID), site.rep},
				{fmt.Sprintf("/members/manage/%d/representatives/invite", site.memberID), site.rep},
				{fmt.Sprintf("/members/manage/%d/representatives/%d/primary", site.memberID, site.repID), site.rep},
				{fmt.Sprintf("/admin/members/%d/standing", site.memberID), site.sec},
				{"/members/invitations/accept", site.applicant},
			} {
				rec := site.do("POST", target.path, target.session, "application/x-www-form-urlencoded", body)
				noServerError(t, site, fmt.Sprintf("POST %s %q", target.path, body), rec)
			}
			rec := site.do("POST", fmt.Sprintf("/api/v1/membership-applications/%d/decision", site.appID), "", "application/json", body,
				"Authorization", "Bearer "+site.token)
			noServerError(t, site, fmt.Sprintf("POST decision API %q", body), rec)
		}
	})
}

// FuzzUpload sends any body, under any multipart boundary, to the logo
// upload: no 5xx.
func FuzzUpload(f *testing.F) {
	part := func(name, content string) string {
		return "--B\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"x.png\"\r\nContent-Type: image/png\r\n\r\n" + content + "\r\n--B--\r\n"
	}
	for _, seed := range []struct{ body, boundary string }{
		{part("logo", string(pngOf(f, testImage(9, 7)))), "B"}, {part("logo", ""), "B"}, {part("other", "x"), "B"},
		{part("logo", "GIF89a"), "B"}, {"--B\r\n\r\n--B--", "B"}, {"", "B"}, {part("logo", "x"), ""}, {part("logo", "x"), "\x00"},
		{"--B\r\nContent-Disposition: form-data; name=\"logo\"\r\n\r\n" + strings.Repeat("x", 100), "B"},
		{part("logo", string(pngBomb(20000, 20000))), "B"},
	} {
		f.Add([]byte(seed.body), seed.boundary)
	}
	sites := fuzzSites(f)
	f.Fuzz(func(t *testing.T, body []byte, boundary string) {
		for _, site := range sites {
			// A draft of its own, so that the upload is allowed.
			a := &Application{Kind: Organization, Name: Names{En: "Draft"}}
			if err := site.s.Save(context.Background(), &actor.Actor{ID: site.applicantID, Email: "applicant@example.org"}, a, false); err != nil {
				t.Fatal(err)
			}
			rec := site.do("POST", fmt.Sprintf("/members/applications/%d/logo", a.ID), site.applicant,
				"multipart/form-data; boundary="+boundary, body)
			noServerError(t, site, fmt.Sprintf("upload %q", body), rec)
		}
	})
}
