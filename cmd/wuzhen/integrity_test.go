package main

// Issue 14, integrity under attack: the proofs that go through HTTP.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/members"
)

// TestMetricsNeedAnAdmin: /metrics on the site's address answers only an
// admin's API token (per-route counts of visa pages, check-ins and failed
// sign-ins are not public).
func TestMetricsNeedAnAdmin(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		b := a.browser(t)
		b.get("/").expect(t, http.StatusOK)
		b.get("/metrics").expect(t, http.StatusUnauthorized)
		b.get("/metrics", "Authorization", "Bearer wz_not-a-token").expect(t, http.StatusUnauthorized)
		sec := a.api(t, "sec@example.org", auth.RoleSecretariat)
		b.get("/metrics", "Authorization", "Bearer "+sec.token).expect(t, http.StatusForbidden)
		// A signed-in admin's session cookie is not enough either.
		a.staff(t, "staff@example.org", auth.RoleAdmin).get("/metrics").expect(t, http.StatusUnauthorized)
		admin := a.api(t, "admin@example.org", auth.RoleAdmin)
		b.get("/metrics", "Authorization", "Bearer "+admin.token).expect(t, http.StatusOK,
			`wuzhen_http_requests_total{code="200",route="GET /{$}"}`, "wuzhen_http_request_duration_seconds_bucket")
	})
}

var metricsLine = regexp.MustCompile(`Metrics are served at (http://\S+/metrics)`)

// TestMetricsAddr: with --metrics-addr (or WUZHEN_METRICS_ADDR) the
// metrics are served without sign-in on that address alone.
func TestMetricsAddr(t *testing.T) {
	for _, how := range []struct {
		name  string
		env   []string
		flags []string
	}{
		{"flag", nil, []string{"--metrics-addr", "127.0.0.1:0"}},
		{"env", []string{"WUZHEN_METRICS_ADDR=127.0.0.1:0"}, nil},
	} {
		t.Run(how.name, func(t *testing.T) {
			srv := startServe(t, append(how.env, "WUZHEN_DATA="+t.TempDir()), how.flags...)
			m := metricsLine.FindStringSubmatch(srv.printed)
			if m == nil {
				t.Fatalf("no metrics address printed:\n%s", srv.printed)
			}
			res, err := http.Get(m[1])
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 || !strings.Contains(string(body), "go_goroutines") {
				t.Errorf("metrics address: %d %.200s", res.StatusCode, body)
			}
			if code := getStatus(t, http.DefaultClient, strings.TrimSuffix(m[1], "/metrics")+"/"); code != 404 {
				t.Errorf("the metrics address serves the site: %d", code)
			}
			if code := getStatus(t, http.DefaultClient, srv.base+"/metrics"); code != 401 {
				t.Errorf("/metrics on the site's address without a token: %d", code)
			}
		})
	}
}

// TestDelegationConsent: the delegation form adds a delegate to a
// category with consent text: it shows the text and a checkbox, sends
// it, and marks the checkbox when it is left empty.
func TestDelegationConsent(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		ctx := t.Context()
		sec := a.staff(t, "sec@example.org", auth.RoleSecretariat)
		start := time.Now().Add(72 * time.Hour).Truncate(time.Minute)
		sec.post("/admin/events", url.Values{"slug": {"forum-c"}, "kind": {"regional_forum"}, "title_en": {"Forum C"},
			"starts_at": {start.Format(time.RFC3339)}, "ends_at": {start.Add(8 * time.Hour).Format(time.RFC3339)}, "timezone": {"UTC"}, "venue": {"Dakar"}}).expect(t, http.StatusSeeOther)
		sec.post("/admin/events/forum-c/categories", url.Values{"code": {"delegate"}, "name_en": {"Delegate"}, "capacity": {"30"},
			"consent_en": {"Photographs taken at the forum may be published."}}).expect(t, http.StatusSeeOther)
		sec.post("/admin/events/forum-c/status", url.Values{"status": {"published"}}).expect(t, http.StatusSeeOther)
		m := &members.Member{Kind: members.Organization, Name: members.Names{En: "Dakar Net"}, Group: members.CivilSociety, Country: "SN", JoinedOn: "2021-01-01"}
		if err := a.members.Add(ctx, &actor.Actor{Email: "sec@example.org"}, m); err != nil {
			t.Fatal(err)
		}
		sec.post("/admin/events/forum-c/delegations", url.Values{"member": {m.Number()}, "category": {"delegate"}, "quota": {"3"}}).expect(t, http.StatusSeeOther)
		u, err := a.users.Create(ctx, "rep@example.org", "Awa Diop", "rep-password-1")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.db.Exec(ctx, "INSERT INTO member_representatives (member_id, user_id, is_primary, created_at) VALUES (?, ?, true, ?)", m.ID, u.ID, time.Now()); err != nil {
			t.Fatal(err)
		}
		rep := a.browser(t)
		rep.post("/login", url.Values{"email": {"rep@example.org"}, "password": {"rep-password-1"}}).expect(t, http.StatusSeeOther)
		path := fmt.Sprintf("/events/forum-c/delegations/%d", m.ID)
		rep.get(path).expect(t, http.StatusOK, "Photographs taken at the forum may be published.", `name="consent"`)
		delegate := url.Values{"name": {"Moussa Ndiaye"}, "country": {"SN"}, "organization": {"Dakar Net"}}
		r := rep.post(path, delegate)
		r.expect(t, http.StatusUnprocessableEntity, `id="e-consent"`, `value="Moussa Ndiaye"`)
		if !regexp.MustCompile(`name="consent"[^>]*aria-invalid="true"`).MatchString(r.body) {
			t.Errorf("the consent checkbox is not marked:\n%s", r.body)
		}
		delegate.Set("consent", "yes")
		rep.post(path, delegate).expect(t, http.StatusSeeOther)
		rep.get(path).expect(t, http.StatusOK, "Moussa Ndiaye")
	})
}

