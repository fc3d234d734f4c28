package calls

// The second review round: the secretariat opens it for the shortlisted
// submissions of a call, asking for extra material (a request in three
// languages) by a deadline; the authors are told by mail in their
// language and add a long text, a video link and files (attachments of
// round 2) before the deadline, by the server's clock; reviewers are
// assigned again by the same code and rules as round 1 (a conflict
// declared in either round counts in both) and score round 2, which the
// ranking shows on its own (round=2).

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
)

// Round is a call's second review round.
type Round struct {
	ID          int64     `json:"-"`
	CallID      int64     `json:"-"`
	Number      int       `json:"round"`
	Request     Text      `json:"request"`
	Deadline    time.Time `json:"deadline"`
	Opened      time.Time `json:"opened_at"`
	Submissions int       `json:"submissions"` // in the round
}

// RoundEntry is a submission's place in the second round, with the
// material its authors added.
type RoundEntry struct {
	Round    *Round
	Material string
	VideoURL string
	Updated  *time.Time
}

// Open reports whether material is taken at now.
func (e *RoundEntry) Open(now time.Time) bool { return now.Before(e.Round.Deadline) }

func (s *Store) round(ctx context.Context, q db.Querier, callID int64) (*Round, error) {
	r := &Round{}
	err := q.QueryRow(ctx, `SELECT r.id, r.call_id, r.round, r.request_en, r.request_zh_hans, r.request_zh_hant, r.deadline, r.opened_at,
			(SELECT count(*) FROM call_round_entries e WHERE e.round_id = r.id)
		FROM call_rounds r WHERE r.call_id = ? AND r.round = 2`, callID).
		Scan(&r.ID, &r.CallID, &r.Number, &r.Request.En, &r.Request.Hans, &r.Request.Hant, &r.Deadline, &r.Opened, &r.Submissions)
	if db.IsNotFound(err) {
		return nil, errs.NotFoundError()
	}
	if err != nil {
		return nil, fmt.Errorf("calls: round: %w", err)
	}
	return r, nil
}

// Round returns the second round of call callID, or nil when none is
// open.
func (s *Store) Round(ctx context.Context, callID int64) (*Round, error) {
	r, err := s.round(ctx, s.DB, callID)
	if errs.CodeOf(err) == errs.NotFound {
		return nil, nil
	}
	return r, err
}

// inRound keeps the submissions of subs that are in call callID's second
// round.
func (s *Store) inRound(ctx context.Context, q db.Querier, callID int64, subs []*Submission) ([]*Submission, error) {
	ids, err := db.All(ctx, q, "calls: round entries", func(r db.Scanner) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	}, `SELECT e.submission_id FROM call_round_entries e JOIN call_rounds r ON r.id = e.round_id WHERE r.call_id = ? AND r.round = 2`, callID)
	if err != nil {
		return nil, err
	}
	var out []*Submission
	for _, sub := range subs {
		if contains(ids, sub.ID) {
			out = append(out, sub)
		}
	}
	return out, nil
}

// roundEntry returns submission subID's place in its call's second
// round, or nil.
func (s *Store) roundEntry(ctx context.Context, q db.Querier, subID int64, lock string) (*RoundEntry, error) {
	e := &RoundEntry{}
	var callID int64
	err := q.QueryRow(ctx, `SELECT r.call_id, e.material, e.video_url, e.updated_at FROM call_round_entries e
		JOIN call_rounds r ON r.id = e.round_id WHERE e.submission_id = ? AND r.round = 2`+lock, subID).
		Scan(&callID, &e.Material, &e.VideoURL, &e.Updated)
	if db.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("calls: round entry: %w", err)
	}
	if e.Round, err = s.round(ctx, q, callID); err != nil {
		return nil, err
	}
	return e, nil
}

// RoundOf returns submission subID's place in the second round, or nil:
// for pages whose reader may see the submission.
func (s *Store) RoundOf(ctx context.Context, subID int64) (*RoundEntry, error) {
	return s.roundEntry(ctx, s.DB, subID, "")
}

// roundMaterialWindow checks that sub may get round-2 material at now:
// it is in the round, and the round's deadline has not passed (else a
// *DeadlineError naming it).
func (s *Store) roundMaterialWindow(ctx context.Context, tx *db.Tx, c *Call, sub *Submission, now time.Time) error {
	e, err := s.roundEntry(ctx, tx, sub.ID, "")
	if err != nil {
		return err
	}
	if e == nil {
		return attachmentError("calls.round.invalid")
	}
	if !e.Open(now) {
		return &DeadlineError{Call: c, Closed: true, Round: e.Round}
	}
	return nil
}

