package main

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/members"

	"github.com/wuzhen/wuzhen/internal/auth"
)

type registrationAnswer struct {
	ID       int64  `json:"id"`
	Status   string `json:"status"`
	Position *int   `json:"waitlist_position"`
}

// TestEventsAPI goes through the events contract on both databases: the
// secretariat creates and publishes an event with a category; people
// register (confirmed, then waitlisted with a position); a second
// registration is refused; a cancellation promotes the first in line;
// check-in works once and names the first check-in on the second; only
// staff may check in; the public stats hold aggregates only.
func TestEventsAPI(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		sec := a.api(t, "sec@example.org", auth.RoleSecretariat)
		desk := a.api(t, "desk@example.org", auth.RoleCheckIn)
		people := []*apiClient{a.api(t, "amina@example.org"), a.api(t, "li.wei@example.org"), a.api(t, "olga@example.org")}
		start := time.Now().Add(72 * time.Hour).In(time.FixedZone("CST", 8*3600))
		event := fmt.Sprintf(`{"slug":"wic-2026","kind":"summit","title":{"en":"World Internet Conference Wuzhen Summit","zh-Hans":"世界互联网大会乌镇峰会"},
			"starts_at":%q,"ends_at":%q,"timezone":"Asia/Shanghai","venue":"Wuzhen","topics":["ai","governance"],"checkin_opens_at":%q}`,
			start.Format("2006-01-02T15:04"), start.Add(48*time.Hour).Format("2006-01-02T15:04"), time.Now().Add(-time.Hour).Format(time.RFC3339))
		var p problem
		if got := people[0].call("POST", "/api/v1/events", event, &p); got != http.StatusForbidden {
			t.Fatalf("a plain account created an event: %d", got)
		}
		var created struct {
			Slug     string
			StartsAt string `json:"starts_at"`
			Status   string
		}
		if got := sec.call("POST", "/api/v1/events", event, &created); got != http.StatusCreated || created.Status != "draft" ||
			!strings.HasSuffix(created.StartsAt, "+08:00") {
			t.Fatalf("create: %d %+v", got, created)
		}
		bad := `{"slug":"Bad Slug","kind":"party","title":{},"starts_at":"tomorrow","ends_at":"","timezone":"Nowhere/City","venue":"x"}`
		if got := sec.call("POST", "/api/v1/events", bad, &p); got != http.StatusUnprocessableEntity || len(p.Errors) < 5 {
			t.Fatalf("invalid event: %d %+v", got, p)
		}
		if got := sec.call("POST", "/api/v1/events/wic-2026/categories", `{"code":"delegate","name":{"en":"Delegate","zh-Hans":"代表"},"capacity":2,"approval":"auto"}`, nil); got != http.StatusCreated {
			t.Fatalf("category: %d", got)
		}
		// A draft is not open to the public.
		if got := people[0].call("POST", "/api/v1/events/wic-2026/registrations", `{"category":"delegate","answers":{"country":"KE"}}`, nil); got != http.StatusNotFound {
			t.Fatalf("registered for a draft: %d", got)
		}
		if got := sec.call("POST", "/api/v1/events/wic-2026/status", `{"status":"published"}`, nil); got != http.StatusOK {
			t.Fatalf("publish: %d", got)
		}
		countries := []string{"KE", "CN", "RU"}
		regs := make([]registrationAnswer, 3)
		for i, c := range people {
			if got := c.call("POST", "/api/v1/events/wic-2026/registrations", fmt.Sprintf(`{"category":"delegate","answers":{"country":%q}}`, countries[i]), &regs[i]); got != http.StatusCreated {
				t.Fatalf("register %d: %d", i, got)
			}
		}
		if regs[0].Status != "confirmed" || regs[0].Position != nil || regs[2].Status != "waitlisted" || regs[2].Position == nil || *regs[2].Position != 1 {
			t.Fatalf("registrations %+v %+v", regs[0], regs[2])
		}
		if got := people[0].call("POST", "/api/v1/events/wic-2026/registrations", `{"category":"delegate","answers":{"country":"KE"}}`, &p); got != http.StatusConflict {
			t.Fatalf("second registration: %d", got)
		}
		if got := people[1].call("POST", "/api/v1/events/wic-2026/registrations", `{"category":"delegate","answers":{"country":"XX"}}`, &p); got != http.StatusConflict {
			t.Fatalf("second registration with bad answers: %d", got)
		}
		// Nobody else may cancel or read it.
		if got := people[2].call("POST", fmt.Sprintf("/api/v1/registrations/%d/cancel", regs[0].ID), "", nil); got != http.StatusNotFound {
			t.Fatalf("cancelled another's registration: %d", got)
		}
		var cancelled registrationAnswer
		if got := people[0].call("POST", fmt.Sprintf("/api/v1/registrations/%d/cancel", regs[0].ID), "", &cancelled); got != http.StatusOK || cancelled.Status != "cancelled" {
			t.Fatalf("cancel: %d %+v", got, cancelled)
		}
		var promoted registrationAnswer
		people[2].call("GET", fmt.Sprintf("/api/v1/registrations/%d", regs[2].ID), "", &promoted)
		if promoted.Status != "confirmed" {
			t.Fatalf("not promoted: %+v", promoted)
		}
		// Check-in: staff only, once.
		path := fmt.Sprintf("/api/v1/registrations/%d/check-in", regs[1].ID)
		if got := people[1].call("POST", path, "", nil); got != http.StatusForbidden {
			t.Fatalf("checked themselves in: %d", got)
		}
		if got := desk.call("POST", path, "", nil); got != http.StatusOK {
			t.Fatalf("check-in: %d", got)
		}
		var again struct {
			Detail string `json:"detail"`
		}
		if got := desk.call("POST", path, "", &again, "Accept-Language", "zh-Hans"); got != http.StatusConflict ||
			!strings.Contains(again.Detail, "desk@example.org") || !strings.Contains(again.Detail, "签到") {
			t.Fatalf("second check-in: %d %+v", got, again)
		}
		// Public figures: counts below 5 are "<5", and check-ins are
		// never shown (issue 14; TestPublicFiguresSuppressSmallCells).
		var st struct {
			Confirmed   any            `json:"confirmed"`
			Countries   int            `json:"countries"`
			ByContinent map[string]any `json:"by_continent"`
		}
		anon := &apiClient{a.browser(t), ""}
		if got := anon.call("GET", "/api/v1/events/wic-2026/stats", "", &st); got != http.StatusOK ||
			st.Confirmed != "<5" || st.Countries != 2 || st.ByContinent["AS"] != "<5" || st.ByContinent["EU"] != "<5" {
			t.Fatalf("stats: %d %+v", got, st)
		}
		res := a.browser(t).get("/api/v1/events/wic-2026/stats")
		if strings.Contains(res.body, "@") || strings.Contains(res.body, "Olga") || strings.Contains(res.body, "checked_in") {
			t.Fatalf("stats show a person: %s", res.body)
		}
	})
}

