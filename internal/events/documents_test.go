package events

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/crypt"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/db/dbtest"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/mail"
	"github.com/wuzhen/wuzhen/internal/testenv"
)

func testKeys(t testing.TB, b byte) *crypt.Keys {
	k, err := crypt.New(bytes.Repeat([]byte{b}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// clock is a settable clock for d.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// passport gives valid details for the fixture's event (tomorrow to the
// day after).
func passport(e *Event) Passport {
	loc := e.Location()
	return Passport{FullName: "WANG XIAOMING", Nationality: "cn", Number: "e 1234 5678", BirthDate: "1985-03-02",
		Expiry: e.Ends.In(loc).AddDate(2, 0, 0).Format(time.DateOnly), Embassy: "Embassy of Kenya, Beijing",
		Arrival: e.Starts.In(loc).AddDate(0, 0, -1).Format(time.DateOnly), Departure: e.Ends.In(loc).AddDate(0, 0, 1).Format(time.DateOnly)}
}

// TestVisaLetters goes through a letter's life on both databases: invalid
// details come back at their fields; valid ones are stored sealed (the
// column holds no passport number) and shown to the registrant and the
// secretariat only; approval gives a code and mails a link, never the
// details; the verification page finds the letter by its code, without
// the passport number; an approved letter cannot be changed by the
// registrant; a refusal needs a reason; a revocation shows on the page.
func TestVisaLetters(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.s.Keys = testKeys(t, 7)
		ctx := context.Background()
		e := f.event("wic-2026", 5, Auto)
		wang := f.person("wang@example.org", "王小明")
		other := f.person("olga@example.org", "Ольга Смирнова")
		r, err := f.s.Register(ctx, wang, e.Slug, "delegate", Answers{"country": "CN", "name_latin": "Wang Xiaoming"})
		if err != nil {
			t.Fatal(err)
		}
		bad := Passport{FullName: " ", Nationality: "XX", Number: "12", BirthDate: "2999-01-01", Expiry: "1990-01-01",
			Arrival: "not a date", Departure: "2001-01-01"}
		got := fieldsOf(func() error { _, err := f.s.RequestVisa(ctx, wang, r.ID, bad); return err }())
		for _, name := range []string{"full_name", "nationality", "number", "birth_date", "embassy", "arrival", "departure"} {
			if !got[name] {
				t.Errorf("no error at %s: %v", name, got)
			}
		}
		p := passport(e)
		if _, err := f.s.RequestVisa(ctx, other, r.ID, p); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("another person asked on this registration: %v", err)
		}
		v, err := f.s.RequestVisa(ctx, wang, r.ID, p)
		if err != nil {
			t.Fatal(err)
		}
		if v.Status != VisaRequested || v.Passport.Number != "E12345678" || v.Passport.Nationality != "CN" {
			t.Fatalf("stored %+v %+v", v, v.Passport)
		}
		// At rest: sealed, no plaintext.
		var raw []byte
		if err := d.QueryRow(ctx, "SELECT details FROM event_visa_letters WHERE registration_id = ?", r.ID).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{"E12345678", "WANG XIAOMING", "1985-03-02", "Kenya"} {
			if bytes.Contains(raw, []byte(s)) {
				t.Errorf("the column holds %q in clear", s)
			}
		}
		if len(raw) < 40 {
			t.Fatalf("details column %d bytes", len(raw))
		}
		// Who may read them.
		if _, _, err := f.s.Visa(ctx, r.ID, other.ID, false); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("another person read the details: %v", err)
		}
		if _, v, err := f.s.Visa(ctx, r.ID, wang.ID, false); err != nil || v.Passport.FullName != "WANG XIAOMING" {
			t.Fatalf("registrant: %+v %v", v, err)
		}
		if _, v, err := f.s.Visa(ctx, r.ID, f.staff.ID, true); err != nil || v.Passport.Number != "E12345678" {
			t.Fatalf("secretariat: %+v %v", v, err)
		}
		// Another secret cannot open them, and start-up says so.
		wrong := &Store{DB: d, Keys: testKeys(t, 8)}
		if err := wrong.CheckKey(ctx); err == nil || !strings.Contains(err.Error(), "WUZHEN_SECRET_KEY") {
			t.Fatalf("CheckKey with another key: %v", err)
		}
		if err := f.s.CheckKey(ctx); err != nil {
			t.Fatal(err)
		}
		// Refuse needs a reason; approve gives a code and mails a link.
		if _, err := f.s.DecideVisa(ctx, f.staff, r.ID, RefuseVisa, " "); !fieldsOf(err)["reason"] {
			t.Fatalf("refused without a reason: %v", err)
		}
		v, err = f.s.DecideVisa(ctx, f.staff, r.ID, ApproveVisa, "")
		if err != nil || !v.Valid() || normaliseCode(v.Code) != v.Code {
			t.Fatalf("approve: %+v %v", v, err)
		}
		msgs, _, err := mail.List(ctx, d, 50, 0)
		if err != nil {
			t.Fatal(err)
		}
		var sent *mail.Stored
		for i := range msgs {
			if msgs[i].To == "wang@example.org" && strings.Contains(msgs[i].Subject, "visa") {
				sent = &msgs[i]
			}
		}
		if sent == nil || !strings.Contains(sent.Text, "/registrations/"+itoa(r.ID)+"/visa") || strings.Contains(sent.Text, "E12345678") {
			t.Fatalf("approval mail: %+v", sent)
		}
		if _, err := f.s.RequestVisa(ctx, wang, r.ID, p); errs.CodeOf(err) != errs.Conflict {
			t.Fatalf("changed an approved letter: %v", err)
		}
		chk, err := f.s.CheckLetter(ctx, strings.ToLower(strings.ReplaceAll(v.Code, "-", "")))
		if err != nil || !chk.Valid || chk.Name != "WANG XIAOMING" || chk.Event.Slug != e.Slug || chk.Revoked != nil {
			t.Fatalf("check: %+v %v", chk, err)
		}
		if _, err := f.s.CheckLetter(ctx, "0000-0000-0000"); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("unknown code: %v", err)
		}
		// Revoked: the page says so, with when.
		if _, err := f.s.DecideVisa(ctx, f.staff, r.ID, ApproveVisa, ""); errs.CodeOf(err) != errs.Conflict {
			t.Fatalf("approved twice: %v", err)
		}
		if _, err := f.s.DecideVisa(ctx, f.staff, r.ID, RevokeVisa, "Passport reported lost"); err != nil {
			t.Fatal(err)
		}
		chk, err = f.s.CheckLetter(ctx, v.Code)
		if err != nil || chk.Valid || chk.Revoked == nil {
			t.Fatalf("after revocation: %+v %v", chk, err)
		}
		// After a revocation the registrant may ask again.
		if v, err = f.s.RequestVisa(ctx, wang, r.ID, p); err != nil || v.Status != VisaRequested || v.State() != "requested" {
			t.Fatalf("ask again: %+v %v", v, err)
		}
		// A cancelled registration's letter is no longer valid.
		if v, err = f.s.DecideVisa(ctx, f.staff, r.ID, ApproveVisa, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Cancel(ctx, wang, r.ID, false); err != nil {
			t.Fatal(err)
		}
		if chk, err = f.s.CheckLetter(ctx, v.Code); err != nil || chk.Valid || chk.Revoked == nil {
			t.Fatalf("after cancellation: %+v %v", chk, err)
		}
		list, err := f.s.Visas(ctx, e.ID, VisaFilter{Status: VisaApproved})
		if err != nil || len(list) != 1 || list[0].Passport.FullName != "WANG XIAOMING" || list[0].Registration.ID != r.ID {
			t.Fatalf("list: %+v %v", list, err)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestVisaPurge deletes passport details a set number of days after the
// event ends, and not before; the code still answers, without the name.
func TestVisaPurge(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		c := &clock{t: time.Now()}
		d.Now = c.now
		f := newFixture(t, d)
		f.s.Keys = testKeys(t, 7)
		ctx := context.Background()
		e := f.event("forum-purge", 5, Auto)
		later := f.event("forum-later", 5, Auto)
		p := f.person("amina@example.org", "Amina Otieno")
		r, err := f.s.Register(ctx, p, e.Slug, "delegate", answers("KE"))
		if err != nil {
			t.Fatal(err)
		}
		r2, err := f.s.Register(ctx, p, later.Slug, "delegate", answers("KE"))
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range []struct {
			r *Registration
			e *Event
		}{{r, e}, {r2, later}} {
			if _, err := f.s.RequestVisa(ctx, p, x.r.ID, passport(x.e)); err != nil {
				t.Fatal(err)
			}
		}
		v, err := f.s.DecideVisa(ctx, f.staff, r.ID, ApproveVisa, "")
		if err != nil {
			t.Fatal(err)
		}
		// The later event ends later.
		later.Starts, later.Ends = later.Starts.Add(40*24*time.Hour), later.Ends.Add(40*24*time.Hour)
		if err := f.s.Save(ctx, f.staff, later, ""); err != nil {
			t.Fatal(err)
		}
		// 29 days after the event: kept.
		c.add(e.Ends.Sub(c.now()) + 29*24*time.Hour)
		if n, err := f.s.PurgeVisas(ctx, 30); err != nil || n != 0 {
			t.Fatalf("purged %d before time: %v", n, err)
		}
		c.add(2 * 24 * time.Hour)
		if n, err := f.s.PurgeVisas(ctx, 30); err != nil || n != 1 {
			t.Fatalf("purged %d, want 1: %v", n, err)
		}
		var nulls, kept int
		d.QueryRow(ctx, "SELECT COUNT(*) FROM event_visa_letters WHERE details IS NULL AND purged_at IS NOT NULL").Scan(&nulls)
		d.QueryRow(ctx, "SELECT COUNT(*) FROM event_visa_letters WHERE details IS NOT NULL").Scan(&kept)
		if nulls != 1 || kept != 1 {
			t.Fatalf("%d purged and %d kept, want 1 and 1", nulls, kept)
		}
		if n, _ := f.s.PurgeVisas(ctx, 30); n != 0 {
			t.Fatalf("purged again: %d", n)
		}
		chk, err := f.s.CheckLetter(ctx, v.Code)
		if err != nil || chk.Name != "" || chk.Purged == nil {
			t.Fatalf("check after purge: %+v %v", chk, err)
		}
		if _, v, err := f.s.Visa(ctx, r.ID, f.staff.ID, true); err != nil || v.Passport != nil {
			t.Fatalf("details still readable: %+v %v", v, err)
		}
	})
}

// TestBadges: tokens verify only as signed; the desk accepts a badge's
// token and a typed number, refuses a forged token, a revoked badge and
// the old badge after a new one was given, naming who revoked it and
// when; the sheet prints each name in its script with a QR code that
// decodes to the token the desk accepts.
func TestBadges(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.s.Keys = testKeys(t, 7)
		ctx := context.Background()
		e := f.event("wic-badges", 10, Auto)
		if err := f.s.SaveCategory(ctx, f.staff, e.Slug, &Category{Code: "media", Name: i18n.Text{En: "Media", Hans: "媒体"},
			Capacity: 5, Approval: Auto, Colour: "#f4d03f"}); err != nil {
			t.Fatal(err)
		}
		desk := f.person("desk@example.org", "Desk")
		people := []struct{ email, name, latin, country, cat string }{
			{"wang@example.org", "王小明", "Wang Xiaoming", "CN", "delegate"},
			{"chen@example.org", "陳美玲", "Chen Mei-ling", "TW", "delegate"},
			{"olga@example.org", "Ольга Смирнова", "Olga Smirnova", "RU", "media"},
			{"amina@example.org", "Amina Otieno", "", "KE", "delegate"},
		}
		var regs []*Registration
		for _, p := range people {
			a := f.person(p.email, p.name)
			r, err := f.s.Register(ctx, a, e.Slug, p.cat, Answers{"country": p.country, "name_latin": p.latin, "organization": "Internet Society"})
			if err != nil {
				t.Fatal(err)
			}
			regs = append(regs, r)
		}
		list, err := f.s.Badges(ctx, e, "")
		if err != nil || len(list) != 4 {
			t.Fatalf("badges: %d %v", len(list), err)
		}
		media, err := f.s.Badges(ctx, e, "media")
		if err != nil || len(media) != 1 || media[0].R.Name != "Ольга Смирнова" {
			t.Fatalf("media badges: %+v %v", media, err)
		}
		if _, err := f.s.Badges(ctx, e, "nobody"); !fieldsOf(err)["category"] {
			t.Fatalf("unknown category: %v", err)
		}
		sheet, err := renderBadges(e, "World Internet Conference", i18n.En, list, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		text := testenv.PDFText(t, sheet)
		for _, want := range []string{"王小明", "Wang Xiaoming", "陳美玲", "Ольга Смирнова", "Amina Otieno", "Internet Society", "Kenya", "Media", "R-0000"} {
			if !strings.Contains(text, want) {
				t.Errorf("badge sheet lacks %q:\n%s", want, text)
			}
		}
		png := testenv.PDFPage(t, sheet, 1, 200)
		saveArtifact(t, png, "badges-sheet.png")
		codes := testenv.QRCodes(t, png)
		if len(codes) != 4 {
			t.Fatalf("%d QR codes on the sheet, want 4: %q", len(codes), codes)
		}
		tokens := map[string]bool{}
		for _, b := range list {
			tokens[b.Token] = true
		}
		for _, c := range codes {
			if !tokens[c] {
				t.Errorf("QR code %q is not a badge token", c)
			}
		}
		// The desk: a scanned token checks in; a second time names the first.
		byID := map[int64]string{}
		for _, b := range list {
			byID[b.R.ID] = b.Token
		}
		first := byID[regs[0].ID]
		r, err := f.s.CheckInCode(ctx, desk, e.ID, first)
		if err != nil || r.CheckedIn == nil || r.ID != regs[0].ID {
			t.Fatalf("check-in by the scanned code: %+v %v", r, err)
		}
		if _, err := f.s.CheckInCode(ctx, desk, e.ID, first); errs.CodeOf(err) != errs.Conflict ||
			!strings.Contains(i18n.For(i18n.En).T(mustErr(err).Key, mustErr(err).Args...), "desk@example.org") {
			t.Fatalf("second check-in: %v", err)
		}
		// Forged: a token with its last character changed, or signed with
		// another key.
		tok := byID[regs[1].ID]
		forged := tok[:len(tok)-2] + map[bool]string{true: "AA", false: "BB"}[!strings.HasSuffix(tok, "AA")]
		other := (&Store{Keys: testKeys(t, 9)}).BadgeToken(regs[1].ID, 1)
		for _, bad := range []string{forged, other} {
			if _, err := f.s.CheckInCode(ctx, desk, e.ID, bad); !fieldsOf(err)["code"] {
				t.Fatalf("forged token %q accepted: %v", bad, err)
			}
		}
		// Another event's badge.
		e2 := f.event("wic-other", 10, Auto)
		if _, err := f.s.CheckInCode(ctx, desk, e2.ID, tok); !fieldsOf(err)["code"] {
			t.Fatalf("another event's badge: %v", err)
		}
		if r, _ := f.s.Registration(ctx, regs[1].ID, 0, true); r.CheckedIn != nil {
			t.Fatal("checked in by another event's desk")
		}
		// Revoked: refused with who and when; a new badge has a new token,
		// and the old one stays refused.
		if _, err := f.s.SetBadge(ctx, f.staff, regs[1].ID, true); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.CheckInCode(ctx, desk, e.ID, tok)
		if errs.CodeOf(err) != errs.Conflict || mustErr(err).Key != "events.badge_revoked_at" || mustErr(err).Args[1] != "sec@example.org" {
			t.Fatalf("revoked badge: %v", err)
		}
		if _, err := f.s.CheckInCode(ctx, desk, e.ID, "R-"+itoa(regs[1].ID)); errs.CodeOf(err) != errs.Conflict {
			t.Fatalf("typed number of a revoked badge: %v", err)
		}
		if _, err := f.s.PersonBadge(ctx, regs[1].ID, regs[1].UserID, false); errs.CodeOf(err) != errs.Conflict {
			t.Fatalf("revoked badge printed: %v", err)
		}
		if _, err := f.s.SetBadge(ctx, f.staff, regs[1].ID, false); err != nil {
			t.Fatal(err)
		}
		nb, err := f.s.PersonBadge(ctx, regs[1].ID, regs[1].UserID, false)
		if err != nil || nb.Token == tok {
			t.Fatalf("new badge: %+v %v", nb, err)
		}
		if _, err := f.s.CheckInCode(ctx, desk, e.ID, tok); errs.CodeOf(err) != errs.Conflict || mustErr(err).Key != "events.badge_replaced" {
			t.Fatalf("old badge after a new one: %v", err)
		}
		if r, err := f.s.CheckInCode(ctx, desk, e.ID, nb.Token); err != nil || r.ID != regs[1].ID {
			t.Fatalf("new badge: %v", err)
		}
		// A typed number still works.
		if r, err := f.s.CheckInCode(ctx, desk, e.ID, strings.ToLower(regs[3].Number())); err != nil || r.ID != regs[3].ID {
			t.Fatalf("typed number: %v", err)
		}
		// Only a confirmed registrant gets a badge, and only their own.
		if _, err := f.s.PersonBadge(ctx, regs[0].ID, regs[2].UserID, false); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("another's badge: %v", err)
		}
	})
}

