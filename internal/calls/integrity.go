package calls

// Conflicts of interest as rules that hold at every moment, and the
// secretariat's reopening of a submitted review.

import (
	"context"
	"fmt"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
)

// declaredConflicts returns, for call callID, reviewer id → submission
// ids on which the reviewer has a conflict row (declared, or withdrawn by
// enforceConflicts), in any round.
func declaredConflicts(ctx context.Context, q db.Querier, callID int64) (map[int64]map[int64]bool, error) {
	type pair struct{ reviewer, sub int64 }
	rows, err := db.All(ctx, q, "calls: declared conflicts", func(r db.Scanner) (pair, error) {
		var p pair
		return p, r.Scan(&p.reviewer, &p.sub)
	}, `-- calls.declaredConflicts
		SELECT r.reviewer_id, r.submission_id FROM call_reviews r JOIN call_submissions s ON s.id = r.submission_id
		WHERE s.call_id = ? AND r.status = 'conflict'`, callID)
	if err != nil {
		return nil, err
	}
	out := map[int64]map[int64]bool{}
	for _, p := range rows {
		if out[p.reviewer] == nil {
			out[p.reviewer] = map[int64]bool{}
		}
		out[p.reviewer][p.sub] = true
	}
	return out, nil
}

// enforceConflicts makes the conflict rules (conflictOf) hold again after
// a change in tx that may have created a conflict: a co-author invited
// or confirming, a submission's organisations or countries edited, the
// call's country rule changed, a conflict declared in one round. Every
// open or submitted review of subIDs (every submission of c when none is
// given) whose reviewer now has a conflict is withdrawn (status
// 'conflict', its scores dropped, withdrawn = the reason, so that the
// pair is never made again and the secretariat's page flags it), and the
// submission is given another reviewer under the usual rules where the
// pool has one allowed, who is told by mail. Each withdrawal is audited
// as done by by. It runs in the caller's transaction, under the call's
// assignment lock.
func (s *Store) enforceConflicts(ctx context.Context, tx *db.Tx, by *actor.Actor, c *Call, subIDs ...int64) error {
	type open struct {
		id, sub, reviewer int64
		round             int
	}
	q := `-- calls.enforceConflicts
		SELECT r.id, r.submission_id, r.reviewer_id, r.round FROM call_reviews r JOIN call_submissions s ON s.id = r.submission_id
		WHERE s.call_id = ? AND r.status IN ('assigned', 'submitted')`
	args := []any{c.ID}
	if len(subIDs) == 1 {
		q += " AND r.submission_id = ?"
		args = append(args, subIDs[0])
	}
	rows, err := db.All(ctx, tx, "calls: enforce conflicts", func(r db.Scanner) (open, error) {
		var o open
		return o, r.Scan(&o.id, &o.sub, &o.reviewer, &o.round)
	}, q+" ORDER BY r.id", args...)
	if err != nil || len(rows) == 0 {
		return err
	}
	if err := tx.Lock(ctx, "calls.assign:"+c.Slug); err != nil {
		return err
	}
	reviewers, err := s.reviewers(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	byID := map[int64]*Reviewer{}
	for _, r := range reviewers {
		byID[r.ID] = r
	}
	subs := map[int64]*Submission{}
	type target struct {
		sub   int64
		round int
	}
	var again []target
	now := tx.Now()
	for {
		withdrawn := false
		declared, err := declaredConflicts(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		for _, o := range rows {
			sub := subs[o.sub]
			if sub == nil {
				if sub, err = s.submission(ctx, tx, o.sub, ""); err != nil {
					return err
				}
				if sub.Authors, err = s.authors(ctx, tx, sub.ID); err != nil {
					return err
				}
				subs[o.sub] = sub
			}
			r := byID[o.reviewer]
			if r == nil {
				continue
			}
			reason := conflictOf(c, sub, r, declared[o.reviewer])
			if reason == NoConflict {
				continue
			}
			res, err := tx.Exec(ctx, `-- calls.enforceConflicts withdraw
				UPDATE call_reviews SET status = 'conflict', withdrawn = ?, scores = '{}', updated_at = ?
				WHERE id = ? AND status IN ('assigned', 'submitted')`, string(reason), now, o.id)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			withdrawn = true
			again = append(again, target{o.sub, o.round})
			if err := audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "call.review_withdrawn",
				Object: reviewObject(o.id), Details: map[string]any{"submission_id": o.sub, "reviewer_id": o.reviewer,
					"reason": string(reason), "round": o.round}}); err != nil {
				return err
			}
		}
		// A withdrawal is itself a conflict in the other round: go round
		// once more until nothing changes.
		if !withdrawn {
			break
		}
	}
	for _, t := range again {
		sub := subs[t.sub]
		if sub.Status != Submitted || sub.Screening == Ineligible {
			continue
		}
		st, err := s.loadPool(ctx, tx, c, t.round)
		if err != nil {
			return err
		}
		given := map[int64]int{}
		for st.active[sub.ID] < c.ReviewsPerSubmission {
			cands := st.candidates(sub, 0)
			if len(cands) == 0 {
				break
			}
			if _, err := st.assign(ctx, tx, sub, cands[0], now); err != nil {
				return err
			}
			given[cands[0].ID]++
		}
		if err := s.mailAssigned(ctx, tx, c, st, given); err != nil {
			return err
		}
		for id := range given {
			if err := audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "call.reassign",
				Object: submissionObject(sub.ID), Details: map[string]any{"reviewer_id": id, "round": t.round}}); err != nil {
				return err
			}
		}
	}
	return nil
}

