package training

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/crypt"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/db/dbtest"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/jobs"
	"github.com/wuzhen/wuzhen/internal/mail"
	"github.com/wuzhen/wuzhen/internal/pagecache"
	"github.com/wuzhen/wuzhen/internal/search"
)

var sets = []db.Migrations{jobs.Migrations, mail.Migrations, audit.Migrations, pagecache.Migrations, search.Migrations,
	auth.Migrations, Migrations}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

type fixture struct {
	t     *testing.T
	s     *Store
	users *auth.Store
	clock *clock
	sec   *actor.Actor
	n     int
}

// The test programme starts on 1 September 2026; today is 1 June 2026.
var today = time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)

func newFixture(t *testing.T, d *db.DB) *fixture {
	c := &clock{t: today}
	d.Now = c.now
	users := &auth.Store{DB: d, Params: auth.Params{Memory: 1024, Time: 1, Threads: 1}}
	keys, err := crypt.New(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, s: &Store{DB: d, Keys: keys, BaseURL: "https://wic.example"}, users: users, clock: c}
	f.sec = f.user(auth.RoleSecretariat)
	return f
}

func (f *fixture) user(roles ...string) *actor.Actor {
	f.t.Helper()
	f.n++
	u, err := f.users.Create(context.Background(), "person"+string(rune('a'+f.n))+"@example.org", "Person", "a good password", roles...)
	if err != nil {
		f.t.Fatal(err)
	}
	return u.Principal()
}

func testProgramme(slug string) *Programme {
	return &Programme{Slug: slug, Title: Text{En: "Internet governance fellowship", Hans: "互联网治理研修"}, Kind: Fellowship,
		Format: Online, Languages: []string{"en"}, StartsOn: "2026-09-01", EndsOn: "2026-11-30", Hours: 40, Seats: 2,
		Eligibility: Eligibility{Developing: true},
		Questions:   []Question{{Code: "motivation", Kind: QuestionLongText, Label: Text{En: "Motivation"}, Required: true}}}
}

// TestEligibility decides against the income-group data: a high-income
// country is refused by the developing rule, a least developed country
// is accepted, a named country overrides the rule, and the age and group
// rules name themselves.
func TestEligibility(t *testing.T) {
	dev := testProgramme("x")
	override := testProgramme("x")
	override.Eligibility.Countries = []string{"CL"}
	listed := testProgramme("x")
	listed.Eligibility = Eligibility{Countries: []string{"KE", "NG"}}
	aged := testProgramme("x")
	aged.Eligibility = Eligibility{Developing: true, AgeMin: 18, AgeMax: 35, StakeholderGroups: []string{"civil_society", "academia"}}
	for _, tc := range []struct {
		name     string
		p        *Programme
		a        Applicant
		complete bool
		want     []Rule
	}{
		{"high income refused", dev, Applicant{Country: "DE"}, true, []Rule{RuleCountry}},
		{"high income (Chile) refused", dev, Applicant{Country: "CL"}, true, []Rule{RuleCountry}},
		{"least developed accepted", dev, Applicant{Country: "ET"}, true, nil},
		{"lower-middle accepted", dev, Applicant{Country: "KE"}, true, nil},
		{"upper-middle accepted", dev, Applicant{Country: "BR"}, true, nil},
		{"override honoured", override, Applicant{Country: "CL"}, true, nil},
		{"override leaves others out", override, Applicant{Country: "DE"}, true, []Rule{RuleCountry}},
		{"list only", listed, Applicant{Country: "BR"}, true, []Rule{RuleListed}},
		{"list only, listed", listed, Applicant{Country: "NG"}, true, nil},
		{"unknown country", dev, Applicant{Country: "ZZ"}, true, []Rule{RuleCountry}},
		{"country missing", dev, Applicant{}, true, []Rule{RuleMissing}},
		{"country missing, a question", dev, Applicant{}, false, nil},
		{"too old", aged, Applicant{Country: "KE", BirthYear: 1980, Group: "academia"}, true, []Rule{RuleAge}},
		{"too young", aged, Applicant{Country: "KE", BirthYear: 2010, Group: "academia"}, true, []Rule{RuleAge}},
		{"in range", aged, Applicant{Country: "KE", BirthYear: 2000, Group: "academia"}, true, nil},
		{"group", aged, Applicant{Country: "KE", BirthYear: 2000, Group: "business"}, true, []Rule{RuleGroup}},
		{"all three", aged, Applicant{Country: "US", BirthYear: 1950, Group: "business"}, true, []Rule{RuleCountry, RuleAge, RuleGroup}},
		{"age and group missing", aged, Applicant{Country: "KE"}, true, []Rule{RuleMissing, RuleMissing}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.p.Check(tc.a, tc.complete)
			var rules []Rule
			for _, r := range got {
				rules = append(rules, r.Rule)
			}
			if len(rules) != len(tc.want) {
				t.Fatalf("rules %v, want %v", rules, tc.want)
			}
			for i := range rules {
				if rules[i] != tc.want[i] {
					t.Fatalf("rules %v, want %v", rules, tc.want)
				}
			}
		})
	}
	// The reason names the country and its income group in the
	// reader's language.
	r := dev.Check(Applicant{Country: "DE"}, true)[0]
	if got := r.Message(i18n.For(i18n.En)); got != "Germany is not a developing country under the platform’s rule (World Bank income group: high income; not a UN least developed country)." {
		t.Errorf("message %q", got)
	}
	if got := r.Message(i18n.For(i18n.ZhHans)); got == "" || !containsAll(got, "德国", "高收入") {
		t.Errorf("zh-Hans message %q", got)
	}
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

