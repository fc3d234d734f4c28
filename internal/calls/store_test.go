package calls

import (
	"context"
	"errors"
	"fmt"
	"math"
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
	"github.com/wuzhen/wuzhen/internal/pagecache"
	"github.com/wuzhen/wuzhen/internal/search"
)

var sets = []db.Migrations{jobs.Migrations, mail.Migrations, audit.Migrations, pagecache.Migrations, search.Migrations, auth.Migrations, Migrations}

// clock is a settable database clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

type fixture struct {
	t     *testing.T
	d     *db.DB
	s     *Store
	users *auth.Store
	clock *clock
	sec   *actor.Actor
	n     int
}

// Times of the test call: open in June 2025, closing 30 June 18:00 in
// Shanghai (10:00 UTC).
var (
	opens  = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	closes = time.Date(2025, 6, 30, 10, 0, 0, 0, time.UTC)
)

func newFixture(t *testing.T, d *db.DB) *fixture {
	c := &clock{t: opens.Add(24 * time.Hour)}
	d.Now = c.now
	users := &auth.Store{DB: d, Params: auth.Params{Memory: 1024, Time: 1, Threads: 1}}
	f := &fixture{t: t, d: d, s: &Store{DB: d, BaseURL: "https://wic.example"}, users: users, clock: c}
	f.sec = f.user("sec@example.org", "Secretariat", auth.RoleSecretariat)
	return f
}

func (f *fixture) user(email, name string, roles ...string) *actor.Actor {
	f.t.Helper()
	u, err := f.users.Create(context.Background(), email, name, "a good password", roles...)
	if err != nil {
		f.t.Fatal(err)
	}
	return u.Principal()
}

func testCall(slug string) *Call {
	return &Call{Slug: slug, Kind: KindCase, Title: Text{En: "Practice cases 2025", Hans: "2025年实践案例"},
		OpensAt: opens, ClosesAt: closes, Timezone: "Asia/Shanghai", Fields: Fields, ReviewsPerSubmission: 2, Blind: true,
		Criteria: []Criterion{
			{Code: "impact", Name: Text{En: "Impact"}, Weight: 3, Max: 10},
			{Code: "cooperation", Name: Text{En: "Cooperation"}, Weight: 1, Max: 5},
		}}
}

func (f *fixture) publishedCall(c *Call) *Call {
	f.t.Helper()
	ctx := context.Background()
	if err := f.s.CreateCall(ctx, f.sec, c); err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.s.PublishCall(ctx, f.sec, c.Slug); err != nil {
		f.t.Fatal(err)
	}
	got, err := f.s.Call(ctx, c.Slug)
	if err != nil {
		f.t.Fatal(err)
	}
	return got
}

func validSubmission(field string, countries ...string) *Submission {
	if len(countries) == 0 {
		countries = []string{"KE", "CN"}
	}
	return &Submission{Title: Text{En: "Connecting rural schools", Hans: "连接乡村学校"}, Summary: Text{En: "Fibre and training."},
		Field: field, Countries: countries}
}

// submit makes a new account and submits s to call slug as it.
func (f *fixture) submit(slug string, s *Submission, info SubmitterInfo) (*actor.Actor, *Submission) {
	f.t.Helper()
	f.n++
	by := f.user(fmt.Sprintf("author%d@example.org", f.n), fmt.Sprintf("Author %d", f.n))
	if err := f.s.SaveSubmission(context.Background(), by, slug, s, info, true); err != nil {
		f.t.Fatal(err)
	}
	return by, s
}

// reviewer makes an account and adds it to the pool of call slug.
func (f *fixture) reviewer(slug, email string, r Reviewer) (*actor.Actor, *Reviewer) {
	f.t.Helper()
	p := f.user(email, strings.Split(email, "@")[0])
	r.Email = email
	if joined, err := f.s.AddReviewer(context.Background(), f.sec, slug, &r, "en"); err != nil || !joined {
		f.t.Fatalf("add reviewer %s: joined %v, %v", email, joined, err)
	}
	return p, &r
}

func fields(err error) map[string]bool {
	out := map[string]bool{}
	if e, ok := errs.As(err); ok {
		for _, f := range e.Fields {
			out[f.Name] = true
		}
	}
	return out
}

