package events

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/members"
	"github.com/wuzhen/wuzhen/internal/web"
)

// speakerJSON is a person in the API.
type speakerJSON struct {
	ID           int64         `json:"id"`
	Name         string        `json:"name"`
	NameLatin    string        `json:"name_latin,omitempty"`
	Organization i18n.Text     `json:"organization"`
	Country      string        `json:"country,omitempty"`
	Group        members.Group `json:"stakeholder_group,omitempty"`
	Bio          i18n.Text     `json:"bio"`
	URL          string        `json:"url"`
	PhotoURL     string        `json:"photo_url,omitempty"`
}

func personJSON(p *Person, base string) speakerJSON {
	out := speakerJSON{ID: p.ID, Name: p.Name, NameLatin: p.NameLatin, Organization: p.Organization, Country: p.Country,
		Group: p.Group, Bio: p.Bio, URL: fmt.Sprintf("%s/speakers/%d", base, p.ID)}
	if u := p.PhotoURL(); u != "" {
		out.PhotoURL = base + u
	}
	return out
}

// sessionJSON is a session in the API.
type sessionJSON struct {
	ID             int64        `json:"id"`
	Event          string       `json:"event"`
	Title          string       `json:"title"`
	Titles         i18n.Text    `json:"titles"`
	Description    i18n.Text    `json:"description"`
	StartsAt       string       `json:"starts_at"`
	EndsAt         string       `json:"ends_at"`
	Room           string       `json:"room,omitempty"` // in the reader's language
	Rooms          i18n.Text    `json:"rooms"`
	Format         Format       `json:"format"`
	Language       string       `json:"language,omitempty"`
	Interpretation []string     `json:"interpretation"`
	People         []personRole `json:"people"`
	URL            string       `json:"url"`
	CalendarURL    string       `json:"calendar_url"`
}

type personRole struct {
	Role Role `json:"role"`
	speakerJSON
}

func (h *Handlers) sessionJSON(c *web.Ctx, x *Session) sessionJSON {
	out := sessionJSON{ID: x.ID, Event: x.Event.Slug, Title: x.Title.For(c.Lang), Titles: x.Title, Description: x.Description,
		StartsAt: x.StartISO(), EndsAt: x.EndISO(), Room: x.RoomFor(c.Lang),
		Rooms: i18n.Text{En: x.Room, Hans: x.RoomHans, Hant: x.RoomHant}, Format: x.Format, Language: x.Language,
		Interpretation: x.Interpretation, People: []personRole{}, URL: c.BaseURL() + x.Path(),
		CalendarURL: c.BaseURL() + x.Path() + "/calendar.ics"}
	if out.Interpretation == nil {
		out.Interpretation = []string{}
	}
	for _, a := range x.People {
		out.People = append(out.People, personRole{Role: a.Role, speakerJSON: personJSON(a.Person, c.BaseURL())})
	}
	return out
}

// apiProgramme is an event's public programme, with its forums' sessions.
func (h *Handlers) apiProgramme(c *web.Ctx) error {
	e, err := h.Store.Event(c.Context(), c.R.PathValue("slug"), false)
	if err != nil {
		return err
	}
	list, err := h.Store.Programme(c.Context(), e)
	if err != nil {
		return err
	}
	items := make([]sessionJSON, 0, len(list))
	for _, x := range list {
		items = append(items, h.sessionJSON(c, x))
	}
	return c.JSON(http.StatusOK, map[string]any{"event": e.Slug, "timezone": e.TimeZone, "sessions": items})
}

// sessionInput is a session as the API gives it: times as RFC 3339, or
// local times in the event's zone.
type sessionInput struct {
	StartsAt       string    `json:"starts_at"`
	EndsAt         string    `json:"ends_at"`
	Room           string    `json:"room"`
	Rooms          i18n.Text `json:"rooms"` // the room in Chinese ("en" stands for room when that is empty)
	Format         Format    `json:"format"`
	Language       string    `json:"language"`
	Interpretation []string  `json:"interpretation"`
	Title          i18n.Text `json:"title"`
	Description    i18n.Text `json:"description"`
	People         []Cast    `json:"people"`
}

func (h *Handlers) apiCreateSession(c *web.Ctx) error {
	var in sessionInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	e, err := h.Store.Event(c.Context(), c.R.PathValue("slug"), true)
	if err != nil {
		return err
	}
	x := &Session{Room: firstNonEmpty(in.Room, in.Rooms.En), RoomHans: in.Rooms.Hans, RoomHant: in.Rooms.Hant, Format: in.Format, Language: strings.TrimSpace(in.Language), Interpretation: in.Interpretation,
		Title: in.Title, Description: in.Description}
	x.Starts, _ = ParseTime(in.StartsAt, e.Location(), false)
	x.Ends, _ = ParseTime(in.EndsAt, e.Location(), false)
	if err := h.Store.SaveSession(c.Context(), c.User, e.Slug, x, in.People); err != nil {
		return err
	}
	x, err = h.Store.Session(c.Context(), x.ID, true)
	if err != nil {
		return err
	}
	c.W.Header().Set("Location", c.BaseURL()+x.Path())
	return c.JSON(http.StatusCreated, h.sessionJSON(c, x))
}

// speakerInput is a person as the API gives them.
type speakerInput struct {
	Name         string        `json:"name"`
	NameLatin    string        `json:"name_latin"`
	Organization i18n.Text     `json:"organization"`
	Country      string        `json:"country"`
	Group        members.Group `json:"stakeholder_group"`
	Bio          i18n.Text     `json:"bio"`
}

func (h *Handlers) apiCreateSpeaker(c *web.Ctx) error {
	var in speakerInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	p := &Person{Name: in.Name, NameLatin: in.NameLatin, Organization: in.Organization, Country: in.Country, Group: in.Group, Bio: in.Bio}
	if err := h.Store.SavePerson(c.Context(), c.User, p); err != nil {
		return err
	}
	c.W.Header().Set("Location", fmt.Sprintf("/api/v1/speakers/%d", p.ID))
	return c.JSON(http.StatusCreated, personJSON(p, c.BaseURL()))
}

// apiSpeaker is a person the public may see, with their public sessions.
func (h *Handlers) apiSpeaker(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	staff := c.Can(PermManage)
	p, list, err := h.Store.Person(c.Context(), id, staff)
	if err != nil {
		return err
	}
	type sessionRef struct {
		ID       int64  `json:"id"`
		Event    string `json:"event"`
		Title    string `json:"title"`
		StartsAt string `json:"starts_at"`
		EndsAt   string `json:"ends_at"`
		Role     Role   `json:"role"`
		URL      string `json:"url"`
	}
	sessions := make([]sessionRef, 0, len(list))
	for _, x := range list {
		ref := sessionRef{ID: x.ID, Event: x.Event.Slug, Title: x.Title.For(c.Lang), StartsAt: x.StartISO(), EndsAt: x.EndISO(),
			URL: c.BaseURL() + x.Path()}
		for _, a := range x.People {
			if a.Person.ID == p.ID {
				ref.Role = a.Role
			}
		}
		sessions = append(sessions, ref)
	}
	return c.JSON(http.StatusOK, map[string]any{"speaker": personJSON(p, c.BaseURL()), "sessions": sessions})
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