func mustErr(err error) *errs.Error {
	e, ok := errs.As(err)
	if !ok {
		return &errs.Error{}
	}
	return e
}

// saveArtifact keeps a rendered page to look at.
func saveArtifact(t *testing.T, src, name string) {
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(testenv.ArtifactDir(t), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("rendered: %s", p)
}

// TestLetterPDF renders letters in each language and reads them back: the
// names in every script, the passport number, the code, and a QR code that
// decodes to the verification address.
func TestLetterPDF(t *testing.T) {
	now := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	e := &Event{Slug: "wic-2026", Title: i18n.Text{En: "World Internet Conference Wuzhen Summit", Hans: "世界互联网大会乌镇峰会",
		Hant: "世界互聯網大會烏鎮峰會"}, Starts: now.AddDate(0, 1, 7), Ends: now.AddDate(0, 1, 9), TimeZone: "Asia/Shanghai",
		Venue: "Wuzhen Internet International Convention and Exhibition Center", Country: "CN"}
	cases := []struct {
		lang, name, org, want string
		signer                Signer
	}{
		{i18n.En, "OLGA SMIRNOVA / ОЛЬГА СМИРНОВА", "World Internet Conference", "Letter of invitation", Signer{}},
		{i18n.ZhHans, "王小明", "世界互联网大会", "邀请函", Signer{Name: "李明", Title: "秘书长"}},
		{i18n.ZhHant, "陳美玲", "世界互聯網大會", "邀請函", Signer{}},
		{i18n.En, "Nguyễn Thị Minh Khai", "World Internet Conference", "Embassy", Signer{Name: "Li Ming", Title: "Secretary-General"}},
	}
	for _, c := range cases {
		t.Run(c.lang, func(t *testing.T) {
			p := passport(e)
			p.FullName = c.name
			p.Number = "E12345678"
			v := &VisaLetter{Status: VisaApproved, Passport: &p, Code: "7K2M-Q9XD-4HVB", Decided: &now, Event: e,
				Registration: &Registration{ID: 42, Name: c.name}}
			url := "https://wic.example/verify/" + v.Code
			b, err := renderLetter(v, c.org, c.lang, url, now, c.signer)
			if err != nil {
				t.Fatal(err)
			}
			text := testenv.PDFText(t, b)
			for _, want := range []string{c.name, c.org, c.want, "E12345678", v.Code, e.Title.For(c.lang), "R-000042", c.signer.Name, c.signer.Title} {
				if !strings.Contains(text, want) {
					t.Errorf("letter lacks %q:\n%s", want, text)
				}
			}
			png := testenv.PDFPage(t, b, 1, 150)
			saveArtifact(t, png, "letter-"+c.lang+"-"+strings.Fields(c.name)[0]+".png")
			if got := testenv.QRCodes(t, png); len(got) != 1 || got[0] != url {
				t.Fatalf("QR codes %q, want %q", got, url)
			}
		})
	}
}
