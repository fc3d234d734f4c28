package events

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/wuzhen/wuzhen/internal/chart"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/tabular"
	"github.com/wuzhen/wuzhen/internal/web"
)

// The secretariat's pages: events, categories, registrations, statistics,
// and the check-in desk.

func (h *Handlers) adminList(c *web.Ctx) error {
	zone := "Asia/Shanghai"
	if h.Zone != nil {
		if z := h.Zone(c.Context()); z != "" {
			zone = z
		}
	}
	f := &web.Form{Values: url.Values{"timezone": {zone}, "kind": {string(Summit)}}}
	return h.renderAdminList(c, http.StatusOK, f)
}

func (h *Handlers) renderAdminList(c *web.Ctx, status int, f *web.Form) error {
	q := c.R.URL.Query()
	page, per := paging(q, 50)
	all, _, err := h.Store.List(c.Context(), Filter{Staff: true}, 0, 0)
	if err != nil {
		return err
	}
	// By date: those not yet over, the soonest first, then the past, the
	// latest first; each with its forums beneath it.
	up, past := listTree(all, h.Store.DB.Now())
	var rows []adminRow
	for _, it := range append(up, past...) {
		rows = append(rows, adminRow{listItem: it})
		for _, k := range it.Children {
			rows = append(rows, adminRow{listItem: k, Child: true})
		}
	}
	total := len(rows)
	list := rows[min((page-1)*per, total):min(page*per, total)]
	parents, _, err := h.Store.List(c.Context(), Filter{Staff: true, Kind: Summit}, 0, 0)
	if err != nil {
		return err
	}
	return c.RenderForm(status, "events/admin_list", f, map[string]any{
		"Events": list, "Pager": web.NewPager(q, page, per, total), "Options": optionsFor(c.Lang), "Parents": parents,
		"Texts": eventTexts,
	})
}

// eventTexts are the event form's fields in three languages.
var eventTexts = []string{"title", "theme", "description"}

// inputOf reads the event form.
func inputOf(f *web.Form) eventInput {
	return eventInput{Slug: f.Get("slug"), Kind: Kind(f.Get("kind")), Parent: f.Get("parent"), Title: textOf(f, "title"),
		Theme: textOf(f, "theme"), Description: textOf(f, "description"), StartsAt: f.Get("starts_at"), EndsAt: f.Get("ends_at"),
		TimeZone: f.Get("timezone"), Venue: f.Get("venue"), Country: f.Get("country"), OnlineURL: f.Get("online_url"),
		Topics: f.Values["topics"], Languages: f.Values["languages"], Interpretation: f.Get("interpretation"),
		Venues:          i18n.Text{Hans: f.Get("venue_zh_hans"), Hant: f.Get("venue_zh_hant")},
		Interpretations: i18n.Text{Hans: f.Get("interpretation_zh_hans"), Hant: f.Get("interpretation_zh_hant")},
		CheckInOpensAt:  f.Get("checkin_opens_at")}
}

func (h *Handlers) create(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	in := inputOf(f)
	e := in.event(0)
	if err := h.Store.Save(c.Context(), c.User, e, in.Parent); err != nil {
		return h.renderAdminList(c, c.Fail(f, err), f)
	}
	return c.Redirect("/admin/events/" + e.Slug)
}

// formOf fills the event form from a stored event.
func formOf(e *Event) *web.Form {
	v := url.Values{}
	v.Set("slug", e.Slug)
	v.Set("kind", string(e.Kind))
	if e.Parent != nil {
		v.Set("parent", e.Parent.Slug)
	}
	for prefix, t := range map[string]struct{ en, hans, hant string }{
		"title": {e.Title.En, e.Title.Hans, e.Title.Hant}, "theme": {e.Theme.En, e.Theme.Hans, e.Theme.Hant},
		"description": {e.Description.En, e.Description.Hans, e.Description.Hant}} {
		v.Set(prefix+"_en", t.en)
		v.Set(prefix+"_zh_hans", t.hans)
		v.Set(prefix+"_zh_hant", t.hant)
	}
	v.Set("starts_at", e.Local(e.Starts))
	v.Set("ends_at", e.Local(e.Ends))
	v.Set("timezone", e.TimeZone)
	v.Set("venue", e.Venue)
	v.Set("venue_zh_hans", e.VenueHans)
	v.Set("venue_zh_hant", e.VenueHant)
	v.Set("interpretation_zh_hans", e.InterpretationHans)
	v.Set("interpretation_zh_hant", e.InterpretationHant)
	if e.CheckInOpens != nil {
		v.Set("checkin_opens_at", e.Local(*e.CheckInOpens))
	}
	v.Set("country", e.Country)
	v.Set("online_url", e.OnlineURL)
	v["topics"] = e.Topics
	v["languages"] = e.Languages
	v.Set("interpretation", e.Interpretation)
	return &web.Form{Values: v}
}

