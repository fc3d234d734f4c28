package events

import (
	"context"
	"encoding/json"
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

// RegStatus is where a registration stands.
type RegStatus string

// The states of a registration. Stored, do not rename.
const (
	Pending    RegStatus = "pending"
	Confirmed  RegStatus = "confirmed"
	Waitlisted RegStatus = "waitlisted"
	Withdrawn  RegStatus = "cancelled"
	Rejected   RegStatus = "rejected"
)

// Live reports whether the registration still holds or waits for a seat.
func (s RegStatus) Live() bool { return s == Pending || s == Confirmed || s == Waitlisted }

// Registration is one person's registration for an event.
type Registration struct {
	ID           int64
	EventID      int64
	CategoryID   int64
	UserID       int64
	Status       RegStatus
	Seq          int64
	Email        string
	Name         string
	NameLatin    string
	Organization string
	Country      string
	Continent    string
	Group        string
	Answers      Answers
	Created      time.Time
	Updated      time.Time
	CheckedIn    *time.Time
	CheckedInBy  string
	BadgeRevoked bool
	// InvitationID is the invitation whose seat it holds, 0 for none;
	// DelegationMemberID the member whose delegation it is part of.
	InvitationID       int64
	DelegationMemberID int64

	Position int // place on the waitlist, 1 first; 0 unless waitlisted
	// self: the registrant is the actor, whose address and language
	// (locale) are known without looking the account up.
	self     bool
	locale   string
	Category *Category // filled by pages
	Event    *Event    // filled by pages
}

const registrationColumns = `id, event_id, category_id, COALESCE(user_id, 0), status, seq, email, name, name_latin,
	organization, country, continent, stakeholder_group, answers, created_at, updated_at, checked_in_at, checked_in_by,
	badge_revoked, COALESCE(invitation_id, 0), COALESCE(delegation_member_id, 0)`

func scanRegistration(row db.Scanner) (*Registration, error) {
	r := &Registration{}
	var answers string
	err := row.Scan(&r.ID, &r.EventID, &r.CategoryID, &r.UserID, &r.Status, &r.Seq, &r.Email, &r.Name, &r.NameLatin,
		&r.Organization, &r.Country, &r.Continent, &r.Group, &answers, &r.Created, &r.Updated, &r.CheckedIn,
		&r.CheckedInBy, &r.BadgeRevoked, &r.InvitationID, &r.DelegationMemberID)
	if err == nil {
		err = json.Unmarshal([]byte(answers), &r.Answers)
	}
	return r, err
}

func regObject(id int64) string { return fmt.Sprintf("registration:%d", id) }

// Register registers the actor for the event with slug in the category
// with code. The category's row is locked for the decision, so that its
// capacity is never exceeded and acceptance numbers follow commit order:
// with approval "auto" the registration is confirmed while seats remain and
// waitlisted after; with "manual" it waits for the secretariat. A person
// holds one live registration per event (a second is a Conflict).
func (s *Store) Register(ctx context.Context, by *actor.Actor, slug, code string, a Answers) (*Registration, error) {
	return s.RegisterInvited(ctx, by, slug, code, a, "")
}

// RegisterInvited is Register with an invitation code ("" for none): a
// valid code for the category confirms the registration at once on one of
// the seats the invitation holds, skipping approval and the waitlist.
func (s *Store) RegisterInvited(ctx context.Context, by *actor.Actor, slug, code string, a Answers, invitation string) (*Registration, error) {
	return s.RegisterWith(ctx, by, slug, code, a, invitation, nil, true)
}

// RegisterWith is RegisterInvited with the files answering the category's
// file and photo questions (checked by CheckFiles), stored in the same
// transaction. With filesLater (the API), required files may come after
// the registration (SetFile); else (the form) they must be there.
func (s *Store) RegisterWith(ctx context.Context, by *actor.Actor, slug, code string, a Answers, invitation string,
	files map[string]*RegFile, filesLater bool) (*Registration, error) {
	if a == nil {
		a = Answers{}
	}
	var r *Registration
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		e, err := s.bySlug(ctx, tx, slug, "")
		if err != nil {
			return err
		}
		if e.Status != Published {
			if e.Status == Cancelled {
				return errs.New(errs.Conflict, "events.cancelled")
			}
			return errs.New(errs.NotFound, "error.not_found")
		}
		now := tx.Now()
		if !now.Before(e.Ends) {
			return errs.New(errs.Conflict, "events.registration_closed")
		}
		c, err := lockCategoryByCode(ctx, tx, e.ID, code)
		if err != nil {
			return err
		}
		if !c.OpenAt(now) {
			return errs.New(errs.Conflict, "events.registration_closed")
		}
		var held int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM event_registrations
			WHERE event_id = ? AND user_id = ? AND status IN ('pending', 'confirmed', 'waitlisted')`, e.ID, by.ID).Scan(&held); err != nil {
			return err
		}
		if held > 0 {
			return errs.New(errs.Conflict, "events.already_registered")
		}
		if err := c.check(a, by.Name, files, filesLater); err != nil {
			return err
		}
		r = &Registration{EventID: e.ID, UserID: by.ID, Email: by.Email, Answers: a, Event: e, Category: c, self: true, locale: by.Locale}
		if invitation != "" {
			if r.InvitationID, err = useInvitation(ctx, tx, c, invitation); err != nil {
				return err
			}
		}
		if err := s.place(ctx, tx, c, r, by.ID); err != nil {
			return err
		}
		for _, f := range files {
			if err := saveFile(ctx, tx, r.ID, f); err != nil {
				return err
			}
		}
		return nil
	})
	return r, err
}

// place decides a new registration's status in its locked category (with
// approval "auto", confirmed while seats remain, else waitlisted; with
// "manual", pending), numbers it, stores it and tells the registrant.
func (s *Store) place(ctx context.Context, tx *db.Tx, c *Category, r *Registration, by int64) error {
	r.Status = Pending
	if c.Approval == Auto {
		r.Status = Waitlisted
		if c.Left() > 0 {
			r.Status = Confirmed
		}
	}
	invited := r.InvitationID != 0 // on a seat its invitation holds
	if invited {
		r.Status = Confirmed
	}
	// The new registration's seq is the category's highest: on the
	// waitlist, its position is the number now waitlisted.
	var waitlisted int
	err := tx.QueryRow(ctx, `UPDATE event_categories SET accepted = accepted + 1, confirmed = confirmed + ?, reserved = reserved - ?,
		waitlisted = waitlisted + ? WHERE id = ? RETURNING accepted, waitlisted`,
		b2i(r.Status == Confirmed), b2i(invited), b2i(r.Status == Waitlisted), c.ID).Scan(&r.Seq, &waitlisted)
	if err != nil {
		return err
	}
	if r.Status == Confirmed {
		c.Confirmed++
	}
	if invited {
		c.Reserved--
	}
	now := tx.Now()
	r.CategoryID, r.Created, r.Updated = c.ID, now, now
	r.fromAnswers()
	if err := s.insert(ctx, tx, r, by); err != nil {
		return err
	}
	if r.Status == Waitlisted {
		r.Position = waitlisted
	}
	return s.mailStatus(ctx, tx, r)
}

// Delegate is a person the secretariat registers by name: someone
// without an account (a head of delegation's staff, a minister), reached
// by email.
type Delegate struct {
	Email   string
	Answers Answers
}

// Import registers delegates in the category with code, in one
// transaction and in the order given, by the same rules as Register
// (seats, then the waitlist), whether or not registration is open. It is
// all or nothing: an invalid delegate fails the import with its index.
// With notify, each delegate with an email is told.
func (s *Store) Import(ctx context.Context, by *actor.Actor, slug, code string, list []Delegate, notify bool) error {
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		e, err := s.bySlug(ctx, tx, slug, "")
		if err != nil {
			return err
		}
		c, err := lockCategoryByCode(ctx, tx, e.ID, code)
		if err != nil {
			return err
		}
		for i, d := range list {
			if d.Answers == nil {
				d.Answers = Answers{}
			}
			if err := c.check(d.Answers, "", nil, true); err != nil {
				if fe, ok := errs.As(err); ok {
					for j := range fe.Fields {
						fe.Fields[j].Name = fmt.Sprintf("delegates[%d].%s", i, fe.Fields[j].Name)
					}
				}
				return err
			}
			email := ""
			if notify {
				email = strings.TrimSpace(d.Email)
			}
			r := &Registration{EventID: e.ID, Email: email, Answers: d.Answers, Event: e, Category: c}
			if err := s.place(ctx, tx, c, r, by.ID); err != nil {
				return err
			}
			if !notify {
				if _, err := tx.Exec(ctx, "UPDATE event_registrations SET email = ? WHERE id = ?", strings.TrimSpace(d.Email), r.ID); err != nil {
					return err
				}
			}
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "registration.imported",
			Object: eventObject(e.ID), Details: map[string]any{"category": code, "count": len(list)}})
	})
}

// fromAnswers copies the standard answers into their columns.
func (r *Registration) fromAnswers() {
	r.Name, r.NameLatin, r.Organization = r.Answers["name"], r.Answers["name_latin"], r.Answers["organization"]
	r.Country, r.Group = r.Answers["country"], r.Answers["stakeholder_group"]
	if c, ok := geo.Lookup(r.Country); ok {
		r.Continent = c.Continent.Code()
	}
}

func (s *Store) insert(ctx context.Context, tx *db.Tx, r *Registration, by int64) error {
	answers, err := json.Marshal(r.Answers)
	if err != nil {
		return err
	}
	err = tx.QueryRow(ctx, `-- events.insert
		INSERT INTO event_registrations (event_id, category_id, user_id, registered_by, status, seq, email, name, name_latin,
			organization, country, continent, stakeholder_group, answers, created_at, updated_at, invitation_id, delegation_member_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.EventID, r.CategoryID, nullID(r.UserID), by, r.Status, r.Seq, r.Email, r.Name, r.NameLatin, r.Organization, r.Country,
		r.Continent, r.Group, string(answers), r.Created, r.Updated, nullID(r.InvitationID), nullID(r.DelegationMemberID)).Scan(&r.ID)
	if db.IsUnique(err) {
		return errs.New(errs.Conflict, "events.already_registered")
	}
	return err
}

// nullID is an optional reference: NULL for 0.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// position is r's place on its category's waitlist (1 first).
func position(ctx context.Context, q db.Querier, r *Registration) (int, error) {
	var n int
	err := q.QueryRow(ctx, "SELECT COUNT(*) FROM event_registrations WHERE category_id = ? AND status = 'waitlisted' AND seq <= ?",
		r.CategoryID, r.Seq).Scan(&n)
	return n, err
}

// Registration returns a registration: to its registrant, or to staff.
func (s *Store) Registration(ctx context.Context, id, userID int64, staff bool) (*Registration, error) {
	r, err := s.registration(ctx, s.DB, id, "")
	if err != nil {
		return nil, err
	}
	if !staff && (r.UserID == 0 || r.UserID != userID) {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	if r.Status == Waitlisted {
		if r.Position, err = position(ctx, s.DB, r); err != nil {
			return nil, err
		}
	}
	if r.Event, err = s.byID(ctx, s.DB, r.EventID, ""); err != nil {
		return nil, err
	}
	r.Category, err = scanCategory(s.DB.QueryRow(ctx, "SELECT "+categoryColumns+" FROM event_categories WHERE id = ?", r.CategoryID))
	return r, err
}

func (s *Store) registration(ctx context.Context, q db.Querier, id int64, lock string) (*Registration, error) {
	r, err := scanRegistration(q.QueryRow(ctx, "SELECT "+registrationColumns+" FROM event_registrations WHERE id = ?"+lock, id))
	if db.IsNotFound(err) {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("events: registration %d: %w", id, err)
	}
	return r, nil
}

// lockCategoryByCode locks and reads an event's category by its code; an
// unknown code is an error at the field "category".
func lockCategoryByCode(ctx context.Context, tx *db.Tx, eventID int64, code string) (*Category, error) {
	c, err := scanCategory(tx.QueryRow(ctx, "SELECT "+categoryColumns+" FROM event_categories WHERE event_id = ? AND code = ?"+tx.ForUpdate(), eventID, code))
	if db.IsNotFound(err) {
		return nil, errs.Fields{{Name: "category", Key: "events.category_invalid"}}.Err()
	}
	return c, err
}

// lockCategory locks and reads a category: every change to its seats and
// waitlist goes through this lock.
func lockCategory(ctx context.Context, tx *db.Tx, id int64) (*Category, error) {
	return scanCategory(tx.QueryRow(ctx, "SELECT "+categoryColumns+" FROM event_categories WHERE id = ?"+tx.ForUpdate(), id))
}

// lockRegistration locks a registration's category, then the
// registration: the same order as Register and fill, so that transactions
// never wait on each other in a circle.
func (s *Store) lockRegistration(ctx context.Context, tx *db.Tx, id int64) (*Category, *Registration, error) {
	var catID int64
	if err := tx.QueryRow(ctx, "SELECT category_id FROM event_registrations WHERE id = ?", id).Scan(&catID); db.IsNotFound(err) {
		return nil, nil, errs.New(errs.NotFound, "error.not_found")
	} else if err != nil {
		return nil, nil, err
	}
	c, err := lockCategory(ctx, tx, catID)
	if err != nil {
		return nil, nil, err
	}
	r, err := s.registration(ctx, tx, id, tx.ForUpdate())
	return c, r, err
}

// Cancel cancels a registration, by its registrant or (staff) the
// secretariat. A confirmed seat goes at once, in the same transaction, to
// the first person on the category's waitlist, who is told by mail.
func (s *Store) Cancel(ctx context.Context, by *actor.Actor, id int64, staff bool) (*Registration, error) {
	var r *Registration
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		c, reg, err := s.lockRegistration(ctx, tx, id)
		if err != nil {
			return err
		}
		r = reg
		if !staff && (r.UserID == 0 || r.UserID != by.ID) {
			return errs.New(errs.NotFound, "error.not_found")
		}
		if !r.Status.Live() {
			return errs.New(errs.Conflict, "events.not_live")
		}
		was := r.Status
		if err := s.setStatus(ctx, tx, r, Withdrawn); err != nil {
			return err
		}
		if was == Confirmed {
			if _, err := tx.Exec(ctx, "UPDATE event_categories SET confirmed = confirmed - 1 WHERE id = ?", c.ID); err != nil {
				return err
			}
			c.Confirmed--
			if err := s.fill(ctx, tx, c); err != nil {
				return err
			}
		}
		if staff && r.UserID != by.ID {
			if err := s.mailStatus(ctx, tx, r); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "registration.cancelled", Object: regObject(r.ID)})
	})
	return r, err
}

