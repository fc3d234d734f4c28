package calls

import (
	"context"
	"encoding/json"
	"fmt"
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
	"github.com/wuzhen/wuzhen/internal/pagecache"
)

// Store keeps calls, submissions, reviewers and reviews.
type Store struct {
	DB      *db.DB
	BaseURL string // for links in mail
	// IsMember reports whether an account acts for an active member, for
	// calls open to members only; nil means nobody does.
	IsMember func(ctx context.Context, userID int64) (bool, error)
}

// InvitationLife is how long a co-author's or reviewer's invitation can
// be accepted.
const InvitationLife = 21 * 24 * time.Hour

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func decodeList(s string, into any) error {
	if s == "" {
		return nil
	}
	return json.Unmarshal([]byte(s), into)
}

func callObject(id int64) string       { return fmt.Sprintf("call:%d", id) }
func submissionObject(id int64) string { return fmt.Sprintf("call_submission:%d", id) }
func reviewObject(id int64) string     { return fmt.Sprintf("call_review:%d", id) }

// DeadlineError is the refusal of a submission outside the call's open
// period: after the deadline (Closed) or before the opening. It is an
// Invalid error; Detail names the time in the call's time zone.
type DeadlineError struct {
	Call   *Call
	Closed bool
	Round  *Round // the deadline is this review round's
}

func (e *DeadlineError) key() string {
	if e.Round != nil {
		return "calls.round.deadline_passed"
	}
	if e.Closed {
		return "calls.deadline_passed"
	}
	return "calls.not_open_yet"
}

func (e *DeadlineError) Error() string { return "calls: " + e.key() }

// Unwrap makes it an errs.Invalid error.
func (e *DeadlineError) Unwrap() error { return errs.New(errs.Invalid, e.key()) }

// Detail says when the call closed (or opens), in p's language, with the
// date and time in the call's time zone.
func (e *DeadlineError) Detail(p *i18n.Printer) string {
	if e.Round != nil {
		return p.T("calls.round.deadline_detail", e.Call.Title.For(p.Lang), e.Call.LocalTime(p.Lang, e.Round.Deadline))
	}
	if e.Closed {
		return p.T("calls.deadline_detail", e.Call.Title.For(p.Lang), e.Call.LocalTime(p.Lang, e.Call.ClosesAt))
	}
	return p.T("calls.opens_detail", e.Call.Title.For(p.Lang), e.Call.LocalTime(p.Lang, e.Call.OpensAt))
}

const callColumns = `id, slug, kind, title_en, title_zh_hans, title_zh_hant, description_en, description_zh_hans, description_zh_hant,
	fields, opens_at, closes_at, timezone, year, members_only, languages, max_coauthors, min_countries, reviews_per_submission,
	blind, exclude_same_country, criteria, status, published_at, results_published_at, created_at, attachments, questions`

func scanCall(row db.Scanner) (*Call, error) {
	c := &Call{}
	var fields, langs, criteria, attachments, questions string
	err := row.Scan(&c.ID, &c.Slug, &c.Kind, &c.Title.En, &c.Title.Hans, &c.Title.Hant, &c.Description.En, &c.Description.Hans,
		&c.Description.Hant, &fields, &c.OpensAt, &c.ClosesAt, &c.Timezone, &c.Year, &c.MembersOnly, &langs, &c.MaxCoauthors,
		&c.MinCountries, &c.ReviewsPerSubmission, &c.Blind, &c.ExcludeSameCountry, &criteria, &c.Status, &c.PublishedAt,
		&c.ResultsPublishedAt, &c.Created, &attachments, &questions)
	if err != nil {
		return nil, err
	}
	if err := decodeList(attachments, &c.Attachments); err != nil {
		return nil, err
	}
	if err := decodeList(questions, &c.Questions); err != nil {
		return nil, err
	}
	if err := decodeList(fields, &c.Fields); err != nil {
		return nil, err
	}
	if err := decodeList(langs, &c.Languages); err != nil {
		return nil, err
	}
	return c, decodeList(criteria, &c.Criteria)
}

