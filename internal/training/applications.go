package training

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/geo"
)

// AppStatus is where an application stands. Stored and part of the API,
// do not rename.
type AppStatus string

// The states of an application.
const (
	Submitted  AppStatus = "submitted"
	Offered    AppStatus = "offered"
	Accepted   AppStatus = "accepted"
	Declined   AppStatus = "declined"
	Expired    AppStatus = "expired"
	Waitlisted AppStatus = "waitlisted"
)

// FillWindow is how long a person offered a seat from the waitlist has
// to answer.
const FillWindow = 7 * 24 * time.Hour

// Application is a person's application to a programme.
type Application struct {
	ID          int64
	ProgrammeID int64
	UserID      int64
	Name        string // in Latin letters
	NameNative  string // in the applicant's own script, optional
	Country     string
	Region      string
	BirthYear   int
	Group       string
	Gender      string
	Answers     map[string]string
	Status      AppStatus
	Waitlist    int
	OfferedAt   *time.Time
	RespondBy   *time.Time
	Created     time.Time
	Programme   *Programme // filled by the methods that say so
}

// Holds reports whether the application holds a seat.
func (a *Application) Holds() bool { return a.Status == Offered || a.Status == Accepted }

// CanRespond reports whether the applicant may still accept at now.
func (a *Application) CanRespond(now time.Time) bool {
	return a.Status == Offered && a.RespondBy != nil && now.Before(*a.RespondBy)
}

const applicationColumns = `id, programme_id, user_id, name, name_native, country, region, birth_year, stakeholder_group, gender, answers,
	status, waitlist, offered_at, respond_by, created_at`

func scanApplication(row db.Scanner) (*Application, error) {
	a := &Application{}
	var answers string
	if err := row.Scan(&a.ID, &a.ProgrammeID, &a.UserID, &a.Name, &a.NameNative, &a.Country, &a.Region, &a.BirthYear, &a.Group, &a.Gender,
		&answers, &a.Status, &a.Waitlist, &a.OfferedAt, &a.RespondBy, &a.Created); err != nil {
		return nil, err
	}
	if err := decode(answers, &a.Answers); err != nil {
		return nil, err
	}
	if a.Answers == nil {
		a.Answers = map[string]string{}
	}
	return a, nil
}

func (s *Store) application(ctx context.Context, q db.Querier, id int64) (*Application, error) {
	a, err := scanApplication(q.QueryRow(ctx, "-- training.application\nSELECT "+applicationColumns+
		" FROM training_applications WHERE id = ?", id))
	if db.IsNotFound(err) {
		return nil, errs.NotFoundError()
	}
	if err != nil {
		return nil, fmt.Errorf("training: application: %w", err)
	}
	return a, nil
}