// TestEventPages walks the pages: the public event page (JSON-LD,
// calendar), a registration through the form with an error kept at its
// field, the personal page, and the secretariat's list.
func TestEventPages(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		sec := a.staff(t, "sec@example.org", auth.RoleSecretariat)
		start := time.Now().Add(72 * time.Hour).Truncate(time.Minute).In(time.FixedZone("CST", 8*3600))
		form := url.Values{"slug": {"youth-2026"}, "kind": {"youth_exchange"}, "title_en": {"Youth Exchange"}, "title_zh_hans": {"青年交流活动"},
			"starts_at": {start.Format("2006-01-02T15:04")}, "ends_at": {"not a time"}, "timezone": {"Asia/Shanghai"}, "venue": {"Wuzhen"}}
		r := sec.post("/admin/events", form)
		r.expect(t, http.StatusUnprocessableEntity, `value="青年交流活动"`, `aria-invalid="true"`)
		form.Set("ends_at", start.Add(8*time.Hour).Format("2006-01-02T15:04"))
		sec.post("/admin/events", form).expect(t, http.StatusSeeOther)
		sec.post("/admin/events/youth-2026/categories", url.Values{"code": {"youth"}, "name_en": {"Youth delegate"}, "capacity": {"1"}, "approval": {"auto"}}).expect(t, http.StatusSeeOther)
		a.browser(t).get("/events/youth-2026").expect(t, http.StatusNotFound)
		sec.post("/admin/events/youth-2026/status", url.Values{"status": {"published"}}).expect(t, http.StatusSeeOther)

		zh := a.browser(t)
		zh.lang = "zh-TW"
		zh.get("/events/youth-2026").expect(t, http.StatusOK, "青年交流活動", `application/ld+json`, `"@type":"Event"`, "calendar.ics")
		cal := a.browser(t).get("/events/youth-2026/calendar.ics")
		cal.expect(t, http.StatusOK, "BEGIN:VCALENDAR\r\n", "SUMMARY:Youth Exchange\r\n", "DTSTART:"+start.UTC().Format("20060102T150405Z"))
		if ct := cal.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
			t.Fatalf("calendar content type %q", ct)
		}

		if _, err := a.users.Create(t.Context(), "kofi@example.org", "Kofi Mensah", "kofi-password-1"); err != nil {
			t.Fatal(err)
		}
		kofi := a.browser(t)
		kofi.post("/login", url.Values{"email": {"kofi@example.org"}, "password": {"kofi-password-1"}}).expect(t, http.StatusSeeOther)
		kofi.get("/events/youth-2026/register").expect(t, http.StatusOK, `value="Kofi Mensah"`)
		r = kofi.post("/events/youth-2026/register", url.Values{"category": {"youth"}, "name": {"Kofi Mensah"}, "organization": {"Ghana IGF"}, "country": {""}})
		r.expect(t, http.StatusUnprocessableEntity, `value="Ghana IGF"`, `id="e-country"`)
		r = kofi.post("/events/youth-2026/register", url.Values{"category": {"youth"}, "name": {"Kofi Mensah"}, "organization": {"Ghana IGF"}, "country": {"GH"}})
		r.expect(t, http.StatusSeeOther)
		kofi.get(r.Header.Get("Location")).expect(t, http.StatusOK, "Confirmed", "Ghana IGF")
		kofi.get("/registrations").expect(t, http.StatusOK, "Youth Exchange")
		sec.get("/admin/events/youth-2026/registrations").expect(t, http.StatusOK, "Kofi Mensah", "Ghana IGF")
		sec.get("/admin/events/youth-2026/stats").expect(t, http.StatusOK, "Participants from 1 country or region")
		kofi.get("/admin/events/youth-2026/registrations").expect(t, http.StatusForbidden)
		kofi.get("/admin/events/youth-2026/registrations.csv").expect(t, http.StatusForbidden)
		csv := sec.get("/admin/events/youth-2026/registrations.csv?status=confirmed")
		csv.expect(t, http.StatusOK, "\uFEFFNumber,", "Kofi Mensah,,Ghana IGF,GH,Ghana,AF", "kofi@example.org")
		if cd := csv.Header.Get("Content-Disposition"); !strings.Contains(cd, "registrations-youth-2026-") {
			t.Fatalf("download name %q", cd)
		}
		sec.get("/admin/events/youth-2026/registrations.csv?status=waitlisted").expect(t, http.StatusOK)
		if strings.Contains(sec.get("/admin/events/youth-2026/registrations.csv?status=waitlisted").body, "Kofi") {
			t.Fatal("the export ignores the status filter")
		}
		x := sec.get("/admin/events/youth-2026/registrations.xlsx")
		x.expect(t, http.StatusOK)
		book, err := excelize.OpenReader(strings.NewReader(x.body))
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := book.GetCellValue(book.GetSheetName(0), "E2"); v != "Kofi Mensah" {
			t.Fatalf("XLSX E2 = %q", v)
		}
		a.browser(t).get("/events").expect(t, http.StatusOK, "Youth Exchange")
	})
}