func (f *fixture) programme(slug string, mod func(*Programme)) *Programme {
	f.t.Helper()
	ctx := context.Background()
	p := testProgramme(slug)
	if mod != nil {
		mod(p)
	}
	if err := f.s.Create(ctx, f.sec, p); err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.s.Publish(ctx, f.sec, slug); err != nil {
		f.t.Fatal(err)
	}
	return p
}

func (f *fixture) apply(slug, country string) (*actor.Actor, *Application) {
	f.t.Helper()
	u := f.user()
	a := &Application{Country: country, Answers: map[string]string{"motivation": "To learn."}}
	if err := f.s.Apply(context.Background(), u, slug, a); err != nil {
		f.t.Fatal(err)
	}
	return u, a
}

func (f *fixture) status(id int64) AppStatus {
	f.t.Helper()
	a, err := f.s.Application(context.Background(), f.sec, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return a.Status
}

// TestProgrammeIntake: a draft is hidden, publishing opens it; an
// application from an ineligible country is refused naming the rule; a
// second application is a conflict; answers are checked.
func TestProgrammeIntake(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		p := testProgramme("ig-fellowship")
		if err := f.s.Create(ctx, f.user(), p); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("created by a plain account: %v", err)
		}
		if err := f.s.Create(ctx, f.sec, p); err != nil {
			t.Fatal(err)
		}
		if err := f.s.Create(ctx, f.sec, testProgramme("ig-fellowship")); !errs.Fields(mustErr(t, err).Fields).Has("slug") {
			t.Fatalf("slug twice: %v", err)
		}
		if _, err := f.s.Programme(ctx, nil, p.Slug); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("a draft shown: %v", err)
		}
		u := f.user()
		if err := f.s.Apply(ctx, u, p.Slug, &Application{Country: "KE"}); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("applied to a draft: %v", err)
		}
		if _, err := f.s.Publish(ctx, f.sec, p.Slug); err != nil {
			t.Fatal(err)
		}
		err := f.s.Apply(ctx, u, p.Slug, &Application{Country: "DE", Answers: map[string]string{"motivation": "x"}})
		var ie *IneligibleError
		if !errors.As(err, &ie) || ie.Reasons[0].Rule != RuleCountry || errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("from Germany: %v", err)
		}
		explained := Explain(i18n.For(i18n.En), err)
		if e, _ := errs.As(explained); e == nil || len(e.Args) != 1 || !strings.Contains(e.Args[0].(string), "Germany") {
			t.Fatalf("explained %#v", explained)
		}
		if err := f.s.Apply(ctx, u, p.Slug, &Application{Country: "KE"}); !errs.Fields(mustErr(t, err).Fields).Has("answers.motivation") {
			t.Fatalf("no motivation: %v", err)
		}
		if err := f.s.Apply(ctx, u, p.Slug, &Application{Country: "KE", Answers: map[string]string{"motivation": "x", "other": "y"}}); !errs.Fields(mustErr(t, err).Fields).Has("answers") {
			t.Fatalf("an answer to no question: %v", err)
		}
		a := &Application{Country: "ke", Gender: "woman", Answers: map[string]string{"motivation": " To learn. "}}
		if err := f.s.Apply(ctx, u, p.Slug, a); err != nil {
			t.Fatal(err)
		}
		if a.Status != Submitted || a.Country != "KE" || a.Region != "002" {
			t.Fatalf("application %+v", a)
		}
		if err := f.s.Apply(ctx, u, p.Slug, &Application{Country: "KE", Answers: map[string]string{"motivation": "x"}}); errs.CodeOf(err) != errs.Conflict {
			t.Fatalf("applied twice: %v", err)
		}
		got, err := f.s.Application(ctx, u, a.ID)
		if err != nil || got.Answers["motivation"] != "To learn." || got.Programme.Slug != p.Slug {
			t.Fatalf("own application %+v, %v", got, err)
		}
		if _, err := f.s.Application(ctx, f.user(), a.ID); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("another's application: %v", err)
		}
		// Once the programme starts it takes no more applications.
		f.clock.set(time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC))
		if err := f.s.Apply(ctx, f.user(), p.Slug, &Application{Country: "KE", Answers: map[string]string{"motivation": "x"}}); errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("applied after the start: %v", err)
		}
	})
}

