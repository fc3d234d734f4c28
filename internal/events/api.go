package events

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/web"
)

// eventInput is an event as the API and the form give it: times as text in
// the event's zone (or RFC 3339).
type eventInput struct {
	Slug           string    `json:"slug"`
	Kind           Kind      `json:"kind"`
	Parent         string    `json:"parent"`
	Title          i18n.Text `json:"title"`
	Theme          i18n.Text `json:"theme"`
	Description    i18n.Text `json:"description"`
	StartsAt       string    `json:"starts_at"`
	EndsAt         string    `json:"ends_at"`
	TimeZone       string    `json:"timezone"`
	Venue          string    `json:"venue"`
	Country        string    `json:"country"`
	OnlineURL      string    `json:"online_url"`
	Topics         []string  `json:"topics"`
	Languages      []string  `json:"languages"`
	Interpretation string    `json:"interpretation"`
	// Venues and Interpretations give the venue and the interpretation
	// line in Chinese (their "en", when venue or interpretation is empty,
	// stands for it).
	Venues          i18n.Text `json:"venues"`
	Interpretations i18n.Text `json:"interpretations"`
	// CheckInOpensAt is when check-in opens, "" for the day before the event.
	CheckInOpensAt string `json:"checkin_opens_at"`
}

// event builds the event; a time that cannot be read stays zero, which
// validation reports at its field.
func (in eventInput) event(id int64) *Event {
	e := &Event{ID: id, Slug: in.Slug, Kind: in.Kind, Title: in.Title, Theme: in.Theme, Description: in.Description,
		TimeZone: strings.TrimSpace(in.TimeZone), Venue: in.Venue, Country: in.Country, OnlineURL: in.OnlineURL,
		Topics: in.Topics, Languages: in.Languages, Interpretation: strings.TrimSpace(in.Interpretation),
		VenueHans: in.Venues.Hans, VenueHant: in.Venues.Hant,
		InterpretationHans: in.Interpretations.Hans, InterpretationHant: in.Interpretations.Hant}
	if e.Venue == "" {
		e.Venue = in.Venues.En
	}
	if e.Interpretation == "" {
		e.Interpretation = strings.TrimSpace(in.Interpretations.En)
	}
	loc := time.UTC
	if l, err := time.LoadLocation(e.TimeZone); err == nil && e.TimeZone != "" {
		loc = l
	}
	e.Starts, _ = ParseTime(in.StartsAt, loc, false)
	e.Ends, _ = ParseTime(in.EndsAt, loc, true)
	if strings.TrimSpace(in.CheckInOpensAt) != "" {
		t, ok := ParseTime(in.CheckInOpensAt, loc, false)
		if !ok {
			t = e.Ends // refused by validation, at its field
		}
		e.CheckInOpens = &t
	}
	return e
}

// eventJSON is an event in the API.
type eventJSON struct {
	Slug     string    `json:"slug"`
	Kind     Kind      `json:"kind"`
	Parent   string    `json:"parent,omitempty"`
	Title    string    `json:"title"`
	Titles   i18n.Text `json:"titles"`
	Theme    string    `json:"theme,omitempty"`
	StartsAt string    `json:"starts_at"`
	EndsAt   string    `json:"ends_at"`
	TimeZone string    `json:"timezone"`
	Venue    string    `json:"venue,omitempty"` // in the reader's language
	Venues   i18n.Text `json:"venues"`
	// Interpretation is the interpretation line in the reader's language.
	Interpretation  string    `json:"interpretation,omitempty"`
	Interpretations i18n.Text `json:"interpretations"`
	CheckInOpensAt  string    `json:"checkin_opens_at"` // when check-in opens (the default or as set)
	Country         string    `json:"country,omitempty"`
	OnlineURL       string    `json:"online_url,omitempty"`
	Topics          []string  `json:"topics"`
	Status          Status    `json:"status"`
	URL             string    `json:"url"`
	CalendarURL     string    `json:"calendar_url"`
}