func TestCallValidation(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		bad := &Call{Slug: "X", Kind: "poem", Timezone: "Mars/Olympus", Fields: []string{"astrology"}, ReviewsPerSubmission: 99,
			OpensAt: closes, ClosesAt: opens, Criteria: []Criterion{{Code: "a", Weight: 1, Max: 5}, {Code: "a", Name: Text{En: "A"}, Weight: 1, Max: 5}}}
		got := fields(f.s.CreateCall(ctx, f.sec, bad))
		for _, want := range []string{"slug", "kind", "title", "timezone", "closes_at", "fields", "reviews_per_submission", "criteria.0.name", "criteria.1.code"} {
			if !got[want] {
				t.Errorf("no error at %s: %v", want, got)
			}
		}
		c := f.publishedCall(testCall("cases-2025"))
		if c.Year != 2025 || c.MinCountries != 2 || c.Status != CallPublished || len(c.Criteria) != 2 || c.Criteria[0].Name.En != "Impact" {
			t.Errorf("stored %+v", c)
		}
		if err := f.s.CreateCall(ctx, f.sec, testCall("cases-2025")); !fields(err)["slug"] {
			t.Errorf("a slug taken twice: %v", err)
		}
	})
}

func TestDeadline(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		f.publishedCall(testCall("cases-2025"))
		by := f.user("late@example.org", "Late Author")

		f.clock.set(opens.Add(-time.Minute))
		err := f.s.SaveSubmission(ctx, by, "cases-2025", validSubmission("cybersecurity"), SubmitterInfo{}, true)
		var de *DeadlineError
		if !errors.As(err, &de) || de.Closed || errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("before opening: %v", err)
		}

		f.clock.set(closes.Add(-time.Second))
		sub := validSubmission("cybersecurity")
		if err := f.s.SaveSubmission(ctx, by, "cases-2025", sub, SubmitterInfo{Country: "ke"}, true); err != nil || sub.Status != Submitted {
			t.Fatalf("a second before the deadline: %v %s", err, sub.Status)
		}

		f.clock.set(closes) // the deadline itself is too late
		err = f.s.SaveSubmission(ctx, by, "cases-2025", validSubmission("cybersecurity"), SubmitterInfo{}, true)
		if !errors.As(err, &de) || !de.Closed || errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("at the deadline: %v", err)
		}
		// The detail names the deadline in the call's time zone.
		if got := de.Detail(i18n.For(i18n.En)); !strings.Contains(got, "30 June 2025, 18:00 Beijing time (UTC+8)") {
			t.Errorf("detail %q", got)
		}
		if got := de.Detail(i18n.For(i18n.ZhHant)); !strings.Contains(got, "2025年6月30日 星期一 18:00 北京時間") {
			t.Errorf("zh-Hant detail %q", got)
		}
		sub.Title.En = "Edited late"
		if err := f.s.SaveSubmission(ctx, by, "cases-2025", sub, SubmitterInfo{}, true); !errors.As(err, &de) {
			t.Errorf("an edit after the deadline: %v", err)
		}
		if err := f.s.Withdraw(ctx, by, sub.ID); !errors.As(err, &de) {
			t.Errorf("a withdrawal after the deadline: %v", err)
		}
		got, _, err := f.s.Submission(ctx, by, sub.ID)
		if err != nil || got.Title.En != "Connecting rural schools" || got.Status != Submitted {
			t.Errorf("after refusals: %+v %v", got, err)
		}
	})
}