func (h *Handlers) adminEvent(c *web.Ctx) error {
	e, err := h.Store.Event(c.Context(), c.R.PathValue("slug"), true)
	if err != nil {
		return err
	}
	return h.renderAdminEvent(c, http.StatusOK, e, formOf(e), nil, adminForms{})
}

// adminForms are the event page's smaller forms coming back with errors,
// and an invitation code just made (shown once).
type adminForms struct {
	Invitation, Delegation *web.Form
	NewCode                string
}

func (h *Handlers) renderAdminEvent(c *web.Ctx, status int, e *Event, f *web.Form, catForm *web.Form, more adminForms) error {
	cats, err := h.Store.Categories(c.Context(), e.ID)
	if err != nil {
		return err
	}
	st, err := h.Store.Stats(c.Context(), e.ID)
	if err != nil {
		return err
	}
	parents, _, err := h.Store.List(c.Context(), Filter{Staff: true, Kind: Summit}, 0, 0)
	if err != nil {
		return err
	}
	if catForm == nil {
		catForm = &web.Form{Values: url.Values{"approval": {string(Auto)}}}
	}
	if more.Invitation == nil {
		more.Invitation = &web.Form{Values: url.Values{}}
	}
	if more.Delegation == nil {
		more.Delegation = &web.Form{Values: url.Values{}}
	}
	invs, err := h.Store.Invitations(c.Context(), e.ID)
	if err != nil {
		return err
	}
	dels, err := h.Store.Delegations(c.Context(), e.ID)
	if err != nil {
		return err
	}
	byID := map[int64]*Category{}
	for _, cat := range cats {
		byID[cat.ID] = cat
	}
	for _, inv := range invs {
		inv.Category = byID[inv.CategoryID]
	}
	return c.RenderForm(status, "events/admin_event", f, map[string]any{
		"Event": e, "Categories": cats, "Stats": st, "Options": optionsFor(c.Lang), "Parents": parents, "CatForm": catForm,
		"Texts": eventTexts, "Invitations": invs, "Delegations": dels, "More": more,
	})
}

func (h *Handlers) update(c *web.Ctx) error {
	old, err := h.Store.Event(c.Context(), c.R.PathValue("slug"), true)
	if err != nil {
		return err
	}
	f, err := c.Form()
	if err != nil {
		return err
	}
	in := inputOf(f)
	e := in.event(old.ID)
	if err := h.Store.Save(c.Context(), c.User, e, in.Parent); err != nil {
		return h.renderAdminEvent(c, c.Fail(f, err), old, f, nil, adminForms{})
	}
	return c.Redirect("/admin/events/" + e.Slug)
}

func (h *Handlers) status(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	e, err := h.Store.SetStatus(c.Context(), c.User, c.R.PathValue("slug"), Status(f.Get("status")))
	if err != nil {
		return err
	}
	return c.Redirect("/admin/events/" + e.Slug)
}

func (h *Handlers) category(c *web.Ctx) error {
	e, err := h.Store.Event(c.Context(), c.R.PathValue("slug"), true)
	if err != nil {
		return err
	}
	f, err := c.Form()
	if err != nil {
		return err
	}
	capacity, cerr := strconv.Atoi(strings.TrimSpace(f.Get("capacity")))
	cat := &Category{Code: f.Get("code"), Name: textOf(f, "name"), Capacity: capacity, Approval: Approval(f.Get("approval")),
		Consent: textOf(f, "consent"), Colour: f.Get("colour")}
	err = cat.window(e, f.Get("opens_at"), f.Get("closes_at"))
	if err == nil && cerr != nil {
		err = errs.Fields{{Name: "capacity", Key: "events.capacity_invalid"}}.Err()
	}
	if err == nil {
		err = h.Store.SaveCategory(c.Context(), c.User, e.Slug, cat)
	}
	if err != nil {
		return h.renderAdminEvent(c, c.Fail(f, err), e, formOf(e), f, adminForms{})
	}
	return c.Redirect("/admin/events/" + e.Slug + "#categories")
}

