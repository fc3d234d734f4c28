package calls

// The reviewer pool, automatic assignment without conflicts of interest,
// reviews and declared conflicts.

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/crypt"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/mail"
)

const reviewerColumns = `id, call_id, user_id, email, name, country, organization, fields, languages, joined_at`

func scanReviewer(row db.Scanner) (*Reviewer, error) {
	r := &Reviewer{}
	var uid *int64
	var fields, langs string
	if err := row.Scan(&r.ID, &r.CallID, &uid, &r.Email, &r.Name, &r.Country, &r.Organization, &fields, &langs, &r.JoinedAt); err != nil {
		return nil, err
	}
	if uid != nil {
		r.UserID = *uid
	}
	if err := decodeList(fields, &r.Fields); err != nil {
		return nil, err
	}
	return r, decodeList(langs, &r.Languages)
}

// Reviewers returns the reviewer pool of call callID, by name.
func (s *Store) Reviewers(ctx context.Context, callID int64) ([]*Reviewer, error) {
	return s.reviewers(ctx, s.DB, callID)
}

func (s *Store) reviewers(ctx context.Context, q db.Querier, callID int64) ([]*Reviewer, error) {
	return db.All(ctx, q, "calls: reviewers", scanReviewer, "SELECT "+reviewerColumns+" FROM call_reviewers WHERE call_id = ? ORDER BY lower(name), id", callID)
}

// normalizeReviewer trims and checks a reviewer's details.
func (r *Reviewer) normalize() error {
	r.Email = auth.NormalizeEmail(r.Email)
	r.Name, r.Organization = strings.TrimSpace(r.Name), strings.TrimSpace(r.Organization)
	r.Country = strings.ToUpper(strings.TrimSpace(r.Country))
	var fe errs.Fields
	if !emailValid(r.Email) {
		fe.Add("email", "calls.email_invalid")
	}
	fe.Line("name", r.Name)
	fe.Line("organization", r.Organization)
	if r.Country != "" {
		if _, ok := geo.Lookup(r.Country); !ok {
			fe.Add("country", "calls.country_invalid")
		}
	}
	for _, f := range r.Fields {
		if !validField(f) {
			fe.Add("fields", "calls.field_invalid")
			break
		}
	}
	var langs []string
	for _, l := range r.Languages {
		if l = langFamily(l); l != "" && !contains(langs, l) {
			langs = append(langs, l)
		}
	}
	r.Languages = langs
	return fe.Err()
}

// langFamily maps a language tag to what matching compares: "en" or
// "zh" (either script); "" for tags the platform does not know.
func langFamily(tag string) string {
	switch l := i18n.Match(strings.TrimSpace(tag)); l {
	case i18n.En:
		return "en"
	case i18n.ZhHans, i18n.ZhHant:
		return "zh"
	}
	return ""
}

// AddReviewer adds an expert to the reviewer pool of call slug, for the
// secretariat. An existing account joins at once (and is told by mail);
// anyone else is invited by email, in lang, with a single-use link. An
// address already in the pool is an Invalid error at "email". It returns
// whether the reviewer joined at once. Audited.
func (s *Store) AddReviewer(ctx context.Context, by *actor.Actor, slug string, r *Reviewer, lang string) (bool, error) {
	joined, _, err := s.addReviewer(ctx, by, slug, r, lang)
	return joined, err
}

