package events

import (
	"context"
	"fmt"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/zh"
)

// Personal is the events part of a person's data (auth.PersonalData):
// their registrations and personal agenda.
type Personal struct{ Store *Store }

// Area implements auth.PersonalData.
func (Personal) Area() string { return "events" }

// personalRegistration is a registration in a person's data download.
type personalRegistration struct {
	ID           int64     `json:"id"`
	Event        string    `json:"event"`
	Category     string    `json:"category"`
	Status       RegStatus `json:"status"`
	Email        string    `json:"email"`
	Name         string    `json:"name"`
	NameLatin    string    `json:"name_latin"`
	Organization string    `json:"organization"`
	Country      string    `json:"country"`
	Group        string    `json:"stakeholder_group"`
	Answers      Answers   `json:"answers"`
	Created      string    `json:"created_at"`
	CheckedIn    string    `json:"checked_in_at,omitempty"`
}

// personalExport is what the events capability holds about a person.
type personalExport struct {
	Registrations []personalRegistration `json:"registrations"`
	Agenda        []int64                `json:"agenda_sessions"`
}

// Export implements auth.PersonalData.
func (p Personal) Export(ctx context.Context, u *actor.Actor) (any, error) {
	regs, err := p.Store.Mine(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	out := personalExport{Registrations: []personalRegistration{}, Agenda: []int64{}}
	for _, r := range regs {
		x := personalRegistration{ID: r.ID, Event: r.Event.Slug, Category: r.Category.Code, Status: r.Status, Email: r.Email,
			Name: r.Name, NameLatin: r.NameLatin, Organization: r.Organization, Country: r.Country, Group: r.Group,
			Answers: r.Answers, Created: r.Created.UTC().Format("2006-01-02T15:04:05Z")}
		if r.CheckedIn != nil {
			x.CheckedIn = r.CheckedIn.UTC().Format("2006-01-02T15:04:05Z")
		}
		out.Registrations = append(out.Registrations, x)
	}
	ids, err := p.Store.AgendaIDs(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	for id := range ids {
		out.Agenda = append(out.Agenda, id)
	}
	return out, nil
}

// Summary implements auth.PersonalData: the person's registrations.
func (p Personal) Summary(ctx context.Context, u *actor.Actor, lang string) ([]auth.Item, error) {
	regs, err := p.Store.Mine(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	out := make([]auth.Item, 0, len(regs))
	for _, r := range regs {
		out = append(out, auth.Item{Kind: auth.ItemRegistration, Title: zh.ForLang(lang, r.Event.Title.For(lang)),
			Status: "events.reg." + string(r.Status), Path: fmt.Sprintf("/registrations/%d", r.ID),
			AdminPath: fmt.Sprintf("/admin/events/%s/registrations", r.Event.Slug)})
	}
	return out, nil
}

// Erase implements auth.PersonalData. A registration that still holds
// or waits for a seat at an event that has not ended is cancelled (its
// seat goes to the waitlist, as on a cancellation); every registration of
// the person is kept for the events' figures (country, continent,
// stakeholder group, category, status) without name, address,
// organisation, answers or files; visa letters lose their passport
// details; the agenda and its calendar address go; what the person did
// as staff (check-in, decisions) no longer names them.
func (p Personal) Erase(ctx context.Context, tx *db.Tx, u *actor.Actor) error {
	s := p.Store
	ids, err := db.All(ctx, tx, "events: erase", func(r db.Scanner) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	}, `-- events.Erase live
		SELECT r.id FROM event_registrations r JOIN events e ON e.id = r.event_id
		WHERE r.user_id = ? AND r.status IN ('pending', 'confirmed', 'waitlisted') AND e.ends_at > ? ORDER BY r.id`, u.ID, tx.Now())
	if err != nil {
		return err
	}
	for _, id := range ids {
		c, r, err := s.lockRegistration(ctx, tx, id)
		if err != nil {
			return err
		}
		was := r.Status
		if err := s.setStatus(ctx, tx, r, Withdrawn); err != nil {
			return err
		}
		if was == Confirmed {
			if _, err := tx.Exec(ctx, "-- events.Erase seat\nUPDATE event_categories SET confirmed = confirmed - 1 WHERE id = ?", c.ID); err != nil {
				return err
			}
			c.Confirmed--
			if err := s.fill(ctx, tx, c); err != nil {
				return err
			}
		}
	}
	mine := "SELECT id FROM event_registrations WHERE user_id = ? OR email = ?"
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{"-- events.Erase files\nDELETE FROM event_registration_files WHERE registration_id IN (" + mine + ")", []any{u.ID, u.Email}},
		{"-- events.Erase visas\nUPDATE event_visa_letters SET details = NULL WHERE registration_id IN (" + mine + ")", []any{u.ID, u.Email}},
		{`-- events.Erase registrations
			UPDATE event_registrations SET email = '', name = '', name_latin = '', organization = '', answers = '{}', user_id = NULL
			WHERE user_id = ? OR email = ?`, []any{u.ID, u.Email}},
		{"-- events.Erase check-ins\nUPDATE event_registrations SET checked_in_by = '' WHERE checked_in_by = ?", []any{u.Email}},
		{"-- events.Erase badges\nUPDATE event_registrations SET badge_revoked_by = '' WHERE badge_revoked_by = ?", []any{u.Email}},
		{"-- events.Erase visa decisions\nUPDATE event_visa_letters SET decided_by = '' WHERE decided_by = ?", []any{u.Email}},
		{"-- events.Erase visa revocations\nUPDATE event_visa_letters SET revoked_by = '' WHERE revoked_by = ?", []any{u.Email}},
		{"-- events.Erase agenda\nDELETE FROM programme_agenda WHERE user_id = ?", []any{u.ID}},
		{"-- events.Erase feed\nDELETE FROM programme_feeds WHERE user_id = ?", []any{u.ID}},
	} {
		if _, err := tx.Exec(ctx, q.sql, q.args...); err != nil {
			return err
		}
	}
	return nil
}
