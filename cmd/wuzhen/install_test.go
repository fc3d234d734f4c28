package main

import (
	"context"
	"encoding/json"
	"image/png"
	"path/filepath"

	"github.com/chromedp/chromedp"

	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/site"
	"github.com/wuzhen/wuzhen/internal/testenv"
)

// remote sends a request to the app as if from another machine (or, with
// a loopback remote and headers, through a proxy on this one), straight
// into the handler, since the test server is on loopback.
func (a *testApp) remote(t *testing.T, method, path, remoteAddr string, form url.Values, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req := httptest.NewRequest(method, path, body)
	req.RemoteAddr = remoteAddr
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	a.web.ServeHTTP(rec, req)
	return rec
}

// setupForm is a complete first-run form.
func setupForm() url.Values {
	return url.Values{
		"name.en": {"Global Internet Forum"}, "name.zh-Hans": {"全球互联网论坛"}, "name.zh-Hant": {"全球網際網路論壇"},
		"short_name": {"GIF"}, "default_language": {"en"}, "time_zone": {"Asia/Shanghai"},
		"contact_email": {"Secretariat@Forum.example.org"}, "site_url": {"https://forum.example.org/"},
		"admin_name": {"Ada Admin"}, "admin_email": {"ada@forum.example.org"}, "password": {"first-admin-password"},
	}
}

// TestFirstRunSetup: an empty install serves /setup to this machine and
// to whoever has the code from the log, and 404 to anyone else; the form
// makes the administrator and the organisation, signs in and goes to the
// settings; after that /setup is 404 for everyone, code or not.
func TestFirstRunSetup(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		const far = "203.0.113.9:41000"
		local := a.browser(t)
		// Another machine first: the page it gets is not the one this
		// machine gets, nor kept for it.
		for range 2 {
			if r := a.remote(t, "GET", "/", far, nil); r.Code != 200 || strings.Contains(r.Body.String(), `href="/setup"`) {
				t.Errorf("the home page points elsewhere to /setup: %d", r.Code)
			}
		}
		local.get("/").expect(t, http.StatusOK, `href="/setup"`)
		local.get("/setup").expect(t, http.StatusOK, `name="admin_email"`, `name="name.zh-Hant"`)
		if a.setupCode == "" {
			t.Fatal("no setup code")
		}
		for _, tc := range []struct {
			path, remote string
			header       []string
			want         int
		}{
			{"/setup", far, nil, 404},
			{"/setup?code=WRONGCODE", far, nil, 404},
			{"/setup?code=" + a.setupCode, far, nil, 200},
			{"/setup?code=" + strings.ToLower(a.setupCode), far, nil, 404},
			{"/setup", "[::1]:5000", nil, 200},
			// A proxy on this machine that the server does not trust passes on someone else.
			{"/setup", "127.0.0.1:5000", []string{"X-Forwarded-For", "198.51.100.7"}, 404},
			{"/setup", "127.0.0.1:5000", []string{"Forwarded", "for=198.51.100.7"}, 404},
		} {
			if r := a.remote(t, "GET", tc.path, tc.remote, nil, tc.header...); r.Code != tc.want {
				t.Errorf("GET %s from %s %v: %d, want %d", tc.path, tc.remote, tc.header, r.Code, tc.want)
			} else if tc.want == 404 && !strings.Contains(r.Body.String(), `action="/search"`) {
				t.Errorf("GET %s from %s: not the site's 404 page", tc.path, tc.remote)
			}
		}
		// From elsewhere without the code, the form does nothing.
		if r := a.remote(t, "POST", "/setup", far, setupForm()); r.Code != 404 {
			t.Fatalf("POST from elsewhere: %d", r.Code)
		}
		if n, _ := a.users.Count(context.Background()); n != 0 {
			t.Fatal("a refused setup made an account")
		}
		// Fields that cannot be stored come back at their fields.
		bad := setupForm()
		bad.Set("name.en", "")
		bad.Set("name.zh-Hans", "")
		bad.Set("name.zh-Hant", "")
		bad.Set("time_zone", "Mars/Olympus")
		bad.Set("site_url", "forum.example.org")
		local.post("/setup", bad).expect(t, http.StatusUnprocessableEntity, `id="e-name.en"`, `id="e-time_zone"`, `id="e-site_url"`)
		bad = setupForm()
		bad.Set("password", "short")
		local.post("/setup", bad).expect(t, http.StatusUnprocessableEntity, `id="e-password"`, "Global Internet Forum")
		if n, _ := a.users.Count(context.Background()); n != 0 {
			t.Fatal("a refused setup made an account")
		}

		// With the code, from elsewhere: done.
		remoteForm := setupForm()
		remoteForm.Set("code", a.setupCode)
		r := a.remote(t, "POST", "/setup", far, remoteForm)
		if r.Code != http.StatusSeeOther || r.Header().Get("Location") != "/admin/settings?welcome=1" {
			t.Fatalf("setup: %d %s %s", r.Code, r.Header().Get("Location"), r.Body.String())
		}
		var session string
		for _, c := range r.Result().Cookies() {
			if c.Name == "wz_session" {
				session = c.Value
			}
		}
		if session == "" {
			t.Fatal("setup did not sign the administrator in")
		}
		page := a.remote(t, "GET", "/admin/settings?welcome=1", far, nil, "Cookie", "wz_session="+session)
		if page.Code != 200 || !strings.Contains(page.Body.String(), "Global Internet Forum") || !strings.Contains(page.Body.String(), "secretariat@forum.example.org") {
			t.Fatalf("settings after setup: %d\n%.2000s", page.Code, page.Body.String())
		}
		u, err := a.users.ByEmail(context.Background(), "ada@forum.example.org")
		if err != nil || !u.Verified || len(u.Roles) != 1 || u.Roles[0] != auth.RoleAdmin {
			t.Fatalf("the first administrator: %+v %v", u, err)
		}
		entries, _, err := audit.List(context.Background(), a.db, 50, 0)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range entries {
			found = found || e.Action == "site.setup" && e.ActorID == u.ID
		}
		if !found {
			t.Error("setup is not in the audit log")
		}
		local.get("/").expect(t, http.StatusOK, "Global Internet Forum")
		if strings.Contains(local.get("/").body, `href="/setup"`) {
			t.Error("the home page still points to /setup")
		}
		// Gone for good: from here, with the code, and the form.
		local.get("/setup").expect(t, http.StatusNotFound)
		if r := a.remote(t, "GET", "/setup?code="+a.setupCode, far, nil); r.Code != 404 {
			t.Errorf("with the code after setup: %d", r.Code)
		}
		again := setupForm()
		again.Set("admin_email", "eve@example.org")
		local.post("/setup", again).expect(t, http.StatusNotFound)
		if n, _ := a.users.Count(context.Background()); n != 1 {
			t.Errorf("%d accounts after setup, want 1", n)
		}
	})
}