func (s *Store) addReviewer(ctx context.Context, by *actor.Actor, slug string, r *Reviewer, lang string) (bool, string, error) {
	if err := r.normalize(); err != nil {
		return false, "", err
	}
	u, err := (&auth.Store{DB: s.DB}).ByEmail(ctx, r.Email)
	if err != nil && errs.CodeOf(err) != errs.NotFound {
		return false, "", err
	}
	var token string
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		c, err := s.call(ctx, tx, "slug = ?", slug)
		if err != nil {
			return err
		}
		r.CallID = c.ID
		now := tx.Now()
		var uid, hash any
		if u != nil {
			uid, r.UserID, r.JoinedAt = u.ID, u.ID, &now
			if r.Name == "" {
				r.Name = u.Name
			}
		} else {
			var h string
			token, h = crypt.NewToken()
			hash = h
		}
		err = tx.QueryRow(ctx, `-- calls.AddReviewer
			INSERT INTO call_reviewers (call_id, user_id, email, name, country, organization, fields, languages, token_hash, invited_at, joined_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			c.ID, uid, r.Email, r.Name, r.Country, r.Organization, db.JSON(orEmpty(r.Fields)), db.JSON(orEmpty(r.Languages)),
			hash, now, r.JoinedAt).Scan(&r.ID)
		if db.IsUnique(err) {
			var fe errs.Fields
			fe.Add("email", "calls.reviewer_already")
			return fe.Err()
		}
		if err != nil {
			return err
		}
		if u != nil {
			if err := s.mailUser(ctx, tx, u.ID, "mail.calls.reviewer_added.subject", "mail.calls.reviewer_added.body",
				func(p *i18n.Printer) []any { return []any{u.Name, c.Title.For(p.Lang), s.base() + "/reviews"} }); err != nil {
				return err
			}
		} else {
			p := i18n.For(langOf(lang))
			link := s.base() + "/reviews/join?token=" + token
			if _, err := mail.Send(ctx, tx, mail.Message{Kind: mail.KindCalls, To: r.Email, Subject: p.T("mail.calls.reviewer_invite.subject", c.Title.For(p.Lang)),
				Text: p.T("mail.calls.reviewer_invite.body", by.Name, c.Title.For(p.Lang), link, int(InvitationLife.Hours()/24))}); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "call.reviewer_add",
			Object: callObject(c.ID), Details: map[string]any{"email": r.Email, "joined": u != nil}})
	})
	if err != nil {
		return false, "", fmt.Errorf("calls: add reviewer: %w", err)
	}
	return u != nil, token, nil
}

// ReviewerInvitation returns the call and address of a reviewer
// invitation still valid; any other token is an Invalid error.
func (s *Store) ReviewerInvitation(ctx context.Context, token string) (*Call, string, error) {
	var callID int64
	var email string
	err := s.DB.QueryRow(ctx, `SELECT call_id, email FROM call_reviewers WHERE token_hash = ? AND user_id IS NULL AND invited_at > ?`,
		crypt.HashToken(token), s.DB.Now().Add(-InvitationLife)).Scan(&callID, &email)
	if db.IsNotFound(err) {
		return nil, "", errs.New(errs.Invalid, "calls.invitation_invalid")
	}
	if err != nil {
		return nil, "", fmt.Errorf("calls: reviewer invitation: %w", err)
	}
	c, err := s.CallByID(ctx, callID)
	return c, email, err
}

// JoinPool spends a reviewer invitation's token: the signed-in account
// joins the pool. An account already in the pool is refused (Conflict).
// Returns the call. Audited.
func (s *Store) JoinPool(ctx context.Context, by *actor.Actor, token string) (*Call, error) {
	var c *Call
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		now := tx.Now()
		var id, callID int64
		err := tx.QueryRow(ctx, `UPDATE call_reviewers SET user_id = ?, joined_at = ?, token_hash = NULL,
				name = CASE WHEN name = '' THEN ? ELSE name END
			WHERE token_hash = ? AND user_id IS NULL AND invited_at > ? RETURNING id, call_id`,
			by.ID, now, by.Name, crypt.HashToken(token), now.Add(-InvitationLife)).Scan(&id, &callID)
		if db.IsNotFound(err) {
			return errs.New(errs.Invalid, "calls.invitation_invalid")
		}
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM call_reviewers WHERE call_id = ? AND user_id = ?", callID, by.ID).Scan(&n); err != nil {
			return err
		}
		if n > 1 {
			return errs.New(errs.Conflict, "calls.reviewer_already")
		}
		if c, err = s.call(ctx, tx, "id = ?", callID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "call.reviewer_join",
			Object: callObject(callID), Details: map[string]any{"reviewer_id": id}})
	})
	if err != nil {
		return nil, fmt.Errorf("calls: join pool: %w", err)
	}
	return c, nil
}

// ---- conflicts of interest ----

// ConflictReason says why a reviewer may not review a submission.
type ConflictReason string

// The reasons, in the order they are checked.
const (
	NoConflict       ConflictReason = ""
	ConflictAuthor   ConflictReason = "author"       // the reviewer wrote or co-wrote it (or is invited to)
	ConflictOrg      ConflictReason = "organization" // the reviewer belongs to one of its applicant organisations
	ConflictCountry  ConflictReason = "country"      // same country as an author, where the call excludes it
	ConflictDeclared ConflictReason = "declared"     // the reviewer declared a conflict on it
)

// conflictOf decides whether reviewer r may review sub under call c;
// declared lists the submission ids on which r declared a conflict.
// accounts maps the reviewer's account id to its email, so that an
// invited co-author is recognised before confirming.
func conflictOf(c *Call, sub *Submission, r *Reviewer, declared map[int64]bool) ConflictReason {
	if declared[sub.ID] {
		return ConflictDeclared
	}
	if r.UserID != 0 && sub.SubmitterID == r.UserID {
		return ConflictAuthor
	}
	for _, a := range sub.Authors {
		if (r.UserID != 0 && a.UserID == r.UserID) || strings.EqualFold(a.Email, r.Email) {
			return ConflictAuthor
		}
	}
	if org := fold(r.Organization); org != "" {
		for _, p := range sub.Partners {
			if fold(p.Name) == org {
				return ConflictOrg
			}
		}
		for _, a := range sub.Authors {
			if fold(a.Organization) == org {
				return ConflictOrg
			}
		}
	}
	if c.ExcludeSameCountry && r.Country != "" && contains(sub.AllCountries(), r.Country) {
		return ConflictCountry
	}
	return NoConflict
}

// poolState is what assignment knows of a call in a transaction.
type poolState struct {
	call     *Call
	pool     []*Reviewer
	load     map[int64]int            // reviewer id → active reviews (assigned or submitted) in the call
	has      map[int64]map[int64]bool // submission id → reviewer ids with any review row (incl. conflicts)
	active   map[int64]int            // submission id → active reviews
	declared map[int64]map[int64]bool // reviewer id → submission ids with a declared conflict
	accounts map[int64]string         // reviewer account id → email
	round    int                      // the review round load, has and active count
}

// loadPool reads the pool and the reviews of round in c; a conflict
// declared in any round counts in every round.
func (s *Store) loadPool(ctx context.Context, tx *db.Tx, c *Call, round int) (*poolState, error) {
	st := &poolState{call: c, load: map[int64]int{}, has: map[int64]map[int64]bool{}, active: map[int64]int{},
		declared: map[int64]map[int64]bool{}, round: round}
	all, err := s.reviewers(ctx, tx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, r := range all {
		if r.Active() {
			st.pool = append(st.pool, r)
		}
	}
	type rv struct {
		sub, reviewer int64
		status        ReviewStatus
		round         int
	}
	rows, err := db.All(ctx, tx, "calls: pool reviews", func(r db.Scanner) (rv, error) {
		var x rv
		return x, r.Scan(&x.sub, &x.reviewer, &x.status, &x.round)
	}, `SELECT r.submission_id, r.reviewer_id, r.status, r.round FROM call_reviews r JOIN call_submissions s ON s.id = r.submission_id
		WHERE s.call_id = ?`, c.ID)
	if err != nil {
		return nil, err
	}
	for _, x := range rows {
		if x.round != round && x.status != ReviewConflict {
			continue
		}
		if x.round != round { // a conflict declared in another round
			if st.declared[x.reviewer] == nil {
				st.declared[x.reviewer] = map[int64]bool{}
			}
			st.declared[x.reviewer][x.sub] = true
			continue
		}
		if st.has[x.sub] == nil {
			st.has[x.sub] = map[int64]bool{}
		}
		st.has[x.sub][x.reviewer] = true
		if x.status == ReviewConflict {
			if st.declared[x.reviewer] == nil {
				st.declared[x.reviewer] = map[int64]bool{}
			}
			st.declared[x.reviewer][x.sub] = true
		} else {
			st.load[x.reviewer]++
			st.active[x.sub]++
		}
	}
	return st, nil
}

// candidates returns the reviewers who may review sub and do not yet have
// it, best first: matching field, then matching language, then the
// lightest load, then the pool order. Under cap, reviewers at or above
// the cap come after all the others, so that the load stays balanced
// where matching allows it.
func (st *poolState) candidates(sub *Submission, capLoad int) []*Reviewer {
	type cand struct {
		r                    *Reviewer
		over, noField, noLng bool
	}
	var list []cand
	langs := sub.Languages()
	for _, r := range st.pool {
		if st.has[sub.ID][r.ID] || conflictOf(st.call, sub, r, st.declared[r.ID]) != NoConflict {
			continue
		}
		lang := len(langs) == 0 || len(r.Languages) == 0
		for _, l := range langs {
			lang = lang || contains(r.Languages, l)
		}
		list = append(list, cand{r: r, over: capLoad > 0 && st.load[r.ID] >= capLoad,
			noField: !contains(r.Fields, sub.Field), noLng: !lang})
	}
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if a.over != b.over {
			return !a.over
		}
		if a.noField != b.noField {
			return !a.noField
		}
		if a.noLng != b.noLng {
			return !a.noLng
		}
		return st.load[a.r.ID] < st.load[b.r.ID]
	})
	out := make([]*Reviewer, len(list))
	for i, c := range list {
		out[i] = c.r
	}
	return out
}

func (st *poolState) assign(ctx context.Context, tx *db.Tx, sub *Submission, r *Reviewer, now time.Time) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO call_reviews (submission_id, reviewer_id, round, status, assigned_at, updated_at)
		VALUES (?, ?, ?, 'assigned', ?, ?) RETURNING id`, sub.ID, r.ID, max(st.round, 1), now, now).Scan(&id)
	if err != nil {
		return 0, err
	}
	if st.has[sub.ID] == nil {
		st.has[sub.ID] = map[int64]bool{}
	}
	st.has[sub.ID][r.ID] = true
	st.load[r.ID]++
	st.active[sub.ID]++
	return id, nil
}

