package training

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/crypt"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/pagecache"
)

// Store keeps programmes, applications, trainers, sessions and
// attendance.
type Store struct {
	DB *db.DB
	// Keys sign certificates with the platform's Ed25519 key.
	Keys *crypt.Keys
	// BaseURL is the platform's address, named in certificates.
	BaseURL string
}

func decode(s string, into any) error {
	if s == "" {
		return nil
	}
	return json.Unmarshal([]byte(s), into)
}

func programmeObject(id int64) string   { return fmt.Sprintf("programme:%d", id) }
func applicationObject(id int64) string { return fmt.Sprintf("programme_application:%d", id) }

// manages reports whether by runs programmes.
func manages(by *actor.Actor) bool { return auth.Can(by, PermManage) }

const programmeColumns = `id, slug, kind, format, title_en, title_zh_hans, title_zh_hant, description_en, description_zh_hans,
	description_zh_hant, languages, starts_on, ends_on, hours, seats, seats_by, eligibility, questions, criteria, completion,
	status, published_at, created_at`

func scanProgramme(row db.Scanner) (*Programme, error) {
	p := &Programme{}
	var langs, seatsBy, elig, qs, crit string
	err := row.Scan(&p.ID, &p.Slug, &p.Kind, &p.Format, &p.Title.En, &p.Title.Hans, &p.Title.Hant, &p.Description.En,
		&p.Description.Hans, &p.Description.Hant, &langs, &p.StartsOn, &p.EndsOn, &p.Hours, &p.Seats, &seatsBy, &elig, &qs,
		&crit, &p.Completion, &p.Status, &p.PublishedAt, &p.Created)
	if err != nil {
		return nil, err
	}
	for _, x := range []struct {
		s string
		v any
	}{{langs, &p.Languages}, {seatsBy, &p.SeatsBy}, {elig, &p.Eligibility}, {qs, &p.Questions}, {crit, &p.Criteria}} {
		if err := decode(x.s, x.v); err != nil {
			return nil, err
		}
	}
	p.normalize()
	return p, nil
}

func (s *Store) programme(ctx context.Context, q db.Querier, where string, args ...any) (*Programme, error) {
	p, err := scanProgramme(q.QueryRow(ctx, "-- training.programme\nSELECT "+programmeColumns+" FROM training_programmes WHERE "+where, args...))
	if db.IsNotFound(err) {
		return nil, errs.NotFoundError()
	}
	if err != nil {
		return nil, fmt.Errorf("training: programme: %w", err)
	}
	return p, nil
}