// OpenRound opens the second round of call slug for its shortlisted
// submissions (decision shortlisted, submitted, not screened out), for the
// secretariat: request says what the authors are to add (in one language
// at least), deadline when by (in the future). Every confirmed author of
// each is told by mail, in their language. A second opening, or a call
// without a shortlist, is a Conflict. Audited.
func (s *Store) OpenRound(ctx context.Context, by *actor.Actor, slug string, request Text, deadline time.Time) (*Round, error) {
	trimText(&request)
	var fe errs.Fields
	if request.Empty() {
		fe.Add("request", "calls.round.request_required")
	}
	for _, v := range []string{request.En, request.Hans, request.Hant} {
		if utf8.RuneCountInString(v) > maxSummary {
			fe.Add("request", "calls.too_long", maxSummary)
			break
		}
	}
	if deadline.IsZero() {
		fe.Add("deadline", "calls.time_invalid")
	} else if !deadline.After(s.DB.Now()) {
		fe.Add("deadline", "calls.round.deadline_past")
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	var r *Round
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		c, err := s.call(ctx, tx, "slug = ?"+tx.ForUpdate(), slug)
		if err != nil {
			return err
		}
		now := tx.Now()
		if !deadline.After(now) {
			fe.Add("deadline", "calls.round.deadline_past")
			return fe.Err()
		}
		if _, err := s.round(ctx, tx, c.ID); err == nil {
			return errs.New(errs.Conflict, "calls.round.already_open")
		} else if errs.CodeOf(err) != errs.NotFound {
			return err
		}
		subs, err := s.reviewable(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		var short []*Submission
		for _, sub := range subs {
			if sub.Decision == Shortlisted {
				short = append(short, sub)
			}
		}
		if len(short) == 0 {
			return errs.New(errs.Conflict, "calls.round.no_shortlist")
		}
		r = &Round{CallID: c.ID, Number: 2, Request: request, Deadline: deadline.UTC(), Opened: now, Submissions: len(short)}
		if err := tx.QueryRow(ctx, `INSERT INTO call_rounds (call_id, round, request_en, request_zh_hans, request_zh_hant, deadline, opened_at)
			VALUES (?, 2, ?, ?, ?, ?, ?) RETURNING id`, c.ID, request.En, request.Hans, request.Hant, r.Deadline, now).Scan(&r.ID); err != nil {
			return err
		}
		for _, sub := range short {
			if _, err := tx.Exec(ctx, "INSERT INTO call_round_entries (round_id, submission_id) VALUES (?, ?)", r.ID, sub.ID); err != nil {
				return err
			}
			for _, a := range sub.Authors {
				if !a.Confirmed() || a.UserID == 0 {
					continue
				}
				if err := s.mailUser(ctx, tx, a.UserID, "calls.round.mail_subject", "calls.round.mail_body",
					func(p *i18n.Printer) []any {
						return []any{a.Name, sub.Title.For(p.Lang), c.Title.For(p.Lang), request.For(p.Lang), c.LocalTime(p.Lang, r.Deadline),
							fmt.Sprintf("%s/submissions/%d#round", s.base(), sub.ID)}
					}); err != nil {
					return err
				}
			}
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "call.round_open",
			Object: callObject(c.ID), Details: map[string]any{"round": 2, "submissions": len(short), "deadline": r.Deadline}})
	})
	if err != nil {
		return nil, fmt.Errorf("calls: open round: %w", err)
	}
	return r, nil
}

// SaveRoundMaterial records the second round's material of submission
// subID, for its submitter, before the round's deadline by the server's
// clock (after it: a *DeadlineError naming it): a long text and a video
// link (https, where the call takes one). A submission not in the round
// is a Conflict. Audited.
func (s *Store) SaveRoundMaterial(ctx context.Context, by *actor.Actor, subID int64, material, videoURL string) error {
	material, videoURL = strings.TrimSpace(material), strings.TrimSpace(videoURL)
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		sub, err := s.submission(ctx, tx, subID, tx.ForUpdate())
		if err != nil {
			return err
		}
		if sub.SubmitterID != by.ID {
			return errs.NotFoundError()
		}
		c, err := s.call(ctx, tx, "id = ?", sub.CallID)
		if err != nil {
			return err
		}
		e, err := s.roundEntry(ctx, tx, subID, "")
		if err != nil {
			return err
		}
		if e == nil || sub.Status != Submitted {
			return errs.New(errs.Conflict, "calls.round.not_in_round")
		}
		now := tx.Now()
		if !e.Open(now) {
			return &DeadlineError{Call: c, Closed: true, Round: e.Round}
		}
		var fe errs.Fields
		if utf8.RuneCountInString(material) > maxSummary {
			fe.Add("material", "calls.too_long", maxSummary)
		}
		checkVideoURL(&fe, "video_url", videoURL, c.Attachments == nil || c.Attachments.VideoLink)
		if err := fe.Err(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE call_round_entries SET material = ?, video_url = ?, updated_at = ?
			WHERE submission_id = ? AND round_id = ?`, material, videoURL, now, subID, e.Round.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "call.round_material",
			Object: submissionObject(subID), Details: map[string]any{"round": 2}})
	})
	if err != nil {
		return fmt.Errorf("calls: round material: %w", err)
	}
	return nil
}

// AssignRound gives every submission of call slug's second round its
// number of round-2 reviewers, by Assign's rules; without a second round
// it is a Conflict. Audited.
func (s *Store) AssignRound(ctx context.Context, by *actor.Actor, slug string) (int, error) {
	c, err := s.Call(ctx, slug)
	if err != nil {
		return 0, err
	}
	if _, err := s.round(ctx, s.DB, c.ID); errs.CodeOf(err) == errs.NotFound {
		return 0, errs.New(errs.Conflict, "calls.round.not_open")
	} else if err != nil {
		return 0, err
	}
	return s.assignRound(ctx, by, slug, 2)
}
