package training

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/web"
)

// Handlers serve the training pages and API.
type Handlers struct {
	Store *Store
	// Org returns the organisation's name in a language, for
	// certificates; nil gives the platform's name.
	Org func(ctx context.Context, lang string) string
}

func pathID(c *web.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.R.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, web.NotFound()
	}
	return id, nil
}

// View is what the pages share: the reader's language and the choices
// forms offer.
type View struct {
	Lang      string
	Now       time.Time
	Countries []geo.Country
	Groups    []string
	Genders   []string
}

func viewFor(c *web.Ctx) View {
	return View{Lang: c.Lang, Now: c.Now(), Countries: geo.Sorted(c.Lang), Groups: Groups, Genders: Genders}
}

// CountryName is a country's name in the reader's language.
func (v View) CountryName(code string) string {
	if c, ok := geo.Lookup(code); ok {
		return c.Name(v.Lang)
	}
	return code
}

// Countries joins the names of codes.
func (v View) CountryList(codes []string) string {
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = v.CountryName(c)
	}
	sep := ", "
	if v.Lang != i18n.En {
		sep = "、"
	}
	return strings.Join(names, sep)
}

// Time writes t in the home zone with the zone named, in the reader's
// language (i18n's formatter).
func (v View) Time(t *time.Time) string {
	if t == nil {
		return ""
	}
	return i18n.For(v.Lang).Moment(*t, i18n.Home, nil)
}

// At is Time of a value.
func (v View) At(t time.Time) string { return v.Time(&t) }

// ---- public ----

type listPage struct {
	View
	Programmes []*Programme
}

func (h *Handlers) list(c *web.Ctx) error {
	list, err := h.Store.Published(c.Context())
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "training/list", listPage{viewFor(c), list})
}

// Check is the answer to "may I apply?" on a programme's page.
type Check struct {
	Asked    bool
	Eligible bool
	Reasons  []string
}

type programmePage struct {
	View
	Programme *Programme
	Query     url.Values
	Check     Check
}

func applicantOf(q url.Values) Applicant {
	y, _ := strconv.Atoi(strings.TrimSpace(q.Get("birth_year")))
	return Applicant{Country: q.Get("country"), BirthYear: y, Group: strings.TrimSpace(q.Get("stakeholder_group"))}
}

func (h *Handlers) page(c *web.Ctx) error {
	p, err := h.Store.Programme(c.Context(), nil, c.R.PathValue("slug"))
	if err != nil {
		return err
	}
	q := c.R.URL.Query()
	pg := programmePage{View: viewFor(c), Programme: p, Query: q}
	if q.Get("country") != "" || q.Get("birth_year") != "" || q.Get("stakeholder_group") != "" {
		pg.Check.Asked = true
		for _, r := range p.Check(applicantOf(q), false) {
			pg.Check.Reasons = append(pg.Check.Reasons, r.Message(c.P))
		}
		pg.Check.Eligible = len(pg.Check.Reasons) == 0
	}
	return c.Render(http.StatusOK, "training/programme", pg)
}

// ---- applicants ----

type applyPage struct {
	View
	Programme *Programme
}

func (h *Handlers) applyForm(c *web.Ctx) error {
	p, err := h.Store.Programme(c.Context(), nil, c.R.PathValue("slug"))
	if err != nil {
		return err
	}
	f := &web.Form{Values: url.Values{}}
	for _, k := range []string{"country", "birth_year", "stakeholder_group"} {
		if v := c.R.URL.Query().Get(k); v != "" {
			f.Values.Set(k, v)
		}
	}
	return c.RenderForm(http.StatusOK, "training/apply", f, applyPage{viewFor(c), p})
}

func (h *Handlers) apply(c *web.Ctx) error {
	p, err := h.Store.Programme(c.Context(), nil, c.R.PathValue("slug"))
	if err != nil {
		return err
	}
	f, err := c.Form()
	if err != nil {
		return err
	}
	a := &Application{Name: f.Get("name"), NameNative: f.Get("name_native"), Country: f.Get("country"), Group: f.Get("stakeholder_group"), Gender: f.Get("gender"),
		Answers: map[string]string{}}
	if y := strings.TrimSpace(f.Get("birth_year")); y != "" {
		if a.BirthYear, err = strconv.Atoi(y); err != nil {
			a.BirthYear = -1
		}
	}
	for _, q := range p.Questions {
		if v, ok := f.Values["answer."+q.Code]; ok && len(v) > 0 {
			a.Answers[q.Code] = v[0]
		}
	}
	if err := h.Store.Apply(c.Context(), c.User, p.Slug, a); err != nil {
		err = Explain(c.P, err)
		if errs.CodeOf(err) == errs.Invalid {
			if e, ok := errs.As(err); ok {
				for i := range e.Fields {
					if strings.HasPrefix(e.Fields[i].Name, "answers.") {
						e.Fields[i].Name = "answer." + strings.TrimPrefix(e.Fields[i].Name, "answers.")
					}
				}
			}
			return c.RenderForm(c.Fail(f, err), "training/apply", f, applyPage{viewFor(c), p})
		}
		return err
	}
	return c.Redirect("/training/applications")
}