func (s *Store) call(ctx context.Context, q db.Querier, where string, args ...any) (*Call, error) {
	c, err := scanCall(q.QueryRow(ctx, "SELECT "+callColumns+" FROM calls WHERE "+where, args...))
	if db.IsNotFound(err) {
		return nil, errs.NotFoundError()
	}
	if err != nil {
		return nil, fmt.Errorf("calls: call: %w", err)
	}
	return c, nil
}

// Call returns the call of slug, published or not: for the secretariat.
func (s *Store) Call(ctx context.Context, slug string) (*Call, error) {
	return s.call(ctx, s.DB, "slug = ?", slug)
}

// PublishedCall returns the call of slug if it is published, else
// NotFound: for everyone.
func (s *Store) PublishedCall(ctx context.Context, slug string) (*Call, error) {
	return s.call(ctx, s.DB, "slug = ? AND status = 'published'", slug)
}

// CallByID returns call id.
func (s *Store) CallByID(ctx context.Context, id int64) (*Call, error) {
	return s.call(ctx, s.DB, "id = ?", id)
}

// Calls returns the calls, the latest deadline first; published only
// unless all.
func (s *Store) Calls(ctx context.Context, all bool) ([]*Call, error) {
	where := "WHERE status = 'published'"
	if all {
		where = ""
	}
	return db.All(ctx, s.DB, "calls: list", scanCall, "SELECT "+callColumns+" FROM calls "+where+" ORDER BY closes_at DESC, id DESC")
}