// reviewable returns the submissions of a call that take reviewers:
// submitted and not screened out, with their authors.
func (s *Store) reviewable(ctx context.Context, tx *db.Tx, callID int64) ([]*Submission, error) {
	subs, err := db.All(ctx, tx, "calls: reviewable", scanSubmission, "SELECT "+submissionColumns+` FROM call_submissions
		WHERE call_id = ? AND status = 'submitted' AND screening <> 'ineligible' ORDER BY id`, callID)
	if err != nil {
		return nil, err
	}
	return subs, s.withAuthors(ctx, tx, subs)
}

// Assign gives every reviewable submission of call slug its number of
// reviewers from the pool, for the secretariat, at any time after the
// call is published (before: Conflict). Submissions with the fewest
// possible reviewers are served first; among the reviewers allowed (never
// an author or co-author, a member of an applicant organisation, someone
// from an author's country when the call excludes it, or someone who
// declared a conflict), those matching the field and a language come
// first, and the load is kept even. Each reviewer given new work is told
// by mail. It returns the number of assignments made. Audited.
func (s *Store) Assign(ctx context.Context, by *actor.Actor, slug string) (int, error) {
	return s.assignRound(ctx, by, slug, 1)
}

// assignRound is Assign for round: 1, the reviewable submissions, or 2,
// the submissions in the call's second round.
func (s *Store) assignRound(ctx context.Context, by *actor.Actor, slug string, round int) (int, error) {
	made := 0
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		c, err := s.call(ctx, tx, "slug = ?"+tx.ForUpdate(), slug)
		if err != nil {
			return err
		}
		if err := tx.Lock(ctx, "calls.assign:"+slug); err != nil {
			return err
		}
		if c.Status != CallPublished {
			return errs.New(errs.Conflict, "calls.not_published")
		}
		st, err := s.loadPool(ctx, tx, c, round)
		if err != nil {
			return err
		}
		subs, err := s.reviewable(ctx, tx, c.ID)
		if round == 2 && err == nil {
			subs, err = s.inRound(ctx, tx, c.ID, subs)
		}
		if err != nil {
			return err
		}
		need := 0
		for _, sub := range subs {
			need += max(0, c.ReviewsPerSubmission-st.active[sub.ID])
		}
		if need == 0 || len(st.pool) == 0 {
			return nil
		}
		total := need
		for _, n := range st.load {
			total += n
		}
		capLoad := int(math.Ceil(float64(total) / float64(len(st.pool))))
		// The most constrained submissions first.
		options := map[int64]int{}
		for _, sub := range subs {
			options[sub.ID] = len(st.candidates(sub, 0))
		}
		sort.SliceStable(subs, func(i, j int) bool { return options[subs[i].ID] < options[subs[j].ID] })
		now := tx.Now()
		given := map[int64]int{}
		for _, sub := range subs {
			for st.active[sub.ID] < c.ReviewsPerSubmission {
				cands := st.candidates(sub, capLoad)
				if len(cands) == 0 {
					break
				}
				if _, err := st.assign(ctx, tx, sub, cands[0], now); err != nil {
					return err
				}
				given[cands[0].ID]++
				made++
			}
		}
		if err := s.mailAssigned(ctx, tx, c, st, given); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "call.assign",
			Object: callObject(c.ID), Details: map[string]any{"assignments": made, "round": round}})
	})
	if err != nil {
		return 0, fmt.Errorf("calls: assign: %w", err)
	}
	return made, nil
}

