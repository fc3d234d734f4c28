package training

import (
	"context"
	"fmt"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
)

// Session is one meeting of a programme's cohort.
type Session struct {
	ID          int64
	ProgrammeID int64
	Title       Text
	Starts      time.Time
	Ends        time.Time
}

// Held reports whether the session has started at now: attendance is
// taken from then, and completion counts it.
func (s *Session) Held(now time.Time) bool { return !now.Before(s.Starts) }

// Participant is an accepted applicant with their attendance and
// completion, computed at the time asked.
type Participant struct {
	Application *Application
	Attended    int     // sessions held so far that they attended
	Held        int     // sessions held so far
	Present     []int64 // the sessions they attended
	Complete    bool
}

// Share is the attendance share in percent (0 before any session).
func (p *Participant) Share() int {
	if p.Held == 0 {
		return 0
	}
	return p.Attended * 100 / p.Held
}

// Was reports whether they attended session id.
func (p *Participant) Was(id int64) bool {
	for _, x := range p.Present {
		if x == id {
			return true
		}
	}
	return false
}

func scanSession(r db.Scanner) (*Session, error) {
	s := &Session{}
	return s, r.Scan(&s.ID, &s.ProgrammeID, &s.Title.En, &s.Title.Hans, &s.Title.Hant, &s.Starts, &s.Ends)
}

const sessionColumns = "id, programme_id, title_en, title_zh_hans, title_zh_hant, starts_at, ends_at"