// CreateCall creates a call in draft, for the secretariat. A slug already
// taken is an Invalid error at "slug". Audited.
func (s *Store) CreateCall(ctx context.Context, by *actor.Actor, c *Call) error {
	if err := c.validate(); err != nil {
		return err
	}
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		now := tx.Now()
		c.Status, c.Created = CallDraft, now
		err := tx.QueryRow(ctx, `-- calls.CreateCall
			INSERT INTO calls (slug, kind, title_en, title_zh_hans, title_zh_hant, description_en, description_zh_hans,
				description_zh_hant, fields, opens_at, closes_at, timezone, year, members_only, languages, max_coauthors,
				min_countries, reviews_per_submission, blind, exclude_same_country, criteria, status, created_at, updated_at,
				attachments, questions)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			c.Slug, c.Kind, c.Title.En, c.Title.Hans, c.Title.Hant, c.Description.En, c.Description.Hans, c.Description.Hant,
			db.JSON(c.Fields), c.OpensAt, c.ClosesAt, c.Timezone, c.Year, c.MembersOnly, db.JSON(orEmpty(c.Languages)),
			c.MaxCoauthors, c.MinCountries, c.ReviewsPerSubmission, c.Blind, c.ExcludeSameCountry, db.JSON(c.Criteria),
			c.Status, now, now, db.JSON(c.Attachments), db.JSON(questionsOrEmpty(c.Questions))).Scan(&c.ID)
		if db.IsUnique(err) {
			var fe errs.Fields
			fe.Add("slug", "calls.slug_taken")
			return fe.Err()
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "call.create", Object: callObject(c.ID)})
	})
	if err != nil {
		return fmt.Errorf("calls: create: %w", err)
	}
	return nil
}

func orEmpty(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// UpdateCall replaces the settings of call slug (its slug stays), for the
// secretariat. Reviews that a changed rule now forbids (the same-country
// exclusion) are withdrawn and reassigned in the same transaction.
// Audited.
func (s *Store) UpdateCall(ctx context.Context, by *actor.Actor, slug string, c *Call) error {
	c.Slug = slug
	if err := c.validate(); err != nil {
		return err
	}
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		old, err := s.call(ctx, tx, "slug = ?"+tx.ForUpdate(), slug)
		if err != nil {
			return err
		}
		c.ID, c.Status, c.PublishedAt, c.ResultsPublishedAt, c.Created = old.ID, old.Status, old.PublishedAt, old.ResultsPublishedAt, old.Created
		if _, err := tx.Exec(ctx, `-- calls.UpdateCall
			UPDATE calls SET kind = ?, title_en = ?, title_zh_hans = ?, title_zh_hant = ?, description_en = ?, description_zh_hans = ?,
				description_zh_hant = ?, fields = ?, opens_at = ?, closes_at = ?, timezone = ?, year = ?, members_only = ?, languages = ?,
				max_coauthors = ?, min_countries = ?, reviews_per_submission = ?, blind = ?, exclude_same_country = ?, criteria = ?,
				updated_at = ?, attachments = ?, questions = ?
			WHERE id = ?`,
			c.Kind, c.Title.En, c.Title.Hans, c.Title.Hant, c.Description.En, c.Description.Hans, c.Description.Hant,
			db.JSON(c.Fields), c.OpensAt, c.ClosesAt, c.Timezone, c.Year, c.MembersOnly, db.JSON(orEmpty(c.Languages)),
			c.MaxCoauthors, c.MinCountries, c.ReviewsPerSubmission, c.Blind, c.ExcludeSameCountry, db.JSON(c.Criteria),
			tx.Now(), db.JSON(c.Attachments), db.JSON(questionsOrEmpty(c.Questions)), c.ID); err != nil {
			return err
		}
		if c.Status == CallPublished {
			if err := pagecache.Bump(ctx, tx); err != nil {
				return err
			}
		}
		if err := audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "call.update", Object: callObject(c.ID)}); err != nil {
			return err
		}
		// A rule changed (the same-country exclusion): reviews it now
		// forbids end and are given to others.
		return s.enforceConflicts(ctx, tx, by, c)
	})
	if err != nil {
		return fmt.Errorf("calls: update: %w", err)
	}
	return nil
}

// PublishCall opens call slug to the public (submissions are taken from
// its opening time), for the secretariat. Publishing a published call
// changes nothing. Audited.
func (s *Store) PublishCall(ctx context.Context, by *actor.Actor, slug string) (*Call, error) {
	var c *Call
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if c, err = s.call(ctx, tx, "slug = ?"+tx.ForUpdate(), slug); err != nil {
			return err
		}
		if c.Status == CallPublished {
			return nil
		}
		now := tx.Now()
		c.Status, c.PublishedAt = CallPublished, &now
		if _, err := tx.Exec(ctx, "UPDATE calls SET status = 'published', published_at = ?, updated_at = ? WHERE id = ?", now, now, c.ID); err != nil {
			return err
		}
		if err := pagecache.Bump(ctx, tx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "call.publish", Object: callObject(c.ID)})
	})
	if err != nil {
		return nil, fmt.Errorf("calls: publish: %w", err)
	}
	return c, nil
}

// ---- submissions ----

const submissionColumns = `id, call_id, submitter_id, title_en, title_zh_hans, title_zh_hant, summary_en, summary_zh_hans,
	summary_zh_hant, field, countries, partners, video_url, status, screening, screening_reason, decision, submitted_at,
	published_at, created_at, updated_at, stakeholder_group, speakers, answers`

func scanSubmission(row db.Scanner) (*Submission, error) {
	s := &Submission{}
	var countries, partners, speakers, answers string
	err := row.Scan(&s.ID, &s.CallID, &s.SubmitterID, &s.Title.En, &s.Title.Hans, &s.Title.Hant, &s.Summary.En, &s.Summary.Hans,
		&s.Summary.Hant, &s.Field, &countries, &partners, &s.VideoURL, &s.Status, &s.Screening, &s.ScreeningReason, &s.Decision,
		&s.SubmittedAt, &s.PublishedAt, &s.Created, &s.Updated, &s.Group, &speakers, &answers)
	if err != nil {
		return nil, err
	}
	if err := decodeList(answers, &s.Answers); err != nil {
		return nil, err
	}
	if err := decodeList(countries, &s.Countries); err != nil {
		return nil, err
	}
	if err := decodeList(speakers, &s.Speakers); err != nil {
		return nil, err
	}
	s.Warnings = SpeakerWarnings(s.Speakers)
	return s, decodeList(partners, &s.Partners)
}

func (s *Store) submission(ctx context.Context, q db.Querier, id int64, lock string) (*Submission, error) {
	sub, err := scanSubmission(q.QueryRow(ctx, "SELECT "+submissionColumns+" FROM call_submissions WHERE id = ?"+lock, id))
	if db.IsNotFound(err) {
		return nil, errs.NotFoundError()
	}
	if err != nil {
		return nil, fmt.Errorf("calls: submission %d: %w", id, err)
	}
	sub.Authors, err = s.authors(ctx, q, id)
	return sub, err
}

func (s *Store) authors(ctx context.Context, q db.Querier, subID int64) ([]Author, error) {
	return db.All(ctx, q, "calls: authors", func(r db.Scanner) (Author, error) {
		var a Author
		var uid *int64
		err := r.Scan(&a.ID, &uid, &a.Email, &a.Name, &a.Country, &a.Organization, &a.Submitter, &a.ConfirmedAt)
		if uid != nil {
			a.UserID = *uid
		}
		return a, err
	}, `SELECT id, user_id, email, name, country, organization, is_submitter, confirmed_at FROM call_authors
		WHERE submission_id = ? ORDER BY is_submitter DESC, id`, subID)
}

// isAuthor reports whether account userID is the submitter or a confirmed
// co-author of sub.
func (sub *Submission) isAuthor(userID int64) bool {
	if userID == 0 {
		return false
	}
	if sub.SubmitterID == userID {
		return true
	}
	for _, a := range sub.Authors {
		if a.UserID == userID && a.Confirmed() {
			return true
		}
	}
	return false
}

// Submission returns submission id with its authors to one of its authors
// or to the secretariat; anyone else gets NotFound. Authors do not see the
// screening reason, and see the decision only once the results are out.
func (s *Store) Submission(ctx context.Context, viewer *actor.Actor, id int64) (*Submission, *Call, error) {
	sub, err := s.submission(ctx, s.DB, id, "")
	if err != nil {
		return nil, nil, err
	}
	staff := auth.Can(viewer, PermManage)
	if viewer == nil || !staff && !sub.isAuthor(viewer.ID) {
		return nil, nil, errs.NotFoundError()
	}
	c, err := s.CallByID(ctx, sub.CallID)
	if err != nil {
		return nil, nil, err
	}
	if !staff {
		sub.ScreeningReason = ""
		if !c.ResultsOut() {
			sub.Decision = ""
		}
	}
	if sub.Attachments, err = s.attachments(ctx, s.DB, id, false); err != nil {
		return nil, nil, err
	}
	return sub, c, nil
}

// MySubmission is a submission in its author's list.
type MySubmission struct {
	*Submission
	Call *Call
}

// Mine returns the submissions account userID wrote or co-wrote
// (confirmed), newest first.
func (s *Store) Mine(ctx context.Context, userID int64) ([]MySubmission, error) {
	subs, err := db.All(ctx, s.DB, "calls: mine", scanSubmission, "SELECT "+submissionColumns+` FROM call_submissions
		WHERE submitter_id = ? OR id IN (SELECT submission_id FROM call_authors WHERE user_id = ? AND confirmed_at IS NOT NULL)
		ORDER BY id DESC`, userID, userID)
	if err != nil {
		return nil, err
	}
	out := make([]MySubmission, 0, len(subs))
	cache := map[int64]*Call{}
	for _, sub := range subs {
		c := cache[sub.CallID]
		if c == nil {
			if c, err = s.CallByID(ctx, sub.CallID); err != nil {
				return nil, err
			}
			cache[sub.CallID] = c
		}
		if !c.ResultsOut() {
			sub.Decision = ""
		}
		sub.ScreeningReason = ""
		out = append(out, MySubmission{sub, c})
	}
	return out, nil
}

// SubmitterInfo is what the submitter says of themself.
type SubmitterInfo struct {
	Country      string
	Organization string
}

// SaveSubmission stores a submission of by to call slug: a new one when
// sub.ID is 0, else by's own. With submit every required field is checked
// and the submission is submitted; without, a draft stays a draft and a
// submitted one stays submitted (and is checked as such). Submissions are
// taken only while the call is open by the server's clock: outside, the
// error is a *DeadlineError. A withdrawn submission is not edited
// (Conflict). A one-line field with a control character is Invalid at
// it (errs.OneLine). A change that gives a reviewer of the submission a
// conflict of interest withdraws that review and reassigns it in the
// same transaction (enforceConflicts). Audited; the first submission is
// acknowledged by mail.
func (s *Store) SaveSubmission(ctx context.Context, by *actor.Actor, slug string, sub *Submission, info SubmitterInfo, submit bool) error {
	c, err := s.PublishedCall(ctx, slug)
	if err != nil {
		return err
	}
	if c.MembersOnly {
		ok := false
		if s.IsMember != nil {
			if ok, err = s.IsMember(ctx, by.ID); err != nil {
				return err
			}
		}
		if !ok {
			return errs.New(errs.Forbidden, "calls.members_only")
		}
	}
	info.Country = strings.ToUpper(strings.TrimSpace(info.Country))
	info.Organization = strings.TrimSpace(info.Organization)
	var fe errs.Fields
	if fe.Line("author_organization", info.Organization); fe.Err() != nil {
		return fe.Err()
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		now := tx.Now()
		if now.Before(c.OpensAt) {
			return &DeadlineError{Call: c}
		}
		if c.Closed(now) {
			return &DeadlineError{Call: c, Closed: true}
		}
		status := Draft
		var old *Submission
		if sub.ID != 0 {
			if old, err = s.submission(ctx, tx, sub.ID, tx.ForUpdate()); err != nil {
				return err
			}
			if old.SubmitterID != by.ID || old.CallID != c.ID {
				return errs.NotFoundError()
			}
			if old.Status == Withdrawn {
				return errs.New(errs.Conflict, "calls.withdrawn")
			}
			status = old.Status
		}
		if submit {
			status = Submitted
		}
		if err := sub.validate(c, status == Submitted); err != nil {
			return err
		}
		var submittedAt *time.Time
		if status == Submitted {
			submittedAt = &now
		}
		args := []any{sub.Title.En, sub.Title.Hans, sub.Title.Hant, sub.Summary.En, sub.Summary.Hans, sub.Summary.Hant, sub.Field,
			db.JSON(orEmpty(sub.Countries)), db.JSON(partnersOrEmpty(sub.Partners)), sub.VideoURL, status, now, db.JSON(answersOrEmpty(sub.Answers))}
		if old == nil {
			if err := tx.QueryRow(ctx, `-- calls.SaveSubmission new
				INSERT INTO call_submissions (title_en, title_zh_hans, title_zh_hant, summary_en, summary_zh_hans, summary_zh_hant,
					field, countries, partners, video_url, status, updated_at, answers, submitted_at, call_id, submitter_id, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				append(args, submittedAt, c.ID, by.ID, now)...).Scan(&sub.ID); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO call_authors (submission_id, user_id, email, name, country, organization,
				is_submitter, invited_at, confirmed_at) VALUES (?, ?, ?, ?, ?, ?, true, ?, ?)`,
				sub.ID, by.ID, auth.NormalizeEmail(by.Email), by.Name, info.Country, info.Organization, now, now); err != nil {
				return err
			}
			sub.Created = now
		} else {
			if _, err := tx.Exec(ctx, `-- calls.SaveSubmission update
				UPDATE call_submissions SET title_en = ?, title_zh_hans = ?, title_zh_hant = ?, summary_en = ?, summary_zh_hans = ?,
					summary_zh_hant = ?, field = ?, countries = ?, partners = ?, video_url = ?, status = ?, updated_at = ?,
					answers = ?, submitted_at = COALESCE(submitted_at, ?)
				WHERE id = ?`, append(args, submittedAt, sub.ID)...); err != nil {
				return err
			}
			if info.Country != "" || info.Organization != "" {
				if _, err := tx.Exec(ctx, "UPDATE call_authors SET country = ?, organization = ? WHERE submission_id = ? AND is_submitter",
					info.Country, info.Organization, sub.ID); err != nil {
					return err
				}
			}
			sub.Created = old.Created
		}
		if err := s.saveMore(ctx, tx, sub); err != nil {
			return err
		}
		sub.CallID, sub.SubmitterID, sub.Status, sub.Updated = c.ID, by.ID, status, now
		if status == Submitted && (old == nil || old.Status != Submitted) {
			sub.SubmittedAt = &now
			if err := s.mailUser(ctx, tx, by.ID, "mail.calls.received.subject", "mail.calls.received.body",
				func(p *i18n.Printer) []any {
					return []any{by.Name, sub.Title.For(p.Lang), c.Title.For(p.Lang), c.LocalTime(p.Lang, c.ClosesAt),
						fmt.Sprintf("%s/submissions/%d", s.base(), sub.ID)}
				}); err != nil {
				return err
			}
		}
		action := "call.submission_saved"
		if submit {
			action = "call.submission_submitted"
		}
		if err := audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: action, Object: submissionObject(sub.ID)}); err != nil {
			return err
		}
		// Partners, countries or the submitter's organisation may now be
		// a reviewer's.
		return s.enforceConflicts(ctx, tx, by, c, sub.ID)
	})
	if err != nil {
		return fmt.Errorf("calls: save submission: %w", err)
	}
	return nil
}

func partnersOrEmpty(p []Partner) []Partner {
	if p == nil {
		return []Partner{}
	}
	return p
}

func (s *Store) base() string { return strings.TrimRight(s.BaseURL, "/") }

// Withdraw withdraws submission id, for its submitter, before the
// deadline (after it: *DeadlineError). Its open reviews end. Audited.
func (s *Store) Withdraw(ctx context.Context, by *actor.Actor, id int64) error {
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		sub, err := s.submission(ctx, tx, id, tx.ForUpdate())
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
		if c.Closed(tx.Now()) {
			return &DeadlineError{Call: c, Closed: true}
		}
		if sub.Status == Withdrawn {
			return nil
		}
		if _, err := tx.Exec(ctx, "UPDATE call_submissions SET status = 'withdrawn', updated_at = ? WHERE id = ?", tx.Now(), id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM call_reviews WHERE submission_id = ? AND status = 'assigned'", id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "call.submission_withdrawn", Object: submissionObject(id)})
	})
	if err != nil {
		return fmt.Errorf("calls: withdraw: %w", err)
	}
	return nil
}

// InviteCoauthor invites email as a co-author of submission id, for its
// submitter, before the deadline and within the call's number of
// co-authors. The mail, in lang, holds a single-use link that expires
// after InvitationLife; only its hash is stored. An invited address is
// an author at once: a review by its holder is withdrawn and reassigned
// in the same transaction (enforceConflicts). Audited.
func (s *Store) InviteCoauthor(ctx context.Context, by *actor.Actor, id int64, email, name, country, lang string) error {
	_, err := s.inviteCoauthor(ctx, by, id, email, name, country, lang)
	return err
}

func (s *Store) inviteCoauthor(ctx context.Context, by *actor.Actor, id int64, email, name, country, lang string) (string, error) {
	email, name, country = auth.NormalizeEmail(email), strings.TrimSpace(name), strings.ToUpper(strings.TrimSpace(country))
	var fe errs.Fields
	if !emailValid(email) {
		fe.Add("email", "calls.email_invalid")
	}
	fe.Line("name", name)
	if country != "" {
		if _, ok := geo.Lookup(country); !ok {
			fe.Add("country", "calls.country_invalid")
		}
	}
	if err := fe.Err(); err != nil {
		return "", err
	}
	token, hash := crypt.NewToken()
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		sub, err := s.submission(ctx, tx, id, tx.ForUpdate())
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
		now := tx.Now()
		if c.Closed(now) {
			return &DeadlineError{Call: c, Closed: true}
		}
		if sub.Status == Withdrawn {
			return errs.New(errs.Conflict, "calls.withdrawn")
		}
		if len(sub.Authors)-1 >= c.MaxCoauthors {
			fe.Add("email", "calls.coauthors_max", c.MaxCoauthors)
			return fe.Err()
		}
		for _, a := range sub.Authors {
			if a.Email == email {
				fe.Add("email", "calls.coauthor_already")
				return fe.Err()
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO call_authors (submission_id, email, name, country, is_submitter, token_hash, invited_at)
			VALUES (?, ?, ?, ?, false, ?, ?)`, id, email, name, country, hash, now); err != nil {
			return err
		}
		p := i18n.For(langOf(lang))
		link := s.base() + "/submissions/confirm?token=" + token
		if _, err := mail.Send(ctx, tx, mail.Message{Kind: mail.KindCalls, To: email, Subject: p.T("mail.calls.coauthor.subject", sub.Title.For(p.Lang)),
			Text: p.T("mail.calls.coauthor.body", by.Name, sub.Title.For(p.Lang), c.Title.For(p.Lang), link, int(InvitationLife.Hours()/24))}); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "call.coauthor_invite",
			Object: submissionObject(id), Details: map[string]any{"email": email}}); err != nil {
			return err
		}
		// An invited co-author already counts as an author.
		return s.enforceConflicts(ctx, tx, by, c, id)
	})
	if err != nil {
		return "", fmt.Errorf("calls: invite co-author: %w", err)
	}
	return token, nil
}

