package main

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/mail"
	"github.com/wuzhen/wuzhen/internal/testenv"
)

// signedIn makes a plain account and signs it in.
func (a *testApp) signedIn(t *testing.T, email, name string) *browser {
	t.Helper()
	if _, err := a.users.Create(context.Background(), email, name, "person-password-1"); err != nil {
		t.Fatal(err)
	}
	b := a.browser(t)
	b.post("/login", url.Values{"email": {email}, "password": {"person-password-1"}}).expect(t, http.StatusSeeOther)
	return b
}

var regPath = regexp.MustCompile(`/registrations/(\d+)$`)

// register registers b's person through the form and returns the
// registration's id.
func register(t *testing.T, b *browser, slug string, form url.Values) string {
	t.Helper()
	r := b.post("/events/"+slug+"/register", form)
	r.expect(t, http.StatusSeeOther)
	m := regPath.FindStringSubmatch(r.Header.Get("Location"))
	if m == nil {
		t.Fatalf("register: Location %q", r.Header.Get("Location"))
	}
	return m[1]
}

// TestVisaLetterPages walks a visa letter through the pages on both
// databases, with the authorisation of each step: the registrant's form
// (errors at their fields, values kept), the secretariat's list and
// decision (passport details for the secretariat only: not for another
// person, not for check-in staff), the mailed link, the PDF read back
// (names, number, a QR code carrying the verification address), and the
// public verification page before and after revocation, which never shows
// the passport number.
func TestVisaLetterPages(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		sec := a.staff(t, "sec@example.org", auth.RoleSecretariat)
		desk := a.staff(t, "desk@example.org", auth.RoleCheckIn)
		start := time.Now().Add(72 * time.Hour).Truncate(time.Minute).In(time.FixedZone("CST", 8*3600))
		sec.post("/admin/events", url.Values{"slug": {"wic-2026"}, "kind": {"summit"}, "title_en": {"World Internet Conference Wuzhen Summit"},
			"title_zh_hans": {"世界互联网大会乌镇峰会"}, "starts_at": {start.Format("2006-01-02T15:04")},
			"ends_at": {start.Add(48 * time.Hour).Format("2006-01-02T15:04")}, "timezone": {"Asia/Shanghai"}, "venue": {"Wuzhen"}, "country": {"CN"}}).
			expect(t, http.StatusSeeOther)
		sec.post("/admin/events/wic-2026/categories", url.Values{"code": {"delegate"}, "name_en": {"Delegate"}, "capacity": {"10"}, "approval": {"auto"}}).expect(t, http.StatusSeeOther)
		sec.post("/admin/events/wic-2026/status", url.Values{"status": {"published"}}).expect(t, http.StatusSeeOther)

		olga := a.signedIn(t, "olga@example.org", "Ольга Смирнова")
		other := a.signedIn(t, "kofi@example.org", "Kofi Mensah")
		id := register(t, olga, "wic-2026", url.Values{"category": {"delegate"}, "name": {"Ольга Смирнова"}, "name_latin": {"Olga Smirnova"}, "country": {"RU"}})
		visa := "/registrations/" + id + "/visa"

		olga.get("/registrations/"+id).expect(t, http.StatusOK, `href="`+visa+`"`)
		olga.get(visa).expect(t, http.StatusOK, `value="OLGA SMIRNOVA"`, `value="RU" selected`)
		other.get(visa).expect(t, http.StatusNotFound)
		if r := a.browser(t).get(visa); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
			t.Fatalf("anonymous: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		day := func(d time.Duration) string { return start.Add(d).Format(time.DateOnly) }
		form := url.Values{"full_name": {"OLGA SMIRNOVA"}, "nationality": {"RU"}, "number": {"7"}, "birth_date": {"1990-05-17"},
			"expiry": {day(900 * 24 * time.Hour)}, "embassy": {"Embassy of the People's Republic of China in Moscow"},
			"arrival": {day(-24 * time.Hour)}, "departure": {day(72 * time.Hour)}}
		olga.post(visa, form).expect(t, http.StatusUnprocessableEntity, `id="e-number"`, `value="Embassy of the People&#39;s Republic of China in Moscow"`)
		form.Set("number", "75 1234567")
		olga.post(visa, form).expect(t, http.StatusSeeOther)
		olga.get(visa).expect(t, http.StatusOK, "Waiting for the secretariat", `value="751234567"`)
		other.post(visa, form).expect(t, http.StatusNotFound)

		// Passport details: the secretariat only.
		admin := "/admin/visas/" + id
		other.get(admin).expect(t, http.StatusForbidden)
		desk.get(admin).expect(t, http.StatusForbidden)
		desk.get("/admin/events/wic-2026/visas").expect(t, http.StatusForbidden)
		sec.get("/admin/events/wic-2026/visas").expect(t, http.StatusOK, "OLGA SMIRNOVA", "Embassy of the People&#39;s Republic of China in Moscow")
		sec.get(admin).expect(t, http.StatusOK, "751234567", "1990-05-17")
		olga.get(visa+"/letter.pdf").expect(t, http.StatusNotFound) // not yet approved
		sec.post(admin, url.Values{"decision": {"refuse"}}).expect(t, http.StatusUnprocessableEntity, `id="e-reason"`)
		sec.post(admin, url.Values{"decision": {"approve"}}).expect(t, http.StatusSeeOther)

		// The mail: a link, not the details.
		msgs, _, err := mail.List(context.Background(), a.db, 50, 0)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, m := range msgs {
			if m.To == "olga@example.org" && strings.Contains(m.Text, visa) {
				found = true
				if strings.Contains(m.Text, "751234567") {
					t.Fatal("the mail holds the passport number")
				}
			}
		}
		if !found {
			t.Fatal("no mail with the letter's link")
		}
		page := olga.get(visa)
		page.expect(t, http.StatusOK, "Letter issued", visa+"/letter.pdf", "••••••567")
		if strings.Contains(page.body, "751234567") {
			t.Fatal("the registrant's page shows the whole number after approval")
		}
		other.get(visa+"/letter.pdf").expect(t, http.StatusNotFound)
		desk.get(visa+"/letter.pdf").expect(t, http.StatusNotFound)
		letter := olga.get(visa + "/letter.pdf")
		letter.expect(t, http.StatusOK)
		if ct, cc := letter.Header.Get("Content-Type"), letter.Header.Get("Cache-Control"); ct != "application/pdf" || cc != "no-store" {
			t.Fatalf("letter: %s, %s", ct, cc)
		}
		sec.get(visa+"/letter.pdf").expect(t, http.StatusOK)
		text := testenv.PDFText(t, []byte(letter.body))
		for _, want := range []string{"OLGA SMIRNOVA", "751234567", "Russia", "World Internet Conference Wuzhen Summit", "Embassy of the People's Republic of China in Moscow"} {
			if !strings.Contains(text, want) {
				t.Errorf("letter lacks %q:\n%s", want, text)
			}
		}
		codes := testenv.QRCodes(t, testenv.PDFPage(t, []byte(letter.body), 1, 150))
		// The code carries the public address (--base-url) of the page.
		if len(codes) != 1 || !strings.HasPrefix(codes[0], a.cfg.BaseURL+"/verify/") {
			t.Fatalf("letter QR codes %q", codes)
		}
		check := strings.TrimPrefix(codes[0], a.cfg.BaseURL)
		anon := a.browser(t)
		v := anon.get(check)
		v.expect(t, http.StatusOK, "This invitation letter is valid.", "OLGA SMIRNOVA", "World Internet Conference Wuzhen Summit")
		if strings.Contains(v.body, "751234567") {
			t.Fatal("the verification page shows the passport number")
		}
		if v.Header.Get("X-Robots-Tag") != "noindex" {
			t.Error("the verification page may be indexed")
		}
		anon.get("/verify/0000-0000-0000").expect(t, http.StatusNotFound, "No invitation letter has this code.")

		sec.post(admin, url.Values{"decision": {"revoke"}, "reason": {"Passport reported lost"}}).expect(t, http.StatusSeeOther)
		anon.get(check).expect(t, http.StatusOK, "This invitation letter is not valid.", "Revoked on")
		olga.get(visa+"/letter.pdf").expect(t, http.StatusNotFound)
		olga.get(visa).expect(t, http.StatusOK, "Revoked", "Passport reported lost", `name="number"`)
		// Asked again, the request waits for the secretariat once more.
		olga.post(visa, form).expect(t, http.StatusSeeOther)
		olga.get(visa).expect(t, http.StatusOK, "Waiting for the secretariat")
	})
}

