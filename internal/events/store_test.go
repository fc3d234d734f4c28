package events

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/db/dbtest"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/jobs"
	"github.com/wuzhen/wuzhen/internal/mail"
	"github.com/wuzhen/wuzhen/internal/members"
	"github.com/wuzhen/wuzhen/internal/pagecache"
	"github.com/wuzhen/wuzhen/internal/search"
)

var sets = []db.Migrations{jobs.Migrations, mail.Migrations, audit.Migrations, pagecache.Migrations, search.Migrations,
	auth.Migrations, members.Migrations, Migrations}

type fixture struct {
	t     *testing.T
	d     *db.DB
	s     *Store
	users *auth.Store
	staff *actor.Actor
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	users := &auth.Store{DB: d, Params: auth.Params{Memory: 1024, Time: 1, Threads: 1}}
	f := &fixture{t: t, d: d, s: &Store{DB: d, BaseURL: "https://wic.example"}, users: users}
	f.staff = f.person("sec@example.org", "Secretariat", auth.RoleSecretariat)
	return f
}

func (f *fixture) person(email, name string, roles ...string) *actor.Actor {
	f.t.Helper()
	u, err := f.users.Create(context.Background(), email, name, "", roles...)
	if err != nil {
		f.t.Fatal(err)
	}
	return &actor.Actor{ID: u.ID, Email: u.Email, Name: u.Name}
}

// event makes and publishes an event starting tomorrow, with one
// category of the given capacity and approval.
func (f *fixture) event(slug string, capacity int, approval Approval) *Event {
	f.t.Helper()
	ctx := context.Background()
	now := time.Now()
	e := &Event{Slug: slug, Kind: RegionalForum, Title: i18n.Text{En: "Digital Silk Road Forum", Hans: "数字丝路论坛"},
		Starts: now.Add(24 * time.Hour), Ends: now.Add(48 * time.Hour), TimeZone: "Asia/Shanghai", Venue: "Wuzhen Internet International Convention and Exhibition Center", Country: "CN"}
	if err := f.s.Save(ctx, f.staff, e, ""); err != nil {
		f.t.Fatal(err)
	}
	if err := f.s.SaveCategory(ctx, f.staff, slug, &Category{Code: "delegate", Name: i18n.Text{En: "Delegate", Hans: "代表"},
		Capacity: capacity, Approval: approval}); err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.s.SetStatus(ctx, f.staff, slug, Published); err != nil {
		f.t.Fatal(err)
	}
	return e
}

func answers(country string) Answers { return Answers{"country": country, "organization": "CNNIC"} }

func fieldsOf(err error) map[string]bool {
	out := map[string]bool{}
	if e, ok := errs.As(err); ok {
		for _, fl := range e.Fields {
			out[fl.Name] = true
		}
	}
	return out
}

func TestEventValidation(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		e := &Event{Slug: "X", Kind: "party", TimeZone: "Mars/Olympus", Title: i18n.Text{En: "bad\x00title"},
			OnlineURL: "javascript:alert(1)", Topics: []string{"astrology"}}
		err := f.s.Save(ctx, f.staff, e, "no-such-parent")
		got := fieldsOf(err)
		for _, name := range []string{"slug", "kind", "timezone", "title", "starts_at", "online_url", "topics", "parent"} {
			if !got[name] {
				t.Errorf("no error at %s: %v", name, err)
			}
		}
		if errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("code %v", errs.CodeOf(err))
		}
		summit := f.event("summit-2026", 10, Auto)
		summit.Kind = Summit
		if err := f.s.Save(ctx, f.staff, summit, ""); err != nil {
			t.Fatal(err)
		}
		forum := &Event{Slug: "summit-2026", Kind: SectorForum, Title: i18n.Text{En: "AI Forum"}, TimeZone: "Asia/Shanghai",
			Starts: summit.Starts, Ends: summit.Ends, Venue: "Hall 1"}
		if err := f.s.Save(ctx, f.staff, forum, "summit-2026"); !fieldsOf(err)["slug"] {
			t.Fatalf("slug taken not reported: %v", err)
		}
		forum.Slug = "summit-2026-ai"
		if err := f.s.Save(ctx, f.staff, forum, "summit-2026"); err != nil {
			t.Fatal(err)
		}
		// A forum cannot be a parent; an event cannot be its own parent.
		other := &Event{Slug: "sub-forum", Kind: Dialogue, Title: i18n.Text{En: "Sub"}, TimeZone: "UTC", Starts: summit.Starts,
			Ends: summit.Ends, Venue: "Room"}
		if err := f.s.Save(ctx, f.staff, other, "summit-2026-ai"); !fieldsOf(err)["parent"] {
			t.Fatalf("forum accepted as parent: %v", err)
		}
		if err := f.s.Save(ctx, f.staff, summit, "summit-2026"); !fieldsOf(err)["parent"] {
			t.Fatalf("own parent accepted: %v", err)
		}
		children, _, err := f.s.List(ctx, Filter{ParentID: summit.ID, Staff: true}, 0, 0)
		if err != nil || len(children) != 1 || children[0].Slug != "summit-2026-ai" {
			t.Fatalf("children %v %v", children, err)
		}
		// Drafts are hidden from the public.
		if _, err := f.s.Event(ctx, "summit-2026-ai", false); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("draft shown: %v", err)
		}
	})
}

