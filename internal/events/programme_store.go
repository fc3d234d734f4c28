package events

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/pagecache"
	"github.com/wuzhen/wuzhen/internal/search"
)

const sessionColumns = `s.id, s.event_id, s.starts_at, s.ends_at, s.room, s.format, s.language, s.interpretation,
	s.title_en, s.title_zh_hans, s.title_zh_hant, s.description_en, s.description_zh_hans, s.description_zh_hant,
	s.created_at, s.updated_at, s.room_zh_hans, s.room_zh_hant`

func scanSession(row db.Scanner) (*Session, error) {
	s := &Session{}
	var interp string
	err := row.Scan(&s.ID, &s.EventID, &s.Starts, &s.Ends, &s.Room, &s.Format, &s.Language, &interp, &s.Title.En,
		&s.Title.Hans, &s.Title.Hant, &s.Description.En, &s.Description.Hans, &s.Description.Hant, &s.Created, &s.Updated,
		&s.RoomHans, &s.RoomHant)
	s.Interpretation = splitCodes(interp)
	return s, err
}

const personColumns = `p.id, p.name, p.name_latin, p.organization_en, p.organization_zh_hans, p.organization_zh_hant,
	p.country, p.stakeholder_group, p.bio_en, p.bio_zh_hans, p.bio_zh_hant, COALESCE(ph.hash, ''), p.created_at, p.updated_at`

// personFrom is the FROM clause that personColumns read.
const personFrom = ` programme_people p LEFT JOIN programme_photos ph ON ph.person_id = p.id `

func scanPerson(row db.Scanner) (*Person, error) {
	p := &Person{}
	err := row.Scan(&p.ID, &p.Name, &p.NameLatin, &p.Organization.En, &p.Organization.Hans, &p.Organization.Hant,
		&p.Country, &p.Group, &p.Bio.En, &p.Bio.Hans, &p.Bio.Hant, &p.PhotoHash, &p.Created, &p.Updated)
	return p, err
}

func sessionObject(id int64) string { return fmt.Sprintf("session:%d", id) }
func personObject(id int64) string  { return fmt.Sprintf("person:%d", id) }

// publicEvent is the condition, on the events row e, under which the
// public sees an event and its programme.
const publicEvent = "e.status <> 'draft'"