// mailAssigned tells each reviewer how many new submissions they have.
func (s *Store) mailAssigned(ctx context.Context, tx *db.Tx, c *Call, st *poolState, given map[int64]int) error {
	for _, r := range st.pool {
		n := given[r.ID]
		if n == 0 {
			continue
		}
		if err := s.mailUser(ctx, tx, r.UserID, "mail.calls.assigned.subject", "mail.calls.assigned.body",
			func(p *i18n.Printer) []any { return []any{r.Name, n, c.Title.For(p.Lang), s.base() + "/reviews"} },
			c.Title.For(i18n.En)); err != nil {
			return err
		}
	}
	return nil
}

// AssignReviewer gives submission subID to reviewer reviewerID by hand,
// for the secretariat. A reviewer with a conflict of interest is refused
// (Conflict), as is one who already has it.
func (s *Store) AssignReviewer(ctx context.Context, by *actor.Actor, subID, reviewerID int64) error {
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		sub, err := s.submission(ctx, tx, subID, tx.ForUpdate())
		if err != nil {
			return err
		}
		c, err := s.call(ctx, tx, "id = ?", sub.CallID)
		if err != nil {
			return err
		}
		st, err := s.loadPool(ctx, tx, c, 1)
		if err != nil {
			return err
		}
		var r *Reviewer
		for _, x := range st.pool {
			if x.ID == reviewerID {
				r = x
			}
		}
		if r == nil {
			return errs.NotFoundError()
		}
		if sub.Status != Submitted || sub.Screening == Ineligible {
			return errs.New(errs.Conflict, "calls.not_reviewable")
		}
		if st.has[sub.ID][r.ID] || conflictOf(c, sub, r, st.declared[r.ID]) != NoConflict {
			return errs.New(errs.Conflict, "calls.assign_conflict")
		}
		if _, err := st.assign(ctx, tx, sub, r, tx.Now()); err != nil {
			return err
		}
		if err := s.mailAssigned(ctx, tx, c, st, map[int64]int{r.ID: 1}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "call.assign_one",
			Object: submissionObject(subID), Details: map[string]any{"reviewer_id": reviewerID}})
	})
	if err != nil {
		return fmt.Errorf("calls: assign reviewer: %w", err)
	}
	return nil
}