func TestRegisterWaitlistCancelPromote(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		f.event("forum", 2, Auto)
		var people []*actor.Actor
		var regs []*Registration
		for i := 0; i < 5; i++ {
			p := f.person(fmt.Sprintf("p%d@example.org", i), fmt.Sprintf("Person %d", i))
			people = append(people, p)
			r, err := f.s.Register(ctx, p, "forum", "delegate", answers("KE"))
			if err != nil {
				t.Fatal(err)
			}
			regs = append(regs, r)
		}
		want := []struct {
			s   RegStatus
			pos int
		}{{Confirmed, 0}, {Confirmed, 0}, {Waitlisted, 1}, {Waitlisted, 2}, {Waitlisted, 3}}
		for i, r := range regs {
			if r.Status != want[i].s || r.Position != want[i].pos {
				t.Fatalf("registration %d: %s %d, want %s %d", i, r.Status, r.Position, want[i].s, want[i].pos)
			}
		}
		if r := regs[0]; r.Name != "Person 0" || r.Country != "KE" || r.Continent != "AF" {
			t.Fatalf("standard answers not kept: %+v", r)
		}
		// A second registration for the same event is a conflict.
		if _, err := f.s.Register(ctx, people[0], "forum", "delegate", answers("KE")); errs.CodeOf(err) != errs.Conflict {
			t.Fatalf("second registration: %v", err)
		}
		// Someone else cannot cancel it.
		if _, err := f.s.Cancel(ctx, people[1], regs[0].ID, false); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("cancelled by another: %v", err)
		}
		// The first confirmed person cancels: the first on the waitlist gets the seat.
		if _, err := f.s.Cancel(ctx, people[0], regs[0].ID, false); err != nil {
			t.Fatal(err)
		}
		status := func(i int) (RegStatus, int) {
			r, err := f.s.Registration(ctx, regs[i].ID, people[i].ID, false)
			if err != nil {
				t.Fatal(err)
			}
			return r.Status, r.Position
		}
		if s, _ := status(2); s != Confirmed {
			t.Fatalf("first on the waitlist not promoted: %s", s)
		}
		if s, p := status(3); s != Waitlisted || p != 1 {
			t.Fatalf("next on the waitlist: %s %d", s, p)
		}
		if _, err := f.s.Cancel(ctx, people[0], regs[0].ID, false); errs.CodeOf(err) != errs.Conflict {
			t.Fatalf("cancelled twice: %v", err)
		}
		// Cancelling from the waitlist moves the others up without a seat changing hands.
		if _, err := f.s.Cancel(ctx, people[3], regs[3].ID, false); err != nil {
			t.Fatal(err)
		}
		if s, p := status(4); s != Waitlisted || p != 1 {
			t.Fatalf("after a waitlisted cancel: %s %d", s, p)
		}
		// The person cancelled can register again, at the end of the line.
		again, err := f.s.Register(ctx, people[0], "forum", "delegate", answers("KE"))
		if err != nil || again.Status != Waitlisted || again.Position != 2 {
			t.Fatalf("registering again: %+v %v", again, err)
		}
		// The promoted person got a mail, in their language, in the same transaction.
		var n int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM mail_messages WHERE to_addr = ? AND subject = ? AND body_text LIKE ?",
			"p2@example.org", "Your seat at Digital Silk Road Forum is confirmed", "%https://wic.example/registrations/%").Scan(&n); err != nil || n != 1 {
			t.Fatalf("promotion mail: %d %v", n, err)
		}
		st, err := f.s.Stats(ctx, regs[0].EventID)
		if err != nil {
			t.Fatal(err)
		}
		if st.Confirmed != 2 || st.Waitlisted != 2 || st.Countries != 1 || st.ByCategory["delegate"].Confirmed != 2 || st.ByContinent["AF"] != 2 {
			t.Fatalf("stats %+v", st)
		}
		// The capacity grows: the waitlist moves into the new seats.
		if err := f.s.SaveCategory(ctx, f.staff, "forum", &Category{Code: "delegate", Name: i18n.Text{En: "Delegate"}, Capacity: 3}); err != nil {
			t.Fatal(err)
		}
		if s, _ := status(4); s != Confirmed {
			t.Fatalf("waitlist did not move into a new seat: %s", s)
		}
		if err := f.s.SaveCategory(ctx, f.staff, "forum", &Category{Code: "delegate", Name: i18n.Text{En: "Delegate"}, Capacity: 1}); !fieldsOf(err)["capacity"] {
			t.Fatalf("capacity below the seats taken: %v", err)
		}
	})
}