// TestSetupNotOfferedWithAccounts: a stranger who signs up on a new
// install does not take the setup page from the operator; an install whose
// first administrator came from the command line has no setup page.
func TestSetupNotOfferedWithAccounts(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		a.browser(t).post("/signup", url.Values{"name": {"Early Bird"}, "email": {"early@example.org"}, "password": {"a long enough password"}}).
			expect(t, http.StatusOK)
		a.browser(t).get("/setup").expect(t, http.StatusOK)
		if _, err := a.users.Create(context.Background(), "op@example.org", "Operator", "", auth.RoleAdmin); err != nil {
			t.Fatal(err)
		}
		a.browser(t).get("/setup").expect(t, http.StatusNotFound)
	})
}

// settingsJSON is the part of GET /api/v1/settings the tests read.
type settingsJSON struct {
	Name struct {
		En   string `json:"en"`
		Hans string `json:"zh-Hans"`
	} `json:"name"`
	TimeZone     string                       `json:"time_zone"`
	CountryNames map[string]map[string]string `json:"country_names"`
	Developing   geo.Rule                     `json:"developing"`
}

// TestSettings: administrators read and change the settings on the web
// and by the API, field errors come back at their fields, and each change
// is audited; nobody else may.
func TestSettings(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		t.Cleanup(func() { geo.SetOverrides(nil); geo.SetRule(geo.DefaultRule()) })
		admin := a.api(t, "admin@example.org", auth.RoleAdmin)
		sec := a.api(t, "sec@example.org", auth.RoleSecretariat)
		var st settingsJSON
		if code := admin.call("GET", "/api/v1/settings", "", &st); code != 200 || st.TimeZone != "UTC" || !st.Developing.LDC {
			t.Fatalf("defaults: %d %+v", code, st)
		}
		if code := sec.call("GET", "/api/v1/settings", "", nil); code != 403 {
			t.Errorf("the secretariat reads the settings: %d", code)
		}
		var p problem
		if code := admin.call("PUT", "/api/v1/settings", `{"name":{"en":"Forum"},"time_zone":"Nowhere/Else","site_url":"ftp://x","social_links":[{"label":"","url":"https://x.example.org"}],"country_names":{"XX":{"en":"Nowhere"}},"developing":{"income_groups":["rich"]}}`, &p, "Accept-Language", "zh-TW"); code != 422 {
			t.Fatalf("bad settings: %d", code)
		}
		fields := map[string]string{}
		for _, e := range p.Errors {
			fields[e.Field] = e.Message
		}
		for _, f := range []string{"time_zone", "site_url", "social_links[0].label", "country_names", "developing"} {
			if fields[f] == "" {
				t.Errorf("no error at %s: %v", f, fields)
			}
		}
		if !strings.Contains(fields["country_names"], "XX") {
			t.Errorf("country_names error does not name the code: %q", fields["country_names"])
		}
		body := `{"name":{"en":"Global Internet Forum","zh-Hans":"全球互联网论坛","zh-Hant":"全球網際網路論壇"},"description":{"en":"We meet."},
			"privacy":{"en":"We keep little.\n\nAsk us."},"short_name":"GIF","default_language":"zh-Hans","time_zone":"Asia/Taipei",
			"contact_email":"info@forum.example.org","postal_address":"1 Forum Road\nWuzhen","social_links":[{"label":"Weibo","url":"https://weibo.example.org/gif"}],
			"signatory_name":"Li Ming","signatory_title":"Secretary-General",
			"country_names":{"TW":{"en":"Taiwan, China","zh-Hans":"中国台湾","zh-Hant":"中國臺灣"}},
			"developing":{"income_groups":["low"],"ldc":false,"include":["CN"],"exclude":[]}}`
		if code := admin.call("PUT", "/api/v1/settings", body, &st); code != 200 || st.Name.Hans != "全球互联网论坛" || st.CountryNames["TW"]["en"] != "Taiwan, China" || st.TimeZone != "Asia/Taipei" {
			t.Fatalf("save: %d %+v", code, st)
		}
		// A change of one setting keeps the others.
		if code := admin.call("PUT", "/api/v1/settings", `{"short_name":"G.I.F."}`, &st); code != 200 || st.Name.Hans != "全球互联网论坛" ||
			st.CountryNames["TW"]["en"] != "Taiwan, China" || len(st.Developing.Include) != 1 {
			t.Fatalf("a change of the short name: %d %+v", code, st)
		}
		// What GET answers can be sent back as it is.
		var raw json.RawMessage
		admin.call("GET", "/api/v1/settings", "", &raw)
		if code := admin.call("PUT", "/api/v1/settings", string(raw), nil); code != 200 {
			t.Errorf("GET's answer sent back: %d", code)
		}
		if tw, _ := geo.Lookup("TW"); tw.Name("zh-Hant") != "中國臺灣" {
			t.Errorf("the override is not in force at once: %q", tw.Name("zh-Hant"))
		}
		if cn, _ := geo.Lookup("CN"); !cn.Developing() {
			t.Error("the developing rule is not in force")
		}
		pub := a.browser(t)
		// The default language is for readers who state none the site speaks.
		pub.get("/about").expect(t, http.StatusOK, `<html lang="zh-Hans">`)
		pub.get("/about", "Accept-Language", "fr-FR, de;q=0.5").expect(t, http.StatusOK, `<html lang="zh-Hans">`)
		pub.get("/about", "Accept-Language", "en-GB").expect(t, http.StatusOK, `<html lang="en">`)
		// New events are offered the default time zone.
		a.staff(t, "events-sec@example.org", auth.RoleSecretariat).get("/admin/events").expect(t, http.StatusOK, `name="timezone" list="zones" value="Asia/Taipei"`)
		pub.get("/about", "Accept-Language", "en").expect(t, http.StatusOK, "We meet.", "info@forum.example.org", "1 Forum Road<br>Wuzhen", "https://weibo.example.org/gif", `href="/privacy"`)
		pub.get("/privacy").expect(t, http.StatusOK, "<p>We keep little.</p>", "<p>Ask us.</p>")
		pub.get("/charter").expect(t, http.StatusNotFound)
		entries, _, _ := audit.List(context.Background(), a.db, 50, 0)
		var changed []string // newest first
		for _, e := range entries {
			if e.Action == "site.settings_saved" {
				changed = append(changed, fmt.Sprint(e.Details["changed"]))
			}
		}
		if len(changed) != 3 || changed[0] != "[]" || changed[1] != "[short_name]" || !strings.Contains(changed[2], "country_names") {
			t.Errorf("audit of the changes: %q", changed)
		}

		// The web form: what the API saved, and back again.
		web := a.staff(t, "web-admin@example.org", auth.RoleAdmin)
		web.lang = "en"
		form := web.get("/admin/settings")
		form.expect(t, http.StatusOK, "TW | Taiwan, China | 中国台湾 | 中國臺灣", "Weibo | https://weibo.example.org/gif", `value="CN"`)
		a.staff(t, "web-sec@example.org", auth.RoleSecretariat).get("/admin/settings").expect(t, http.StatusForbidden)
		v := url.Values{"name.en": {"Global Internet Forum"}, "time_zone": {"Asia/Taipei"}, "default_language": {"en"},
			"country_names": {"HK | Hong Kong, China | 中国香港 |\nTW oops"}, "developing.income_groups": {"low", "lower_middle"}, "developing.ldc": {"1"}}
		web.post("/admin/settings", v).expect(t, http.StatusUnprocessableEntity, `id="e-country_names"`, "Line 2")
		v.Set("country_names", "HK | Hong Kong, China | 中国香港 |")
		web.post("/admin/settings", v).expect(t, http.StatusSeeOther)
		if hk, _ := geo.Lookup("HK"); hk.Name("en") != "Hong Kong, China" || hk.Name("zh-Hant") != hk.CLDRName("zh-Hant") {
			t.Errorf("HK: %q %q", hk.Name("en"), hk.Name("zh-Hant"))
		}
		if tw, _ := geo.Lookup("TW"); tw.Name("en") != tw.CLDRName("en") {
			t.Error("the TW override outlived its removal")
		}
		if code := admin.call("GET", "/api/v1/settings", "", &st); code != 200 || len(st.Developing.IncomeGroups) != 2 || !st.Developing.LDC || st.CountryNames["HK"]["zh-Hans"] != "中国香港" {
			t.Errorf("after the web form: %+v", st)
		}

		// The logo: checked by its content, shown on the home page, removable.
		pub.get("/logo.png").expect(t, http.StatusNotFound)
		web.upload("/admin/settings/logo", "logo", []byte("GIF89a not an image we take")).expect(t, http.StatusUnprocessableEntity, `id="e-logo"`)
		a.staff(t, "logo-sec@example.org", auth.RoleSecretariat).upload("/admin/settings/logo", "logo", testPNG(t, 600, 300)).expect(t, http.StatusForbidden)
		web.upload("/admin/settings/logo", "logo", testPNG(t, 600, 300)).expect(t, http.StatusSeeOther)
		var logo struct {
			LogoURL string `json:"logo_url"`
		}
		admin.call("GET", "/api/v1/settings", "", &logo)
		if !strings.HasPrefix(logo.LogoURL, "/logo.png?v=") {
			t.Fatalf("logo_url %q", logo.LogoURL)
		}
		img := pub.get(logo.LogoURL)
		img.expect(t, http.StatusOK)
		if cfg, err := png.DecodeConfig(strings.NewReader(img.body)); err != nil || cfg.Width != 512 || cfg.Height != 256 {
			t.Errorf("stored logo: %+v %v, want 512 × 256 PNG", cfg, err)
		}
		pub.get("/").expect(t, http.StatusOK, `src="`+logo.LogoURL+`"`)
		web.post("/admin/settings/logo/remove", url.Values{}).expect(t, http.StatusSeeOther)
		pub.get("/logo.png").expect(t, http.StatusNotFound)
	})
}