func TestSubmissions(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		c := testCall("cases-2025")
		c.Languages = []string{"en", "zh-Hans"}
		f.publishedCall(c)
		by := f.user("author@example.org", "Author")

		t.Run("a draft needs little, a submission everything", func(t *testing.T) {
			draft := &Submission{Title: Text{En: "Half done"}}
			if err := f.s.SaveSubmission(ctx, by, "cases-2025", draft, SubmitterInfo{}, false); err != nil || draft.Status != Draft {
				t.Fatalf("draft: %v %s", err, draft.Status)
			}
			err := f.s.SaveSubmission(ctx, by, "cases-2025", draft, SubmitterInfo{}, true)
			got := fields(err)
			for _, want := range []string{"title", "summary", "field", "countries"} {
				if !got[want] {
					t.Errorf("no error at %s: %v", want, err)
				}
			}
			draft.Title.Hans, draft.Summary = "半成品", Text{En: "Text", Hant: "文字"}
			draft.Field, draft.Countries = "governance", []string{"fr", "SN"}
			if err := f.s.SaveSubmission(ctx, by, "cases-2025", draft, SubmitterInfo{}, true); err != nil || draft.Status != Submitted {
				t.Fatalf("completed: %v %s", err, draft.Status)
			}
			other := f.user("other@example.org", "Other")
			if _, _, err := f.s.Submission(ctx, other, draft.ID); errs.CodeOf(err) != errs.NotFound {
				t.Errorf("someone else reads it: %v", err)
			}
			if err := f.s.SaveSubmission(ctx, other, "cases-2025", &Submission{ID: draft.ID}, SubmitterInfo{}, false); errs.CodeOf(err) != errs.NotFound {
				t.Errorf("someone else edits it: %v", err)
			}
		})

		t.Run("co-authors confirm by the link mailed to them", func(t *testing.T) {
			sub := validSubmission("digital_economy")
			sub.Title.Hans = "数字经济"
			sub.Summary.Hans = "摘要"
			if err := f.s.SaveSubmission(ctx, by, "cases-2025", sub, SubmitterInfo{}, true); err != nil {
				t.Fatal(err)
			}
			token, err := f.s.inviteCoauthor(ctx, by, sub.ID, "Co.Author@Example.org", "Co Author", "br", "zh-Hant")
			if err != nil {
				t.Fatal(err)
			}
			if err := f.s.InviteCoauthor(ctx, by, sub.ID, "co.author@example.org", "", "", "en"); !fields(err)["email"] {
				t.Errorf("invited twice: %v", err)
			}
			msgs, _, _ := mail.List(ctx, d, 10, 0)
			if len(msgs) == 0 || msgs[0].To != "co.author@example.org" || !strings.Contains(msgs[0].Text, "/submissions/confirm?token="+token) ||
				!strings.Contains(msgs[0].Subject, "數字經濟") {
				t.Errorf("invitation mail %+v", msgs[0])
			}
			co := f.user("co.author@example.org", "Co Author")
			if _, _, err := f.s.Submission(ctx, co, sub.ID); errs.CodeOf(err) != errs.NotFound {
				t.Errorf("an unconfirmed co-author reads it: %v", err)
			}
			if id, err := f.s.ConfirmCoauthor(ctx, co, token); err != nil || id != sub.ID {
				t.Fatalf("confirm: %d %v", id, err)
			}
			if _, err := f.s.ConfirmCoauthor(ctx, co, token); errs.CodeOf(err) != errs.Invalid {
				t.Errorf("a token used twice: %v", err)
			}
			got, _, err := f.s.Submission(ctx, co, sub.ID)
			if err != nil || len(got.Authors) != 2 || got.Authors[1].ConfirmedAt == nil || got.Authors[1].Country != "BR" {
				t.Fatalf("the co-author reads it: %+v %v", got, err)
			}
			mine, err := f.s.Mine(ctx, co.ID)
			if err != nil || len(mine) != 1 || mine[0].ID != sub.ID {
				t.Errorf("co-author's list: %v %v", mine, err)
			}
			if err := f.s.Withdraw(ctx, co, sub.ID); errs.CodeOf(err) != errs.NotFound {
				t.Errorf("a co-author withdrew it: %v", err)
			}
			if err := f.s.Withdraw(ctx, by, sub.ID); err != nil {
				t.Fatal(err)
			}
			if err := f.s.SaveSubmission(ctx, by, "cases-2025", sub, SubmitterInfo{}, true); errs.CodeOf(err) != errs.Conflict {
				t.Errorf("a withdrawn submission was edited: %v", err)
			}
		})

		t.Run("a members-only call asks whether the account acts for a member", func(t *testing.T) {
			mc := testCall("members-2025")
			mc.MembersOnly = true
			f.publishedCall(mc)
			if err := f.s.SaveSubmission(ctx, by, "members-2025", validSubmission("governance"), SubmitterInfo{}, true); errs.CodeOf(err) != errs.Forbidden {
				t.Errorf("no member check: %v", err)
			}
			f.s.IsMember = func(_ context.Context, uid int64) (bool, error) { return uid == by.ID, nil }
			defer func() { f.s.IsMember = nil }()
			if err := f.s.SaveSubmission(ctx, by, "members-2025", validSubmission("governance"), SubmitterInfo{}, true); err != nil {
				t.Errorf("a member: %v", err)
			}
		})
	})
}

