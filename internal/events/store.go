package events

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/crypt"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/members"
)

// Store keeps events, their categories and registrations.
type Store struct {
	DB      *db.DB
	BaseURL string      // for links in mail
	Keys    *crypt.Keys // seal passport details, sign badges (documents.go)
	// Members finds member organisations and their representatives, for
	// delegations.
	Members *members.Store
}

const eventColumns = `id, slug, kind, COALESCE(parent_id, 0), title_en, title_zh_hans, title_zh_hant, theme_en, theme_zh_hans,
	theme_zh_hant, description_en, description_zh_hans, description_zh_hant, starts_at, ends_at, timezone, venue, country,
	online_url, topics, languages, interpretation, status, created_at, updated_at, published_at, venue_zh_hans, venue_zh_hant,
	interpretation_zh_hans, interpretation_zh_hant, checkin_opens_at`

func scanEvent(row db.Scanner) (*Event, error) {
	e := &Event{}
	var topics, langs string
	err := row.Scan(&e.ID, &e.Slug, &e.Kind, &e.ParentID, &e.Title.En, &e.Title.Hans, &e.Title.Hant, &e.Theme.En,
		&e.Theme.Hans, &e.Theme.Hant, &e.Description.En, &e.Description.Hans, &e.Description.Hant, &e.Starts, &e.Ends,
		&e.TimeZone, &e.Venue, &e.Country, &e.OnlineURL, &topics, &langs, &e.Interpretation, &e.Status, &e.Created,
		&e.Updated, &e.Published, &e.VenueHans, &e.VenueHant, &e.InterpretationHans, &e.InterpretationHant,
		&e.CheckInOpens)
	e.Topics, e.Languages = splitCodes(topics), splitCodes(langs)
	return e, err
}

func eventObject(id int64) string { return fmt.Sprintf("event:%d", id) }