func TestManualApproval(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		f.event("dialogue", 1, Manual)
		a, b := f.person("a@example.org", "李伟"), f.person("b@example.org", "Иван Петров")
		a.Locale = "zh-Hant" // as a signed-in request carries it
		ra, err := f.s.Register(ctx, a, "dialogue", "delegate", answers("CN"))
		if err != nil || ra.Status != Pending {
			t.Fatalf("%+v %v", ra, err)
		}
		var subject string
		if err := d.QueryRow(ctx, "SELECT subject FROM mail_messages WHERE to_addr = ?", "a@example.org").Scan(&subject); err != nil ||
			subject != "我們已收到您對數字絲路論壇的報名" {
			t.Fatalf("mail in the registrant's language: %q %v", subject, err)
		}
		rb, err := f.s.Register(ctx, b, "dialogue", "delegate", answers("RU"))
		if err != nil || rb.Status != Pending {
			t.Fatalf("%+v %v", rb, err)
		}
		if r, err := f.s.Decide(ctx, f.staff, ra.ID, true); err != nil || r.Status != Confirmed {
			t.Fatalf("approve: %+v %v", r, err)
		}
		if r, err := f.s.Decide(ctx, f.staff, rb.ID, true); err != nil || r.Status != Waitlisted || r.Position != 1 {
			t.Fatalf("approve when full: %+v %v", r, err)
		}
		if _, err := f.s.Decide(ctx, f.staff, rb.ID, false); errs.CodeOf(err) != errs.Conflict {
			t.Fatalf("decided twice: %v", err)
		}
	})
}

func TestAnswersChecked(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		f.event("youth", 10, Auto)
		err := f.s.SaveCategory(ctx, f.staff, "youth", &Category{Code: "youth", Name: i18n.Text{En: "Youth"}, Capacity: 5,
			Consent: i18n.Text{En: "I agree to be photographed."},
			Questions: []Question{
				{Code: "diet", Kind: ChoiceQuestion, Label: i18n.Text{En: "Diet"}, Options: []Option{{Code: "halal", Label: i18n.Text{En: "Halal"}}, {Code: "vegetarian", Label: i18n.Text{En: "Vegetarian"}}}},
				{Code: "needs_visa", Kind: YesNoQuestion, Label: i18n.Text{En: "Do you need a visa?"}, Required: true},
			}})
		if err != nil {
			t.Fatal(err)
		}
		p := f.person("y@example.org", "Aigerim")
		_, err = f.s.Register(ctx, p, "youth", "youth", Answers{"country": "XX", "diet": "pizza", "shoe_size": "42", "stakeholder_group": "aliens"})
		got := fieldsOf(err)
		for _, name := range []string{"country", "diet", "shoe_size", "needs_visa", "consent", "stakeholder_group"} {
			if !got[name] {
				t.Errorf("no error at %s: %v", name, err)
			}
		}
		if got["name"] {
			t.Errorf("the account's name was not used: %v", err)
		}
		r, err := f.s.Register(ctx, p, "youth", "youth", Answers{"name": "Aigerim Bekova", "country": "kz", "diet": "halal", "needs_visa": "yes", "consent": "yes"})
		if err != nil || r.Status != Confirmed || r.Country != "KZ" || r.Answers["diet"] != "halal" {
			t.Fatalf("%+v %v", r, err)
		}
		if _, err := f.s.Register(ctx, f.person("z@example.org", "Z"), "youth", "vip", answers("KE")); !fieldsOf(err)["category"] {
			t.Fatalf("unknown category: %v", err)
		}
	})
}

