package training

import (
	"net/http"
	"strconv"
	"time"

	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/web"
)

// programmeRequest is the body of POST /api/v1/programmes.
type programmeRequest struct {
	Slug        string         `json:"slug"`
	Title       Text           `json:"title"`
	Description Text           `json:"description"`
	Kind        Kind           `json:"kind"`
	Format      Format         `json:"format"`
	Languages   []string       `json:"languages"`
	StartsOn    string         `json:"starts_on"`
	EndsOn      string         `json:"ends_on"`
	Hours       int            `json:"hours"`
	Seats       int            `json:"seats"`
	SeatsBy     map[string]int `json:"seats_by"`
	Eligibility *Eligibility   `json:"eligibility"` // absent: developing countries
	Questions   []Question     `json:"questions"`
	Criteria    []Criterion    `json:"criteria"`
	Completion  int            `json:"completion"`
}

// ProgrammeJSON is a programme in the API.
type ProgrammeJSON struct {
	Slug        string         `json:"slug"`
	Title       Text           `json:"title"`
	Description Text           `json:"description"`
	Kind        Kind           `json:"kind"`
	Format      Format         `json:"format"`
	Languages   []string       `json:"languages"`
	StartsOn    string         `json:"starts_on"`
	EndsOn      string         `json:"ends_on"`
	Hours       int            `json:"hours"`
	Seats       int            `json:"seats"`
	SeatsBy     map[string]int `json:"seats_by"`
	Eligibility Eligibility    `json:"eligibility"`
	Questions   []Question     `json:"questions"`
	Criteria    []Criterion    `json:"criteria"`
	Completion  int            `json:"completion"`
	Status      Status         `json:"status"`
	URL         string         `json:"url"`
}

func programmeJSON(c *web.Ctx, p *Programme) ProgrammeJSON {
	return ProgrammeJSON{Slug: p.Slug, Title: p.Title, Description: p.Description, Kind: p.Kind, Format: p.Format,
		Languages: p.Languages, StartsOn: p.StartsOn, EndsOn: p.EndsOn, Hours: p.Hours, Seats: p.Seats, SeatsBy: p.SeatsBy,
		Eligibility: p.Eligibility, Questions: p.Questions, Criteria: p.Criteria, Completion: p.CompletionShare(),
		Status: p.Status, URL: c.BaseURL() + "/training/" + p.Slug}
}

func (h *Handlers) apiCreate(c *web.Ctx) error {
	var r programmeRequest
	if err := c.DecodeJSON(&r); err != nil {
		return err
	}
	p := &Programme{Slug: r.Slug, Title: r.Title, Description: r.Description, Kind: r.Kind, Format: r.Format,
		Languages: r.Languages, StartsOn: r.StartsOn, EndsOn: r.EndsOn, Hours: r.Hours, Seats: r.Seats, SeatsBy: r.SeatsBy,
		Questions: r.Questions, Criteria: r.Criteria, Completion: r.Completion, Eligibility: Eligibility{Developing: true}}
	if r.Eligibility != nil {
		p.Eligibility = *r.Eligibility
	}
	if err := h.Store.Create(c.Context(), c.User, p); err != nil {
		return err
	}
	c.W.Header().Set("Location", "/api/v1/programmes/"+p.Slug)
	return c.JSON(http.StatusCreated, programmeJSON(c, p))
}