// sessionsWhere returns the sessions that match where (on s, the session,
// and e, its event), ordered by start and room, with their people and
// events.
func (s *Store) sessionsWhere(ctx context.Context, q db.Querier, where string, args ...any) ([]*Session, error) {
	from := " FROM programme_sessions s JOIN events e ON e.id = s.event_id WHERE " + where
	list, err := db.All(ctx, q, "events: sessions", scanSession,
		"SELECT "+sessionColumns+from+" ORDER BY s.starts_at, s.room, s.id", args...)
	if err != nil || len(list) == 0 {
		return list, err
	}
	byID := make(map[int64]*Session, len(list))
	for _, x := range list {
		byID[x.ID] = x
	}
	rows, err := q.Query(ctx, `-- events.sessionsWhere people
		SELECT r.session_id, r.role, `+personColumns+` FROM programme_roles r
		JOIN programme_people p ON p.id = r.person_id LEFT JOIN programme_photos ph ON ph.person_id = p.id
		WHERE r.session_id IN (SELECT s.id`+from+`)
		ORDER BY r.session_id, r.position`, args...)
	if err != nil {
		return nil, fmt.Errorf("events: session people: %w", err)
	}
	defer rows.Close()
	people := map[int64]*Person{} // one value per person, shared by their sessions
	for rows.Next() {
		var sid int64
		var role Role
		p := &Person{}
		if err := rows.Scan(&sid, &role, &p.ID, &p.Name, &p.NameLatin, &p.Organization.En, &p.Organization.Hans,
			&p.Organization.Hant, &p.Country, &p.Group, &p.Bio.En, &p.Bio.Hans, &p.Bio.Hant, &p.PhotoHash, &p.Created,
			&p.Updated); err != nil {
			return nil, fmt.Errorf("events: session people: %w", err)
		}
		if known, ok := people[p.ID]; ok {
			p = known
		} else {
			people[p.ID] = p
		}
		if x := byID[sid]; x != nil {
			x.People = append(x.People, Appearance{Role: role, Person: p})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("events: session people: %w", err)
	}
	events := map[int64]*Event{}
	for _, x := range list {
		e, ok := events[x.EventID]
		if !ok {
			if e, err = s.byID(ctx, q, x.EventID, ""); err != nil {
				return nil, err
			}
			events[x.EventID] = e
		}
		x.Event = e
	}
	return list, nil
}

// Programme returns the sessions of event e and of the events it contains
// (a summit's forums), as the public sees them: only of events that are
// not drafts.
func (s *Store) Programme(ctx context.Context, e *Event) ([]*Session, error) {
	return s.sessionsWhere(ctx, s.DB, "(s.event_id = ? OR e.parent_id = ?) AND "+publicEvent, e.ID, e.ID)
}

// Sessions returns the sessions of event e alone, drafts or not, for the
// secretariat.
func (s *Store) Sessions(ctx context.Context, e *Event) ([]*Session, error) {
	return s.sessionsWhere(ctx, s.DB, "s.event_id = ?", e.ID)
}

// HasProgramme reports whether the public sees sessions in event e or in
// the events it contains.
func (s *Store) HasProgramme(ctx context.Context, e *Event) (bool, error) {
	var n int
	err := s.DB.QueryRow(ctx, `-- events.HasProgramme
		SELECT COUNT(*) FROM programme_sessions s JOIN events e ON e.id = s.event_id
		WHERE (s.event_id = ? OR e.parent_id = ?) AND `+publicEvent, e.ID, e.ID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("events: has programme: %w", err)
	}
	return n > 0, nil
}

// Session returns a session with its people and event. A session of a
// draft event is found only with staff; anyone may call it.
func (s *Store) Session(ctx context.Context, id int64, staff bool) (*Session, error) {
	return s.session(ctx, s.DB, id, staff)
}

func (s *Store) session(ctx context.Context, q db.Querier, id int64, staff bool) (*Session, error) {
	where := "s.id = ?"
	if !staff {
		where += " AND " + publicEvent
	}
	list, err := s.sessionsWhere(ctx, q, where, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	return list[0], nil
}

// SaveSession adds session x to the event with slug when x.ID is 0, or
// changes it; cast is who appears in it, in order, replacing whoever did.
// Secretariat only (the caller checks). Bad input is Invalid at its field;
// a session of another event is NotFound.
func (s *Store) SaveSession(ctx context.Context, by *actor.Actor, slug string, x *Session, cast []Cast) error {
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		e, err := s.bySlug(ctx, tx, slug, "")
		if err != nil {
			return err
		}
		var touched []int64 // people whose pages change
		if x.ID != 0 {
			if err := lockSession(ctx, tx, x.ID); err != nil {
				return err
			}
			old, err := s.session(ctx, tx, x.ID, true)
			if err != nil {
				return err
			}
			if old.EventID != e.ID {
				return errs.New(errs.NotFound, "error.not_found")
			}
			for _, a := range old.People {
				touched = append(touched, a.Person.ID)
			}
			x.Created = old.Created
		}
		fe, _ := errs.As(x.validate(e))
		if ce, ok := errs.As(checkCast(cast)); ok {
			if fe == nil {
				fe = ce
			} else {
				fe.Fields = append(fe.Fields, ce.Fields...)
			}
		}
		if fe == nil || !errs.Fields(fe.Fields).Has("people") {
			if err := knownPeople(ctx, tx, cast); err != nil {
				if ce, ok := errs.As(err); ok && ce.Code == errs.Invalid && fe != nil {
					fe.Fields = append(fe.Fields, ce.Fields...)
				} else {
					return err
				}
			}
		}
		if fe != nil {
			return fe
		}
		x.EventID = e.ID
		now := tx.Now()
		args := []any{x.Starts.UTC(), x.Ends.UTC(), x.Room, x.Format, x.Language, strings.Join(x.Interpretation, ","),
			x.Title.En, x.Title.Hans, x.Title.Hant, x.Description.En, x.Description.Hans, x.Description.Hant, x.RoomHans, x.RoomHant, now}
		action := "session.updated"
		if x.ID == 0 {
			x.Created = now
			err = tx.QueryRow(ctx, `-- events.SaveSession new
				INSERT INTO programme_sessions (starts_at, ends_at, room, format, language, interpretation, title_en,
					title_zh_hans, title_zh_hant, description_en, description_zh_hans, description_zh_hant, room_zh_hans,
					room_zh_hant, updated_at, event_id, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, append(args, e.ID, now)...).Scan(&x.ID)
			action = "session.created"
		} else {
			_, err = tx.Exec(ctx, `-- events.SaveSession update
				UPDATE programme_sessions SET starts_at = ?, ends_at = ?, room = ?, format = ?, language = ?,
					interpretation = ?, title_en = ?, title_zh_hans = ?, title_zh_hant = ?, description_en = ?,
					description_zh_hans = ?, description_zh_hant = ?, room_zh_hans = ?, room_zh_hant = ?, updated_at = ?
				WHERE id = ?`, append(args, x.ID)...)
		}
		if err != nil {
			return fmt.Errorf("events: save session: %w", err)
		}
		x.Updated = now
		if err := setCast(ctx, tx, x.ID, cast); err != nil {
			return err
		}
		for _, c := range cast {
			touched = append(touched, c.PersonID)
		}
		if err := s.programmeChanged(ctx, tx, []int64{x.ID}, touched); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: action, Object: sessionObject(x.ID),
			Details: map[string]any{"event": e.Slug, "people": len(cast)}})
	})
}

// lockSession locks the row of session id until tx ends, so that two
// changes of one session (and of its people) follow each other.
func lockSession(ctx context.Context, tx *db.Tx, id int64) error {
	var one int64
	err := tx.QueryRow(ctx, "SELECT id FROM programme_sessions WHERE id = ?"+tx.ForUpdate(), id).Scan(&one)
	if db.IsNotFound(err) {
		return errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return fmt.Errorf("events: session %d: %w", id, err)
	}
	return nil
}

// knownPeople checks that every person of cast exists.
func knownPeople(ctx context.Context, tx *db.Tx, cast []Cast) error {
	if len(cast) == 0 {
		return nil
	}
	ids := make([]any, len(cast))
	for i, c := range cast {
		ids[i] = c.PersonID
	}
	var n int
	err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM programme_people WHERE id IN (?"+strings.Repeat(", ?", len(ids)-1)+")", ids...).Scan(&n)
	if err != nil {
		return fmt.Errorf("events: people: %w", err)
	}
	if n != len(cast) {
		return errs.Fields{{Name: "people", Key: "events.session.people_unknown"}}.Err()
	}
	return nil
}

// setCast replaces who appears in session id.
func setCast(ctx context.Context, tx *db.Tx, id int64, cast []Cast) error {
	if _, err := tx.Exec(ctx, "DELETE FROM programme_roles WHERE session_id = ?", id); err != nil {
		return fmt.Errorf("events: cast: %w", err)
	}
	if len(cast) == 0 {
		return nil
	}
	var q strings.Builder
	q.WriteString("INSERT INTO programme_roles (session_id, person_id, role, position) VALUES ")
	args := make([]any, 0, 4*len(cast))
	for i, c := range cast {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?, ?)")
		args = append(args, id, c.PersonID, c.Role, i)
	}
	if _, err := tx.Exec(ctx, q.String(), args...); err != nil {
		return fmt.Errorf("events: cast: %w", err)
	}
	return nil
}

// DeleteSession removes a session of the event with slug, with its place
// in everyone's agenda. Secretariat only (the caller checks); a session of
// another event is NotFound.
func (s *Store) DeleteSession(ctx context.Context, by *actor.Actor, slug string, id int64) error {
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		e, err := s.bySlug(ctx, tx, slug, "")
		if err != nil {
			return err
		}
		if err := lockSession(ctx, tx, id); err != nil {
			return err
		}
		old, err := s.session(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if old.EventID != e.ID {
			return errs.New(errs.NotFound, "error.not_found")
		}
		for _, q := range []string{"DELETE FROM programme_agenda WHERE session_id = ?", "DELETE FROM programme_roles WHERE session_id = ?",
			"DELETE FROM programme_sessions WHERE id = ?"} {
			if _, err := tx.Exec(ctx, q, id); err != nil {
				return fmt.Errorf("events: delete session: %w", err)
			}
		}
		var touched []int64
		for _, a := range old.People {
			touched = append(touched, a.Person.ID)
		}
		if err := s.programmeChanged(ctx, tx, []int64{id}, touched); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "session.deleted", Object: sessionObject(id),
			Details: map[string]any{"event": e.Slug, "title": old.Title.For("en")}})
	})
}

// SavePerson adds person p when p.ID is 0, or changes them. Secretariat
// only (the caller checks). Bad input is Invalid at its field.
func (s *Store) SavePerson(ctx context.Context, by *actor.Actor, p *Person) error {
	if err := p.validate(); err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		now := tx.Now()
		args := []any{p.Name, p.NameLatin, p.Organization.En, p.Organization.Hans, p.Organization.Hant, p.Country, p.Group,
			p.Bio.En, p.Bio.Hans, p.Bio.Hant, now}
		action := "person.updated"
		if p.ID == 0 {
			if err := insertPerson(ctx, tx, p, now); err != nil {
				return err
			}
			action = "person.created"
		} else {
			old, err := s.person(ctx, tx, p.ID, tx.ForUpdate())
			if err != nil {
				return err
			}
			p.Created, p.PhotoHash = old.Created, old.PhotoHash
			if _, err := tx.Exec(ctx, `-- events.SavePerson update
				UPDATE programme_people SET name = ?, name_latin = ?, organization_en = ?, organization_zh_hans = ?,
					organization_zh_hant = ?, country = ?, stakeholder_group = ?, bio_en = ?, bio_zh_hans = ?, bio_zh_hant = ?,
					updated_at = ?
				WHERE id = ?`, append(args, p.ID)...); err != nil {
				return fmt.Errorf("events: save person: %w", err)
			}
		}
		p.Updated = now
		// The person's sessions show their name: they change too.
		ids, err := sessionsOf(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		if err := s.programmeChanged(ctx, tx, ids, []int64{p.ID}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: action, Object: personObject(p.ID)})
	})
}

func insertPerson(ctx context.Context, tx *db.Tx, p *Person, now any) error {
	err := tx.QueryRow(ctx, `-- events.insertPerson
		INSERT INTO programme_people (name, name_latin, organization_en, organization_zh_hans, organization_zh_hant,
			country, stakeholder_group, bio_en, bio_zh_hans, bio_zh_hant, updated_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		p.Name, p.NameLatin, p.Organization.En, p.Organization.Hans, p.Organization.Hant, p.Country, p.Group,
		p.Bio.En, p.Bio.Hans, p.Bio.Hant, now, now).Scan(&p.ID)
	if err != nil {
		return fmt.Errorf("events: save person: %w", err)
	}
	p.Created = tx.Now()
	return nil
}

// sessionsOf lists the IDs of the sessions a person appears in.
func sessionsOf(ctx context.Context, q db.Querier, personID int64) ([]int64, error) {
	return db.All(ctx, q, "events: sessions of a person", func(r db.Scanner) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	}, "SELECT session_id FROM programme_roles WHERE person_id = ? ORDER BY session_id", personID)
}

func (s *Store) person(ctx context.Context, q db.Querier, id int64, lock string) (*Person, error) {
	if lock != "" {
		lock = " FOR UPDATE OF p" // not the photo, on the nullable side of the join
	}
	p, err := scanPerson(q.QueryRow(ctx, "SELECT "+personColumns+" FROM"+personFrom+"WHERE p.id = ?"+lock, id))
	if db.IsNotFound(err) {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("events: person %d: %w", id, err)
	}
	return p, nil
}

// Person returns a person and the sessions they appear in, the earliest
// first. The public finds only people with a session in an event that is
// not a draft, and sees only such sessions; staff see everything.
func (s *Store) Person(ctx context.Context, id int64, staff bool) (*Person, []*Session, error) {
	p, err := s.person(ctx, s.DB, id, "")
	if err != nil {
		return nil, nil, err
	}
	where := "s.id IN (SELECT session_id FROM programme_roles WHERE person_id = ?)"
	if !staff {
		where += " AND " + publicEvent
	}
	list, err := s.sessionsWhere(ctx, s.DB, where, id)
	if err != nil {
		return nil, nil, err
	}
	if len(list) == 0 && !staff {
		return nil, nil, errs.New(errs.NotFound, "error.not_found")
	}
	return p, list, nil
}

// People returns people whose names or organisation contain query (every
// person when it is empty), by name, and how many match. For the
// secretariat.
func (s *Store) People(ctx context.Context, query string, limit, offset int) ([]*Person, int, error) {
	where, args := "1 = 1", []any{}
	if query = strings.TrimSpace(query); query != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(query)) + "%"
		where = `(LOWER(p.name) LIKE ? ESCAPE '\' OR LOWER(p.name_latin) LIKE ? ESCAPE '\' OR LOWER(p.organization_en) LIKE ? ESCAPE '\'
			OR p.organization_zh_hans LIKE ? ESCAPE '\' OR p.organization_zh_hant LIKE ? ESCAPE '\')`
		args = []any{like, like, like, like, like}
	}
	list, err := db.All(ctx, s.DB, "events: people", scanPerson, "SELECT "+personColumns+" FROM"+personFrom+"WHERE "+where, args...)
	if err != nil {
		return nil, 0, err
	}
	sortPeople(list)
	total := len(list)
	if offset >= total {
		return nil, total, nil
	}
	end := offset + limit
	if limit <= 0 || end > total {
		end = total
	}
	return list[offset:end], total, nil
}

// sortPeople orders people by their Latin name, then name.
func sortPeople(list []*Person) {
	sort.SliceStable(list, func(i, j int) bool {
		a, b := strings.ToLower(list[i].SortName()), strings.ToLower(list[j].SortName())
		if a != b {
			return a < b
		}
		return list[i].ID < list[j].ID
	})
}

// EventPeople returns the people of the public programme of event e (and
// the events it contains), by name.
func (s *Store) EventPeople(ctx context.Context, e *Event) ([]*Person, error) {
	list, err := db.All(ctx, s.DB, "events: event people", scanPerson, "SELECT "+personColumns+" FROM"+personFrom+`
		WHERE p.id IN (SELECT r.person_id FROM programme_roles r JOIN programme_sessions s ON s.id = r.session_id
			JOIN events e ON e.id = s.event_id WHERE (s.event_id = ? OR e.parent_id = ?) AND `+publicEvent+`)`, e.ID, e.ID)
	if err != nil {
		return nil, err
	}
	sortPeople(list)
	return list, nil
}

// SetPhoto checks an uploaded image (checkPhoto) and stores it, re-encoded,
// as the photo of person id. Secretariat only (the caller checks). The
// image's faults are Invalid at the field "photo".
func (s *Store) SetPhoto(ctx context.Context, by *actor.Actor, id int64, upload []byte) (*Photo, error) {
	ph, err := processPhoto(ctx, upload)
	if err != nil {
		return nil, err
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, err := s.person(ctx, tx, id, tx.ForUpdate()); err != nil {
			return err
		}
		ph.Updated = tx.Now()
		if _, err := tx.Exec(ctx, `-- events.SetPhoto
			INSERT INTO programme_photos (person_id, jpeg, hash, width, height, updated_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (person_id) DO UPDATE SET jpeg = excluded.jpeg, hash = excluded.hash, width = excluded.width,
				height = excluded.height, updated_at = excluded.updated_at`,
			id, ph.JPEG, ph.Hash, ph.Width, ph.Height, ph.Updated); err != nil {
			return fmt.Errorf("events: store photo: %w", err)
		}
		if _, err := tx.Exec(ctx, "UPDATE programme_people SET updated_at = ? WHERE id = ?", ph.Updated, id); err != nil {
			return err
		}
		if err := pagecache.Bump(ctx, tx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "person.photo_uploaded",
			Object: personObject(id), Details: map[string]any{"hash": ph.Hash, "width": ph.Width, "height": ph.Height}})
	})
	if err != nil {
		return nil, err
	}
	return ph, nil
}