// TestConflictRules goes through every rule: a reviewer is never given a
// submission they wrote, co-wrote (confirmed or only invited), of an
// applicant organisation they belong to (in either Chinese script), from
// an author's country when the call excludes it, or that they declared a
// conflict on; and the same country is allowed when the call does not
// exclude it.
func TestConflictRules(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		// Each case has a call of its own, with one review a submission;
		// "strict" calls exclude reviewers from an author's country.
		newCall := func(slug string, strict bool) {
			c := testCall(slug)
			c.ExcludeSameCountry = strict
			c.ReviewsPerSubmission = 1
			f.publishedCall(c)
		}

		// Each case: one submission, one reviewer with the conflict (who
		// is also the best match by field and load), one clean reviewer.
		type tc struct {
			name, call string
			setup      func(t *testing.T) (sub *Submission, conflicted *Reviewer)
			allowed    bool
		}
		cases := []tc{
			{"the submitter", "strict1", func(t *testing.T) (*Submission, *Reviewer) {
				by, sub := f.submit("strict1", validSubmission("cybersecurity"), SubmitterInfo{})
				r := &Reviewer{Email: by.Email, Fields: []string{"cybersecurity"}}
				if _, err := f.s.AddReviewer(ctx, f.sec, "strict1", r, "en"); err != nil {
					t.Fatal(err)
				}
				return sub, r
			}, false},
			{"a confirmed co-author", "strict2", func(t *testing.T) (*Submission, *Reviewer) {
				by, sub := f.submit("strict2", validSubmission("cybersecurity"), SubmitterInfo{})
				p, r := f.reviewer("strict2", "confirmed.co@example.org", Reviewer{Fields: []string{"cybersecurity"}})
				token, err := f.s.inviteCoauthor(ctx, by, sub.ID, p.Email, "", "", "en")
				if err != nil {
					t.Fatal(err)
				}
				if _, err := f.s.ConfirmCoauthor(ctx, p, token); err != nil {
					t.Fatal(err)
				}
				return sub, r
			}, false},
			{"an invited co-author not yet confirmed", "strict3", func(t *testing.T) (*Submission, *Reviewer) {
				by, sub := f.submit("strict3", validSubmission("cybersecurity"), SubmitterInfo{})
				_, r := f.reviewer("strict3", "invited.co@example.org", Reviewer{Fields: []string{"cybersecurity"}})
				if err := f.s.InviteCoauthor(ctx, by, sub.ID, "invited.co@example.org", "", "", "en"); err != nil {
					t.Fatal(err)
				}
				return sub, r
			}, false},
			{"a member of an applicant organisation", "strict4", func(t *testing.T) (*Submission, *Reviewer) {
				s := validSubmission("cybersecurity")
				s.Partners = []Partner{{Name: "数字丝路联盟", Country: "CN"}}
				_, sub := f.submit("strict4", s, SubmitterInfo{})
				_, r := f.reviewer("strict4", "org@example.org", Reviewer{Organization: "數字絲路聯盟", Fields: []string{"cybersecurity"}})
				return sub, r
			}, false},
			{"a member of the submitter's organisation", "strict5", func(t *testing.T) (*Submission, *Reviewer) {
				_, sub := f.submit("strict5", validSubmission("cybersecurity"), SubmitterInfo{Organization: "Nairobi Data Lab"})
				_, r := f.reviewer("strict5", "lab@example.org", Reviewer{Organization: "nairobi  data lab", Fields: []string{"cybersecurity"}})
				return sub, r
			}, false},
			{"from an author's country, where the call excludes it", "strict6", func(t *testing.T) (*Submission, *Reviewer) {
				_, sub := f.submit("strict6", validSubmission("cybersecurity", "FR", "SN"), SubmitterInfo{Country: "AR"})
				_, r := f.reviewer("strict6", "ar@example.org", Reviewer{Country: "AR", Fields: []string{"cybersecurity"}})
				return sub, r
			}, false},
			{"from a partner's country, where the call excludes it", "strict7", func(t *testing.T) (*Submission, *Reviewer) {
				s := validSubmission("cybersecurity", "FR", "SN")
				s.Partners = []Partner{{Name: "Andes Net", Country: "PE"}}
				_, sub := f.submit("strict7", s, SubmitterInfo{})
				_, r := f.reviewer("strict7", "pe@example.org", Reviewer{Country: "PE", Fields: []string{"cybersecurity"}})
				return sub, r
			}, false},
			{"from an author's country, where the call allows it", "open8", func(t *testing.T) (*Submission, *Reviewer) {
				_, sub := f.submit("open8", validSubmission("cybersecurity", "FR", "SN"), SubmitterInfo{Country: "AR"})
				_, r := f.reviewer("open8", "ar.open@example.org", Reviewer{Country: "AR", Fields: []string{"cybersecurity"}})
				return sub, r
			}, true},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				newCall(c.call, strings.HasPrefix(c.call, "strict"))
				sub, conflicted := c.setup(t)
				clean := fmt.Sprintf("clean%d@example.org", sub.ID)
				_, cleanR := f.reviewer(c.call, clean, Reviewer{Country: "JP", Fields: []string{"governance"}})
				n, err := f.s.Assign(ctx, f.sec, c.call)
				if err != nil {
					t.Fatal(err)
				}
				if n != 1 {
					t.Fatalf("%d assignments, want 1", n)
				}
				reviews, err := f.s.ReviewsOf(ctx, sub.ID)
				if err != nil || len(reviews) != 1 {
					t.Fatalf("reviews %v %v", reviews, err)
				}
				got := reviews[0].Reviewer.Email
				if c.allowed && got != conflicted.Email {
					t.Errorf("given to %s; the best match %s is allowed", got, conflicted.Email)
				}
				if !c.allowed && got != cleanR.Email {
					t.Errorf("given to %s, want %s", got, cleanR.Email)
				}
				// By hand neither.
				if !c.allowed {
					if err := f.s.AssignReviewer(ctx, f.sec, sub.ID, conflicted.ID); errs.CodeOf(err) != errs.Conflict {
						t.Errorf("assigned by hand: %v", err)
					}
				}
			})
		}

		t.Run("a declared conflict: replaced at once, never given again", func(t *testing.T) {
			c := testCall("declared")
			c.ReviewsPerSubmission = 1
			f.publishedCall(c)
			_, sub := f.submit("declared", validSubmission("governance"), SubmitterInfo{})
			p1, r1 := f.reviewer("declared", "first@example.org", Reviewer{Fields: []string{"governance"}})
			p2, r2 := f.reviewer("declared", "second@example.org", Reviewer{})
			if n, err := f.s.Assign(ctx, f.sec, "declared"); err != nil || n != 1 {
				t.Fatalf("assign: %d %v", n, err)
			}
			q1, _ := f.s.MyReviews(ctx, p1.ID, "en")
			if len(q1) != 1 || q1[0].Status != ReviewAssigned {
				t.Fatalf("the field expert's queue: %+v", q1)
			}
			newID, err := f.s.DeclareConflict(ctx, p1, q1[0].ID, "I advised the project.")
			if err != nil || newID == 0 {
				t.Fatalf("declare: %d %v", newID, err)
			}
			q2, _ := f.s.MyReviews(ctx, p2.ID, "en")
			if len(q2) != 1 || q2[0].ID != newID || q2[0].SubmissionID != sub.ID {
				t.Fatalf("the replacement's queue: %+v", q2)
			}
			q1, _ = f.s.MyReviews(ctx, p1.ID, "en")
			if len(q1) != 1 || q1[0].Status != ReviewConflict {
				t.Errorf("the conflicted reviewer's queue: %+v", q1)
			}
			if v, err := f.s.Review(ctx, p1, q1[0].ID); err != nil || v.Submission != nil {
				t.Errorf("the conflicted reviewer still sees the submission: %+v %v", v, err)
			}
			if err := f.s.SaveReview(ctx, p1, q1[0].ID, map[string]float64{"impact": 5, "cooperation": 5}, "", true); errs.CodeOf(err) != errs.Conflict {
				t.Errorf("the conflicted reviewer scored it: %v", err)
			}
			// The replacement declares too: nobody is left, and a new
			// run of assignment gives it to neither.
			if id, err := f.s.DeclareConflict(ctx, p2, newID, ""); err != nil || id != 0 {
				t.Fatalf("second declaration: %d %v", id, err)
			}
			if n, err := f.s.Assign(ctx, f.sec, "declared"); err != nil || n != 0 {
				t.Errorf("assigned again after declarations: %d %v", n, err)
			}
			for _, r := range []*Reviewer{r1, r2} {
				if err := f.s.AssignReviewer(ctx, f.sec, sub.ID, r.ID); errs.CodeOf(err) != errs.Conflict {
					t.Errorf("%s given it by hand: %v", r.Email, err)
				}
			}
		})
	})
}