func (h *Handlers) eventJSON(c *web.Ctx, e *Event) eventJSON {
	out := eventJSON{Slug: e.Slug, Kind: e.Kind, Title: e.Title.For(c.Lang), Titles: e.Title, Theme: e.Theme.For(c.Lang),
		StartsAt: e.ISO(e.Starts), EndsAt: e.ISO(e.Ends), TimeZone: e.TimeZone, Venue: e.VenueFor(c.Lang), Country: e.Country,
		Venues:         i18n.Text{En: e.Venue, Hans: e.VenueHans, Hant: e.VenueHant},
		Interpretation: e.InterpretationFor(c.Lang), CheckInOpensAt: e.checkInOpensISO(), Interpretations: i18n.Text{En: e.Interpretation, Hans: e.InterpretationHans, Hant: e.InterpretationHant},
		OnlineURL: e.OnlineURL, Topics: e.Topics, Status: e.Status, URL: c.BaseURL() + "/events/" + e.Slug,
		CalendarURL: c.BaseURL() + "/events/" + e.Slug + "/calendar.ics"}
	if out.Topics == nil {
		out.Topics = []string{}
	}
	if e.Parent != nil {
		out.Parent = e.Parent.Slug
	}
	return out
}

func (h *Handlers) apiCreate(c *web.Ctx) error {
	var in eventInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	e := in.event(0)
	if err := h.Store.Save(c.Context(), c.User, e, in.Parent); err != nil {
		return err
	}
	e, err := h.Store.Event(c.Context(), e.Slug, true)
	if err != nil {
		return err
	}
	c.W.Header().Set("Location", "/api/v1/events/"+e.Slug)
	return c.JSON(http.StatusCreated, h.eventJSON(c, e))
}

func (h *Handlers) apiList(c *web.Ctx) error {
	q := c.R.URL.Query()
	page, per := paging(q, 50)
	f := Filter{}
	if k := Kind(q.Get("kind")); validKind(k) {
		f.Kind = k
	}
	list, total, err := h.Store.List(c.Context(), f, per, (page-1)*per)
	if err != nil {
		return err
	}
	items := make([]eventJSON, 0, len(list))
	for _, e := range list {
		items = append(items, h.eventJSON(c, e))
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "total": total, "page": page, "per_page": per})
}

func (h *Handlers) apiEvent(c *web.Ctx) error {
	e, err := h.Store.Event(c.Context(), c.R.PathValue("slug"), c.Can(PermManage))
	if err != nil {
		return err
	}
	cats, err := h.Store.Categories(c.Context(), e.ID)
	if err != nil {
		return err
	}
	type catJSON struct {
		Code     string   `json:"code"`
		Name     string   `json:"name"`
		Capacity int      `json:"capacity"`
		Left     int      `json:"seats_left"`
		Approval Approval `json:"approval"`
		Open     bool     `json:"open"`
	}
	out := make([]catJSON, 0, len(cats))
	for _, cat := range cats {
		out = append(out, catJSON{Code: cat.Code, Name: cat.Name.For(c.Lang), Capacity: cat.Capacity, Left: cat.Left(),
			Approval: cat.Approval, Open: cat.OpenAt(c.Now())})
	}
	return c.JSON(http.StatusOK, map[string]any{"event": h.eventJSON(c, e), "categories": out})
}

func (h *Handlers) apiStatus(c *web.Ctx) error {
	var req struct {
		Status Status `json:"status"`
	}
	if err := c.DecodeJSON(&req); err != nil {
		return err
	}
	e, err := h.Store.SetStatus(c.Context(), c.User, c.R.PathValue("slug"), req.Status)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"slug": e.Slug, "status": e.Status})
}

// categoryInput is a category as the API gives it.
type categoryInput struct {
	Code      string     `json:"code"`
	Name      i18n.Text  `json:"name"`
	Capacity  int        `json:"capacity"`
	Approval  Approval   `json:"approval"`
	OpensAt   string     `json:"opens_at"`
	ClosesAt  string     `json:"closes_at"`
	Questions []Question `json:"questions"`
	Consent   i18n.Text  `json:"consent"`
	Colour    string     `json:"colour"`
}

func (h *Handlers) apiCategory(c *web.Ctx) error {
	var in categoryInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	e, err := h.Store.Event(c.Context(), c.R.PathValue("slug"), true)
	if err != nil {
		return err
	}
	cat := &Category{Code: in.Code, Name: in.Name, Capacity: in.Capacity, Approval: in.Approval, Questions: in.Questions,
		Consent: in.Consent, Colour: in.Colour}
	if err := cat.window(e, in.OpensAt, in.ClosesAt); err != nil {
		return err
	}
	if err := h.Store.SaveCategory(c.Context(), c.User, e.Slug, cat); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, cat)
}