// RemovePhoto deletes the photo of person id. Secretariat only (the caller
// checks).
func (s *Store) RemovePhoto(ctx context.Context, by *actor.Actor, id int64) error {
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, err := s.person(ctx, tx, id, tx.ForUpdate()); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM programme_photos WHERE person_id = ?", id); err != nil {
			return fmt.Errorf("events: remove photo: %w", err)
		}
		if err := pagecache.Bump(ctx, tx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "person.photo_removed", Object: personObject(id)})
	})
}

// PersonPhoto returns the photo of person id. The public gets the photos
// of people it may see (see Person); a person without a photo is NotFound.
func (s *Store) PersonPhoto(ctx context.Context, id int64, staff bool) (*Photo, error) {
	if !staff {
		if _, _, err := s.Person(ctx, id, false); err != nil {
			return nil, err
		}
	}
	ph := &Photo{}
	err := s.DB.QueryRow(ctx, "SELECT jpeg, hash, width, height, updated_at FROM programme_photos WHERE person_id = ?", id).
		Scan(&ph.JPEG, &ph.Hash, &ph.Width, &ph.Height, &ph.Updated)
	if db.IsNotFound(err) {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("events: photo %d: %w", id, err)
	}
	return ph, nil
}

// ImportProgramme adds people and sessions in one transaction, for demo
// content and bulk imports. Each session names its event by EventID and
// its people by Person pointers, which must be among people (whose IDs it
// sets). Secretariat only (the caller checks); the first bad person or
// session is Invalid, and nothing is added.
func (s *Store) ImportProgramme(ctx context.Context, by *actor.Actor, people []*Person, sessions []*Session) error {
	for _, p := range people {
		if err := p.validate(); err != nil {
			return fmt.Errorf("events: import %q: %w", p.Name, err)
		}
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		now := tx.Now()
		for _, p := range people {
			if err := insertPerson(ctx, tx, p, now); err != nil {
				return err
			}
		}
		events := map[int64]*Event{}
		for _, x := range sessions {
			e, ok := events[x.EventID]
			if !ok {
				var err error
				if e, err = s.byID(ctx, tx, x.EventID, ""); err != nil {
					return err
				}
				events[x.EventID] = e
			}
			cast := make([]Cast, 0, len(x.People))
			for _, a := range x.People {
				if a.Person.ID == 0 {
					return fmt.Errorf("events: import %q: a person is not among those imported", x.Title.For("en"))
				}
				cast = append(cast, Cast{PersonID: a.Person.ID, Role: a.Role})
			}
			if err := x.validate(e); err != nil {
				return fmt.Errorf("events: import %q: %w", x.Title.For("en"), err)
			}
			if err := checkCast(cast); err != nil {
				return fmt.Errorf("events: import %q: %w", x.Title.For("en"), err)
			}
			err := tx.QueryRow(ctx, `-- events.ImportProgramme
				INSERT INTO programme_sessions (event_id, starts_at, ends_at, room, format, language, interpretation, title_en,
					title_zh_hans, title_zh_hant, description_en, description_zh_hans, description_zh_hant, room_zh_hans,
					room_zh_hant, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				e.ID, x.Starts.UTC(), x.Ends.UTC(), x.Room, x.Format, x.Language, strings.Join(x.Interpretation, ","),
				x.Title.En, x.Title.Hans, x.Title.Hant, x.Description.En, x.Description.Hans, x.Description.Hant, x.RoomHans,
				x.RoomHant, now, now).Scan(&x.ID)
			if err != nil {
				return fmt.Errorf("events: import session: %w", err)
			}
			x.Created, x.Updated, x.Event = now, now, e
			if err := setCast(ctx, tx, x.ID, cast); err != nil {
				return err
			}
		}
		// Index what the public sees from what is at hand: every session of
		// an event that is not a draft, and the people in them.
		if err := pagecache.Bump(ctx, tx); err != nil {
			return err
		}
		public := map[*Person]bool{}
		for _, x := range sessions {
			if x.Event.Status == Draft {
				continue
			}
			if err := putSession(ctx, tx, x); err != nil {
				return err
			}
			for _, a := range x.People {
				public[a.Person] = true
			}
		}
		for _, p := range people {
			if public[p] {
				if err := search.Put(ctx, tx, personDoc(p)); err != nil {
					return err
				}
			}
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "programme.imported",
			Object: "programme", Details: map[string]any{"people": len(people), "sessions": len(sessions)}})
	})
}