// AddSession adds a session to the programme of slug. For the
// secretariat and the programme's trainers (NotFound for anyone else);
// Invalid at the fields.
func (s *Store) AddSession(ctx context.Context, by *actor.Actor, slug string, x *Session) error {
	trimText(&x.Title)
	var fe errs.Fields
	if x.Title.Empty() || textTooLong(x.Title, maxTitle) {
		fe.Add("title", "training.title_required", maxTitle)
	}
	lineText(&fe, "title", x.Title)
	if x.Starts.IsZero() {
		fe.Add("starts_at", "training.time_invalid")
	}
	if x.Ends.IsZero() || !x.Ends.After(x.Starts) {
		fe.Add("ends_at", "training.session.ends_before_starts")
	}
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		p, err := s.scoped(ctx, tx, by, slug, "")
		if err != nil {
			return err
		}
		if err := fe.Err(); err != nil {
			return err
		}
		x.ProgrammeID = p.ID
		if err := tx.QueryRow(ctx, `-- training.AddSession
			INSERT INTO training_sessions (programme_id, title_en, title_zh_hans, title_zh_hant, starts_at, ends_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, p.ID, x.Title.En, x.Title.Hans, x.Title.Hant, x.Starts.UTC(), x.Ends.UTC(),
			tx.Now()).Scan(&x.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "programme.session", Object: programmeObject(p.ID),
			Details: map[string]any{"session": x.ID}})
	})
	if err != nil {
		return fmt.Errorf("training: add session: %w", err)
	}
	return nil
}

// Cohort is a programme's sessions and participants, as of a time.
type Cohort struct {
	Programme    *Programme
	Sessions     []*Session
	Participants []*Participant
	Now          time.Time
}

// Cohort returns the sessions and participants of the programme of
// slug, with each participant's completion computed now: present at no
// fewer than the programme's share (default 75%) of the sessions held so
// far. For the secretariat and the programme's trainers (NotFound for
// anyone else).
func (s *Store) Cohort(ctx context.Context, by *actor.Actor, slug string) (*Cohort, error) {
	p, err := s.scoped(ctx, s.DB, by, slug, "")
	if err != nil {
		return nil, err
	}
	return s.cohort(ctx, p, 0)
}

func (s *Store) cohort(ctx context.Context, p *Programme, only int64) (*Cohort, error) {
	c := &Cohort{Programme: p, Now: s.DB.Now()}
	var err error
	if c.Sessions, err = db.All(ctx, s.DB, "training: sessions", scanSession, "-- training.cohort\nSELECT "+sessionColumns+
		" FROM training_sessions WHERE programme_id = ? ORDER BY starts_at, id", p.ID); err != nil {
		return nil, err
	}
	q := "-- training.cohort\nSELECT " + applicationColumns + " FROM training_applications WHERE programme_id = ? AND status = 'accepted'"
	args := []any{p.ID}
	if only != 0 {
		q += " AND id = ?"
		args = append(args, only)
	}
	apps, err := db.All(ctx, s.DB, "training: participants", scanApplication, q+" ORDER BY name, id", args...)
	if err != nil {
		return nil, err
	}
	type row struct{ session, app int64 }
	present, err := db.All(ctx, s.DB, "training: attendance", func(r db.Scanner) (row, error) {
		var x row
		return x, r.Scan(&x.session, &x.app)
	}, `-- training.cohort
		SELECT t.session_id, t.application_id FROM training_attendance t JOIN training_sessions x ON x.id = t.session_id
		WHERE x.programme_id = ?`, p.ID)
	if err != nil {
		return nil, err
	}
	held := map[int64]bool{}
	for _, x := range c.Sessions {
		if x.Held(c.Now) {
			held[x.ID] = true
		}
	}
	byApp := map[int64]*Participant{}
	for _, a := range apps {
		pt := &Participant{Application: a, Held: len(held)}
		byApp[a.ID] = pt
		c.Participants = append(c.Participants, pt)
	}
	for _, r := range present {
		if pt := byApp[r.app]; pt != nil {
			pt.Present = append(pt.Present, r.session)
			if held[r.session] {
				pt.Attended++
			}
		}
	}
	for _, pt := range c.Participants {
		pt.Complete = pt.Held > 0 && pt.Attended*100 >= p.CompletionShare()*pt.Held
	}
	return c, nil
}

// Progress returns the applicant's own attendance and completion in an
// accepted application; nil when it is not accepted. Only the
// applicant (NotFound for anyone else).
func (s *Store) Progress(ctx context.Context, by *actor.Actor, id int64) (*Participant, error) {
	a, err := s.Application(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if a.UserID != by.ID {
		return nil, errs.NotFoundError()
	}
	if a.Status != Accepted {
		return nil, nil
	}
	c, err := s.cohort(ctx, a.Programme, a.ID)
	if err != nil || len(c.Participants) == 0 {
		return nil, err
	}
	return c.Participants[0], nil
}

// Attend records that participant (an accepted application of the
// programme of slug) attended session sessionID. For the secretariat,
// the check-in desk (PermAttendance) and the programme's trainers
// (NotFound for anyone else). Before the session starts: Invalid;
// recorded already: Conflict; not a participant: Invalid at
// "participant".
func (s *Store) Attend(ctx context.Context, by *actor.Actor, slug string, sessionID, participant int64) error {
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		p, err := s.programme(ctx, tx, "slug = ?", slug)
		if err != nil {
			return err
		}
		if !manages(by) && !auth.Can(by, PermAttendance) {
			if ok, err := s.teaches(ctx, tx, by, p.ID); err != nil || !ok {
				return firstErr(err, errs.NotFoundError())
			}
		}
		x, err := scanSession(tx.QueryRow(ctx, "-- training.Attend\nSELECT "+sessionColumns+" FROM training_sessions WHERE id = ? AND programme_id = ?",
			sessionID, p.ID))
		if db.IsNotFound(err) {
			return errs.NotFoundError()
		}
		if err != nil {
			return err
		}
		var status AppStatus
		err = tx.QueryRow(ctx, "-- training.Attend\nSELECT status FROM training_applications WHERE id = ? AND programme_id = ?",
			participant, p.ID).Scan(&status)
		if db.IsNotFound(err) || (err == nil && status != Accepted) {
			var fe errs.Fields
			fe.Add("participant", "training.attendance.not_participant")
			return fe.Err()
		}
		if err != nil {
			return err
		}
		now := tx.Now()
		if !x.Held(now) {
			return errs.New(errs.Invalid, "training.attendance.not_started")
		}
		res, err := tx.Exec(ctx, `-- training.Attend
			INSERT INTO training_attendance (session_id, application_id, recorded_by, recorded_at) VALUES (?, ?, ?, ?)
			ON CONFLICT DO NOTHING`, x.ID, participant, by.ID, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.New(errs.Conflict, "training.attendance.twice")
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "programme.attendance",
			Object: applicationObject(participant), Details: map[string]any{"session": x.ID}})
	})
	if err != nil {
		return fmt.Errorf("training: attend: %w", err)
	}
	return nil
}

// TrainerByEmail makes the account with email a trainer of the
// programme of slug; no such account is Invalid at "email". For the
// secretariat.
func (s *Store) TrainerByEmail(ctx context.Context, by *actor.Actor, slug, email string) error {
	var id int64
	err := s.DB.QueryRow(ctx, "-- training.TrainerByEmail\nSELECT id FROM users WHERE email = ?", auth.NormalizeEmail(email)).Scan(&id)
	if db.IsNotFound(err) {
		var fe errs.Fields
		fe.Add("email", "training.trainer_unknown")
		return fe.Err()
	}
	if err != nil {
		return fmt.Errorf("training: trainer: %w", err)
	}
	return s.AddTrainer(ctx, by, slug, id)
}

// Trainers lists the names and addresses of the programme's trainers.
func (s *Store) Trainers(ctx context.Context, programmeID int64) ([]string, error) {
	return db.All(ctx, s.DB, "training: trainers", func(r db.Scanner) (string, error) {
		var name, email string
		err := r.Scan(&name, &email)
		return name + " <" + email + ">", err
	}, `-- training.Trainers
		SELECT u.name, u.email FROM training_trainers t JOIN users u ON u.id = t.user_id WHERE t.programme_id = ? ORDER BY u.name`, programmeID)
}