func langOf(lang string) string {
	if l := i18n.Match(lang); l != "" {
		return l
	}
	return i18n.En
}

// CoauthorInvitation is what the confirmation page shows.
type CoauthorInvitation struct {
	SubmissionID int64
	Title        Text
	Call         Text
	Email        string
}

// CoauthorByToken returns the invitation of a token still valid; any
// other token is an Invalid error.
func (s *Store) CoauthorByToken(ctx context.Context, token string) (*CoauthorInvitation, error) {
	v := &CoauthorInvitation{}
	err := s.DB.QueryRow(ctx, `-- calls.CoauthorByToken
		SELECT a.submission_id, a.email, s.title_en, s.title_zh_hans, s.title_zh_hant, c.title_en, c.title_zh_hans, c.title_zh_hant
		FROM call_authors a JOIN call_submissions s ON s.id = a.submission_id JOIN calls c ON c.id = s.call_id
		WHERE a.token_hash = ? AND a.confirmed_at IS NULL AND a.invited_at > ?`, crypt.HashToken(token), s.DB.Now().Add(-InvitationLife)).
		Scan(&v.SubmissionID, &v.Email, &v.Title.En, &v.Title.Hans, &v.Title.Hant, &v.Call.En, &v.Call.Hans, &v.Call.Hant)
	if db.IsNotFound(err) {
		return nil, errs.New(errs.Invalid, "calls.invitation_invalid")
	}
	if err != nil {
		return nil, fmt.Errorf("calls: co-author invitation: %w", err)
	}
	return v, nil
}