// TestBadgePages prints badges, per person and per category, with their
// authorisation, and checks people in at the desk with the token a
// badge's QR code carries: the token is accepted once, a forged one is
// refused at the field, and a revoked badge is refused naming who revoked
// it.
func TestBadgePages(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		sec := a.staff(t, "sec@example.org", auth.RoleSecretariat)
		desk := a.staff(t, "desk@example.org", auth.RoleCheckIn)
		start := time.Now().Add(72 * time.Hour).Truncate(time.Minute).In(time.FixedZone("CST", 8*3600))
		sec.post("/admin/events", url.Values{"slug": {"youth-2026"}, "kind": {"youth_exchange"}, "title_en": {"Youth Exchange"},
			"starts_at": {start.Format("2006-01-02T15:04")}, "ends_at": {start.Add(8 * time.Hour).Format("2006-01-02T15:04")},
			"timezone": {"Asia/Shanghai"}, "venue": {"Wuzhen"},
			"checkin_opens_at": {time.Now().Add(-time.Hour).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04")}, // the desk is open
		}).expect(t, http.StatusSeeOther)
		sec.post("/admin/events/youth-2026/categories", url.Values{"code": {"youth"}, "name_en": {"Youth delegate"}, "capacity": {"1"}, "approval": {"auto"}}).expect(t, http.StatusSeeOther)
		sec.post("/admin/events/youth-2026/status", url.Values{"status": {"published"}}).expect(t, http.StatusSeeOther)
		li := a.signedIn(t, "li@example.org", "李伟")
		kofi := a.signedIn(t, "kofi@example.org", "Kofi Mensah")
		id := register(t, li, "youth-2026", url.Values{"category": {"youth"}, "name": {"李伟"}, "name_latin": {"Li Wei"}, "country": {"CN"}})
		kid := register(t, kofi, "youth-2026", url.Values{"category": {"youth"}, "country": {"GH"}}) // waitlisted

		li.get("/registrations/"+id).expect(t, http.StatusOK, "/registrations/"+id+"/badge.pdf")
		badge := li.get("/registrations/" + id + "/badge.pdf")
		badge.expect(t, http.StatusOK)
		if !strings.Contains(testenv.PDFText(t, []byte(badge.body)), "李伟") {
			t.Fatal("badge lacks the name")
		}
		kofi.get("/registrations/"+id+"/badge.pdf").expect(t, http.StatusNotFound)  // another's
		kofi.get("/registrations/"+kid+"/badge.pdf").expect(t, http.StatusConflict) // waitlisted
		desk.get("/admin/events/youth-2026/badges.pdf").expect(t, http.StatusForbidden)
		kofi.get("/admin/events/youth-2026/badges.pdf?category=youth").expect(t, http.StatusForbidden)
		sheet := sec.get("/admin/events/youth-2026/badges.pdf?category=youth")
		sheet.expect(t, http.StatusOK)
		sec.get("/admin/events/youth-2026/badges.pdf?category=nobody").expect(t, http.StatusUnprocessableEntity)
		codes := testenv.QRCodes(t, testenv.PDFPage(t, []byte(sheet.body), 1, 200))
		if len(codes) != 1 {
			t.Fatalf("QR codes on the sheet: %q", codes)
		}
		// The desk: scanned token in, once.
		desk.get("/checkin/youth-2026").expect(t, http.StatusOK, `data-scan="Scan with the camera"`, "/static/checkin.")
		desk.post("/checkin/youth-2026", url.Values{"code": {codes[0]}}).expect(t, http.StatusOK, "Checked in", "李伟", "Li Wei", "Youth delegate")
		desk.post("/checkin/youth-2026", url.Values{"code": {codes[0]}}).expect(t, http.StatusConflict, "Already checked in", "desk@example.org")
		forged := codes[0][:len(codes[0])-3] + "xyz"
		desk.post("/checkin/youth-2026", url.Values{"code": {forged}}).expect(t, http.StatusUnprocessableEntity, `id="e-code"`, "not genuine")
		// Revoked: refused with who and when.
		sec.post("/admin/registrations/"+id+"/badge", url.Values{"action": {"revoke"}}).expect(t, http.StatusSeeOther)
		sec.get("/admin/events/youth-2026/registrations").expect(t, http.StatusOK, "Badge revoked", "Give a new badge")
		desk.post("/checkin/youth-2026", url.Values{"code": {codes[0]}}).expect(t, http.StatusConflict, "revoked", "sec@example.org")
		li.get("/registrations/"+id+"/badge.pdf").expect(t, http.StatusConflict)
		desk.post("/admin/registrations/"+id+"/badge", url.Values{"action": {"reissue"}}).expect(t, http.StatusForbidden)
		sec.post("/admin/registrations/"+id+"/badge", url.Values{"action": {"reissue"}}).expect(t, http.StatusSeeOther)
		desk.post("/checkin/youth-2026", url.Values{"code": {codes[0]}}).expect(t, http.StatusConflict, "replaced by a new one")
		fresh := li.get("/registrations/" + id + "/badge.pdf")
		fresh.expect(t, http.StatusOK)
		if got := testenv.QRCodes(t, testenv.PDFPage(t, []byte(fresh.body), 1, 200)); len(got) != 1 || got[0] == codes[0] {
			t.Fatalf("the new badge's code %q", got)
		}
	})
}