// TestInvitationsAndDelegations walks the secretariat's invitation and
// delegation forms and a representative's delegation page.
func TestInvitationsAndDelegations(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		ctx := t.Context()
		sec := a.staff(t, "sec@example.org", auth.RoleSecretariat)
		start := time.Now().Add(72 * time.Hour).Truncate(time.Minute)
		sec.post("/admin/events", url.Values{"slug": {"forum-x"}, "kind": {"regional_forum"}, "title_en": {"Forum X"},
			"starts_at": {start.Format(time.RFC3339)}, "ends_at": {start.Add(8 * time.Hour).Format(time.RFC3339)}, "timezone": {"UTC"}, "venue": {"Dakar"}}).expect(t, http.StatusSeeOther)
		sec.post("/admin/events/forum-x/categories", url.Values{"code": {"delegate"}, "name_en": {"Delegate"}, "capacity": {"3"}, "approval": {"manual"}}).expect(t, http.StatusSeeOther)
		sec.post("/admin/events/forum-x/status", url.Values{"status": {"published"}}).expect(t, http.StatusSeeOther)

		sec.post("/admin/events/forum-x/invitations", url.Values{"category": {"delegate"}, "seats": {"9"}, "label": {"Ministers"}}).
			expect(t, http.StatusUnprocessableEntity, "Only 3 seats are free", `value="Ministers"`)
		r := sec.post("/admin/events/forum-x/invitations", url.Values{"category": {"delegate"}, "seats": {"1"}, "label": {"Ministers"}})
		r.expect(t, http.StatusOK, `id="new-code"`)
		code := regexp.MustCompile(`WZ-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}`).FindString(r.body)
		if code == "" {
			t.Fatal("no code shown")
		}
		if strings.Contains(sec.get("/admin/events/forum-x").body, code) {
			t.Fatal("the code is shown again")
		}
		guest := a.api(t, "guest@example.org")
		var reg registrationAnswer
		if got := guest.call("POST", "/api/v1/events/forum-x/registrations", fmt.Sprintf(`{"category":"delegate","answers":{"country":"SN"},"invitation":%q}`, code), &reg); got != http.StatusCreated || reg.Status != "confirmed" {
			t.Fatalf("invited guest on a manual category: %d %+v", got, reg)
		}

		m := &members.Member{Kind: members.Organization, Name: members.Names{En: "Senegal Internet Society"}, Group: members.CivilSociety, Country: "SN", JoinedOn: "2021-01-01"}
		if err := a.members.Add(ctx, &actor.Actor{Email: "sec@example.org"}, m); err != nil {
			t.Fatal(err)
		}
		sec.post("/admin/events/forum-x/delegations", url.Values{"member": {"M99999"}, "category": {"delegate"}, "quota": {"2"}}).
			expect(t, http.StatusUnprocessableEntity, "No active member has this number")
		sec.post("/admin/events/forum-x/delegations", url.Values{"member": {m.Number()}, "category": {"delegate"}, "quota": {"1"}}).expect(t, http.StatusSeeOther)

		u, err := a.users.Create(ctx, "rep@example.org", "Awa Diop", "rep-password-1")
		if err != nil {
			t.Fatal(err)
		}
		outsider := a.browser(t)
		a.users.Create(ctx, "out@example.org", "Out", "out-password-1")
		outsider.post("/login", url.Values{"email": {"out@example.org"}, "password": {"out-password-1"}}).expect(t, http.StatusSeeOther)
		path := fmt.Sprintf("/events/forum-x/delegations/%d", m.ID)
		outsider.get(path).expect(t, http.StatusNotFound)
		if _, err := a.db.Exec(ctx, "INSERT INTO member_representatives (member_id, user_id, is_primary, created_at) VALUES (?, ?, true, ?)", m.ID, u.ID, time.Now()); err != nil {
			t.Fatal(err)
		}
		rep := a.browser(t)
		rep.post("/login", url.Values{"email": {"rep@example.org"}, "password": {"rep-password-1"}}).expect(t, http.StatusSeeOther)
		rep.get("/registrations").expect(t, http.StatusOK, "Forum X", "0 of 1 people registered")
		rep.get(path).expect(t, http.StatusOK, `value="Senegal Internet Society"`)
		rep.post(path, url.Values{"name": {"Moussa Ndiaye"}, "country": {""}, "organization": {"Senegal Internet Society"}}).expect(t, http.StatusUnprocessableEntity, `value="Moussa Ndiaye"`)
		rep.post(path, url.Values{"name": {"Moussa Ndiaye"}, "country": {"SN"}, "organization": {"Senegal Internet Society"}}).expect(t, http.StatusSeeOther)
		rep.get(path).expect(t, http.StatusOK, "Moussa Ndiaye", "Pending approval", "quota of 1 people is reached")
		rep.post(path, url.Values{"name": {"Second"}, "country": {"SN"}}).expect(t, http.StatusConflict)
	})
}