func TestAssignBalancesAndMatches(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		f.publishedCall(testCall("cases-2025"))
		var subs []*Submission
		for i := 0; i < 6; i++ {
			field := "cybersecurity"
			if i%2 == 1 {
				field = "governance"
			}
			_, s := f.submit("cases-2025", validSubmission(field), SubmitterInfo{})
			subs = append(subs, s)
		}
		// A draft and an ineligible submission take no reviewers.
		draftBy := f.user("drafter@example.org", "Drafter")
		if err := f.s.SaveSubmission(ctx, draftBy, "cases-2025", &Submission{Title: Text{En: "Draft"}}, SubmitterInfo{}, false); err != nil {
			t.Fatal(err)
		}
		_, out := f.submit("cases-2025", validSubmission("governance"), SubmitterInfo{})
		if err := f.s.Screen(ctx, f.sec, out.ID, Ineligible, ""); !fields(err)["reason"] {
			t.Errorf("ineligible without a reason: %v", err)
		}
		if err := f.s.Screen(ctx, f.sec, out.ID, Ineligible, "Only one country."); err != nil {
			t.Fatal(err)
		}
		var pool []*Reviewer
		for i, fl := range []string{"cybersecurity", "cybersecurity", "governance", "governance"} {
			_, r := f.reviewer("cases-2025", fmt.Sprintf("r%d@example.org", i), Reviewer{Fields: []string{fl}, Languages: []string{"en"}})
			pool = append(pool, r)
		}
		n, err := f.s.Assign(ctx, f.sec, "cases-2025")
		if err != nil || n != 12 {
			t.Fatalf("assign: %d %v, want 12", n, err)
		}
		progress, err := f.s.Progress(ctx, pool[0].CallID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range progress {
			if p.Assigned != 3 {
				t.Errorf("%s has %d, want 3 each", p.Reviewer.Email, p.Assigned)
			}
		}
		for _, s := range subs {
			reviews, _ := f.s.ReviewsOf(ctx, s.ID)
			if len(reviews) != 2 {
				t.Errorf("submission %d has %d reviews", s.ID, len(reviews))
			}
			for _, r := range reviews {
				if !contains(r.Reviewer.Fields, s.Field) {
					t.Errorf("submission %d (%s) went to %s (%v) though experts had room", s.ID, s.Field, r.Reviewer.Email, r.Reviewer.Fields)
				}
			}
		}
		if reviews, _ := f.s.ReviewsOf(ctx, out.ID); len(reviews) != 0 {
			t.Errorf("the ineligible submission got reviewers")
		}
		if n, err := f.s.Assign(ctx, f.sec, "cases-2025"); err != nil || n != 0 {
			t.Errorf("a second run made %d (%v)", n, err)
		}
		draft := testCall("unpublished")
		if err := f.s.CreateCall(ctx, f.sec, draft); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Assign(ctx, f.sec, "unpublished"); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("assigned in an unpublished call: %v", err)
		}
	})
}

