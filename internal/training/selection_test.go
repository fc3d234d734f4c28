package training

import (
	"context"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/db/dbtest"
	"github.com/wuzhen/wuzhen/internal/errs"
)

// TestSelection: reviewers see the applications of their programmes,
// blind, except those of the country they are partial to; scores are
// checked against the criteria; a conflict keeps a review out of the
// ranking; the ranking puts the best first, marks the would-be cohort up
// to the seats, shows its balance and warns when a region's limit would
// be broken.
func TestSelection(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		p := f.programme("selected", func(p *Programme) {
			p.Seats = 2
			p.SeatsBy = map[string]int{"002": 1}
			p.Criteria = []Criterion{{Code: "impact", Name: Text{En: "Impact"}}, {Code: "fit", Name: Text{En: "Fit"}}}
		})
		_, ke := f.apply(p.Slug, "KE")
		_, ng := f.apply(p.Slug, "NG")
		_, in := f.apply(p.Slug, "IN")
		r1, r2, stranger := f.user(), f.user(), f.user()
		if err := f.s.AddReviewer(ctx, r1, p.Slug, r1.Email, ""); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("a reviewer added by a reviewer: %v", err)
		}
		if err := f.s.AddReviewer(ctx, f.sec, p.Slug, r1.Email, "KE"); err != nil {
			t.Fatal(err)
		}
		if err := f.s.AddReviewer(ctx, f.sec, p.Slug, r2.Email, ""); err != nil {
			t.Fatal(err)
		}
		q, err := f.s.ReviewQueue(ctx, r1)
		if err != nil || len(q) != 2 {
			t.Fatalf("r1's queue (not Kenya): %d, %v", len(q), err)
		}
		if _, err := f.s.ReviewItemFor(ctx, r1, ke.ID); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("r1 reviews Kenya: %v", err)
		}
		if err := f.s.SaveReview(ctx, stranger, ng.ID, map[string]int{"impact": 5, "fit": 5}, "", false); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("a stranger's review: %v", err)
		}
		if err := f.s.SaveReview(ctx, r1, ng.ID, map[string]int{"impact": 11}, "", false); !errs.Fields(mustErr(t, err).Fields).Has("score.impact") {
			t.Fatalf("a score over the top and one missing: %v", err)
		}
		for _, x := range []struct {
			id         int64
			by         int
			impact, fi int
		}{{ng.ID, 1, 9, 9}, {in.ID, 1, 6, 6}, {ke.ID, 2, 8, 8}, {ng.ID, 2, 7, 7}, {in.ID, 2, 5, 5}} {
			by := r1
			if x.by == 2 {
				by = r2
			}
			if err := f.s.SaveReview(ctx, by, x.id, map[string]int{"impact": x.impact, "fit": x.fi}, "Fine.", false); err != nil {
				t.Fatal(err)
			}
		}
		if it, err := f.s.ReviewItemFor(ctx, r2, ke.ID); err != nil || it.Comment != "Fine." || it.Scores["impact"] != 8 || !it.Submitted {
			t.Fatalf("r2's review of Kenya %+v, %v", it, err)
		}
		// r2 declares a conflict on India: only r1's 12 counts.
		if err := f.s.SaveReview(ctx, r2, in.ID, nil, "", true); err != nil {
			t.Fatal(err)
		}
		r, err := f.s.Ranking(ctx, f.sec, p.Slug)
		if err != nil {
			t.Fatal(err)
		}
		// Nigeria 16 (mean of 18 and 14), Kenya 16, India 12: two seats go
		// to Africa, over its one.
		if len(r.Ranked) != 3 || r.Ranked[2].Application.ID != in.ID || r.Ranked[2].Score != 12 || r.Ranked[2].Reviews != 1 ||
			!r.Ranked[0].InCohort || !r.Ranked[1].InCohort || r.Ranked[2].InCohort {
			t.Fatalf("ranking %+v %+v %+v", r.Ranked[0], r.Ranked[1], r.Ranked[2])
		}
		if len(r.Warnings) != 1 || r.Warnings[0] != (Warning{Key: "002", Have: 2, Limit: 1}) {
			t.Fatalf("warnings %+v", r.Warnings)
		}
		if r.Balance[0].Dimension != "continent" || len(r.Balance[0].Rows) != 1 || r.Balance[0].Rows[0].Applicants != 2 {
			t.Fatalf("balance %+v", r.Balance[0])
		}
		if _, err := f.s.Ranking(ctx, r1, p.Slug); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("the ranking for a reviewer: %v", err)
		}
		// Offered, an application leaves the queues.
		if _, err := f.s.Offer(ctx, f.sec, p.Slug, []int64{ng.ID}, today.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if q, err := f.s.ReviewQueue(ctx, r2); err != nil || len(q) != 2 {
			t.Fatalf("r2's queue after the offer: %d, %v", len(q), err)
		}
	})
}