// fill gives the free seats of a locked category to its waitlist, first
// accepted first, telling each person promoted.
func (s *Store) fill(ctx context.Context, tx *db.Tx, c *Category) error {
	for c.Left() > 0 {
		next, err := scanRegistration(tx.QueryRow(ctx, "SELECT "+registrationColumns+
			" FROM event_registrations WHERE category_id = ? AND status = 'waitlisted' ORDER BY seq LIMIT 1", c.ID))
		if db.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := s.setStatus(ctx, tx, next, Confirmed); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE event_categories SET confirmed = confirmed + 1 WHERE id = ?", c.ID); err != nil {
			return err
		}
		c.Confirmed++
		if err := s.mailStatus(ctx, tx, next); err != nil {
			return err
		}
	}
	return nil
}

// setStatus changes a registration's status, and its category's count of
// waitlisted registrations when it joins or leaves the waitlist.
func (s *Store) setStatus(ctx context.Context, tx *db.Tx, r *Registration, to RegStatus) error {
	from := r.Status
	r.Status, r.Updated = to, tx.Now()
	if _, err := tx.Exec(ctx, "UPDATE event_registrations SET status = ?, updated_at = ? WHERE id = ?", to, r.Updated, r.ID); err != nil {
		return err
	}
	if (from == Waitlisted) == (to == Waitlisted) {
		return nil
	}
	_, err := tx.Exec(ctx, "UPDATE event_categories SET waitlisted = waitlisted + ? WHERE id = ?", b2i(to == Waitlisted)-b2i(from == Waitlisted), r.CategoryID)
	return err
}