// ConfirmCoauthor spends a co-author invitation's token for the signed-in
// account, which becomes a confirmed co-author (and so an author that no
// reviewer pool assignment will give the submission to; a review of it
// the account holds is withdrawn and reassigned in the same transaction).
// Returns the submission's id. Audited.
func (s *Store) ConfirmCoauthor(ctx context.Context, by *actor.Actor, token string) (int64, error) {
	var subID int64
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		now := tx.Now()
		var authorID int64
		err := tx.QueryRow(ctx, `-- calls.ConfirmCoauthor
			UPDATE call_authors SET user_id = ?, confirmed_at = ?, token_hash = NULL, name = CASE WHEN name = '' THEN ? ELSE name END
			WHERE token_hash = ? AND confirmed_at IS NULL AND invited_at > ?
			RETURNING id, submission_id`, by.ID, now, by.Name, crypt.HashToken(token), now.Add(-InvitationLife)).Scan(&authorID, &subID)
		if db.IsNotFound(err) {
			return errs.New(errs.Invalid, "calls.invitation_invalid")
		}
		if err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "call.coauthor_confirm",
			Object: submissionObject(subID), Details: map[string]any{"author_id": authorID}}); err != nil {
			return err
		}
		// The account is an author now, whatever address it was invited at.
		var callID int64
		if err := tx.QueryRow(ctx, "SELECT call_id FROM call_submissions WHERE id = ?", subID).Scan(&callID); err != nil {
			return err
		}
		c, err := s.call(ctx, tx, "id = ?", callID)
		if err != nil {
			return err
		}
		return s.enforceConflicts(ctx, tx, by, c, subID)
	})
	if err != nil {
		return 0, fmt.Errorf("calls: confirm co-author: %w", err)
	}
	return subID, nil
}