// The hand-computed case. Rubric: impact (weight 3, max 10), cooperation
// (weight 1, max 5); a review's score is 100 × (3·i/10 + c/5) / 4.
//
//	R1: S1 (10,5) = 100, S2 (5,5) = 62.5, S3 (0,5) = 25
//	    μ = 62.5, σ = √937.5, z = +√1.5, 0, −√1.5
//	R2: S1 (8,4) = 80, S2 (8,4) = 80: σ = 0, z = 0
//	R3: S3 (10,0) = 75: a single review, z = 0
//
//	S1: mean 90,    normalised  √1.5/2, spread 20
//	S2: mean 71.25, normalised  0,      spread 17.5
//	S3: mean 50,    normalised −√1.5/2, spread 50 (flagged)
//	S4: no reviews: 0, 0, 0
var handScores = []struct {
	reviewer, sub int
	impact, coop  float64
}{
	{1, 1, 10, 5}, {1, 2, 5, 5}, {1, 3, 0, 5},
	{2, 1, 8, 4}, {2, 2, 8, 4},
	{3, 3, 10, 0},
}

var handWant = []Rank{
	{SubmissionID: 1, WeightedMean: 90, Normalized: math.Sqrt(1.5) / 2, Reviews: 2, Spread: 20},
	{SubmissionID: 2, WeightedMean: 71.25, Normalized: 0, Reviews: 2, Spread: 17.5},
	{SubmissionID: 3, WeightedMean: 50, Normalized: -math.Sqrt(1.5) / 2, Reviews: 2, Spread: 50, Flagged: true},
	{SubmissionID: 4},
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func checkRanks(t *testing.T, got []Rank, id func(i int) int64) {
	t.Helper()
	if len(got) != len(handWant) {
		t.Fatalf("%d lines, want %d", len(got), len(handWant))
	}
	for i, w := range handWant {
		g := got[i]
		if g.SubmissionID != id(int(w.SubmissionID)) || !near(g.WeightedMean, w.WeightedMean) || !near(g.Normalized, w.Normalized) ||
			g.Reviews != w.Reviews || !near(g.Spread, w.Spread) || g.Flagged != w.Flagged {
			t.Errorf("line %d: %+v, want %+v (submission %d)", i, g, w, id(int(w.SubmissionID)))
		}
	}
}

func TestRankingsByHand(t *testing.T) {
	criteria := testCall("x").Criteria
	var reviews []ScoredReview
	for _, h := range handScores {
		reviews = append(reviews, ScoredReview{Submission: int64(h.sub), Reviewer: int64(h.reviewer),
			Score: ReviewScore(criteria, map[string]float64{"impact": h.impact, "cooperation": h.coop})})
	}
	checkRanks(t, Rankings([]int64{4, 3, 2, 1}, reviews), func(i int) int64 { return int64(i) })

	// Nothing ever NaN or infinite: one reviewer, one review, all zeros.
	for _, r := range Rankings([]int64{1, 2}, []ScoredReview{{1, 1, 0}, {2, 1, 0}, {1, 2, math.NaN()}}) {
		for _, v := range []float64{r.WeightedMean, r.Normalized, r.Spread} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("%+v", r)
			}
		}
	}
	if got := ReviewScore(nil, nil); got != 0 {
		t.Errorf("empty rubric: %v", got)
	}
}