// TestCountryNamesEverywhere: an override of a country's name shows on a
// member's page, in the directory CSV, on a badge (PDF) and in search;
// a changed developing-country rule changes an event's statistics.
func TestCountryNamesEverywhere(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		t.Cleanup(func() { geo.SetOverrides(nil); geo.SetRule(geo.DefaultRule()) })
		admin := a.api(t, "admin@example.org", auth.RoleAdmin)
		applicant := a.api(t, "applicant@example.org")
		secAPI := a.api(t, "sec-api@example.org", auth.RoleSecretariat)
		var created struct {
			ID int64 `json:"id"`
		}
		if code := applicant.call("POST", "/api/v1/membership-applications", `{"kind":"organization","name":{"en":"Formosa Network Operators"},"country":"TW","stakeholder_group":"technical_community","contact_email":"info@formosa.example.org","motivation":"Peering."}`, &created); code != 201 {
			t.Fatalf("apply: %d", code)
		}
		var decided struct {
			MemberID *int64 `json:"member_id"`
		}
		if code := secAPI.call("POST", fmt.Sprintf("/api/v1/membership-applications/%d/decision", created.ID), `{"decision":"approve"}`, &decided); code != 200 || decided.MemberID == nil {
			t.Fatalf("approve: %d", code)
		}
		member := fmt.Sprintf("/members/%d", *decided.MemberID)

		// An event with two confirmed people, from CN and from TW.
		sec := a.staff(t, "sec@example.org", auth.RoleSecretariat)
		start := time.Now().Add(72 * time.Hour).Truncate(time.Minute).In(time.FixedZone("CST", 8*3600))
		sec.post("/admin/events", url.Values{"slug": {"forum-2026"}, "kind": {"youth_exchange"}, "title_en": {"Forum"},
			"starts_at": {start.Format("2006-01-02T15:04")}, "ends_at": {start.Add(8 * time.Hour).Format("2006-01-02T15:04")},
			"timezone": {"Asia/Shanghai"}, "venue": {"Wuzhen"}}).expect(t, http.StatusSeeOther)
		sec.post("/admin/events/forum-2026/categories", url.Values{"code": {"delegate"}, "name_en": {"Delegate"}, "capacity": {"10"}, "approval": {"auto"}}).expect(t, http.StatusSeeOther)
		sec.post("/admin/events/forum-2026/status", url.Values{"status": {"published"}}).expect(t, http.StatusSeeOther)
		lin := a.signedIn(t, "lin@example.org", "Lin Mei")
		id := register(t, lin, "forum-2026", url.Values{"category": {"delegate"}, "name": {"Lin Mei"}, "country": {"TW"}})
		wang := a.signedIn(t, "wang@example.org", "Wang Fang")
		register(t, wang, "forum-2026", url.Values{"category": {"delegate"}, "name": {"Wang Fang"}, "country": {"CN"}})
		// A speaker from TW in a session of the published event: search
		// indexes their country's name.
		var speaker struct {
			ID int64 `json:"id"`
		}
		if code := secAPI.call("POST", "/api/v1/speakers", `{"name":"Chen Jun","country":"TW"}`, &speaker); code != 201 {
			t.Fatalf("speaker: %d", code)
		}
		session := fmt.Sprintf(`{"title":{"en":"Peering in the Strait"},"starts_at":%q,"ends_at":%q,"room":"Hall","format":"panel","language":"en","people":[{"person":%d,"role":"speaker"}]}`,
			start.Add(time.Hour).Format(time.RFC3339), start.Add(2*time.Hour).Format(time.RFC3339), speaker.ID)
		var sp problem
		if code := secAPI.call("POST", "/api/v1/events/forum-2026/sessions", session, &sp); code != 201 {
			t.Fatalf("session: %d %+v", code, sp)
		}
		found := func(q string) bool {
			t.Helper()
			var res struct {
				Items []struct {
					Type  string `json:"type"`
					Title string `json:"title"`
				} `json:"items"`
			}
			if code := admin.call("GET", "/api/v1/search?type=speaker&q="+url.QueryEscape(q), "", &res); code != 200 {
				t.Fatalf("search: %d", code)
			}
			for _, it := range res.Items {
				if it.Title == "Chen Jun" {
					return true
				}
			}
			return false
		}
		if !found("Taiwan") || found("Nowhere") {
			t.Fatal("search before the override")
		}
		// The secretariat's exact figure: the public one is withheld while
		// either side of the share is below the small-cell threshold.
		share := func() float64 {
			t.Helper()
			e, err := a.events.Event(context.Background(), "forum-2026", false)
			if err != nil {
				t.Fatal(err)
			}
			st, err := a.events.Stats(context.Background(), e.ID)
			if err != nil {
				t.Fatalf("stats: %v", err)
			}
			return st.Developing
		}
		if s := share(); s != 0.5 { // CN is upper-middle income; TW is not classified
			t.Fatalf("developing share under the default rule: %v", s)
		}

		const body = `{"name":{"en":"Global Internet Forum"},"country_names":{"TW":{"en":"Taiwan, Province of Nowhere","zh-Hans":"测试台湾名","zh-Hant":"測試臺灣名"}},"developing":{"income_groups":["low","lower_middle"],"ldc":true,"include":["TW"],"exclude":[]}}`
		if code := admin.call("PUT", "/api/v1/settings", body, nil); code != 200 {
			t.Fatalf("save: %d", code)
		}
		// The rule changed: CN (upper-middle) no longer counts, TW is included.
		if s := share(); s != 0.5 {
			t.Errorf("share after the rule: %v", s)
		}
		if code := admin.call("PUT", "/api/v1/settings", strings.Replace(body, `"include":["TW"]`, `"include":[]`, 1), nil); code != 200 {
			t.Fatal("save")
		}
		if s := share(); s != 0 {
			t.Errorf("share with neither counted: %v, want 0", s)
		}
		if code := admin.call("PUT", "/api/v1/settings", strings.Replace(body, `"include":["TW"]`, `"include":["TW","CN"]`, 1), nil); code != 200 {
			t.Fatal("save")
		}
		if s := share(); s != 1 {
			t.Errorf("share with both counted: %v, want 1", s)
		}

		pub := a.browser(t)
		pub.get(member).expect(t, http.StatusOK, "Taiwan, Province of Nowhere")
		pub.lang = "zh-TW"
		pub.get(member+"?lang=zh-Hant").expect(t, http.StatusOK, "測試臺灣名")
		csv := sec.get("/admin/members/export.csv")
		csv.expect(t, http.StatusOK, "Taiwan, Province of Nowhere")
		badge := lin.get("/registrations/" + id + "/badge.pdf")
		badge.expect(t, http.StatusOK)
		if text := testenv.PDFText(t, []byte(badge.body)); !strings.Contains(text, "Taiwan, Province of Nowhere") && !strings.Contains(text, "測試臺灣名") && !strings.Contains(text, "测试台湾名") {
			t.Errorf("badge lacks the override:\n%s", text)
		}
		// Search: the documents that hold country names (speakers) are
		// rebuilt by a job queued with the change.
		if found("Province of Nowhere") {
			t.Error("the index changed before its rebuild: this test no longer shows what the job does")
		}
		var jobs int
		if err := a.db.QueryRow(context.Background(), "SELECT count(*) FROM jobs WHERE kind = ?", site.ReindexJob).Scan(&jobs); err != nil || jobs == 0 {
			t.Errorf("no reindex job after a change of country names: %d %v", jobs, err)
		}
		if _, err := a.reindex(context.Background()); err != nil {
			t.Fatal(err)
		}
		if !found("Province of Nowhere") {
			t.Error("search does not find the speaker by the overridden country name")
		}
	})
}