func TestCheckIn(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		f.event("summit", 1, Auto)
		desk := f.person("desk@example.org", "Desk", auth.RoleCheckIn)
		a, b := f.person("a@example.org", "A"), f.person("b@example.org", "B")
		ra, _ := f.s.Register(ctx, a, "summit", "delegate", answers("BR"))
		rb, _ := f.s.Register(ctx, b, "summit", "delegate", answers("BR"))
		if _, err := f.s.CheckIn(ctx, desk, rb.ID); errs.CodeOf(err) != errs.Conflict {
			t.Fatalf("waitlisted checked in: %v", err)
		}
		r, err := f.s.CheckIn(ctx, desk, ra.ID)
		if err != nil || r.CheckedIn == nil {
			t.Fatalf("%+v %v", r, err)
		}
		_, err = f.s.CheckIn(ctx, desk, ra.ID)
		e, ok := errs.As(err)
		if !ok || e.Code != errs.Conflict || len(e.Args) != 2 || e.Args[1] != "desk@example.org" {
			t.Fatalf("second check-in: %#v", err)
		}
		if at, ok := e.Args[0].(i18n.At); !ok || at.T.Sub(*r.CheckedIn).Abs() >= time.Second || at.Loc.String() != "Asia/Shanghai" {
			t.Fatalf("second check-in names %#v, want the first one's time in the event's zone", e.Args[0])
		}
		if got := i18n.For(i18n.ZhHans).T(e.Key, e.Args...); !strings.Contains(got, "北京时间") {
			t.Errorf("second check-in in Chinese: %q", got)
		}
		st, _ := f.s.Stats(ctx, ra.EventID)
		if st.CheckedIn != 1 || st.ByCategory["delegate"].CheckedIn != 1 {
			t.Fatalf("stats %+v", st)
		}
	})
}

func TestCancelEventTellsRegistrants(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		f.event("meeting", 1, Auto)
		for i := 0; i < 3; i++ {
			if _, err := f.s.Register(ctx, f.person(fmt.Sprintf("m%d@example.org", i), "M"), "meeting", "delegate", answers("FR")); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.s.SetStatus(ctx, f.staff, "meeting", Cancelled); err != nil {
			t.Fatal(err)
		}
		var n int
		d.QueryRow(ctx, "SELECT COUNT(*) FROM mail_messages WHERE subject LIKE ?", "%is cancelled%").Scan(&n)
		if n != 3 {
			t.Fatalf("%d cancellation mails, want 3", n)
		}
		if _, err := f.s.Register(ctx, f.person("late@example.org", "L"), "meeting", "delegate", answers("FR")); errs.CodeOf(err) != errs.Conflict {
			t.Fatalf("registered for a cancelled event: %v", err)
		}
	})
}