// reviewConflicted reports whether reviewer v has a conflict with sub
// now, for the check when a review is submitted.
func (s *Store) reviewConflicted(ctx context.Context, q db.Querier, c *Call, sub *Submission, v *Reviewer) (bool, error) {
	authors, err := s.authors(ctx, q, sub.ID)
	if err != nil {
		return false, err
	}
	cp := *sub
	cp.Authors = authors
	declared, err := declaredConflicts(ctx, q, c.ID)
	if err != nil {
		return false, err
	}
	return conflictOf(c, &cp, v, declared[v.ID]) != NoConflict, nil
}

// complete reports whether scores holds a score for every criterion of c.
func complete(c *Call, scores map[string]float64) bool {
	for _, cr := range c.Criteria {
		if _, ok := scores[cr.Code]; !ok {
			return false
		}
	}
	return len(c.Criteria) > 0
}

// ReopenReview gives a submitted review back to its reviewer to change,
// for the secretariat: it becomes open again with its scores and comment
// kept, and counts in the ranking only once submitted again. Only a
// submitted review is reopened, and not once the call's results are out
// (both Conflict); unknown: NotFound. The reviewer is told by mail.
// Audited.
func (s *Store) ReopenReview(ctx context.Context, by *actor.Actor, id int64) (*Review, error) {
	var r *Review
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		var err error
		r, err = scanReview(tx.QueryRow(ctx, "-- calls.ReopenReview\nSELECT "+reviewColumns+" FROM call_reviews WHERE id = ?"+tx.ForUpdate(), id))
		if db.IsNotFound(err) {
			return errs.NotFoundError()
		}
		if err != nil {
			return err
		}
		sub, err := s.submission(ctx, tx, r.SubmissionID, "")
		if err != nil {
			return err
		}
		c, err := s.call(ctx, tx, "id = ?", sub.CallID)
		if err != nil {
			return err
		}
		switch {
		case c.ResultsOut():
			return errs.New(errs.Conflict, "calls.results_out")
		case r.Status != ReviewSubmitted || sub.Status != Submitted:
			return errs.New(errs.Conflict, "integrity.reopen_refused")
		}
		now := tx.Now()
		if _, err := tx.Exec(ctx, `-- calls.ReopenReview
			UPDATE call_reviews SET status = 'assigned', submitted_at = NULL, updated_at = ? WHERE id = ?`, now, id); err != nil {
			return err
		}
		r.Status, r.SubmittedAt = ReviewAssigned, nil
		v, err := scanReviewer(tx.QueryRow(ctx, "SELECT "+reviewerColumns+" FROM call_reviewers WHERE id = ?", r.ReviewerID))
		if err != nil {
			return err
		}
		if err := s.mailUser(ctx, tx, v.UserID, "mail.integrity.review_reopened.subject", "mail.integrity.review_reopened.body",
			func(p *i18n.Printer) []any {
				return []any{v.Name, sub.Title.For(p.Lang), c.Title.For(p.Lang), fmt.Sprintf("%s/reviews/%d", s.base(), id)}
			}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "call.review_reopened",
			Object: reviewObject(id), Details: map[string]any{"submission_id": sub.ID, "reviewer_id": r.ReviewerID}})
	})
	if err != nil {
		return nil, fmt.Errorf("calls: reopen review: %w", err)
	}
	return r, nil
}