func (h *Handlers) apiList(c *web.Ctx) error {
	list, err := h.Store.Published(c.Context())
	if err != nil {
		return err
	}
	items := make([]ProgrammeJSON, len(list))
	for i, p := range list {
		items[i] = programmeJSON(c, p)
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

func (h *Handlers) apiPublish(c *web.Ctx) error {
	p, err := h.Store.Publish(c.Context(), c.User, c.R.PathValue("slug"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, programmeJSON(c, p))
}

// ReasonJSON is one rule that excludes, in the API.
type ReasonJSON struct {
	Rule    Rule   `json:"rule"`
	Message string `json:"message"`
}

func (h *Handlers) apiEligibility(c *web.Ctx) error {
	p, err := h.Store.Programme(c.Context(), nil, c.R.PathValue("slug"))
	if err != nil {
		return err
	}
	reasons := []ReasonJSON{}
	for _, r := range p.Check(applicantOf(c.R.URL.Query()), false) {
		reasons = append(reasons, ReasonJSON{Rule: r.Rule, Message: r.Message(c.P)})
	}
	return c.JSON(http.StatusOK, map[string]any{"eligible": len(reasons) == 0, "reasons": reasons})
}

// applicationRequest is the body of POST /api/v1/programmes/{slug}/applications.
type applicationRequest struct {
	Name       string            `json:"name"`        // in Latin letters; default the account's
	NameNative string            `json:"name_native"` // in one's own script
	Country    string            `json:"country"`
	BirthYear  int               `json:"birth_year"`
	Group      string            `json:"stakeholder_group"`
	Gender     string            `json:"gender"`
	Answers    map[string]string `json:"answers"`
}

// ApplicationJSON is an application in the API.
type ApplicationJSON struct {
	ID        int64             `json:"id"`
	Programme string            `json:"programme"`
	Status    AppStatus         `json:"status"`
	Country   string            `json:"country"`
	BirthYear int               `json:"birth_year,omitempty"`
	Group     string            `json:"stakeholder_group,omitempty"`
	Gender    string            `json:"gender,omitempty"`
	Answers   map[string]string `json:"answers"`
	RespondBy *time.Time        `json:"respond_by,omitempty"`
	Created   time.Time         `json:"created_at"`
}

func applicationJSON(a *Application, slug string) ApplicationJSON {
	return ApplicationJSON{ID: a.ID, Programme: slug, Status: a.Status, Country: a.Country, BirthYear: a.BirthYear,
		Group: a.Group, Gender: a.Gender, Answers: a.Answers, RespondBy: a.RespondBy, Created: a.Created}
}

func (h *Handlers) apiApply(c *web.Ctx) error {
	var r applicationRequest
	if err := c.DecodeJSON(&r); err != nil {
		return err
	}
	a := &Application{Name: r.Name, NameNative: r.NameNative, Country: r.Country, BirthYear: r.BirthYear, Group: r.Group, Gender: r.Gender, Answers: r.Answers}
	if err := h.Store.Apply(c.Context(), c.User, c.R.PathValue("slug"), a); err != nil {
		return Explain(c.P, err)
	}
	c.W.Header().Set("Location", "/api/v1/programme-applications/"+itoa(a.ID))
	return c.JSON(http.StatusCreated, map[string]any{"id": a.ID, "status": a.Status})
}

func (h *Handlers) apiApplication(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	a, err := h.Store.Application(c.Context(), c.User, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, applicationJSON(a, a.Programme.Slug))
}

// offerRequest is the body of POST /api/v1/programmes/{slug}/offers.
type offerRequest struct {
	ApplicationIDs []int64 `json:"application_ids"`
	RespondBy      string  `json:"respond_by"`
}

func (h *Handlers) apiOffer(c *web.Ctx) error {
	var r offerRequest
	if err := c.DecodeJSON(&r); err != nil {
		return err
	}
	by, ok := parseTime(r.RespondBy)
	if !ok {
		var fe errs.Fields
		fe.Add("respond_by", "training.time_invalid")
		return fe.Err()
	}
	res, err := h.Store.Offer(c.Context(), c.User, c.R.PathValue("slug"), r.ApplicationIDs, by)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

func (h *Handlers) apiRespond(c *web.Ctx, accept bool) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	a, err := h.Store.Respond(c.Context(), c.User, id, accept)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, applicationJSON(a, a.Programme.Slug))
}

func (h *Handlers) apiAccept(c *web.Ctx) error  { return h.apiRespond(c, true) }
func (h *Handlers) apiDecline(c *web.Ctx) error { return h.apiRespond(c, false) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