// registrationJSON is a registration in the API.
type registrationJSON struct {
	ID       int64     `json:"id"`
	Number   string    `json:"number"`
	Event    string    `json:"event"`
	Category string    `json:"category"`
	Status   RegStatus `json:"status"`
	Position *int      `json:"waitlist_position"`
	Checked  string    `json:"checked_in_at,omitempty"`
	// Missing are the required file and photo questions not answered yet:
	// their files go to /api/v1/registrations/{id}/files/{question}.
	Missing []string `json:"files_missing,omitempty"`
}

func regJSON(r *Registration) registrationJSON {
	out := registrationJSON{ID: r.ID, Number: r.Number(), Status: r.Status}
	if r.Event != nil {
		out.Event = r.Event.Slug
	}
	if r.Category != nil {
		out.Category = r.Category.Code
	}
	if r.Status == Waitlisted {
		p := r.Position
		out.Position = &p
	}
	if r.CheckedIn != nil {
		out.Checked = r.CheckedIn.UTC().Format(time.RFC3339)
	}
	return out
}

func (h *Handlers) apiRegister(c *web.Ctx) error {
	var req struct {
		Category   string  `json:"category"`
		Answers    Answers `json:"answers"`
		Invitation string  `json:"invitation"`
	}
	if err := c.DecodeJSON(&req); err != nil {
		return err
	}
	r, err := h.Store.RegisterInvited(c.Context(), c.User, c.R.PathValue("slug"), req.Category, req.Answers, req.Invitation)
	if err != nil {
		return err
	}
	out := regJSON(r)
	if out.Missing, err = h.Store.MissingFiles(c.Context(), r); err != nil {
		return err
	}
	c.W.Header().Set("Location", fmt.Sprintf("/api/v1/registrations/%d", r.ID))
	return c.JSON(http.StatusCreated, out)
}

func (h *Handlers) apiRegistration(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	r, err := h.Store.Registration(c.Context(), id, c.User.ID, c.Can(PermManage))
	if err != nil {
		return err
	}
	out := regJSON(r)
	if out.Missing, err = h.Store.MissingFiles(c.Context(), r); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (h *Handlers) apiCancel(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := h.Store.Cancel(c.Context(), c.User, id, c.Can(PermManage)); err != nil {
		return err
	}
	r, err := h.Store.Registration(c.Context(), id, c.User.ID, true)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, regJSON(r))
}

func (h *Handlers) apiDecide(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var req struct {
		Decision string `json:"decision"`
	}
	if err := c.DecodeJSON(&req); err != nil {
		return err
	}
	if req.Decision != "approve" && req.Decision != "reject" {
		return errs.Fields{{Name: "decision", Key: "events.decision_invalid"}}.Err()
	}
	if _, err := h.Store.Decide(c.Context(), c.User, id, req.Decision == "approve"); err != nil {
		return err
	}
	r, err := h.Store.Registration(c.Context(), id, 0, true)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, regJSON(r))
}

func (h *Handlers) apiCheckIn(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	r, err := h.Store.CheckIn(c.Context(), c.User, id)
	if err != nil {
		return err
	}
	out := map[string]any{"id": r.ID, "number": r.Number(), "name": r.Name, "checked_in_at": r.CheckedIn.UTC().Format(time.RFC3339)}
	// The photo, for check-in staff and the secretariat (this route's and
	// the photo's permission).
	if ok, err := h.Store.HasPhoto(c.Context(), r.ID); err != nil {
		return err
	} else if ok {
		out["photo_url"] = fmt.Sprintf("%s/api/v1/registrations/%d/photo.jpg", c.BaseURL(), r.ID)
	}
	return c.JSON(http.StatusOK, out)
}

func (h *Handlers) apiStats(c *web.Ctx) error {
	e, err := h.Store.Event(c.Context(), c.R.PathValue("slug"), false)
	if err != nil {
		return err
	}
	st, err := h.Store.Stats(c.Context(), e.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, st.Public())
}

func (e *Event) checkInOpensISO() string {
	opens, _ := e.CheckInWindow()
	return e.ISO(opens)
}