// Screen records the secretariat's screening of submission id: eligible,
// or ineligible with a reason (Invalid at "reason" without one). An
// ineligible submission loses its open review assignments. Audited.
func (s *Store) Screen(ctx context.Context, by *actor.Actor, id int64, sc Screening, reason string) error {
	reason = strings.TrimSpace(reason)
	var fe errs.Fields
	switch sc {
	case Eligible:
	case Ineligible:
		if reason == "" {
			fe.Add("reason", "calls.reason_required")
		}
	default:
		fe.Add("screening", "calls.screening_invalid")
	}
	fe.Line("reason", reason)
	if err := fe.Err(); err != nil {
		return err
	}
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		sub, err := s.submission(ctx, tx, id, tx.ForUpdate())
		if err != nil {
			return err
		}
		if sub.Status != Submitted {
			return errs.New(errs.Conflict, "calls.not_submitted")
		}
		if _, err := tx.Exec(ctx, "UPDATE call_submissions SET screening = ?, screening_reason = ?, updated_at = ? WHERE id = ?",
			sc, reason, tx.Now(), id); err != nil {
			return err
		}
		if sc == Ineligible {
			if _, err := tx.Exec(ctx, "DELETE FROM call_reviews WHERE submission_id = ? AND status = 'assigned'", id); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "call.screen",
			Object: submissionObject(id), Details: map[string]any{"screening": sc, "reason": reason}})
	})
	if err != nil {
		return fmt.Errorf("calls: screen: %w", err)
	}
	return nil
}

