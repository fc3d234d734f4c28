package training

import (
	"context"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/db/dbtest"
	"github.com/wuzhen/wuzhen/internal/errs"
)

// TestCohort: a trainer sees and runs their programme only; attendance
// is taken by the trainer, the check-in desk or the secretariat, once,
// and not before the session starts; completion is computed live from
// the sessions held so far.
func TestCohort(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		p := f.programme("cohort", func(p *Programme) { p.Seats = 10 })
		other := f.programme("other", nil)
		trainer, desk, stranger := f.user(), f.user(auth.RoleCheckIn), f.user()
		if err := f.s.AddTrainer(ctx, trainer, p.Slug, trainer.ID); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("a trainer made by a plain account: %v", err)
		}
		if err := f.s.AddTrainer(ctx, f.sec, p.Slug, trainer.ID); err != nil {
			t.Fatal(err)
		}
		ua, a := f.apply(p.Slug, "KE")
		ub, b := f.apply(p.Slug, "ET")
		_, c := f.apply(p.Slug, "BR") // never offered
		if _, err := f.s.Offer(ctx, f.sec, p.Slug, []int64{a.ID, b.ID}, today.Add(48*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Respond(ctx, ua, a.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Respond(ctx, ub, b.ID, true); err != nil {
			t.Fatal(err)
		}
		// Scope: the trainer runs this programme, not the other; a
		// stranger neither.
		starts := time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)
		var sessions []*Session
		for i := range 4 {
			x := &Session{Title: Text{En: "Week"}, Starts: starts.AddDate(0, 0, 7*i), Ends: starts.AddDate(0, 0, 7*i).Add(2 * time.Hour)}
			if err := f.s.AddSession(ctx, trainer, p.Slug, x); err != nil {
				t.Fatal(err)
			}
			sessions = append(sessions, x)
		}
		if err := f.s.AddSession(ctx, trainer, other.Slug, &Session{Title: Text{En: "X"}, Starts: starts, Ends: starts.Add(time.Hour)}); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("a session added to another programme: %v", err)
		}
		if err := f.s.AddSession(ctx, trainer, p.Slug, &Session{Title: Text{En: "X"}, Starts: starts, Ends: starts}); !errs.Fields(mustErr(t, err).Fields).Has("ends_at") {
			t.Fatalf("a session that ends as it starts: %v", err)
		}
		if _, err := f.s.Cohort(ctx, trainer, other.Slug); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("the other programme's cohort: %v", err)
		}
		if _, err := f.s.Cohort(ctx, stranger, p.Slug); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("a stranger saw the cohort: %v", err)
		}
		if _, _, err := f.s.Applications(ctx, trainer, other.Slug); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("the other programme's applications: %v", err)
		}
		if _, err := f.s.Application(ctx, trainer, a.ID); err != nil {
			t.Fatalf("the trainer cannot see a participant: %v", err)
		}
		// Before the session starts: 422.
		if err := f.s.Attend(ctx, trainer, p.Slug, sessions[0].ID, a.ID); errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("attendance before the start: %v", err)
		}
		f.clock.set(starts.Add(10 * time.Minute))
		if err := f.s.Attend(ctx, stranger, p.Slug, sessions[0].ID, a.ID); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("attendance by a stranger: %v", err)
		}
		if err := f.s.Attend(ctx, trainer, p.Slug, sessions[0].ID, c.ID); !errs.Fields(mustErr(t, err).Fields).Has("participant") {
			t.Fatalf("attendance of an applicant not in the cohort: %v", err)
		}
		if err := f.s.Attend(ctx, trainer, other.Slug, sessions[0].ID, a.ID); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("attendance through another programme: %v", err)
		}
		if err := f.s.Attend(ctx, trainer, p.Slug, sessions[0].ID, a.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.s.Attend(ctx, desk, p.Slug, sessions[0].ID, a.ID); errs.CodeOf(err) != errs.Conflict {
			t.Fatalf("attendance twice: %v", err)
		}
		if err := f.s.Attend(ctx, desk, p.Slug, sessions[0].ID, b.ID); err != nil {
			t.Fatalf("the check-in desk: %v", err)
		}
		// Three weeks on: a attended 3 of 3 (complete), b 1 of 3 (not).
		for _, x := range sessions[1:3] {
			f.clock.set(x.Starts.Add(time.Minute))
			if err := f.s.Attend(ctx, f.sec, p.Slug, x.ID, a.ID); err != nil {
				t.Fatal(err)
			}
		}
		co, err := f.s.Cohort(ctx, trainer, p.Slug)
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64]*Participant{}
		for _, pt := range co.Participants {
			got[pt.Application.ID] = pt
		}
		if len(got) != 2 || got[a.ID].Attended != 3 || got[a.ID].Held != 3 || !got[a.ID].Complete || got[b.ID].Complete {
			t.Fatalf("cohort %+v %+v", got[a.ID], got[b.ID])
		}
		// The fourth session held, missed by a: 3 of 4 is 75%, still
		// complete; the applicant sees it on their own record.
		f.clock.set(sessions[3].Ends)
		pr, err := f.s.Progress(ctx, ua, a.ID)
		if err != nil || pr == nil || pr.Held != 4 || pr.Attended != 3 || !pr.Complete {
			t.Fatalf("progress %+v, %v", pr, err)
		}
		if _, err := f.s.Progress(ctx, trainer, a.ID); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("another's progress: %v", err)
		}
	})
}
