package events

import (
	"context"
	"strings"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
)

// Delegation is a member organisation's quota of people for an event, in
// one category, registered by name by the member's representatives.
type Delegation struct {
	ID         int64
	EventID    int64
	MemberID   int64
	CategoryID int64
	Quota      int
	Created    time.Time

	Used       int       // live registrations of the delegation
	MemberName i18n.Text // filled by listings
	Category   *Category
	Event      *Event
}

const delegationColumns = "id, event_id, member_id, category_id, quota, created_at"

func scanDelegation(row db.Scanner) (*Delegation, error) {
	d := &Delegation{}
	err := row.Scan(&d.ID, &d.EventID, &d.MemberID, &d.CategoryID, &d.Quota, &d.Created)
	return d, err
}

// SetQuota gives an active member a quota of people for the event, in the
// category with code; 0 ends the delegation's right to add people (those
// registered stay). The quota cannot go below the people already
// registered.
func (s *Store) SetQuota(ctx context.Context, by *actor.Actor, slug string, memberID int64, category string, quota int) error {
	if quota < 0 || quota > 10000 {
		return errs.Fields{{Name: "quota", Key: "events.capacity_invalid"}}.Err()
	}
	if s.Members == nil {
		return errs.New(errs.Internal, "error.internal")
	}
	if _, err := s.Members.Public(ctx, memberID); err != nil {
		return errs.Fields{{Name: "member", Key: "events.member_invalid"}}.Err()
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		e, err := s.bySlug(ctx, tx, slug, "")
		if err != nil {
			return err
		}
		c, err := scanCategory(tx.QueryRow(ctx, "SELECT "+categoryColumns+" FROM event_categories WHERE event_id = ? AND code = ?", e.ID, category))
		if db.IsNotFound(err) {
			return errs.Fields{{Name: "category", Key: "events.category_invalid"}}.Err()
		}
		if err != nil {
			return err
		}
		d, err := scanDelegation(tx.QueryRow(ctx, "SELECT "+delegationColumns+" FROM event_delegations WHERE event_id = ? AND member_id = ?"+tx.ForUpdate(), e.ID, memberID))
		switch {
		case db.IsNotFound(err):
			_, err = tx.Exec(ctx, "INSERT INTO event_delegations (event_id, member_id, category_id, quota, created_at) VALUES (?, ?, ?, ?, ?)",
				e.ID, memberID, c.ID, quota, tx.Now())
		case err == nil:
			used, uerr := delegationUsed(ctx, tx, e.ID, memberID)
			if uerr != nil {
				return uerr
			}
			if quota < used {
				return errs.Fields{{Name: "quota", Key: "events.capacity_below_taken", Args: []any{used}}}.Err()
			}
			_, err = tx.Exec(ctx, "UPDATE event_delegations SET quota = ?, category_id = ? WHERE id = ?", quota, c.ID, d.ID)
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "event.delegation_quota", Object: eventObject(e.ID),
			Details: map[string]any{"member": memberID, "category": category, "quota": quota}})
	})
}