// SubmissionFilter selects submissions of a call for the secretariat.
type SubmissionFilter struct {
	Status    SubmissionStatus // "" for every status but draft
	Screening string           // "", "pending", "eligible", "ineligible"
	Field     string
}

// Submissions returns the submissions of call callID, oldest first, with
// their authors.
func (s *Store) Submissions(ctx context.Context, callID int64, f SubmissionFilter) ([]*Submission, error) {
	where, args := "WHERE call_id = ?", []any{callID}
	if f.Status != "" {
		where, args = where+" AND status = ?", append(args, f.Status)
	} else {
		where += " AND status <> 'draft'"
	}
	switch f.Screening {
	case "pending":
		where += " AND screening = ''"
	case string(Eligible), string(Ineligible):
		where, args = where+" AND screening = ?", append(args, f.Screening)
	}
	if f.Field != "" {
		where, args = where+" AND field = ?", append(args, f.Field)
	}
	subs, err := db.All(ctx, s.DB, "calls: submissions", scanSubmission, "SELECT "+submissionColumns+" FROM call_submissions "+where+" ORDER BY id", args...)
	if err != nil {
		return nil, err
	}
	if err := s.withAuthors(ctx, s.DB, subs); err != nil {
		return nil, err
	}
	return subs, nil
}