// TestRankingOnTheDatabase reaches the hand-computed case through
// reviewers scoring in the store.
func TestRankingOnTheDatabase(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		c := f.publishedCall(testCall("cases-2025"))
		subs := map[int]*Submission{}
		for i := 1; i <= 4; i++ {
			_, subs[i] = f.submit("cases-2025", validSubmission("governance"), SubmitterInfo{})
		}
		reviewers := map[int]*actor.Actor{}
		pool := map[int]*Reviewer{}
		for i := 1; i <= 3; i++ {
			reviewers[i], pool[i] = f.reviewer("cases-2025", fmt.Sprintf("r%d@example.org", i), Reviewer{})
		}
		for _, h := range handScores {
			if err := f.s.AssignReviewer(ctx, f.sec, subs[h.sub].ID, pool[h.reviewer].ID); err != nil {
				t.Fatal(err)
			}
		}
		for _, h := range handScores {
			q, _ := f.s.MyReviews(ctx, reviewers[h.reviewer].ID, "en")
			var id int64
			for _, it := range q {
				if it.SubmissionID == subs[h.sub].ID {
					id = it.ID
				}
			}
			if err := f.s.SaveReview(ctx, reviewers[h.reviewer], id, map[string]float64{"impact": h.impact}, "draft", false); err != nil {
				t.Fatalf("save: %v", err)
			}
			if err := f.s.SaveReview(ctx, reviewers[h.reviewer], id, map[string]float64{"impact": h.impact}, "", true); !fields(err)["scores.cooperation"] {
				t.Errorf("submitted without every criterion: %v", err)
			}
			if err := f.s.SaveReview(ctx, reviewers[h.reviewer], id, map[string]float64{"impact": 11, "cooperation": -1, "x": 1}, "", true); len(fields(err)) != 3 {
				t.Errorf("out of range: %v", err)
			}
			if err := f.s.SaveReview(ctx, reviewers[h.reviewer], id, map[string]float64{"impact": h.impact, "cooperation": h.coop}, "Good.", true); err != nil {
				t.Fatal(err)
			}
		}
		got, lines, err := f.s.Ranking(ctx, c.Slug)
		if err != nil || got.ID != c.ID {
			t.Fatal(err)
		}
		ranks := make([]Rank, len(lines))
		for i, l := range lines {
			ranks[i] = l.Rank
		}
		checkRanks(t, ranks, func(i int) int64 { return subs[i].ID })
	})
}

func TestReviewsAreBlindAndPrivate(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		f.publishedCall(testCall("blind"))
		open := testCall("open")
		open.Blind = false
		f.publishedCall(open)
		s := validSubmission("governance")
		s.Partners = []Partner{{Name: "Mekong Digital Alliance", Country: "VN"}}
		_, blindSub := f.submit("blind", s, SubmitterInfo{Organization: "Hidden Org"})
		s2 := validSubmission("governance")
		s2.Partners = []Partner{{Name: "Andes Net", Country: "PE"}}
		_, openSub := f.submit("open", s2, SubmitterInfo{})
		p1, _ := f.reviewer("blind", "one@example.org", Reviewer{})
		p2, _ := f.reviewer("blind", "two@example.org", Reviewer{})
		f.s.AddReviewer(ctx, f.sec, "open", &Reviewer{Email: "one@example.org"}, "en")
		f.s.AddReviewer(ctx, f.sec, "open", &Reviewer{Email: "two@example.org"}, "en")
		if _, err := f.s.Assign(ctx, f.sec, "blind"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Assign(ctx, f.sec, "open"); err != nil {
			t.Fatal(err)
		}
		q1, _ := f.s.MyReviews(ctx, p1.ID, "en")
		if len(q1) != 2 {
			t.Fatalf("queue %+v", q1)
		}
		for _, it := range q1 {
			v, err := f.s.Review(ctx, p1, it.ID)
			if err != nil {
				t.Fatal(err)
			}
			switch it.SubmissionID {
			case blindSub.ID:
				if len(v.Submission.Authors) != 0 || len(v.Submission.Partners) != 0 || v.Submission.SubmitterID != 0 {
					t.Errorf("blind review shows %+v %+v", v.Submission.Authors, v.Submission.Partners)
				}
			case openSub.ID:
				if len(v.Submission.Authors) != 1 || len(v.Submission.Partners) != 1 {
					t.Errorf("open review hides %+v", v.Submission)
				}
			}
			// Another reviewer, the submitter, nobody: NotFound.
			if _, err := f.s.Review(ctx, f.sec, it.ID); errs.CodeOf(err) != errs.NotFound {
				t.Errorf("the secretariat opened a reviewer's review as its own: %v", err)
			}
		}
		q2, _ := f.s.MyReviews(ctx, p2.ID, "en")
		for _, it := range q1 {
			if err := f.s.SaveReview(ctx, p2, it.ID, nil, "", false); errs.CodeOf(err) != errs.NotFound && !containsItem(q2, it.ID) {
				t.Errorf("another reviewer saved review %d: %v", it.ID, err)
			}
		}
	})
}