// settingsHostileForm is what TestHostileInput knows of the settings
// form (api: PUT /api/v1/settings, field names as its JSON).
func settingsHostileForm(api bool) *hostileForm {
	f := &hostileForm{who: "admin", api: api, target: func(*hostileEnv) string { return "/admin/settings" },
		base:     map[string]string{"name.en": "Hostile Forum %n", "time_zone": "UTC", "default_language": "en"},
		accepted: redirectTo(`^/admin/settings\?saved=1$`),
		fields: []hostileField{
			{name: "name.en"}, {name: "name.zh-Hans", variant: true}, {name: "name.zh-Hant", variant: true},
			{name: "tagline.en"}, {name: "description.en"}, {name: "charter.en"}, {name: "privacy.zh-Hant", variant: true},
			{name: "short_name"}, {name: "postal_address"}, {name: "contact_email", norm: lower},
			{name: "site_url", code: true}, {name: "mail_from_name"}, {name: "mail_from_address", norm: lower},
			{name: "signatory_name"}, {name: "signatory_title"}, {name: "time_zone", code: true},
		},
	}
	if api {
		f.method, f.accepted = http.MethodPut, answered(http.StatusOK)
		f.target = func(*hostileEnv) string { return "/api/v1/settings" }
	}
	f.stored = func(h *hostileEnv, _ hostileResponse, _ map[string]string, field string) (string, bool) {
		st, err := h.a.site.Settings(h.ctx)
		if err != nil {
			h.t.Fatal(err)
		}
		v, ok := map[string]string{"name.en": st.Name.En, "name.zh-Hans": st.Name.Hans, "name.zh-Hant": st.Name.Hant,
			"tagline.en": st.Tagline.En, "description.en": st.Description.En, "charter.en": st.Charter.En,
			"privacy.zh-Hant": st.Privacy.Hant, "short_name": st.ShortName, "postal_address": st.PostalAddress,
			"contact_email": st.ContactEmail, "site_url": st.SiteURL, "mail_from_name": st.MailFromName,
			"mail_from_address": st.MailFromAddress, "signatory_name": st.SignatoryName,
			"signatory_title": st.SignatoryTitle, "time_zone": st.TimeZone}[field]
		return v, ok
	}
	return f
}