// Unassign removes a review not yet submitted, for the secretariat.
func (s *Store) Unassign(ctx context.Context, by *actor.Actor, reviewID int64) error {
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		var subID int64
		err := tx.QueryRow(ctx, "DELETE FROM call_reviews WHERE id = ? AND status = 'assigned' RETURNING submission_id", reviewID).Scan(&subID)
		if db.IsNotFound(err) {
			return errs.New(errs.Conflict, "calls.unassign_refused")
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "call.unassign",
			Object: submissionObject(subID), Details: map[string]any{"review_id": reviewID}})
	})
	if err != nil {
		return fmt.Errorf("calls: unassign: %w", err)
	}
	return nil
}

// ---- reviews ----

const reviewColumns = `id, submission_id, reviewer_id, status, scores, comment, conflict_reason, assigned_at, submitted_at, round, withdrawn`

func scanReview(row db.Scanner) (*Review, error) {
	r := &Review{}
	var scores string
	if err := row.Scan(&r.ID, &r.SubmissionID, &r.ReviewerID, &r.Status, &scores, &r.Comment, &r.Reason, &r.AssignedAt, &r.SubmittedAt, &r.Round, &r.Withdrawn); err != nil {
		return nil, err
	}
	return r, decodeList(scores, &r.Scores)
}

// QueueItem is one assignment in a reviewer's queue.
type QueueItem struct {
	ID           int64        `json:"id"`
	SubmissionID int64        `json:"submission_id"`
	Title        string       `json:"title"`
	Status       ReviewStatus `json:"status"`
	Round        int          `json:"round"`
	Call         Text         `json:"-"`
	CallSlug     string       `json:"-"`
	Field        string       `json:"-"`
}

// MyReviews returns the assignments of account userID in every call, the
// open ones first, with titles in lang.
func (s *Store) MyReviews(ctx context.Context, userID int64, lang string) ([]QueueItem, error) {
	return db.All(ctx, s.DB, "calls: my reviews", func(r db.Scanner) (QueueItem, error) {
		var q QueueItem
		var t Text
		err := r.Scan(&q.ID, &q.SubmissionID, &q.Status, &t.En, &t.Hans, &t.Hant, &q.Field, &q.Call.En, &q.Call.Hans, &q.Call.Hant, &q.CallSlug, &q.Round)
		q.Title = t.For(lang)
		return q, err
	}, `-- calls.MyReviews
		SELECT r.id, r.submission_id, r.status, s.title_en, s.title_zh_hans, s.title_zh_hant, s.field,
			c.title_en, c.title_zh_hans, c.title_zh_hant, c.slug, r.round
		FROM call_reviews r JOIN call_reviewers v ON v.id = r.reviewer_id
			JOIN call_submissions s ON s.id = r.submission_id JOIN calls c ON c.id = s.call_id
		WHERE v.user_id = ? AND s.status = 'submitted'
		ORDER BY CASE r.status WHEN 'assigned' THEN 0 WHEN 'submitted' THEN 1 ELSE 2 END, r.id`, userID)
}