// Apply records by's application to the programme of slug. Anyone signed
// in, while the programme is open (Invalid after); a person the rules
// exclude gets an IneligibleError naming each rule; a second application
// is a Conflict. Invalid at the fields.
func (s *Store) Apply(ctx context.Context, by *actor.Actor, slug string, a *Application) error {
	if !by.Signed() {
		return errs.New(errs.Unauthorized, "error.unauthorized")
	}
	a.Country = strings.ToUpper(strings.TrimSpace(a.Country))
	a.Group, a.Gender = strings.TrimSpace(a.Group), strings.TrimSpace(a.Gender)
	a.Name, a.NameNative = strings.TrimSpace(a.Name), strings.TrimSpace(a.NameNative)
	if a.Name == "" {
		a.Name = by.Name
	}
	if a.Answers == nil {
		a.Answers = map[string]string{}
	}
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		p, err := s.programme(ctx, tx, "slug = ? AND status = 'published'", slug)
		if err != nil {
			return err
		}
		now := tx.Now()
		if !p.Open(now) {
			return errs.New(errs.Invalid, "training.closed")
		}
		var fe errs.Fields
		if a.Group != "" && !slices.Contains(Groups, a.Group) {
			fe.Add("stakeholder_group", "training.group_invalid")
		}
		if a.Gender != "" && !slices.Contains(Genders, a.Gender) {
			fe.Add("gender", "training.gender_invalid")
		}
		if a.BirthYear != 0 && (a.BirthYear < 1900 || a.BirthYear > now.Year()) {
			fe.Add("birth_year", "training.birth_year_invalid")
		}
		if utf8.RuneCountInString(a.Name) > 200 {
			fe.Add("name", "training.too_long", 200)
		}
		if utf8.RuneCountInString(a.NameNative) > 200 {
			fe.Add("name_native", "training.too_long", 200)
		}
		checkAnswers(&fe, p.Questions, a.Answers)
		if len(fe) > 0 {
			return fe.Err()
		}
		if reasons := p.Check(Applicant{Country: a.Country, BirthYear: a.BirthYear, Group: a.Group}, true); len(reasons) > 0 {
			return &IneligibleError{Reasons: reasons}
		}
		c, _ := geo.Lookup(a.Country)
		a.ProgrammeID, a.UserID, a.Region, a.Status, a.Created, a.Programme = p.ID, by.ID, c.Region, Submitted, now, p
		err = tx.QueryRow(ctx, `-- training.Apply
			INSERT INTO training_applications (programme_id, user_id, name, name_native, country, region, birth_year,
				stakeholder_group, gender, answers, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			p.ID, by.ID, a.Name, a.NameNative, a.Country, a.Region, a.BirthYear, a.Group, a.Gender, db.JSON(a.Answers), a.Status, now, now).Scan(&a.ID)
		if db.IsUnique(err) {
			return errs.New(errs.Conflict, "training.already_applied")
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "programme.apply", Object: applicationObject(a.ID)})
	})
	if err != nil {
		return fmt.Errorf("training: apply: %w", err)
	}
	return nil
}

// Application returns application id with its programme, for its
// applicant, the secretariat and the programme's trainers; NotFound for
// anyone else.
func (s *Store) Application(ctx context.Context, by *actor.Actor, id int64) (*Application, error) {
	a, err := s.application(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if by == nil || (a.UserID != by.ID && !manages(by)) {
		if ok, err := s.teaches(ctx, s.DB, by, a.ProgrammeID); err != nil || !ok {
			return nil, firstErr(err, errs.NotFoundError())
		}
	}
	if a.Programme, err = s.programme(ctx, s.DB, "id = ?", a.ProgrammeID); err != nil {
		return nil, err
	}
	return a, nil
}

// Mine lists by's applications with their programmes, the latest first.
func (s *Store) Mine(ctx context.Context, by *actor.Actor) ([]*Application, error) {
	list, err := db.All(ctx, s.DB, "training: my applications", scanApplication, "-- training.Mine\nSELECT "+applicationColumns+
		" FROM training_applications WHERE user_id = ? ORDER BY created_at DESC, id DESC", by.ID)
	if err != nil {
		return nil, err
	}
	for _, a := range list {
		if a.Programme, err = s.programme(ctx, s.DB, "id = ?", a.ProgrammeID); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// Applications lists the applications to the programme of slug, in the
// order they came, for the secretariat and the programme's trainers
// (NotFound for anyone else).
func (s *Store) Applications(ctx context.Context, by *actor.Actor, slug string) (*Programme, []*Application, error) {
	p, err := s.scoped(ctx, s.DB, by, slug, "")
	if err != nil {
		return nil, nil, err
	}
	list, err := db.All(ctx, s.DB, "training: applications", scanApplication, "-- training.Applications\nSELECT "+applicationColumns+
		" FROM training_applications WHERE programme_id = ? ORDER BY created_at, id", p.ID)
	return p, list, err
}

// OfferResult says what an offer did with each application.
type OfferResult struct {
	Offered    []int64 `json:"offered"`
	Waitlisted []int64 `json:"waitlisted"`
}

// Offer offers seats to the applications ids of the programme of slug,
// in the order given, to be answered before respondBy. An application
// that would overfill the programme (in total, or for its region or
// country) goes to the waitlist instead, in order. Only submitted or
// waitlisted applications are offered; another is Invalid at
// "application_ids". For the secretariat. Seats are counted with the
// programme's row locked, so that no two offers overfill it.
func (s *Store) Offer(ctx context.Context, by *actor.Actor, slug string, ids []int64, respondBy time.Time) (*OfferResult, error) {
	if !manages(by) {
		return nil, errs.New(errs.Forbidden, "error.forbidden")
	}
	res := &OfferResult{Offered: []int64{}, Waitlisted: []int64{}}
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		p, err := s.programme(ctx, tx, "slug = ?"+tx.ForUpdate(), slug)
		if err != nil {
			return err
		}
		now := tx.Now()
		var fe errs.Fields
		if !respondBy.After(now) {
			fe.Add("respond_by", "training.respond_by_past")
		}
		if len(ids) == 0 || len(ids) > 1000 {
			fe.Add("application_ids", "training.offer.none")
		}
		if len(fe) > 0 {
			return fe.Err()
		}
		if err := s.expire(ctx, tx, p, now); err != nil {
			return err
		}
		for _, id := range ids {
			a, err := s.application(ctx, tx, id)
			if errs.CodeOf(err) == errs.NotFound || (err == nil && (a.ProgrammeID != p.ID || (a.Status != Submitted && a.Status != Waitlisted))) {
				fe.Add("application_ids", "training.offer.not_offerable", id)
				return fe.Err()
			}
			if err != nil {
				return err
			}
			ok, err := s.fits(ctx, tx, p, a)
			if err != nil {
				return err
			}
			if ok {
				if err := s.offer(ctx, tx, a, now, respondBy); err != nil {
					return err
				}
				res.Offered = append(res.Offered, a.ID)
				continue
			}
			if a.Status != Waitlisted {
				if _, err := tx.Exec(ctx, `-- training.Offer
					UPDATE training_applications SET status = 'waitlisted', updated_at = ?,
						waitlist = (SELECT COALESCE(MAX(waitlist), 0) + 1 FROM training_applications WHERE programme_id = ?)
					WHERE id = ?`, now, p.ID, a.ID); err != nil {
					return err
				}
			}
			res.Waitlisted = append(res.Waitlisted, a.ID)
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "programme.offer", Object: programmeObject(p.ID),
			Details: map[string]any{"offered": res.Offered, "waitlisted": res.Waitlisted}})
	})
	if err != nil {
		return nil, fmt.Errorf("training: offer: %w", err)
	}
	return res, nil
}

func (s *Store) offer(ctx context.Context, tx *db.Tx, a *Application, now, respondBy time.Time) error {
	_, err := tx.Exec(ctx, `-- training.offer
		UPDATE training_applications SET status = 'offered', offered_at = ?, respond_by = ?, updated_at = ? WHERE id = ?`,
		now, respondBy, now, a.ID)
	return err
}

// fits reports whether a seat is free for a: in total and in every
// limit of its region or country. The caller holds the programme's row.
func (s *Store) fits(ctx context.Context, tx *db.Tx, p *Programme, a *Application) (bool, error) {
	var total int
	if err := tx.QueryRow(ctx, `-- training.fits
		SELECT COUNT(*) FROM training_applications WHERE programme_id = ? AND status IN ('offered', 'accepted')`,
		p.ID).Scan(&total); err != nil {
		return false, err
	}
	if total >= p.Seats {
		return false, nil
	}
	for key, limit := range p.SeatsBy {
		if key != a.Country && key != a.Region {
			continue
		}
		var n int
		if err := tx.QueryRow(ctx, `-- training.fits
			SELECT COUNT(*) FROM training_applications
			WHERE programme_id = ? AND status IN ('offered', 'accepted') AND (country = ? OR region = ?)`,
			p.ID, key, key).Scan(&n); err != nil {
			return false, err
		}
		if n >= limit {
			return false, nil
		}
	}
	return true, nil
}

// expire ends the offers not answered in time and fills their seats
// from the waitlist. The caller holds the programme's row.
func (s *Store) expire(ctx context.Context, tx *db.Tx, p *Programme, now time.Time) error {
	res, err := tx.Exec(ctx, `-- training.expire
		UPDATE training_applications SET status = 'expired', updated_at = ?
		WHERE programme_id = ? AND status = 'offered' AND respond_by <= ?`, now, p.ID, now)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		if err := audit.Record(ctx, tx, audit.Entry{Action: "programme.expire", Object: programmeObject(p.ID),
			Details: map[string]any{"offers": n}}); err != nil {
			return err
		}
	}
	return s.fill(ctx, tx, p, now)
}

// fill offers free seats to the waitlist in its order, skipping those
// whose region or country is full. The caller holds the programme's row.
func (s *Store) fill(ctx context.Context, tx *db.Tx, p *Programme, now time.Time) error {
	if !now.Before(p.Starts()) {
		return nil // the cohort has begun: no more offers
	}
	waiting, err := db.All(ctx, tx, "training: waitlist", scanApplication, "-- training.fill\nSELECT "+applicationColumns+
		" FROM training_applications WHERE programme_id = ? AND status = 'waitlisted' ORDER BY waitlist, id", p.ID)
	if err != nil {
		return err
	}
	for _, a := range waiting {
		ok, err := s.fits(ctx, tx, p, a)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if err := s.offer(ctx, tx, a, now, now.Add(FillWindow)); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{Action: "programme.offer_waitlisted", Object: applicationObject(a.ID)}); err != nil {
			return err
		}
	}
	return nil
}

// Respond records the applicant's answer to an offer: accept (before
// respond_by; after it the offer has expired, Invalid) or decline (an
// offer or an accepted seat), whose seat then goes to the waitlist. Only
// the applicant (NotFound for anyone else); an application with no offer
// open is a Conflict.
func (s *Store) Respond(ctx context.Context, by *actor.Actor, id int64, accept bool) (*Application, error) {
	var a *Application
	var late bool
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if a, err = s.application(ctx, tx, id); err != nil {
			return err
		}
		if by == nil || a.UserID != by.ID {
			return errs.NotFoundError()
		}
		p, err := s.programme(ctx, tx, "id = ?"+tx.ForUpdate(), a.ProgrammeID)
		if err != nil {
			return err
		}
		now := tx.Now()
		if err := s.expire(ctx, tx, p, now); err != nil {
			return err
		}
		if a, err = s.application(ctx, tx, id); err != nil {
			return err
		}
		a.Programme = p
		switch {
		case a.Status == Expired && accept:
			late = true
			return nil // the expiry and the seat it frees are kept
		case accept && a.Status == Accepted, !accept && a.Status == Declined:
			return nil
		case accept && a.Status != Offered, !accept && !a.Holds():
			return errs.New(errs.Conflict, "training.offer.none_open")
		}
		status := Declined
		if accept {
			status = Accepted
		}
		if _, err := tx.Exec(ctx, `-- training.Respond
			UPDATE training_applications SET status = ?, responded_at = ?, updated_at = ? WHERE id = ?`, status, now, now, a.ID); err != nil {
			return err
		}
		a.Status = status
		if !accept {
			if err := s.fill(ctx, tx, p, now); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "programme." + string(status),
			Object: applicationObject(a.ID)})
	})
	if err != nil {
		return nil, fmt.Errorf("training: respond: %w", err)
	}
	if late {
		return nil, errs.New(errs.Invalid, "training.offer.expired")
	}
	return a, nil
}

// Sweep ends the offers not answered in time in every programme and
// fills their seats from the waitlists; it returns how many programmes
// it looked at. Run now and then by the server's upkeep.
func (s *Store) Sweep(ctx context.Context) (int, error) {
	slugs, err := db.All(ctx, s.DB, "training: sweep", func(r db.Scanner) (string, error) {
		var slug string
		return slug, r.Scan(&slug)
	}, `-- training.Sweep
		SELECT DISTINCT p.slug FROM training_programmes p JOIN training_applications a ON a.programme_id = p.id
		WHERE a.status = 'offered' AND a.respond_by <= ?`, s.DB.Now())
	if err != nil {
		return 0, err
	}
	for _, slug := range slugs {
		err := s.DB.Tx(ctx, func(tx *db.Tx) error {
			p, err := s.programme(ctx, tx, "slug = ?"+tx.ForUpdate(), slug)
			if err != nil {
				return err
			}
			return s.expire(ctx, tx, p, tx.Now())
		})
		if err != nil {
			return 0, fmt.Errorf("training: sweep: %w", err)
		}
	}
	return len(slugs), nil
}
