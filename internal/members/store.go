package members

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/mail"
)

// Store keeps applications and members.
type Store struct {
	DB      *db.DB
	BaseURL string // for links in mail
}

const applicationColumns = `id, applicant_id, kind, name_en, name_zh_hans, name_zh_hant, acronym, stakeholder_group,
	country, website, description, contact_name, contact_email, motivation, charter_agreed, status, reason,
	COALESCE(member_id, 0), created_at, updated_at, submitted_at, decided_at`

func scanApplication(row db.Scanner) (*Application, error) {
	a := &Application{}
	err := row.Scan(&a.ID, &a.ApplicantID, &a.Kind, &a.Name.En, &a.Name.Hans, &a.Name.Hant, &a.Acronym, &a.Group,
		&a.Country, &a.Website, &a.Description, &a.ContactName, &a.ContactEmail, &a.Motivation, &a.CharterAgreed,
		&a.Status, &a.Reason, &a.MemberID, &a.Created, &a.Updated, &a.Submitted, &a.Decided)
	return a, err
}

// Save stores an application of the actor: a new one when a.ID is 0, else
// the actor's own draft or application awaiting more information. With
// submit, every required field is checked and the application goes to the
// secretariat; without, it stays a draft (or keeps waiting for the
// information asked for). Invalid errors carry the fields at fault.
func (s *Store) Save(ctx context.Context, by *actor.Actor, a *Application, submit bool) error {
	if err := a.validate(submit); err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		now := tx.Now()
		status := Draft
		if a.ID != 0 {
			old, err := s.application(ctx, tx, a.ID, tx.ForUpdate())
			if err != nil {
				return err
			}
			if old.ApplicantID != by.ID {
				return errs.New(errs.NotFound, "error.not_found")
			}
			if !old.Editable() {
				return errs.New(errs.Conflict, "members.not_editable")
			}
			status = old.Status
		}
		var submitted *time.Time
		if submit {
			status, submitted = Submitted, &now
		}
		args := []any{a.Kind, a.Name.En, a.Name.Hans, a.Name.Hant, a.Acronym, a.Group, a.Country, a.Website,
			websiteDomain(a.Website), a.Description, a.ContactName, a.ContactEmail, a.Motivation, a.CharterAgreed,
			status, now}
		if a.ID == 0 {
			err := tx.QueryRow(ctx, `-- members.Save new
				INSERT INTO membership_applications (kind, name_en, name_zh_hans, name_zh_hant, acronym, stakeholder_group,
					country, website, website_domain, description, contact_name, contact_email, motivation, charter_agreed,
					status, updated_at, submitted_at, applicant_id, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				append(args, submitted, by.ID, now)...).Scan(&a.ID)
			if err != nil {
				return err
			}
		} else {
			_, err := tx.Exec(ctx, `-- members.Save update
				UPDATE membership_applications SET kind = ?, name_en = ?, name_zh_hans = ?, name_zh_hant = ?, acronym = ?,
					stakeholder_group = ?, country = ?, website = ?, website_domain = ?, description = ?, contact_name = ?,
					contact_email = ?, motivation = ?, charter_agreed = ?, status = ?, updated_at = ?,
					submitted_at = COALESCE(?, submitted_at)
				WHERE id = ?`, append(args, submitted, a.ID)...)
			if err != nil {
				return err
			}
		}
		a.ApplicantID, a.Status, a.Updated = by.ID, status, now
		action := "membership.application_saved"
		if submit {
			action = "membership.application_submitted"
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: action, Object: appObject(a.ID)})
	})
}

func appObject(id int64) string    { return fmt.Sprintf("membership_application:%d", id) }
func memberObject(id int64) string { return fmt.Sprintf("member:%d", id) }

func (s *Store) application(ctx context.Context, q db.Querier, id int64, lock string) (*Application, error) {
	a, err := scanApplication(q.QueryRow(ctx, "SELECT "+applicationColumns+" FROM membership_applications WHERE id = ?"+lock, id))
	if db.IsNotFound(err) {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("members: application %d: %w", id, err)
	}
	return a, nil
}

// Application returns application id to its applicant or to a reviewer;
// anyone else gets NotFound, so that ids reveal nothing.
func (s *Store) Application(ctx context.Context, viewer *actor.Actor, id int64) (*Application, error) {
	a, err := s.application(ctx, s.DB, id, "")
	if err != nil {
		return nil, err
	}
	if viewer == nil || (a.ApplicantID != viewer.ID && !auth.Can(viewer, PermReview)) {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	return a, nil
}

// Mine returns the applications of an applicant, newest first.
func (s *Store) Mine(ctx context.Context, applicantID int64) ([]*Application, error) {
	return s.applications(ctx, "WHERE applicant_id = ? ORDER BY id DESC", applicantID)
}

func (s *Store) applications(ctx context.Context, where string, args ...any) ([]*Application, error) {
	return db.All(ctx, s.DB, "members: applications", scanApplication,
		"SELECT "+applicationColumns+" FROM membership_applications "+where, args...)
}

// QueueFilter selects applications in the review queue.
type QueueFilter struct {
	Status  Status
	Country string
	Group   Group
}

// Queue returns the applications a reviewer works through, oldest
// submission first, with the count in each status (for reviewers).
func (s *Store) Queue(ctx context.Context, f QueueFilter, limit, offset int) ([]*Application, map[Status]int, int, error) {
	if f.Status == "" {
		f.Status = Submitted
	}
	where, args := "WHERE status = ?", []any{f.Status}
	if f.Country != "" {
		where, args = where+" AND country = ?", append(args, f.Country)
	}
	if f.Group != "" {
		where, args = where+" AND stakeholder_group = ?", append(args, f.Group)
	}
	counts, err := db.Counts[Status](ctx, s.DB, "members: queue", "SELECT status, count(*) FROM membership_applications GROUP BY status")
	if err != nil {
		return nil, nil, 0, err
	}
	var total int
	if err := s.DB.QueryRow(ctx, "SELECT count(*) FROM membership_applications "+where, args...).Scan(&total); err != nil {
		return nil, nil, 0, fmt.Errorf("members: queue: %w", err)
	}
	list, err := s.applications(ctx, where+" ORDER BY COALESCE(submitted_at, created_at), id LIMIT ? OFFSET ?",
		append(args, limit, offset)...)
	return list, counts, total, err
}

// Duplicate is a likely duplicate of an application: another application
// or a member with the same name (in either Chinese script), website domain
// or contact email.
type Duplicate struct {
	What  string // "application" or "member"
	ID    int64
	Name  Names
	Match string // "name", "website" or "email"
}

// Duplicates finds likely duplicates of a, for reviewers.
func (s *Store) Duplicates(ctx context.Context, a *Application) ([]Duplicate, error) {
	names := map[string]bool{}
	for _, n := range []string{a.Name.En, a.Name.Hans, a.Name.Hant} {
		if n != "" {
			names[fold(n)] = true
		}
	}
	var out []Duplicate
	check := func(what string, id int64, n Names, domain, email string) {
		switch {
		case names[fold(n.En)] && n.En != "" || names[fold(n.Hans)] && n.Hans != "" || names[fold(n.Hant)] && n.Hant != "":
			out = append(out, Duplicate{what, id, n, "name"})
		case domain != "" && domain == websiteDomain(a.Website):
			out = append(out, Duplicate{what, id, n, "website"})
		case email != "" && email == a.ContactEmail:
			out = append(out, Duplicate{what, id, n, "email"})
		}
	}
	// Names are compared folded in Go: the tables are small enough, and
	// folding Chinese needs the converter.
	rows, err := s.DB.Query(ctx, `-- members.Duplicates applications
		SELECT id, name_en, name_zh_hans, name_zh_hant, website_domain, contact_email FROM membership_applications
		WHERE id <> ? AND status <> 'draft'`, a.ID)
	if err != nil {
		return nil, fmt.Errorf("members: duplicates: %w", err)
	}
	for rows.Next() {
		var id int64
		var n Names
		var domain, email string
		if err := rows.Scan(&id, &n.En, &n.Hans, &n.Hant, &domain, &email); err != nil {
			rows.Close()
			return nil, err
		}
		check("application", id, n, domain, email)
	}
	rows.Close()
	rows, err = s.DB.Query(ctx, `-- members.Duplicates members
		SELECT id, name_en, name_zh_hans, name_zh_hant, website, contact_email FROM members`)
	if err != nil {
		return nil, fmt.Errorf("members: duplicates: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n Names
		var site, email string
		if err := rows.Scan(&id, &n.En, &n.Hans, &n.Hant, &site, &email); err != nil {
			return nil, err
		}
		check("member", id, n, websiteDomain(site), email)
	}
	return out, rows.Err()
}

// Comment is a reviewer's note on an application, never shown to the
// applicant.
type Comment struct {
	ID      int64
	Author  string
	Body    string
	Created time.Time
}

// AddComment adds a reviewer's comment to an application.
func (s *Store) AddComment(ctx context.Context, by *actor.Actor, appID int64, body string) error {
	body = strings.TrimSpace(body)
	if body == "" {
		var fe errs.Fields
		fe.Add("body", "members.comment_required")
		return fe.Err()
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, err := s.application(ctx, tx, appID, ""); err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO membership_comments (application_id, author_id, author_name, body, created_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, appID, by.ID, by.Name, body, tx.Now()).Scan(&id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "membership.comment", Object: appObject(appID)})
	})
}

// Comments returns the comment thread of an application, oldest first.
func (s *Store) Comments(ctx context.Context, appID int64) ([]Comment, error) {
	return db.All(ctx, s.DB, "members: comments", func(r db.Scanner) (Comment, error) {
		var c Comment
		err := r.Scan(&c.ID, &c.Author, &c.Body, &c.Created)
		return c, err
	}, "SELECT id, author_name, body, created_at FROM membership_comments WHERE application_id = ? ORDER BY id", appID)
}

// Decision is a reviewer's decision on a submitted application.
type Decision string

// The decisions. Their names are part of the API.
const (
	Approve     Decision = "approve"
	Reject      Decision = "reject"
	RequestInfo Decision = "request_info"
)

// Decide records a reviewer's decision on a submitted application: approve
// makes a member (number and start date assigned, the applicant its
// primary representative); reject needs a reason; request_info needs the
// question, and sends the application back to the applicant. The applicant
// is mailed in their language, and the decision audited. Deciding anything
// but a submitted application is a Conflict.
func (s *Store) Decide(ctx context.Context, by *actor.Actor, id int64, d Decision, reason string) (*Application, error) {
	reason = strings.TrimSpace(reason)
	var fe errs.Fields
	switch d {
	case Approve:
	case Reject, RequestInfo:
		if reason == "" {
			fe.Add("reason", "members.reason_required")
		}
	default:
		fe.Add("decision", "members.decision_invalid")
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	var a *Application
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if a, err = s.application(ctx, tx, id, tx.ForUpdate()); err != nil {
			return err
		}
		if a.Status != Submitted {
			return errs.New(errs.Conflict, "members.not_submitted")
		}
		now := tx.Now()
		switch d {
		case Approve:
			a.Status = Approved
			if a.MemberID, err = s.admit(ctx, tx, a, now); err != nil {
				return err
			}
		case Reject:
			a.Status = Rejected
		case RequestInfo:
			a.Status = InfoRequested
		}
		a.Reason, a.Decided = reason, &now
		var member any
		if a.MemberID != 0 {
			member = a.MemberID
		}
		if _, err := tx.Exec(ctx, `UPDATE membership_applications SET status = ?, reason = ?, member_id = ?, decided_at = ?, updated_at = ?
			WHERE id = ?`, a.Status, reason, member, now, now, id); err != nil {
			return err
		}
		if err := s.mailDecision(ctx, tx, a); err != nil {
			return err
		}

		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "membership." + string(d),
			Object: appObject(id), Details: map[string]any{"reason": reason, "member_id": a.MemberID}})
	})
	if err != nil {
		return nil, fmt.Errorf("members: decide: %w", err)
	}
	return a, nil
}

// Term is how long a membership runs from its start unless the secretariat
// sets another end.
const Term = 365 * 24 * time.Hour

// admit makes the member of an approved application.
func (s *Store) admit(ctx context.Context, tx *db.Tx, a *Application, now time.Time) (int64, error) {
	c, _ := geo.Lookup(a.Country)
	var desc Names
	switch {
	case a.Name.En != "":
		desc.En = a.Description
	case a.Name.Hans != "":
		desc.Hans = a.Description
	default:
		desc.Hant = a.Description
	}
	m := &Member{Kind: a.Kind, Name: a.Name, Acronym: a.Acronym, Group: a.Group, Country: a.Country, Continent: c.Continent,
		Website: a.Website, Description: desc, ContactEmail: a.ContactEmail, Standing: Active,
		JoinedOn: now.Format(time.DateOnly), TermEndsOn: now.Add(Term).Format(time.DateOnly)}
	if err := insertMember(ctx, tx, m, now); err != nil {
		return 0, err
	}
	_, err := tx.Exec(ctx, "INSERT INTO member_representatives (member_id, user_id, is_primary, created_at) VALUES (?, ?, true, ?)",
		m.ID, a.ApplicantID, now)
	if err != nil {
		return 0, err
	}
	return m.ID, copyLogo(ctx, tx, a.ID, m.ID)
}

// mailDecision writes to the applicant about a decision, in their language.
func (s *Store) mailDecision(ctx context.Context, tx *db.Tx, a *Application) error {
	u, err := auth.Lookup(ctx, tx, a.ApplicantID)
	if err != nil {
		return err
	}
	lang := i18n.Match(u.Locale)
	if lang == "" {
		lang = i18n.En
	}
	p := i18n.For(lang)
	base := strings.TrimRight(s.BaseURL, "/")
	var body string
	switch a.Status {
	case Approved:
		body = p.T("mail.membership.approved.body", u.Name, a.Name.For(lang), memberNumber(a.MemberID), fmt.Sprintf("%s/members/%d", base, a.MemberID))
	case Rejected:
		body = p.T("mail.membership.rejected.body", u.Name, a.Name.For(lang), a.Reason)
	case InfoRequested:
		body = p.T("mail.membership.info_requested.body", u.Name, a.Name.For(lang), a.Reason, fmt.Sprintf("%s/members/applications/%d", base, a.ID))
	}
	_, err = mail.Send(ctx, tx, mail.Message{Kind: mail.KindMembership, To: u.Email, Subject: p.T("mail.membership." + string(a.Status) + ".subject"), Text: body})
	return err
}

// Add records a member directly, without an application: for the
// secretariat's imports of an existing membership and for demo content.
// JoinedOn defaults to today and TermEndsOn to a Term later; the standing
// defaults to active. Invalid fields are an Invalid error.
func (s *Store) Add(ctx context.Context, by *actor.Actor, m *Member) error {
	var fe errs.Fields
	if m.Kind != Organization && m.Kind != Individual {
		fe.Add("kind", "members.kind_invalid")
	}
	if m.Name.Empty() {
		fe.Add("name", "members.name_required")
	}
	if !ValidGroup(m.Group) {
		fe.Add("stakeholder_group", "members.group_invalid")
	}
	c, ok := geo.Lookup(m.Country)
	if !ok {
		fe.Add("country", "members.country_invalid")
	}
	if m.Website != "" && websiteDomain(m.Website) == "" {
		fe.Add("website", "members.website_invalid")
	}
	if m.JoinedOn != "" {
		if _, err := time.Parse(time.DateOnly, m.JoinedOn); err != nil {
			fe.Add("joined_on", "members.date_invalid")
		}
	}
	switch m.Standing {
	case "":
		m.Standing = Active
	case Active, Lapsed, Suspended, Withdrawn:
	default:
		fe.Add("status", "members.standing_invalid")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	m.Country, m.Continent = c.Code, c.Continent
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		now := tx.Now()
		if m.JoinedOn == "" {
			m.JoinedOn = now.Format(time.DateOnly)
		}
		if m.TermEndsOn == "" {
			joined, _ := time.Parse(time.DateOnly, m.JoinedOn)
			m.TermEndsOn = joined.Add(Term).Format(time.DateOnly)
		}
		if err := insertMember(ctx, tx, m, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "member.add", Object: memberObject(m.ID)})
	})
}

func insertMember(ctx context.Context, tx *db.Tx, m *Member, now time.Time) error {
	err := tx.QueryRow(ctx, `-- members.insertMember
		INSERT INTO members (kind, name_en, name_zh_hans, name_zh_hant, acronym, stakeholder_group, country, continent,
			website, description_en, description_zh_hans, description_zh_hant, contact_email, status, joined_on, term_ends_on,
			search, sort_name, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		m.Kind, m.Name.En, m.Name.Hans, m.Name.Hant, m.Acronym, m.Group, m.Country, m.Continent,
		m.Website, m.Description.En, m.Description.Hans, m.Description.Hant, m.ContactEmail, m.Standing, m.JoinedOn,
		m.TermEndsOn, searchText(m.Name, m.Acronym), sortName(m.Name), now, now).Scan(&m.ID)
	if err != nil {
		return err
	}
	return memberChanged(ctx, tx, m.ID)
}