func containsItem(q []QueueItem, id int64) bool {
	for _, it := range q {
		if it.ID == id {
			return true
		}
	}
	return false
}

func TestDecisionsAndShowcase(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		c := f.publishedCall(testCall("cases-2025"))
		by, chosen := f.submit("cases-2025", validSubmission("digital_economy", "KE", "CN"), SubmitterInfo{})
		_, passed := f.submit("cases-2025", validSubmission("governance"), SubmitterInfo{})
		if err := f.s.Decide(ctx, f.sec, chosen.ID, "maybe"); !fields(err)["decision"] {
			t.Errorf("a bad decision: %v", err)
		}
		if err := f.s.Decide(ctx, f.sec, chosen.ID, Selected); err != nil {
			t.Fatal(err)
		}
		if err := f.s.Decide(ctx, f.sec, passed.ID, Rejected); err != nil {
			t.Fatal(err)
		}
		got, _, _ := f.s.Submission(ctx, by, chosen.ID)
		if got.Decision != "" {
			t.Errorf("the author sees the decision before publication: %s", got.Decision)
		}
		if list, total, _ := f.s.Cases(ctx, CaseFilter{}, 10, 0); total != 0 || len(list) != 0 {
			t.Errorf("showcase before publication: %d", total)
		}
		b, err := f.s.Selection(ctx, c.ID)
		if err != nil || b.Selected != 1 || b.ByField["digital_economy"] != 1 || b.ByContinent["AF"] != 1 || b.ByContinent["AS"] != 1 {
			t.Errorf("selection %+v %v", b, err)
		}
		before, _, _ := mail.List(ctx, d, 100, 0)
		n, err := f.s.PublishResults(ctx, f.sec, "cases-2025")
		if err != nil || n != 1 {
			t.Fatalf("publish: %d %v", n, err)
		}
		if _, err := f.s.PublishResults(ctx, f.sec, "cases-2025"); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("published twice: %v", err)
		}
		after, _, _ := mail.List(ctx, d, 100, 0)
		if len(after)-len(before) != 2 {
			t.Errorf("%d decision mails, want 2", len(after)-len(before))
		}
		got, _, _ = f.s.Submission(ctx, by, chosen.ID)
		if got.Decision != Selected {
			t.Errorf("the author sees %q after publication", got.Decision)
		}
		list, total, err := f.s.Cases(ctx, CaseFilter{Year: 2025}, 10, 0)
		if err != nil || total != 1 || list[0].ID != chosen.ID || list[0].Year != 2025 {
			t.Fatalf("showcase %v %d %v", list, total, err)
		}
		for _, filter := range []CaseFilter{{Year: 2024}, {Field: "governance"}, {Country: "K"}, {Country: "FR"}} {
			if _, total, _ := f.s.Cases(ctx, filter, 10, 0); total != 0 {
				t.Errorf("%+v finds %d", filter, total)
			}
		}
		if _, total, _ := f.s.Cases(ctx, CaseFilter{Country: "KE", Field: "digital_economy"}, 10, 0); total != 1 {
			t.Errorf("by country and field: %d", total)
		}
		if _, err := f.s.Case(ctx, passed.ID); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("a rejected submission is public: %v", err)
		}
		res, err := search.Search(ctx, d, search.Request{Q: "乡村学校", Lang: "zh-Hant", Type: DocType})
		if err != nil || res.Total != 1 || res.Hits[0].ID != chosen.ID || res.Hits[0].URL != fmt.Sprintf("/cases/%d", chosen.ID) {
			t.Errorf("search: %+v %v", res, err)
		}
		// Changing a decision after publication takes the case out.
		if err := f.s.Decide(ctx, f.sec, chosen.ID, Shortlisted); err != nil {
			t.Fatal(err)
		}
		if _, total, _ := f.s.Cases(ctx, CaseFilter{}, 10, 0); total != 0 {
			t.Errorf("an unselected case stays in the showcase")
		}
		if res, _ := search.Search(ctx, d, search.Request{Q: "乡村学校", Type: DocType}); res.Total != 0 {
			t.Errorf("an unselected case stays in search")
		}
		if err := d.Tx(ctx, func(tx *db.Tx) error { _, err := f.s.Reindex(ctx, tx); return err }); err != nil {
			t.Fatal(err)
		}
	})
}