// ReviewView is a review as its reviewer sees it: the review, the call's
// rubric, and the submission, without its authors and organisations when
// the review is blind.
type ReviewView struct {
	Review     *Review
	Call       *Call
	Submission *Submission // nil once the reviewer declared a conflict
	Round      *RoundEntry // the second round's material, for a review of round 2
}

// blinded returns sub as a blind reviewer may see it.
func blinded(sub *Submission) *Submission {
	cp := *sub
	cp.Authors, cp.Partners = nil, nil
	cp.SubmitterID = 0
	cp.Speakers = blindSpeakers(cp.Speakers)
	return &cp
}

// review returns review id of account userID, locked when lock is given;
// anyone else's review is NotFound.
func (s *Store) review(ctx context.Context, q db.Querier, userID, id int64, lock string) (*Review, *Reviewer, error) {
	r, err := scanReview(q.QueryRow(ctx, "SELECT "+reviewColumns+" FROM call_reviews WHERE id = ?"+lock, id))
	if db.IsNotFound(err) {
		return nil, nil, errs.NotFoundError()
	}
	if err != nil {
		return nil, nil, fmt.Errorf("calls: review %d: %w", id, err)
	}
	v, err := scanReviewer(q.QueryRow(ctx, "SELECT "+reviewerColumns+" FROM call_reviewers WHERE id = ?", r.ReviewerID))
	if err != nil {
		return nil, nil, fmt.Errorf("calls: review %d: %w", id, err)
	}
	if v.UserID == 0 || v.UserID != userID {
		return nil, nil, errs.NotFoundError()
	}
	return r, v, nil
}

// Review returns review id to its reviewer (anyone else: NotFound), with
// the submission as they may see it. A withdrawn submission is NotFound.
func (s *Store) Review(ctx context.Context, by *actor.Actor, id int64) (*ReviewView, error) {
	r, _, err := s.review(ctx, s.DB, by.ID, id, "")
	if err != nil {
		return nil, err
	}
	sub, err := s.submission(ctx, s.DB, r.SubmissionID, "")
	if err != nil {
		return nil, err
	}
	if sub.Status != Submitted {
		return nil, errs.NotFoundError()
	}
	c, err := s.CallByID(ctx, sub.CallID)
	if err != nil {
		return nil, err
	}
	v := &ReviewView{Review: r, Call: c}
	if sub.Attachments, err = s.attachments(ctx, s.DB, sub.ID, c.Blind); err != nil {
		return nil, err
	}
	if r.Round == 2 && r.Status != ReviewConflict {
		if v.Round, err = s.roundEntry(ctx, s.DB, sub.ID, ""); err != nil {
			return nil, err
		}
	}
	if r.Status != ReviewConflict {
		sub.Decision, sub.Screening, sub.ScreeningReason = "", "", ""
		v.Submission = sub
		if c.Blind {
			v.Submission = blinded(sub)
		}
	}
	return v, nil
}