func (h *Handlers) registrations(c *web.Ctx) error {
	e, err := h.Store.Event(c.Context(), c.R.PathValue("slug"), true)
	if err != nil {
		return err
	}
	q := c.R.URL.Query()
	f := RegFilter{Category: q.Get("category"), Status: RegStatus(q.Get("status")), Query: q.Get("q")}
	page, per := paging(q, 50)
	list, total, err := h.Store.Registrations(c.Context(), e.ID, f, per, (page-1)*per)
	if err != nil {
		return err
	}
	cats, err := h.Store.Categories(c.Context(), e.ID)
	if err != nil {
		return err
	}
	byID := map[int64]*Category{}
	for _, cat := range cats {
		byID[cat.ID] = cat
	}
	for _, r := range list {
		r.Category, r.Event = byID[r.CategoryID], e
	}
	return c.Render(http.StatusOK, "events/admin_registrations", map[string]any{
		"Event": e, "Registrations": list, "Categories": cats, "Filter": f, "Total": total,
		"Pager": web.NewPager(q, page, per, total), "Options": optionsFor(c.Lang),
		"Statuses": []RegStatus{Confirmed, Pending, Waitlisted, Withdrawn, Rejected}, "ExportQuery": exportQuery(f),
	})
}

// exportQuery keeps the list's filters for its download links.
func exportQuery(f RegFilter) string {
	v := url.Values{}
	for k, s := range map[string]string{"category": f.Category, "status": string(f.Status), "q": f.Query} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v.Encode()
}

func (h *Handlers) decide(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	f, err := c.Form()
	if err != nil {
		return err
	}
	r, err := h.Store.Decide(c.Context(), c.User, id, f.Get("decision") == "approve")
	if err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/admin/events/%s/registrations?status=pending", r.Event.Slug))
}

func (h *Handlers) statsPage(c *web.Ctx) error {
	e, err := h.Store.Event(c.Context(), c.R.PathValue("slug"), true)
	if err != nil {
		return err
	}
	st, err := h.Store.Stats(c.Context(), e.ID)
	if err != nil {
		return err
	}
	cats, err := h.Store.Categories(c.Context(), e.ID)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "events/admin_stats", map[string]any{"Event": e, "Stats": st, "Categories": cats,
		"Options": optionsFor(c.Lang), "Map": participantsMap(c, st), "Continents": continentBars(c, st)})
}

// participantsMap draws the confirmed participants per country.
func participantsMap(c *web.Ctx, st *Stats) template.HTML {
	p, o := c.P, optionsFor(c.Lang)
	counts := map[string]int{}
	for _, cc := range st.ByCountry {
		counts[cc.Country] = cc.Count
	}
	return chart.WorldMap(chart.MapInput{
		Counts: counts, Name: o.CountryName, ID: "participants-map",
		Title:     p.T("events.stats.map_title"),
		Desc:      p.T("events.stats.map_desc", st.Confirmed, st.Countries),
		Legend:    p.T("events.stats.map_legend"),
		NoneLabel: p.T("events.stats.map_none"),
		Label:     func(code string, n int) string { return p.N("events.stats.map_label", n, o.CountryName(code)) },
	})
}

// continentBars draws the confirmed participants per continent.
func continentBars(c *web.Ctx, st *Stats) template.HTML {
	var bars []chart.Bar
	for _, k := range geo.Continents() {
		bars = append(bars, chart.Bar{Label: k.Name(c.Lang), Value: st.ByContinent[k.Code()]})
	}
	return chart.Bars(c.P.T("events.stats.by_continent"), "", bars, nil)
}

// checkinPage is the check-in desk: a code field (typed, or filled by the
// camera where the browser can scan), the last result, live counts.
func (h *Handlers) checkinPage(c *web.Ctx) error {
	return h.renderCheckin(c, http.StatusOK, &web.Form{Values: url.Values{}}, nil)
}

func (h *Handlers) renderCheckin(c *web.Ctx, status int, f *web.Form, done *Registration) error {
	e, err := h.Store.Event(c.Context(), c.R.PathValue("slug"), true)
	if err != nil {
		return err
	}
	st, err := h.Store.Stats(c.Context(), e.ID)
	if err != nil {
		return err
	}
	cats, err := h.Store.Categories(c.Context(), e.ID)
	if err != nil {
		return err
	}
	photo := false
	if done != nil {
		for _, cat := range cats {
			if cat.ID == done.CategoryID {
				done.Category = cat
			}
		}
		if photo, err = h.Store.HasPhoto(c.Context(), done.ID); err != nil {
			return err
		}
	}
	return c.RenderForm(status, "events/checkin", f, map[string]any{"Event": e, "Stats": st, "Categories": cats, "Done": done,
		"Photo": photo, "Options": optionsFor(c.Lang), "Refused": status != http.StatusOK})
}