func mustErr(t *testing.T, err error) *errs.Error {
	t.Helper()
	e, ok := errs.As(err)
	if !ok {
		t.Fatalf("error %v is not an errs.Error", err)
	}
	return e
}

// TestOffersAndWaitlist: offers beyond the seats go to the waitlist in
// order; a declined seat and an expired one are offered to the
// waitlist; a region's limit holds.
func TestOffersAndWaitlist(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		p := f.programme("skills", func(p *Programme) { p.Seats = 2; p.SeatsBy = map[string]int{"142": 1} })
		ua, a := f.apply(p.Slug, "KE")
		ub, b := f.apply(p.Slug, "IN") // Asia (142)
		_, c := f.apply(p.Slug, "NP")  // Asia
		ud, dd := f.apply(p.Slug, "NG")
		by := today.Add(72 * time.Hour)
		if _, err := f.s.Offer(ctx, f.sec, p.Slug, []int64{a.ID}, today.Add(-time.Hour)); !errs.Fields(mustErr(t, err).Fields).Has("respond_by") {
			t.Fatalf("a deadline in the past: %v", err)
		}
		res, err := f.s.Offer(ctx, f.sec, p.Slug, []int64{b.ID, c.ID, a.ID, dd.ID}, by)
		if err != nil {
			t.Fatal(err)
		}
		// b takes Asia's one seat, c waits for Asia; a takes the second
		// seat; d waits for any seat.
		if len(res.Offered) != 2 || res.Offered[0] != b.ID || res.Offered[1] != a.ID || len(res.Waitlisted) != 2 {
			t.Fatalf("offer %+v", res)
		}
		if _, err := f.s.Offer(ctx, f.sec, p.Slug, []int64{a.ID}, by); errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("offered twice: %v", err)
		}
		if _, err := f.s.Respond(ctx, ub, a.ID, true); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("accepted another's offer: %v", err)
		}
		if _, err := f.s.Respond(ctx, ua, a.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Respond(ctx, ud, dd.ID, true); errs.CodeOf(err) != errs.Conflict {
			t.Fatalf("accepted from the waitlist: %v", err)
		}
		// a gives the seat up: d (Africa) gets it, c cannot (Asia is full).
		if _, err := f.s.Respond(ctx, ua, a.ID, false); err != nil {
			t.Fatal(err)
		}
		if f.status(dd.ID) != Offered || f.status(c.ID) != Waitlisted {
			t.Fatalf("after the decline: d %s, c %s", f.status(dd.ID), f.status(c.ID))
		}
		// b lets the deadline pass: the sweep gives Asia's seat to c.
		f.clock.set(by.Add(time.Minute))
		if _, err := f.s.Respond(ctx, ub, b.ID, true); errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("accepted late: %v", err)
		}
		if f.status(b.ID) != Expired || f.status(c.ID) != Offered {
			t.Fatalf("after expiry: b %s, c %s", f.status(b.ID), f.status(c.ID))
		}
		// d's offer (from the waitlist, 7 days) is still open; nothing
		// left to sweep.
		if n, err := f.s.Sweep(ctx); err != nil || n != 0 {
			t.Fatalf("sweep %d, %v", n, err)
		}
		if _, err := f.s.Respond(ctx, ud, dd.ID, true); err != nil {
			t.Fatal(err)
		}
		held := 0
		_, list, err := f.s.Applications(ctx, f.sec, p.Slug)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range list {
			if x.Holds() {
				held++
			}
		}
		if held != 2 {
			t.Fatalf("%d seats held of 2", held)
		}
	})
}

// TestSweep: an offer not answered expires in the sweep, and its seat
// goes to the waitlist.
func TestSweep(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		p := f.programme("sweep", func(p *Programme) { p.Seats = 1 })
		_, a := f.apply(p.Slug, "KE")
		_, b := f.apply(p.Slug, "ET")
		if _, err := f.s.Offer(ctx, f.sec, p.Slug, []int64{a.ID, b.ID}, today.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if n, err := f.s.Sweep(ctx); err != nil || n != 0 {
			t.Fatalf("sweep before the deadline: %d, %v", n, err)
		}
		f.clock.set(today.Add(2 * time.Hour))
		if n, err := f.s.Sweep(ctx); err != nil || n != 1 {
			t.Fatalf("sweep %d, %v", n, err)
		}
		if f.status(a.ID) != Expired || f.status(b.ID) != Offered {
			t.Fatalf("a %s, b %s", f.status(a.ID), f.status(b.ID))
		}
	})
}