// TestRush registers many people at once on a small category: the
// capacity is never exceeded, every registration is kept, and the waitlist
// follows the order of acceptance with no gaps, while some people cancel.
func TestRush(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		f.event("rush", 20, Auto)
		const n = 80
		people := make([]*actor.Actor, n)
		for i := range people {
			people[i] = f.person(fmt.Sprintf("r%d@example.org", i), "R")
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		acked := map[int64]*Registration{}
		cancelled := map[int64]bool{}
		sem := make(chan struct{}, 16)
		for i := range people {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				r, err := f.s.Register(ctx, people[i], "rush", "delegate", answers("IN"))
				if err != nil {
					t.Errorf("register %d: %v", i, err)
					return
				}
				mu.Lock()
				acked[r.ID] = r
				mu.Unlock()
				if i%7 == 0 {
					if _, err := f.s.Cancel(ctx, people[i], r.ID, false); err != nil {
						t.Errorf("cancel %d: %v", i, err)
						return
					}
					mu.Lock()
					cancelled[r.ID] = true
					mu.Unlock()
				}
			}(i)
		}
		wg.Wait()
		if len(acked) != n {
			t.Fatalf("%d acknowledged, want %d", len(acked), n)
		}
		type row struct {
			id, seq int64
			status  RegStatus
		}
		rows, err := db.All(ctx, d, "rush", func(s db.Scanner) (row, error) {
			var r row
			return r, s.Scan(&r.id, &r.seq, &r.status)
		}, "SELECT id, seq, status FROM event_registrations ORDER BY seq")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != n {
			t.Fatalf("%d stored, want %d", len(rows), n)
		}
		confirmed, seqs := 0, map[int64]bool{}
		var waitSeqs []int64
		for _, r := range rows {
			if acked[r.id] == nil {
				t.Fatalf("stored registration %d was never acknowledged", r.id)
			}
			if seqs[r.seq] {
				t.Fatalf("acceptance number %d given twice", r.seq)
			}
			seqs[r.seq] = true
			if cancelled[r.id] != (r.status == Withdrawn) {
				t.Fatalf("registration %d: %s, cancelled %v", r.id, r.status, cancelled[r.id])
			}
			switch r.status {
			case Confirmed:
				confirmed++
			case Waitlisted:
				waitSeqs = append(waitSeqs, r.seq)
			}
		}
		if confirmed != 20 {
			t.Fatalf("%d confirmed for 20 seats", confirmed)
		}
		var counter int
		d.QueryRow(ctx, "SELECT confirmed FROM event_categories WHERE code = 'delegate'").Scan(&counter)
		if counter != confirmed {
			t.Fatalf("counter %d, rows %d", counter, confirmed)
		}
		d.QueryRow(ctx, "SELECT waitlisted FROM event_categories WHERE code = 'delegate'").Scan(&counter)
		if counter != len(waitSeqs) {
			t.Fatalf("waitlisted counter %d, rows %d", counter, len(waitSeqs))
		}
		// Those waitlisted when they registered were told a place on the
		// waitlist as it then was: never beyond everyone accepted before
		// them and not yet seated.
		for _, r := range acked {
			if r.Status == Waitlisted && (r.Position < 1 || int64(r.Position) > r.Seq-20) {
				t.Fatalf("registration %d (seq %d) told place %d", r.ID, r.Seq, r.Position)
			}
		}
		// Everyone confirmed was accepted before everyone still waiting:
		// seats went in acceptance order.
		var confSeqs []int64
		for _, r := range rows {
			if r.status == Confirmed {
				confSeqs = append(confSeqs, r.seq)
			}
		}
		sort.Slice(confSeqs, func(i, j int) bool { return confSeqs[i] < confSeqs[j] })
		if len(waitSeqs) > 0 && confSeqs[len(confSeqs)-1] > waitSeqs[0] {
			t.Fatalf("a later registration (%d) holds a seat while an earlier one (%d) waits", confSeqs[len(confSeqs)-1], waitSeqs[0])
		}
		// Positions are 1, 2, 3 … in acceptance order.
		for i, seq := range waitSeqs {
			var id int64
			d.QueryRow(ctx, "SELECT id FROM event_registrations WHERE seq = ?", seq).Scan(&id)
			r, err := f.s.Registration(ctx, id, 0, true)
			if err != nil || r.Position != i+1 {
				t.Fatalf("waitlist place %d: %+v %v", i+1, r, err)
			}
		}
	})
}

func TestCalendarFolding(t *testing.T) {
	c := newCalendar("Summit", "wic.example", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	c.event(vevent{UID: "event-1", Summary: strings.Repeat("数字丝路，", 30) + "; a\\b", Start: time.Date(2026, 11, 8, 1, 0, 0, 0, time.UTC),
		End: time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC)})
	out := c.String()
	for _, line := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Fatalf("line of %d octets: %q", len(line), line)
		}
		if !strings.HasPrefix(line, " ") && !strings.Contains(line, ":") {
			t.Fatalf("bad line %q", line)
		}
	}
	unfolded := strings.ReplaceAll(out, "\r\n ", "")
	if !strings.Contains(unfolded, "SUMMARY:"+strings.Repeat("数字丝路，", 30)+`\; a\\b`+"\r\n") {
		t.Fatalf("summary not escaped and folded losslessly:\n%s", unfolded)
	}
	if !strings.Contains(out, "DTSTART:20261108T010000Z\r\n") || !strings.HasSuffix(out, "END:VCALENDAR\r\n") {
		t.Fatalf("calendar:\n%s", out)
	}
}