func (h *Handlers) checkin(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	e, err := h.Store.Event(c.Context(), c.R.PathValue("slug"), true)
	if err != nil {
		return err
	}
	// A signed badge token or a typed registration number (badge.go).
	// A refusal that names a registration shows whom it refused.
	r, err := h.Store.CheckInCode(c.Context(), c.User, e.ID, f.Get("code"))
	if err != nil {
		return h.renderCheckin(c, c.Fail(f, err), f, r)
	}
	return h.renderCheckin(c, http.StatusOK, &web.Form{Values: url.Values{}}, r)
}

// exportRoutes are the secretariat's downloads of an event's registrations.
func (h *Handlers) exportRoutes() []web.Route {
	manage := web.Perm(PermManage)
	return []web.Route{
		{Method: "GET", Path: "/admin/events/{slug}/registrations.csv", Access: manage, Handle: func(c *web.Ctx) error { return h.export(c, "csv", tabular.CSV) }},
		{Method: "GET", Path: "/admin/events/{slug}/registrations.xlsx", Access: manage, Handle: func(c *web.Ctx) error { return h.export(c, "xlsx", tabular.XLSX) }},
	}
}

// export sends the registrations the list's filters select, with every
// category's own questions as extra columns, and records the export of
// personal data in the audit log.
func (h *Handlers) export(c *web.Ctx, format string, send func(*web.Ctx, tabular.Table) error) error {
	e, err := h.Store.Event(c.Context(), c.R.PathValue("slug"), true)
	if err != nil {
		return err
	}
	q := c.R.URL.Query()
	f := RegFilter{Category: q.Get("category"), Status: RegStatus(q.Get("status")), Query: q.Get("q")}
	cats, err := h.Store.Categories(c.Context(), e.ID)
	if err != nil {
		return err
	}
	if err := h.Store.recordExport(c.Context(), c.User, e, format, f); err != nil {
		return err
	}
	byID := map[int64]*Category{}
	var questions []Question
	seen := map[string]bool{}
	for _, cat := range cats {
		byID[cat.ID] = cat
		for _, qu := range cat.Questions {
			if !seen[qu.Code] && !qu.Kind.fileQuestion() { // files are on the registration's page
				seen[qu.Code] = true
				questions = append(questions, qu)
			}
		}
	}
	p := c.P
	header := []string{p.T("events.field.number"), p.T("events.export.category_code"), p.T("events.field.category"),
		p.T("events.field.status"), p.T("events.answer.name"), p.T("events.answer.name_latin"), p.T("events.answer.organization"),
		p.T("events.export.country_code"), p.T("events.answer.country"), p.T("events.export.continent_code"),
		p.T("events.answer.stakeholder_group"), p.T("events.export.email"), p.T("events.export.registered_at"), p.T("events.checked_in_at")}
	widths := []float64{10, 12, 18, 14, 28, 28, 36, 8, 24, 8, 24, 32, 18, 18}
	for _, qu := range questions {
		header = append(header, qu.Label.For(c.Lang))
		widths = append(widths, 20)
	}
	const batch = 500
	var page []*Registration
	offset, i := 0, 0
	opt := optionsFor(c.Lang)
	return send(c, tabular.Table{
		File: fmt.Sprintf("registrations-%s-%s", e.Slug, c.Now().Format("2006-01-02")), Sheet: p.T("events.admin.registrations"),
		Header: header, Widths: widths,
		Next: func() ([]string, bool, error) {
			if i == len(page) {
				var err error
				if page, _, err = h.Store.Registrations(c.Context(), e.ID, f, batch, offset); err != nil || len(page) == 0 {
					return nil, false, err
				}
				offset += len(page)
				i = 0
			}
			r := page[i]
			i++
			cat := byID[r.CategoryID]
			group := ""
			if r.Group != "" {
				group = p.T("members.group." + r.Group)
			}
			row := []string{r.Number(), cat.Code, cat.Name.For(c.Lang), p.T("events.reg." + string(r.Status)), tabular.Text(r.Name),
				tabular.Text(r.NameLatin), tabular.Text(r.Organization), r.Country, opt.CountryName(r.Country), r.Continent, group,
				tabular.Text(r.Email), e.LocalTime(c.Lang, &r.Created), e.LocalTime(c.Lang, r.CheckedIn)}
			for _, qu := range questions {
				row = append(row, tabular.Text(r.Answers[qu.Code]))
			}
			return row, true, nil
		}})
}

// adminRow is a line of the staff's list of events.
type adminRow struct {
	listItem
	Child bool // an event in the one above (a summit's forum)
}