// Programme returns the programme of slug as by may see it: published
// ones to anyone; drafts to the secretariat and the programme's
// trainers; NotFound else.
func (s *Store) Programme(ctx context.Context, by *actor.Actor, slug string) (*Programme, error) {
	p, err := s.programme(ctx, s.DB, "slug = ?", slug)
	if err != nil {
		return nil, err
	}
	if p.Status != Published && !manages(by) {
		if ok, err := s.teaches(ctx, s.DB, by, p.ID); err != nil || !ok {
			return nil, firstErr(err, errs.NotFoundError())
		}
	}
	return p, nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// Published lists the published programmes, the latest start first.
func (s *Store) Published(ctx context.Context) ([]*Programme, error) {
	return db.All(ctx, s.DB, "training: programmes", scanProgramme,
		"-- training.Published\nSELECT "+programmeColumns+" FROM training_programmes WHERE status = 'published' ORDER BY starts_on DESC, id DESC")
}

// All lists every programme, for the secretariat (the caller's route
// holds PermManage).
func (s *Store) All(ctx context.Context) ([]*Programme, error) {
	return db.All(ctx, s.DB, "training: programmes", scanProgramme,
		"-- training.All\nSELECT "+programmeColumns+" FROM training_programmes ORDER BY starts_on DESC, id DESC")
}

// Create adds a draft programme. For the secretariat (Forbidden else);
// Invalid at the fields; a slug in use is an error at "slug".
func (s *Store) Create(ctx context.Context, by *actor.Actor, p *Programme) error {
	if !manages(by) {
		return errs.New(errs.Forbidden, "error.forbidden")
	}
	if err := p.validate(); err != nil {
		return err
	}
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		now := tx.Now()
		p.Status, p.Created = Draft, now
		err := tx.QueryRow(ctx, `-- training.Create
			INSERT INTO training_programmes (slug, kind, format, title_en, title_zh_hans, title_zh_hant, description_en,
				description_zh_hans, description_zh_hant, languages, starts_on, ends_on, hours, seats, seats_by, eligibility,
				questions, criteria, completion, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			p.Slug, p.Kind, p.Format, p.Title.En, p.Title.Hans, p.Title.Hant, p.Description.En, p.Description.Hans,
			p.Description.Hant, db.JSON(p.Languages), p.StartsOn, p.EndsOn, p.Hours, p.Seats, db.JSON(p.SeatsBy),
			db.JSON(p.Eligibility), db.JSON(p.Questions), db.JSON(p.Criteria), p.CompletionShare(), p.Status, now, now).Scan(&p.ID)
		if db.IsUnique(err) {
			var fe errs.Fields
			fe.Add("slug", "training.slug_taken")
			return fe.Err()
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "programme.create", Object: programmeObject(p.ID)})
	})
	if err != nil {
		return fmt.Errorf("training: create: %w", err)
	}
	return nil
}

// Publish opens the programme of slug for applications. For the
// secretariat; publishing twice changes nothing.
func (s *Store) Publish(ctx context.Context, by *actor.Actor, slug string) (*Programme, error) {
	if !manages(by) {
		return nil, errs.New(errs.Forbidden, "error.forbidden")
	}
	var p *Programme
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if p, err = s.programme(ctx, tx, "slug = ?"+tx.ForUpdate(), slug); err != nil || p.Status == Published {
			return err
		}
		now := tx.Now()
		p.Status, p.PublishedAt = Published, &now
		if _, err := tx.Exec(ctx, "-- training.Publish\nUPDATE training_programmes SET status = 'published', published_at = ?, updated_at = ? WHERE id = ?",
			now, now, p.ID); err != nil {
			return err
		}
		if err := pagecache.Bump(ctx, tx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "programme.publish", Object: programmeObject(p.ID)})
	})
	if err != nil {
		return nil, fmt.Errorf("training: publish: %w", err)
	}
	return p, nil
}

// AddTrainer makes the account userID a trainer of the programme of
// slug: they see its participants and sessions and take attendance. For
// the secretariat.
func (s *Store) AddTrainer(ctx context.Context, by *actor.Actor, slug string, userID int64) error {
	if !manages(by) {
		return errs.New(errs.Forbidden, "error.forbidden")
	}
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		p, err := s.programme(ctx, tx, "slug = ?", slug)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, "-- training.AddTrainer\nSELECT COUNT(*) FROM users WHERE id = ?", userID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			var fe errs.Fields
			fe.Add("user", "training.trainer_unknown")
			return fe.Err()
		}
		if _, err := tx.Exec(ctx, `-- training.AddTrainer
			INSERT INTO training_trainers (programme_id, user_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
			p.ID, userID, tx.Now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "programme.trainer", Object: programmeObject(p.ID),
			Details: map[string]any{"user": userID}})
	})
	if err != nil {
		return fmt.Errorf("training: add trainer: %w", err)
	}
	return nil
}

// teaches reports whether by is a trainer of programme id.
func (s *Store) teaches(ctx context.Context, q db.Querier, by *actor.Actor, id int64) (bool, error) {
	if by == nil {
		return false, nil
	}
	var n int
	err := q.QueryRow(ctx, "-- training.teaches\nSELECT COUNT(*) FROM training_trainers WHERE programme_id = ? AND user_id = ?",
		id, by.ID).Scan(&n)
	return n > 0, err
}

// Teaching lists the programmes by teaches.
func (s *Store) Teaching(ctx context.Context, by *actor.Actor) ([]*Programme, error) {
	return db.All(ctx, s.DB, "training: teaching", scanProgramme, "-- training.Teaching\nSELECT "+programmeColumns+
		" FROM training_programmes WHERE id IN (SELECT programme_id FROM training_trainers WHERE user_id = ?) ORDER BY starts_on DESC", by.ID)
}

// scoped returns the programme of slug when by runs programmes or
// teaches it; NotFound else, so that a trainer of another programme
// learns nothing of it.
func (s *Store) scoped(ctx context.Context, q db.Querier, by *actor.Actor, slug string, lock string) (*Programme, error) {
	p, err := s.programme(ctx, q, "slug = ?"+lock, slug)
	if err != nil {
		return nil, err
	}
	if manages(by) {
		return p, nil
	}
	if ok, err := s.teaches(ctx, q, by, p.ID); err != nil || !ok {
		return nil, firstErr(err, errs.NotFoundError())
	}
	return p, nil
}