// Decide approves (confirmed while seats remain, else waitlisted) or
// rejects a pending registration.
func (s *Store) Decide(ctx context.Context, by *actor.Actor, id int64, approve bool) (*Registration, error) {
	var r *Registration
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		c, reg, err := s.lockRegistration(ctx, tx, id)
		if err != nil {
			return err
		}
		r = reg
		if r.Status != Pending {
			return errs.New(errs.Conflict, "events.not_pending")
		}
		to := Rejected
		if approve {
			to = Waitlisted
			if c.Left() > 0 {
				to = Confirmed
				if _, err := tx.Exec(ctx, "UPDATE event_categories SET confirmed = confirmed + 1 WHERE id = ?", c.ID); err != nil {
					return err
				}
			}
		}
		if err := s.setStatus(ctx, tx, r, to); err != nil {
			return err
		}
		if to == Waitlisted {
			if r.Position, err = position(ctx, tx, r); err != nil {
				return err
			}
		}
		if err := s.mailStatus(ctx, tx, r); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "registration." + string(to), Object: regObject(r.ID)})
	})
	return r, err
}

// CheckIn marks a confirmed registration as present at the venue. A second
// check-in is a Conflict naming the first one's time (in the event's zone)
// and who made it; a revoked badge, a registration without a seat, and a
// check-in outside the event's window (see Event.CheckInWindow) are
// refused. When refused, the registration is returned too (with the
// error), so that the desk can show whom it refused.
func (s *Store) CheckIn(ctx context.Context, by *actor.Actor, id int64) (*Registration, error) {
	var r *Registration
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if r, err = s.registration(ctx, tx, id, tx.ForUpdate()); err != nil {
			return err
		}
		if r.Event, err = s.byID(ctx, tx, r.EventID, ""); err != nil {
			return err
		}
		switch {
		case r.BadgeRevoked:
			return errs.New(errs.Conflict, "events.badge_revoked")
		case r.CheckedIn != nil:
			at := i18n.At{T: *r.CheckedIn, Loc: r.Event.Location()}
			return errs.Newf(errs.Conflict, "events.already_checked_in", at, r.CheckedInBy)
		case r.Status != Confirmed:
			return errs.New(errs.Conflict, "events.not_confirmed")
		}
		now := tx.Now()
		if opens, closes := r.Event.CheckInWindow(); now.Before(opens) {
			return errs.Newf(errs.Conflict, "experience.checkin.not_yet", i18n.At{T: opens, Loc: r.Event.Location()})
		} else if !now.Before(closes) {
			return errs.New(errs.Conflict, "experience.checkin.over")
		}
		r.CheckedIn, r.CheckedInBy = &now, by.Email
		if _, err := tx.Exec(ctx, "UPDATE event_registrations SET checked_in_at = ?, checked_in_by = ?, updated_at = ? WHERE id = ?",
			now, by.Email, now, r.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "registration.checked_in", Object: regObject(r.ID)})
	})
	return r, err
}