// a11yInstall is TestAccessibility's walk of this pages: /setup
// (on an empty install of its own, and with its errors), the charter,
// privacy and About pages, the 404 and 403 pages, and /admin/settings.
func a11yInstall(t *testing.T, a *testApp, ctx context.Context,
	open func(t *testing.T, path, lang string), check func(t *testing.T, vp viewport),
	eachPage func(t *testing.T, fn func(t *testing.T, vp viewport, lang string)),
	signIn func(t *testing.T, role string), signOut func(t *testing.T), screenshot func(t *testing.T, name string),
	do func(t *testing.T, step string, actions ...chromedp.Action[chromedp.Void]), email map[string]string) {
	fresh := startApp(t, "sqlite:"+filepath.Join(t.TempDir(), "fresh.db"))
	// openAt loads u and checks the status it came with.
	openAt := func(t *testing.T, u string, status int64) {
		t.Helper()
		res, err := chromedp.Run(ctx, chromedp.NavigateResponse(u))
		if err != nil || res.Status != status {
			t.Fatalf("open %s: %v %v", u, res, err)
		}
		do(t, "wait for "+u, chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	}
	st, err := a.site.Settings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	st.Charter, st.Privacy = i18n.Text{En: "We work together.", Hans: "我们共同工作。"}, i18n.Text{En: "We keep little.", Hant: "我們保存很少。"}
	st.PostalAddress, st.ContactEmail = "1 Forum Road\nWuzhen", "info@example.org"
	st.SocialLinks = []site.SocialLink{{Label: "Weibo", URL: "https://weibo.example.org/forum"}}
	admin, err := a.users.ByEmail(context.Background(), email[auth.RoleAdmin])
	if err != nil {
		t.Fatal(err)
	}
	if err := a.site.SaveSettings(context.Background(), admin.Principal(), *st); err != nil {
		t.Fatal(err)
	}
	eachPage(t, func(t *testing.T, vp viewport, lang string) {
		t.Run("/setup", func(t *testing.T) {
			openAt(t, fresh.ts.URL+"/setup?lang="+lang, 200)
			check(t, vp)
			do(t, "submit the empty setup form",
				chromedp.Click(chromedp.CSS("main button[type=submit]")),
				chromedp.WaitVisible(chromedp.CSS("#e-name\\.en")),
			)
			check(t, vp)
			if vp.name == "phone" && lang == "zh-Hans" {
				screenshot(t, "setup-errors-zh-Hans-phone")
			}
		})
		for _, path := range []string{"/charter", "/privacy", "/about"} {
			t.Run(path, func(t *testing.T) {
				open(t, path, lang)
				check(t, vp)
			})
		}
		t.Run("404", func(t *testing.T) {
			openAt(t, a.ts.URL+"/no/such/page?lang="+lang, 404)
			check(t, vp)
			if vp.name == "phone" && lang == "zh-Hant" {
				screenshot(t, "404-zh-Hant-phone")
			}
		})
	})
	signIn(t, auth.RoleSecretariat)
	eachPage(t, func(t *testing.T, vp viewport, lang string) {
		t.Run("403", func(t *testing.T) {
			openAt(t, a.ts.URL+"/admin/settings?lang="+lang, 403)
			check(t, vp)
		})
	})
	signOut(t)
	signIn(t, auth.RoleAdmin)
	defer signOut(t)
	eachPage(t, func(t *testing.T, vp viewport, lang string) {
		t.Run("/admin/settings", func(t *testing.T) {
			open(t, "/admin/settings", lang)
			check(t, vp)
			if vp.name == "phone" && lang == "en" {
				screenshot(t, "settings-en-phone")
			}
		})
	})
}

// TestBrowserFirstRun follows the first start of an empty install in a
// real browser: the home page points to the setup page, the form makes
// the organisation and its administrator, the administrator lands on the
// settings page signed in, and the header names the organisation in each
// of the three languages.
func TestBrowserFirstRun(t *testing.T) {
	bctx := testenv.Browser(t)
	a := startApp(t, "sqlite:"+filepath.Join(t.TempDir(), "w.db"))
	ctx, cancel := context.WithTimeout(bctx, 90*time.Second)
	defer cancel()
	do := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			shot(t, ctx, "first-run-failed")
			t.Fatalf("%s: %v", step, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}
	do("the home page points to setup",
		chromedp.Navigate(a.ts.URL+"/?lang=en"),
		chromedp.Click(chromedp.CSS(`main a[href="/setup"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#f-name\.en`)),
	)
	fields := map[string]string{
		`#f-name\.en`: "Global Internet Forum", `#f-name\.zh-Hans`: "全球互联网论坛", `#f-name\.zh-Hant`: "全球網際網路論壇",
		"#f-short_name": "GIF", "#f-contact_email": "info@forum.example.org",
		"#f-admin_name": "Ada Admin", "#f-admin_email": "ada@forum.example.org", "#f-password": "first-admin-password",
	}
	for sel, v := range fields {
		do("type "+sel, chromedp.SendKeys(chromedp.CSS(sel), v))
	}
	do("set the time zone", chromedp.SetValue(chromedp.CSS("#f-time_zone"), "Asia/Shanghai"))
	shot(t, ctx, "first-run-setup")
	do("set up",
		chromedp.Click(chromedp.CSS("main button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/admin/settings"]`)),
	)
	if who := text(".account .who"); who != "Ada Admin" {
		t.Errorf("signed in as %q after setup", who)
	}
	shot(t, ctx, "first-run-settings")
	for lang, want := range map[string]string{"en": "Global Internet Forum", "zh-Hans": "全球互联网论坛", "zh-Hant": "全球網際網路論壇"} {
		do("home in "+lang, chromedp.Navigate(a.ts.URL+"/?lang="+lang), chromedp.WaitVisible(chromedp.CSS(`html[lang="`+lang+`"] .brand`)))
		if got := text(".brand"); got != want {
			t.Errorf("header in %s: %q, want %q", lang, got, want)
		}
		if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('a[href="/setup"]').length`)); err != nil || n != 0 {
			t.Errorf("the home page in %s still points to setup (%d, %v)", lang, n, err)
		}
	}
	do("setup is gone", chromedp.Navigate(a.ts.URL+"/setup?lang=zh-Hant"), chromedp.WaitVisible(chromedp.CSS("#error-title")))
	if h := text("#error-title"); !strings.Contains(h, "此頁面不存在") && !strings.Contains(h, "該頁面不存在") {
		t.Errorf("/setup after setup: %q", h)
	}
}