// Save creates the event when e.ID is 0, else changes it. parentSlug names
// the parent event ("" for none); a parent must be a summit or annual
// meeting, and an event cannot be its own ancestor.
func (s *Store) Save(ctx context.Context, by *actor.Actor, e *Event, parentSlug string) error {
	fe, _ := errs.As(e.validate())
	if fe == nil {
		fe = &errs.Error{Code: errs.Invalid, Key: "error.invalid"}
	}
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		e.ParentID = 0
		if parentSlug = strings.TrimSpace(parentSlug); parentSlug != "" {
			p, err := s.bySlug(ctx, tx, parentSlug, "")
			switch {
			case err != nil && errs.CodeOf(err) == errs.NotFound:
				fe.Fields = append(fe.Fields, errs.Field{Name: "parent", Key: "events.parent_invalid"})
			case err != nil:
				return err
			case p.Kind != Summit && p.Kind != AnnualMeeting || p.ID == e.ID || p.ParentID != 0:
				fe.Fields = append(fe.Fields, errs.Field{Name: "parent", Key: "events.parent_invalid"})
			default:
				e.ParentID = p.ID
			}
		}
		if len(fe.Fields) > 0 {
			return fe
		}
		now := tx.Now()
		var parent any
		if e.ParentID != 0 {
			parent = e.ParentID
		}
		args := []any{e.Slug, e.Kind, parent, e.Title.En, e.Title.Hans, e.Title.Hant, e.Theme.En, e.Theme.Hans, e.Theme.Hant,
			e.Description.En, e.Description.Hans, e.Description.Hant, e.Starts.UTC(), e.Ends.UTC(), e.TimeZone, e.Venue,
			e.Country, e.OnlineURL, strings.Join(e.Topics, ","), strings.Join(e.Languages, ","), e.Interpretation,
			e.VenueHans, e.VenueHant, e.InterpretationHans, e.InterpretationHant, utcOrNil(e.CheckInOpens), now}
		action := "event.updated"
		if e.ID == 0 {
			e.Status, e.Created = Draft, now
			err := tx.QueryRow(ctx, `-- events.Save new
				INSERT INTO events (slug, kind, parent_id, title_en, title_zh_hans, title_zh_hant, theme_en, theme_zh_hans,
					theme_zh_hant, description_en, description_zh_hans, description_zh_hant, starts_at, ends_at, timezone,
					venue, country, online_url, topics, languages, interpretation, venue_zh_hans, venue_zh_hant,
					interpretation_zh_hans, interpretation_zh_hant, checkin_opens_at, updated_at, status, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				append(args, Draft, now)...).Scan(&e.ID)
			if db.IsUnique(err) {
				return errs.Fields{{Name: "slug", Key: "events.slug_taken"}}.Err()
			}
			if err != nil {
				return err
			}
			action = "event.created"
		} else {
			old, err := s.byID(ctx, tx, e.ID, tx.ForUpdate())
			if err != nil {
				return err
			}
			e.Status, e.Created, e.Published = old.Status, old.Created, old.Published
			_, err = tx.Exec(ctx, `-- events.Save update
				UPDATE events SET slug = ?, kind = ?, parent_id = ?, title_en = ?, title_zh_hans = ?, title_zh_hant = ?,
					theme_en = ?, theme_zh_hans = ?, theme_zh_hant = ?, description_en = ?, description_zh_hans = ?,
					description_zh_hant = ?, starts_at = ?, ends_at = ?, timezone = ?, venue = ?, country = ?, online_url = ?,
					topics = ?, languages = ?, interpretation = ?, venue_zh_hans = ?, venue_zh_hant = ?,
					interpretation_zh_hans = ?, interpretation_zh_hant = ?, checkin_opens_at = ?, updated_at = ?
				WHERE id = ?`, append(args, e.ID)...)
			if db.IsUnique(err) {
				return errs.Fields{{Name: "slug", Key: "events.slug_taken"}}.Err()
			}
			if err != nil {
				return err
			}
		}
		e.Updated = now
		if err := s.changed(ctx, tx, e.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: action, Object: eventObject(e.ID)})
	})
	return err
}

// SetStatus publishes, unpublishes (back to draft) or cancels an event.
// Cancelling tells every registrant with a live registration by mail.
func (s *Store) SetStatus(ctx context.Context, by *actor.Actor, slug string, to Status) (*Event, error) {
	if to != Draft && to != Published && to != Cancelled {
		return nil, errs.New(errs.Invalid, "error.invalid")
	}
	var e *Event
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if e, err = s.bySlug(ctx, tx, slug, tx.ForUpdate()); err != nil {
			return err
		}
		if e.Status == Cancelled {
			return errs.New(errs.Conflict, "events.cancelled")
		}
		if e.Status == to {
			return nil
		}
		now := tx.Now()
		if to == Published && e.Published == nil {
			e.Published = &now
		}
		e.Status = to
		if _, err := tx.Exec(ctx, "UPDATE events SET status = ?, published_at = ?, updated_at = ? WHERE id = ?",
			to, e.Published, now, e.ID); err != nil {
			return err
		}
		if to == Cancelled {
			if err := s.mailCancelled(ctx, tx, e); err != nil {
				return err
			}
		}
		if err := s.changed(ctx, tx, e.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "event." + string(to), Object: eventObject(e.ID)})
	})
	return e, err
}

func (s *Store) bySlug(ctx context.Context, q db.Querier, slug, lock string) (*Event, error) {
	e, err := scanEvent(q.QueryRow(ctx, "SELECT "+eventColumns+" FROM events WHERE slug = ?"+lock, slug))
	if db.IsNotFound(err) {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("events: %q: %w", slug, err)
	}
	return e, nil
}

func (s *Store) byID(ctx context.Context, q db.Querier, id int64, lock string) (*Event, error) {
	e, err := scanEvent(q.QueryRow(ctx, "SELECT "+eventColumns+" FROM events WHERE id = ?"+lock, id))
	if db.IsNotFound(err) {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("events: %d: %w", id, err)
	}
	return e, nil
}

// Event returns the event with slug. Drafts are found only with staff.
func (s *Store) Event(ctx context.Context, slug string, staff bool) (*Event, error) {
	e, err := s.bySlug(ctx, s.DB, slug, "")
	if err != nil {
		return nil, err
	}
	if e.Status == Draft && !staff {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	if e.ParentID != 0 {
		if e.Parent, err = s.byID(ctx, s.DB, e.ParentID, ""); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// Filter selects events for a listing.
type Filter struct {
	Staff    bool   // drafts too
	Kind     Kind   // "" for every kind
	Year     int    // 0 for every year
	ParentID int64  // children of this event; 0 for every event
	Topic    string // "" for every topic
}

// List returns events, the newest first, and how many match.
func (s *Store) List(ctx context.Context, f Filter, limit, offset int) ([]*Event, int, error) {
	where, args := []string{"1 = 1"}, []any{}
	if !f.Staff {
		where = append(where, "status <> 'draft'")
	}
	if f.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, f.Kind)
	}
	if f.ParentID != 0 {
		where, args = append(where, "parent_id = ?"), append(args, f.ParentID)
	}
	if f.Year != 0 {
		// a day of margin each side for zones; refined below
		from := time.Date(f.Year, 1, 1, 0, 0, 0, 0, time.UTC).Add(-14 * time.Hour)
		to := time.Date(f.Year+1, 1, 1, 0, 0, 0, 0, time.UTC).Add(14 * time.Hour)
		where, args = append(where, "starts_at >= ? AND starts_at < ?"), append(args, from, to)
	}
	if f.Topic != "" {
		where, args = append(where, "(',' || topics || ',') LIKE ?"), append(args, "%,"+f.Topic+",%")
	}
	w := strings.Join(where, " AND ")
	order := " ORDER BY starts_at DESC, id DESC"
	if f.ParentID != 0 {
		order = " ORDER BY starts_at, id" // a programme reads forwards
	}
	list, err := db.All(ctx, s.DB, "events: list", scanEvent, "SELECT "+eventColumns+" FROM events WHERE "+w+order, args...)
	if err != nil {
		return nil, 0, err
	}
	if f.Year != 0 {
		kept := list[:0]
		for _, e := range list {
			if e.Year() == f.Year {
				kept = append(kept, e)
			}
		}
		list = kept
	}
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

const categoryColumns = `id, event_id, code, name_en, name_zh_hans, name_zh_hant, capacity, approval, opens_at, closes_at,
	questions, consent_en, consent_zh_hans, consent_zh_hant, colour, position, confirmed, reserved`

func scanCategory(row db.Scanner) (*Category, error) {
	c := &Category{}
	var questions string
	err := row.Scan(&c.ID, &c.EventID, &c.Code, &c.Name.En, &c.Name.Hans, &c.Name.Hant, &c.Capacity, &c.Approval,
		&c.Opens, &c.Closes, &questions, &c.Consent.En, &c.Consent.Hans, &c.Consent.Hant, &c.Colour, &c.Position, &c.Confirmed, &c.Reserved)
	if err == nil {
		err = json.Unmarshal([]byte(questions), &c.Questions)
	}
	return c, err
}

// SaveCategory adds a category to the event with slug, or changes the one
// with the same code. Capacity cannot go below the seats already taken.
func (s *Store) SaveCategory(ctx context.Context, by *actor.Actor, slug string, c *Category) error {
	if err := c.validate(); err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		e, err := s.bySlug(ctx, tx, slug, "")
		if err != nil {
			return err
		}
		c.EventID = e.ID
		old, err := scanCategory(tx.QueryRow(ctx, "SELECT "+categoryColumns+" FROM event_categories WHERE event_id = ? AND code = ?"+tx.ForUpdate(), e.ID, c.Code))
		switch {
		case db.IsNotFound(err):
			var n int
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM event_categories WHERE event_id = ?", e.ID).Scan(&n); err != nil {
				return err
			}
			if c.Colour == "" {
				c.Colour = Colours[n%len(Colours)]
			}
			c.Position = n
			err = tx.QueryRow(ctx, `-- events.SaveCategory new
				INSERT INTO event_categories (event_id, code, name_en, name_zh_hans, name_zh_hant, capacity, approval, opens_at,
					closes_at, questions, consent_en, consent_zh_hans, consent_zh_hant, colour, position)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				e.ID, c.Code, c.Name.En, c.Name.Hans, c.Name.Hant, c.Capacity, c.Approval, c.Opens, c.Closes,
				c.questionsJSON(), c.Consent.En, c.Consent.Hans, c.Consent.Hant, c.Colour, c.Position).Scan(&c.ID)
			if err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			if c.Capacity < old.Confirmed+old.Reserved {
				return errs.Fields{{Name: "capacity", Key: "events.capacity_below_taken", Args: []any{old.Confirmed + old.Reserved}}}.Err()
			}
			if c.Colour == "" {
				c.Colour = old.Colour
			}
			c.ID, c.Position, c.Confirmed, c.Reserved = old.ID, old.Position, old.Confirmed, old.Reserved
			_, err = tx.Exec(ctx, `-- events.SaveCategory update
				UPDATE event_categories SET name_en = ?, name_zh_hans = ?, name_zh_hant = ?, capacity = ?, approval = ?,
					opens_at = ?, closes_at = ?, questions = ?, consent_en = ?, consent_zh_hans = ?, consent_zh_hant = ?, colour = ?
				WHERE id = ?`,
				c.Name.En, c.Name.Hans, c.Name.Hant, c.Capacity, c.Approval, c.Opens, c.Closes, c.questionsJSON(),
				c.Consent.En, c.Consent.Hans, c.Consent.Hant, c.Colour, c.ID)
			if err != nil {
				return err
			}
			// More seats: the waitlist moves up into them.
			if err := s.fill(ctx, tx, c); err != nil {
				return err
			}
		}
		if err := s.changed(ctx, tx, e.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "event.category_saved",
			Object: eventObject(e.ID), Details: map[string]any{"category": c.Code}})
	})
}

// Categories returns the categories of an event in their order.
func (s *Store) Categories(ctx context.Context, eventID int64) ([]*Category, error) {
	return db.All(ctx, s.DB, "events: categories", scanCategory,
		"SELECT "+categoryColumns+" FROM event_categories WHERE event_id = ? ORDER BY position, id", eventID)
}

// Years lists the years with published events, the newest first.
func (s *Store) Years(ctx context.Context) ([]int, error) {
	list, err := db.All(ctx, s.DB, "events: years", scanEvent, "SELECT "+eventColumns+" FROM events WHERE status <> 'draft'")
	if err != nil {
		return nil, err
	}
	seen := map[int]bool{}
	var out []int
	for _, e := range list {
		if y := e.Year(); !seen[y] {
			seen[y] = true
			out = append(out, y)
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(out)))
	return out, nil
}

// utcOrNil is t in UTC for the database, or NULL.
func utcOrNil(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}