// TestPublicFiguresSuppressSmallCells: an event's public figures show no
// count below 5 (a country is listed from 5 participants), never a
// check-in, and do not change when one more person registers from a
// small country; the secretariat's figures stay exact.
func TestPublicFiguresSuppressSmallCells(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		sec := a.api(t, "sec@example.org", auth.RoleSecretariat)
		desk := a.api(t, "desk@example.org", auth.RoleCheckIn)
		start := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Minute)
		if got := sec.call("POST", "/api/v1/events", fmt.Sprintf(`{"slug":"forum-s","kind":"regional_forum","title":{"en":"Forum S"},
			"starts_at":%q,"ends_at":%q,"timezone":"UTC","venue":"Dakar","checkin_opens_at":%q}`, start.Format(time.RFC3339),
			start.Add(8*time.Hour).Format(time.RFC3339), time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)), nil); got != http.StatusCreated {
			t.Fatalf("event: %d", got)
		}
		if got := sec.call("POST", "/api/v1/events/forum-s/categories", `{"code":"delegate","name":{"en":"Delegate"},"capacity":100}`, nil); got != http.StatusCreated {
			t.Fatalf("category: %d", got)
		}
		if got := sec.call("POST", "/api/v1/events/forum-s/status", `{"status":"published"}`, nil); got != http.StatusOK {
			t.Fatalf("publish: %d", got)
		}
		register := func(n int, country string) {
			t.Helper()
			var reg registrationAnswer
			p := a.api(t, fmt.Sprintf("p%d@example.org", n))
			if got := p.call("POST", "/api/v1/events/forum-s/registrations", fmt.Sprintf(`{"category":"delegate","answers":{"country":%q}}`, country), &reg); got != http.StatusCreated {
				t.Fatalf("register %d: %d", n, got)
			}
			if n == 0 {
				if got := desk.call("POST", fmt.Sprintf("/api/v1/registrations/%d/check-in", reg.ID), "", nil); got != http.StatusOK {
					t.Fatalf("check-in: %d", got)
				}
			}
		}
		for i := range 6 {
			register(i, "KE")
		}
		register(6, "SN")
		stats := func() (string, map[string]any) {
			t.Helper()
			r := a.browser(t).get("/api/v1/events/forum-s/stats")
			r.expect(t, http.StatusOK)
			var m map[string]any
			if err := json.Unmarshal([]byte(r.body), &m); err != nil {
				t.Fatal(err)
			}
			return r.body, m
		}
		body, st := stats()
		if strings.Contains(body, "checked_in") || strings.Contains(body, `"SN"`) {
			t.Errorf("check-ins or a country of one shown: %s", body)
		}
		if st["confirmed"] != 7.0 || st["other_countries"] != "<5" {
			t.Errorf("totals: %s", body)
		}
		byCountry, _ := st["by_country"].([]any)
		if len(byCountry) != 1 || byCountry[0].(map[string]any)["country"] != "KE" || byCountry[0].(map[string]any)["count"] != 6.0 {
			t.Errorf("by country: %s", body)
		}
		for _, dim := range []string{"by_continent", "by_stakeholder_group"} {
			for k, v := range st[dim].(map[string]any) {
				if n, ok := v.(float64); ok && n < 5 {
					t.Errorf("%s %s = %v", dim, k, n)
				}
			}
		}
		// One more from a small country: its country and group do not show.
		register(7, "SN")
		body2, st2 := stats()
		if st2["confirmed"] != 8.0 {
			t.Errorf("confirmed after: %v", st2["confirmed"])
		}
		for _, k := range []string{"by_country", "other_countries", "by_stakeholder_group", "countries"} {
			a1, _ := json.Marshal(st[k])
			a2, _ := json.Marshal(st2[k])
			if string(a1) != string(a2) {
				t.Errorf("%s shows a registration from a small country:\n%s\n%s", k, body, body2)
			}
		}
		// The event page shows no small count either, and the secretariat's figures stay exact.
		a.browser(t).get("/events/forum-s").expect(t, http.StatusOK)
		staff := a.staff(t, "staff@example.org", auth.RoleSecretariat)
		staff.get("/admin/events/forum-s/stats").expect(t, http.StatusOK, "Senegal")
	})
}