func delegationUsed(ctx context.Context, q db.Querier, eventID, memberID int64) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM event_registrations WHERE event_id = ? AND delegation_member_id = ?
		AND status IN ('pending', 'confirmed', 'waitlisted')`, eventID, memberID).Scan(&n)
	return n, err
}

// Delegations lists an event's delegations with how many people each has.
func (s *Store) Delegations(ctx context.Context, eventID int64) ([]*Delegation, error) {
	list, err := db.All(ctx, s.DB, "events: delegations", scanDelegation,
		"SELECT "+delegationColumns+" FROM event_delegations WHERE event_id = ? ORDER BY id", eventID)
	if err != nil {
		return nil, err
	}
	for _, d := range list {
		if err := s.fillDelegation(ctx, d); err != nil {
			return nil, err
		}
	}
	return list, nil
}

func (s *Store) fillDelegation(ctx context.Context, d *Delegation) error {
	var err error
	if d.Used, err = delegationUsed(ctx, s.DB, d.EventID, d.MemberID); err != nil {
		return err
	}
	if s.Members != nil {
		if m, err := s.Members.Public(ctx, d.MemberID); err == nil {
			d.MemberName = m.Name
		}
	}
	d.Category, err = scanCategory(s.DB.QueryRow(ctx, "SELECT "+categoryColumns+" FROM event_categories WHERE id = ?", d.CategoryID))
	return err
}

// DelegationsOf lists the delegations of the members a person represents,
// for the events that are published.
func (s *Store) DelegationsOf(ctx context.Context, userID int64) ([]*Delegation, error) {
	if s.Members == nil {
		return nil, nil
	}
	managed, err := s.Members.Represented(ctx, userID)
	if err != nil || len(managed) == 0 {
		return nil, err
	}
	var out []*Delegation
	for _, m := range managed {
		list, err := db.All(ctx, s.DB, "events: delegations of", scanDelegation,
			"SELECT d."+strings.ReplaceAll(delegationColumns, ", ", ", d.")+` FROM event_delegations d JOIN events e ON e.id = d.event_id
			WHERE d.member_id = ? AND e.status = 'published' ORDER BY e.starts_at`, m.ID)
		if err != nil {
			return nil, err
		}
		for _, d := range list {
			if err := s.fillDelegation(ctx, d); err != nil {
				return nil, err
			}
			if d.Event, err = s.byID(ctx, s.DB, d.EventID, ""); err != nil {
				return nil, err
			}
			out = append(out, d)
		}
	}
	return out, nil
}

// Delegation returns the member's delegation to the event with slug and
// its people, for one of the member's representatives or the secretariat
// (the caller checks).
func (s *Store) Delegation(ctx context.Context, slug string, memberID int64) (*Delegation, []*Registration, error) {
	e, err := s.Event(ctx, slug, false)
	if err != nil {
		return nil, nil, err
	}
	d, err := scanDelegation(s.DB.QueryRow(ctx, "SELECT "+delegationColumns+" FROM event_delegations WHERE event_id = ? AND member_id = ?", e.ID, memberID))
	if db.IsNotFound(err) {
		return nil, nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, nil, err
	}
	d.Event = e
	if err := s.fillDelegation(ctx, d); err != nil {
		return nil, nil, err
	}
	people, err := db.All(ctx, s.DB, "events: delegation", scanRegistration, "SELECT "+registrationColumns+
		" FROM event_registrations WHERE event_id = ? AND delegation_member_id = ? ORDER BY id", e.ID, memberID)
	return d, people, err
}

// RegisterDelegate registers a named person in the member's delegation,
// by a representative (the caller checks that by represents the member),
// within the quota and by the category's rules for seats. The delegation's
// row is locked first, so that two representatives adding people at once
// cannot pass the quota together.
func (s *Store) RegisterDelegate(ctx context.Context, by *actor.Actor, slug string, memberID int64, d Delegate) (*Registration, error) {
	if d.Answers == nil {
		d.Answers = Answers{}
	}
	email := strings.TrimSpace(d.Email)
	var r *Registration
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		e, err := s.bySlug(ctx, tx, slug, "")
		if err != nil {
			return err
		}
		if e.Status != Published || !tx.Now().Before(e.Ends) {
			return errs.New(errs.Conflict, "events.registration_closed")
		}
		del, err := scanDelegation(tx.QueryRow(ctx, "SELECT "+delegationColumns+" FROM event_delegations WHERE event_id = ? AND member_id = ?"+tx.ForUpdate(), e.ID, memberID))
		if db.IsNotFound(err) {
			return errs.New(errs.NotFound, "error.not_found")
		}
		if err != nil {
			return err
		}
		used, err := delegationUsed(ctx, tx, e.ID, memberID)
		if err != nil {
			return err
		}
		if used >= del.Quota {
			return errs.Newf(errs.Conflict, "events.quota_reached", del.Quota)
		}
		c, err := lockCategory(ctx, tx, del.CategoryID)
		if err != nil {
			return err
		}
		if err := c.check(d.Answers, "", nil, true); err != nil {
			return err
		}
		if email != "" && !strings.Contains(email, "@") {
			return errs.Fields{{Name: "email", Key: "events.email_invalid"}}.Err()
		}
		r = &Registration{EventID: e.ID, Email: email, Answers: d.Answers, Event: e, Category: c, DelegationMemberID: memberID}
		return s.place(ctx, tx, c, r, by.ID)
	})
	return r, err
}