type minePage struct {
	View
	Applications []*Application
	Progress     map[int64]*Participant // by application, for accepted ones
	Teaching     []*Programme
	Certificates []*Certificate
}

func (h *Handlers) mine(c *web.Ctx) error {
	list, err := h.Store.Mine(c.Context(), c.User)
	if err != nil {
		return err
	}
	progress := map[int64]*Participant{}
	for _, a := range list {
		if a.Status == Accepted {
			if progress[a.ID], err = h.Store.Progress(c.Context(), c.User, a.ID); err != nil {
				return err
			}
		}
	}
	teaching, err := h.Store.Teaching(c.Context(), c.User)
	if err != nil {
		return err
	}
	certs, err := h.Store.MyCertificates(c.Context(), c.User)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "training/mine", minePage{viewFor(c), list, progress, teaching, certs})
}

func (h *Handlers) respond(c *web.Ctx, accept bool) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := h.Store.Respond(c.Context(), c.User, id, accept); err != nil {
		return err
	}
	return c.Redirect("/training/applications")
}

func (h *Handlers) accept(c *web.Ctx) error  { return h.respond(c, true) }
func (h *Handlers) decline(c *web.Ctx) error { return h.respond(c, false) }

// ---- the secretariat ----

func (h *Handlers) adminList(c *web.Ctx) error {
	list, err := h.Store.All(c.Context())
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "training/admin_list", listPage{viewFor(c), list})
}

type adminPage struct {
	View
	Programme    *Programme
	Applications []*Application
	Counts       map[AppStatus]int
	Trainers     []string
	Certificates []*Certificate
}

func (h *Handlers) adminPage(c *web.Ctx, status int, f *web.Form) error {
	p, list, err := h.Store.Applications(c.Context(), c.User, c.R.PathValue("slug"))
	if err != nil {
		return err
	}
	counts := map[AppStatus]int{}
	for _, a := range list {
		counts[a.Status]++
	}
	trainers, err := h.Store.Trainers(c.Context(), p.ID)
	if err != nil {
		return err
	}
	_, certs, err := h.Store.Certificates(c.Context(), c.User, p.Slug)
	if err != nil {
		return err
	}
	return c.RenderForm(status, "training/admin_programme", f, adminPage{viewFor(c), p, list, counts, trainers, certs})
}

func (h *Handlers) adminProgramme(c *web.Ctx) error { return h.adminPage(c, http.StatusOK, nil) }

func (h *Handlers) adminPublish(c *web.Ctx) error {
	p, err := h.Store.Publish(c.Context(), c.User, c.R.PathValue("slug"))
	if err != nil {
		return err
	}
	return c.Redirect("/admin/training/" + p.Slug)
}

// parseTime reads RFC 3339, or a date and time without a zone taken as
// UTC (what a datetime-local input sends).
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), true
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func (h *Handlers) adminOffer(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	var ids []int64
	for _, v := range f.Values["application"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return errs.New(errs.Invalid, "training.offer.none")
		}
		ids = append(ids, id)
	}
	by, ok := parseTime(f.Get("respond_by"))
	if !ok {
		var fe errs.Fields
		fe.Add("respond_by", "training.time_invalid")
		return h.adminPage(c, c.Fail(f, fe.Err()), f)
	}
	if _, err := h.Store.Offer(c.Context(), c.User, c.R.PathValue("slug"), ids, by); err != nil {
		if errs.CodeOf(err) == errs.Invalid {
			return h.adminPage(c, c.Fail(f, err), f)
		}
		return err
	}
	return c.Redirect("/admin/training/" + c.R.PathValue("slug"))
}

// Has reports whether list holds v, for the page's checkboxes.
func (v View) Has(list []string, s string) bool { return slices.Contains(list, s) }