// withAuthors fills the authors of subs in one query.
func (s *Store) withAuthors(ctx context.Context, q db.Querier, subs []*Submission) error {
	if len(subs) == 0 {
		return nil
	}
	byID := map[int64]*Submission{}
	for _, sub := range subs {
		byID[sub.ID] = sub
		sub.Authors = nil
	}
	type row struct {
		sub int64
		a   Author
	}
	rows, err := db.All(ctx, q, "calls: authors", func(r db.Scanner) (row, error) {
		var x row
		var uid *int64
		err := r.Scan(&x.sub, &x.a.ID, &uid, &x.a.Email, &x.a.Name, &x.a.Country, &x.a.Organization, &x.a.Submitter, &x.a.ConfirmedAt)
		if uid != nil {
			x.a.UserID = *uid
		}
		return x, err
	}, `SELECT a.submission_id, a.id, a.user_id, a.email, a.name, a.country, a.organization, a.is_submitter, a.confirmed_at
		FROM call_authors a JOIN call_submissions s ON s.id = a.submission_id WHERE s.call_id = ? ORDER BY a.is_submitter DESC, a.id`,
		subs[0].CallID)
	if err != nil {
		return err
	}
	for _, x := range rows {
		if sub := byID[x.sub]; sub != nil {
			sub.Authors = append(sub.Authors, x.a)
		}
	}
	return nil
}

// mailUser writes to account userID in their language: args gives the
// body's arguments for the printer of that language.
func (s *Store) mailUser(ctx context.Context, tx *db.Tx, userID int64, subjectKey, bodyKey string, args func(p *i18n.Printer) []any, subjectArgs ...any) error {
	u, err := auth.Lookup(ctx, tx, userID)
	if errs.CodeOf(err) == errs.NotFound {
		return nil // an account deleted meanwhile
	}
	if err != nil {
		return err
	}
	p := i18n.For(langOf(u.Locale))
	_, err = mail.Send(ctx, tx, mail.Message{Kind: mail.KindCalls, To: u.Email, Subject: p.T(subjectKey, subjectArgs...), Text: p.T(bodyKey, args(p)...)})
	return err
}