// Mine returns the actor's registrations, the newest event first.
func (s *Store) Mine(ctx context.Context, userID int64) ([]*Registration, error) {
	list, err := db.All(ctx, s.DB, "events: mine", scanRegistration,
		"SELECT "+registrationColumns+" FROM event_registrations WHERE user_id = ? ORDER BY created_at DESC, id DESC", userID)
	if err != nil {
		return nil, err
	}
	for _, r := range list {
		if r.Event, err = s.byID(ctx, s.DB, r.EventID, ""); err != nil {
			return nil, err
		}
		if r.Category, err = scanCategory(s.DB.QueryRow(ctx, "SELECT "+categoryColumns+" FROM event_categories WHERE id = ?", r.CategoryID)); err != nil {
			return nil, err
		}
		if r.Status == Waitlisted {
			if r.Position, err = position(ctx, s.DB, r); err != nil {
				return nil, err
			}
		}
	}
	return list, nil
}

// RegFilter selects registrations for the secretariat's list.
type RegFilter struct {
	Category string    // category code, "" for all
	Status   RegStatus // "" for all
	Query    string    // part of a name, organisation or email
}

// Registrations returns an event's registrations for the secretariat, in
// the order of acceptance, and how many match.
func (s *Store) Registrations(ctx context.Context, eventID int64, f RegFilter, limit, offset int) ([]*Registration, int, error) {
	where, args := []string{"event_id = ?"}, []any{eventID}
	if f.Category != "" {
		where, args = append(where, "category_id IN (SELECT id FROM event_categories WHERE event_id = ? AND code = ?)"),
			append(args, eventID, f.Category)
	}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	if q := strings.ToLower(strings.TrimSpace(f.Query)); q != "" {
		like := "%" + strings.NewReplacer("%", "", "_", "").Replace(q) + "%"
		where, args = append(where, "(LOWER(name) LIKE ? OR LOWER(name_latin) LIKE ? OR LOWER(organization) LIKE ? OR LOWER(email) LIKE ?)"),
			append(args, like, like, like, like)
	}
	w := strings.Join(where, " AND ")
	var total int
	if err := s.DB.QueryRow(ctx, "SELECT COUNT(*) FROM event_registrations WHERE "+w, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	list, err := db.All(ctx, s.DB, "events: registrations", scanRegistration,
		"SELECT "+registrationColumns+" FROM event_registrations WHERE "+w+" ORDER BY category_id, seq LIMIT ? OFFSET ?",
		append(args, limit, offset)...)
	return list, total, err
}

// recordExport writes an export of registrations (personal data) to the
// audit log.
func (s *Store) recordExport(ctx context.Context, by *actor.Actor, e *Event, format string, f RegFilter) error {
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "registration.export", Object: eventObject(e.ID),
			Details: map[string]any{"format": format, "category": f.Category, "status": string(f.Status), "q": f.Query}})
	})
}