// SaveReview records the scores and comment of review id, for its
// reviewer. Each score must be a criterion of the call's rubric, within
// 0 and the criterion's maximum (Invalid at "scores.CODE"). The scores
// given are added to those saved before: a save never removes a score.
// With submit, every criterion must then be scored and the review counts
// in the ranking; without, it is saved to come back to. A submitted
// review is not changed (Conflict) unless the secretariat reopens it
// (ReopenReview); nor is one once the results are published, one whose
// reviewer declared or was found to have a conflict of interest, or one
// whose reviewer has a conflict with the submission now (Conflict).
// Audited.
func (s *Store) SaveReview(ctx context.Context, by *actor.Actor, id int64, scores map[string]float64, comment string, submit bool) error {
	comment = strings.TrimSpace(comment)
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		r, v, err := s.review(ctx, tx, by.ID, id, tx.ForUpdate())
		if err != nil {
			return err
		}
		sub, err := s.submission(ctx, tx, r.SubmissionID, "")
		if err != nil {
			return err
		}
		if sub.Status != Submitted {
			return errs.NotFoundError()
		}
		c, err := s.call(ctx, tx, "id = ?", sub.CallID)
		if err != nil {
			return err
		}
		switch {
		case r.Status == ReviewConflict && r.Withdrawn != NoConflict:
			return errs.New(errs.Conflict, "integrity.review_withdrawn")
		case r.Status == ReviewConflict:
			return errs.New(errs.Conflict, "calls.review_conflicted")
		case c.ResultsOut():
			return errs.New(errs.Conflict, "calls.results_out")
		case r.Status == ReviewSubmitted:
			return errs.New(errs.Conflict, "integrity.review_locked")
		}
		if conflicted, err := s.reviewConflicted(ctx, tx, c, sub, v); err != nil {
			return err
		} else if conflicted {
			return errs.New(errs.Conflict, "integrity.review_withdrawn")
		}
		merged := map[string]float64{}
		for code, v := range r.Scores {
			merged[code] = v
		}
		var fe errs.Fields
		for code, v := range scores {
			cr, ok := c.Criterion(code)
			switch {
			case !ok:
				fe.Add("scores."+code, "calls.criterion_unknown")
			case math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > float64(cr.Max):
				fe.Add("scores."+code, "calls.score_range", cr.Max)
			default:
				merged[code] = v
			}
		}
		scores = merged
		if submit {
			for _, cr := range c.Criteria {
				if _, ok := scores[cr.Code]; !ok && !fe.Has("scores."+cr.Code) {
					fe.Add("scores."+cr.Code, "calls.score_required")
				}
			}
		}
		if len([]rune(comment)) > maxSummary {
			fe.Add("comment", "calls.too_long", maxSummary)
		}
		if err := fe.Err(); err != nil {
			return err
		}
		now := tx.Now()
		status := r.Status
		var submittedAt any
		if submit {
			status, submittedAt = ReviewSubmitted, now
		}
		if _, err := tx.Exec(ctx, `UPDATE call_reviews SET scores = ?, comment = ?, status = ?, submitted_at = COALESCE(?, submitted_at),
			updated_at = ? WHERE id = ?`, db.JSON(scores), comment, status, submittedAt, now, id); err != nil {
			return err
		}
		action := "call.review_saved"
		if submit {
			action = "call.review_submitted"
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: action, Object: reviewObject(id)})
	})
	if err != nil {
		return fmt.Errorf("calls: save review: %w", err)
	}
	return nil
}

// DeclareConflict records that the reviewer of review id has a conflict
// of interest with its submission: the review ends (its scores, if any,
// no longer count), the reviewer will never be given the submission
// again, and in the same transaction another reviewer is assigned in
// their place when the pool has one allowed. Audited; the new reviewer is
// told by mail. It returns the id of the new review, 0 when nobody could
// take it.
func (s *Store) DeclareConflict(ctx context.Context, by *actor.Actor, id int64, reason string) (int64, error) {
	reason = strings.TrimSpace(reason)
	var fe errs.Fields
	if fe.Line("reason", reason); fe.Err() != nil {
		return 0, fe.Err()
	}
	var newID int64
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		r, _, err := s.review(ctx, tx, by.ID, id, tx.ForUpdate())
		if err != nil {
			return err
		}
		if r.Status == ReviewConflict {
			return nil
		}
		sub, err := s.submission(ctx, tx, r.SubmissionID, tx.ForUpdate())
		if err != nil {
			return err
		}
		c, err := s.call(ctx, tx, "id = ?", sub.CallID)
		if err != nil {
			return err
		}
		if c.ResultsOut() {
			return errs.New(errs.Conflict, "calls.results_out")
		}
		now := tx.Now()
		if _, err := tx.Exec(ctx, `UPDATE call_reviews SET status = 'conflict', conflict_reason = ?, scores = '{}', updated_at = ?
			WHERE id = ?`, reason, now, id); err != nil {
			return err
		}
		if err := tx.Lock(ctx, "calls.assign:"+c.Slug); err != nil {
			return err
		}
		st, err := s.loadPool(ctx, tx, c, r.Round)
		if err != nil {
			return err
		}
		var replacement *Reviewer
		if sub.Status == Submitted && sub.Screening != Ineligible && st.active[sub.ID] < c.ReviewsPerSubmission {
			if cands := st.candidates(sub, 0); len(cands) > 0 {
				replacement = cands[0]
				if newID, err = st.assign(ctx, tx, sub, replacement, now); err != nil {
					return err
				}
				if err := s.mailAssigned(ctx, tx, c, st, map[int64]int{replacement.ID: 1}); err != nil {
					return err
				}
			}
		}
		details := map[string]any{"reason": reason, "submission_id": sub.ID}
		if replacement != nil {
			details["replacement_reviewer_id"] = replacement.ID
		}
		if err := audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "call.review_conflict",
			Object: reviewObject(id), Details: details}); err != nil {
			return err
		}
		// The declaration counts in every round: the reviewer's review of
		// the other round ends too.
		return s.enforceConflicts(ctx, tx, by, c, sub.ID)
	})
	if err != nil {
		return 0, fmt.Errorf("calls: declare conflict: %w", err)
	}
	return newID, nil
}

// Progress is how far the reviewing of a call has come, per reviewer.
type Progress struct {
	Reviewer  *Reviewer
	Assigned  int // open
	Submitted int
	Conflicts int
}

// SubmissionReviews are the reviews of one submission, for the
// secretariat.
type SubmissionReview struct {
	*Review
	Reviewer *Reviewer
}

// Progress returns each reviewer's counts in call callID.
func (s *Store) Progress(ctx context.Context, callID int64) ([]Progress, error) {
	pool, err := s.Reviewers(ctx, callID)
	if err != nil {
		return nil, err
	}
	type count struct {
		reviewer int64
		status   ReviewStatus
		n        int
	}
	counts, err := db.All(ctx, s.DB, "calls: progress", func(r db.Scanner) (count, error) {
		var c count
		return c, r.Scan(&c.reviewer, &c.status, &c.n)
	}, `SELECT r.reviewer_id, r.status, count(*) FROM call_reviews r JOIN call_submissions s ON s.id = r.submission_id
		WHERE s.call_id = ? AND s.status = 'submitted' GROUP BY r.reviewer_id, r.status`, callID)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*Progress{}
	out := make([]Progress, len(pool))
	for i, r := range pool {
		out[i].Reviewer = r
		byID[r.ID] = &out[i]
	}
	for _, c := range counts {
		p := byID[c.reviewer]
		if p == nil {
			continue
		}
		switch c.status {
		case ReviewAssigned:
			p.Assigned = c.n
		case ReviewSubmitted:
			p.Submitted = c.n
		case ReviewConflict:
			p.Conflicts = c.n
		}
	}
	return out, nil
}

// ReviewsOf returns the reviews of submission subID with their reviewers,
// for the secretariat.
func (s *Store) ReviewsOf(ctx context.Context, subID int64) ([]SubmissionReview, error) {
	reviews, err := db.All(ctx, s.DB, "calls: reviews of", scanReview, "SELECT "+reviewColumns+" FROM call_reviews WHERE submission_id = ? ORDER BY id", subID)
	if err != nil {
		return nil, err
	}
	out := make([]SubmissionReview, 0, len(reviews))
	for _, r := range reviews {
		v, err := scanReviewer(s.DB.QueryRow(ctx, "SELECT "+reviewerColumns+" FROM call_reviewers WHERE id = ?", r.ReviewerID))
		if err != nil {
			return nil, fmt.Errorf("calls: reviews of: %w", err)
		}
		out = append(out, SubmissionReview{r, v})
	}
	return out, nil
}

// Remind mails every reviewer of call slug who has open reviews, once a
// day at most, for the secretariat. It returns how many were reminded.
// Audited.
func (s *Store) Remind(ctx context.Context, by *actor.Actor, slug string) (int, error) {
	n := 0
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		c, err := s.call(ctx, tx, "slug = ?", slug)
		if err != nil {
			return err
		}
		now := tx.Now()
		type open struct {
			reviewer int64
			n        int
		}
		rows, err := db.All(ctx, tx, "calls: remind", func(r db.Scanner) (open, error) {
			var o open
			return o, r.Scan(&o.reviewer, &o.n)
		}, `SELECT r.reviewer_id, count(*) FROM call_reviews r JOIN call_submissions s ON s.id = r.submission_id
			WHERE s.call_id = ? AND s.status = 'submitted' AND r.status = 'assigned' AND (r.reminded_at IS NULL OR r.reminded_at < ?)
			GROUP BY r.reviewer_id ORDER BY r.reviewer_id`, c.ID, now.Add(-24*time.Hour))
		if err != nil {
			return err
		}
		for _, o := range rows {
			v, err := scanReviewer(tx.QueryRow(ctx, "SELECT "+reviewerColumns+" FROM call_reviewers WHERE id = ?", o.reviewer))
			if err != nil {
				return err
			}
			if err := s.mailUser(ctx, tx, v.UserID, "mail.calls.reminder.subject", "mail.calls.reminder.body",
				func(p *i18n.Printer) []any { return []any{v.Name, o.n, c.Title.For(p.Lang), s.base() + "/reviews"} }); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE call_reviews SET reminded_at = ? WHERE reviewer_id = ? AND status = 'assigned'`, now, o.reviewer); err != nil {
				return err
			}
			n++
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "call.remind",
			Object: callObject(c.ID), Details: map[string]any{"reviewers": n}})
	})
	if err != nil {
		return 0, fmt.Errorf("calls: remind: %w", err)
	}
	return n, nil
}