// mailStatus tells a registrant where their registration stands, in their
// language.
func (s *Store) mailStatus(ctx context.Context, tx *db.Tx, r *Registration) error {
	lang, to, name := i18n.En, r.Email, r.Name
	if r.self {
		if l := i18n.Match(r.locale); l != "" {
			lang = l
		}
	} else if r.UserID != 0 {
		u, err := auth.Lookup(ctx, tx, r.UserID)
		if err != nil {
			return err
		}
		to = u.Email
		if l := i18n.Match(u.Locale); l != "" {
			lang = l
		}
	}
	if to == "" {
		return nil
	}
	e := r.Event
	if e == nil || e.ID != r.EventID {
		var err error
		if e, err = s.byID(ctx, tx, r.EventID, ""); err != nil {
			return err
		}
		r.Event = e
	}
	p := i18n.For(lang)
	link := fmt.Sprintf("%s/registrations/%d", strings.TrimRight(s.BaseURL, "/"), r.ID)
	key := "mail.registration." + string(r.Status)
	args := []any{name, e.Title.For(lang), r.Position, link}
	_, err := mail.Send(ctx, tx, mail.Message{To: to, Subject: p.T(key+".subject", args...), Text: p.T(key+".body", args...),
		Kind: mail.KindRegistration})
	return err
}

// mailCancelled tells everyone registered for a cancelled event.
func (s *Store) mailCancelled(ctx context.Context, tx *db.Tx, e *Event) error {
	list, err := db.All(ctx, tx, "events: cancelled", scanRegistration, "SELECT "+registrationColumns+
		" FROM event_registrations WHERE event_id = ? AND status IN ('pending', 'confirmed', 'waitlisted')", e.ID)
	if err != nil {
		return err
	}
	for _, r := range list {
		r.Event = e
		r.Status = "event_cancelled"
		if err := s.mailStatus(ctx, tx, r); err != nil {
			return err
		}
	}
	return nil
}
