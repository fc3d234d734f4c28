package members

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/web"
)

// Handlers serve the members pages and API.
type Handlers struct {
	Store *Store
}

// Routes is the members part of the route table.
func (h *Handlers) Routes() []web.Route {
	review := web.Perm(PermReview)
	routes := []web.Route{
		{Method: "GET", Path: "/members", Access: web.Public, Handle: h.directory, Cache: true},
		{Method: "GET", Path: "/members/{id}", Access: web.Public, Handle: h.profile, Cache: true},
		{Method: "GET", Path: "/members/apply", Access: web.SignedIn, Handle: h.applyForm},
		{Method: "POST", Path: "/members/apply", Access: web.SignedIn, Handle: h.apply},
		{Method: "GET", Path: "/members/applications", Access: web.SignedIn, Handle: h.mine},
		{Method: "GET", Path: "/members/applications/{id}", Access: web.SignedIn, Handle: h.myApplication},
		{Method: "GET", Path: "/admin/applications", Access: review, Handle: h.queue},
		{Method: "GET", Path: "/admin/applications/{id}", Access: review, Handle: h.review},
		{Method: "POST", Path: "/admin/applications/{id}/comments", Access: review, Handle: h.comment},
		{Method: "POST", Path: "/admin/applications/{id}/decision", Access: review, Handle: h.decide},

		{Method: "POST", Path: "/api/v1/membership-applications", Access: web.SignedIn, Handle: h.apiApply},
		{Method: "GET", Path: "/api/v1/membership-applications/{id}", Access: web.SignedIn, Handle: h.apiApplication},
		{Method: "POST", Path: "/api/v1/membership-applications/{id}/decision", Access: review, Handle: h.apiDecide},
		{Method: "GET", Path: "/api/v1/members", Access: web.Public, Handle: h.apiMembers, Cache: true},
		{Method: "GET", Path: "/api/v1/stats/members", Access: web.Public, Handle: h.apiStats, Cache: true},
	}
	routes = append(routes, h.lifecycleRoutes()...)
	routes = append(routes, h.exportRoutes()...)
	routes = append(routes, h.logoRoutes()...)
	return append(routes, h.representativeRoutes()...)
}

func pathID(c *web.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.R.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, web.NotFound()
	}
	return id, nil
}

// posted reads the id in the path and the posted form.
func posted(c *web.Ctx) (int64, *web.Form, error) {
	id, err := pathID(c)
	if err != nil {
		return 0, nil, err
	}
	f, err := c.Form()
	return id, f, err
}

// filterOf reads the directory's filters from the query string. Unknown
// values are ignored rather than refused: the page shows everything.
func filterOf(q url.Values) Filter {
	f := Filter{Query: strings.TrimSpace(q.Get("q")), Country: strings.ToUpper(q.Get("country"))}
	if c, ok := geo.ContinentByCode(q.Get("continent")); ok {
		f.Continent = c
	}
	if _, ok := geo.Lookup(f.Country); !ok {
		f.Country = ""
	}
	if g := Group(q.Get("stakeholder_group")); ValidGroup(g) {
		f.Group = g
	}
	if y, err := strconv.Atoi(q.Get("joined")); err == nil && y > 1900 && y < 3000 {
		f.Joined = y
	}
	return f
}

// paging reads page and per_page (1–100, default def).
func paging(q url.Values, def int) (page, per int) {
	page = web.PageNumber(q)
	per, _ = strconv.Atoi(q.Get("per_page"))
	if per < 1 || per > 100 {
		per = def
	}
	return page, per
}

type directoryData struct {
	Filter   Filter
	Query    url.Values
	Members  []*Member
	Total    int
	Pager    web.Pager
	Stats    *Stats
	Years    []int
	Map      any
	Growth   any
	Options  options
	Headline string
	Export   *ExportLinks // nil but for the secretariat
}

func (h *Handlers) directory(c *web.Ctx) error {
	q := c.R.URL.Query()
	f := filterOf(q)
	page, per := paging(q, 24)
	list, total, err := h.Store.Directory(c.Context(), f, per, (page-1)*per)
	if err != nil {
		return err
	}
	st, err := h.Store.Stats(c.Context())
	if err != nil {
		return err
	}
	years := append([]int(nil), st.Years...)
	for i, j := 0, len(years)-1; i < j; i, j = i+1, j-1 {
		years[i], years[j] = years[j], years[i]
	}
	return c.Render(http.StatusOK, "members/directory", directoryData{
		Filter: f, Query: q, Members: list, Total: total, Pager: web.NewPager(q, page, per, total), Stats: st, Years: years,
		Map: worldMap(c, st), Growth: growthChart(c, st), Options: optionsFor(c.Lang), Headline: headline(c.P, st),
		Export: exportLinks(c, q),
	})
}

func (h *Handlers) profile(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	m, err := h.Store.Public(c.Context(), id)
	if err != nil {
		return err
	}
	manage := c.Can(PermManage)
	if c.User != nil && !manage {
		if _, manage, err = h.Store.Represents(c.Context(), c.User.ID, id); err != nil {
			return err
		}
	}
	logo, err := h.Store.MemberLogoURL(c.Context(), id)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "members/profile", profileData{Member: m, Manage: manage, LogoURL: logo})
}

type profileData struct {
	*Member
	Manage  bool   // the reader may manage this member
	LogoURL string // "" when the member has no logo
}

// applicationForm reads the application form.
func applicationForm(f *web.Form) *Application {
	id, _ := strconv.ParseInt(f.Get("id"), 10, 64)
	return &Application{
		ID:      id,
		Kind:    Kind(f.Get("kind")),
		Name:    Names{En: f.Get("name_en"), Hans: f.Get("name_zh_hans"), Hant: f.Get("name_zh_hant")},
		Acronym: f.Get("acronym"), Group: Group(f.Get("stakeholder_group")), Country: f.Get("country"),
		Website: f.Get("website"), Description: f.Get("description"), ContactName: f.Get("contact_name"),
		ContactEmail: f.Get("contact_email"), Motivation: f.Get("motivation"), CharterAgreed: f.Get("charter") == "yes",
	}
}

// formOf fills a form with an application, to edit it.
func formOf(a *Application) *web.Form {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("id", strconv.FormatInt(a.ID, 10))
	set("kind", string(a.Kind))
	set("name_en", a.Name.En)
	set("name_zh_hans", a.Name.Hans)
	set("name_zh_hant", a.Name.Hant)
	set("acronym", a.Acronym)
	set("stakeholder_group", string(a.Group))
	set("country", a.Country)
	set("website", a.Website)
	set("description", a.Description)
	set("contact_name", a.ContactName)
	set("contact_email", a.ContactEmail)
	set("motivation", a.Motivation)
	if a.CharterAgreed {
		v.Set("charter", "yes")
	}
	return &web.Form{Values: v}
}

type applyData struct {
	Application *Application // the application being edited, nil for a new one
	Options     options
}

func (h *Handlers) applyForm(c *web.Ctx) error {
	var a *Application
	f := &web.Form{Values: url.Values{"kind": {string(Organization)}, "contact_email": {c.User.Email}, "contact_name": {c.User.Name}}}
	if s := c.R.URL.Query().Get("id"); s != "" {
		id, _ := strconv.ParseInt(s, 10, 64)
		var err error
		if a, err = h.Store.Application(c.Context(), c.User, id); err != nil {
			return err
		}
		if a.ApplicantID != c.User.ID || !a.Editable() {
			return c.Redirect(fmt.Sprintf("/members/applications/%d", a.ID))
		}
		f = formOf(a)
		if err := h.withLogo(c.Context(), f, a.ID); err != nil {
			return err
		}
	}
	return c.RenderForm(http.StatusOK, "members/apply", f, applyData{Application: a, Options: optionsFor(c.Lang)})
}

func (h *Handlers) apply(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	a := applicationForm(f)
	submit := f.Get("action") == "submit"
	if err := h.Store.Save(c.Context(), c.User, a, submit); err != nil {
		var current *Application
		if a.ID != 0 {
			current, _ = h.Store.Application(c.Context(), c.User, a.ID)
		}
		var logoOf int64 // the logo shown is never taken from the posted form
		if current != nil {
			logoOf = current.ID
		}
		if err := h.withLogo(c.Context(), f, logoOf); err != nil {
			return err
		}
		return c.RenderForm(c.Fail(f, formNames(err)), "members/apply", f, applyData{Application: current, Options: optionsFor(c.Lang)})
	}
	return c.Redirect(fmt.Sprintf("/members/applications/%d", a.ID))
}

// formNames renames the fields of an application's errors from the API's
// paths (name.en) to the form's names (name_en), so that the form shows
// each error at its input.
func formNames(err error) error {
	e, ok := errs.As(err)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	out := *e
	out.Fields = make(errs.Fields, len(e.Fields))
	for i, fe := range e.Fields {
		if name, ok := map[string]string{"name.en": "name_en", "name.zh-Hans": "name_zh_hans", "name.zh-Hant": "name_zh_hant"}[fe.Name]; ok {
			fe.Name = name
		}
		out.Fields[i] = fe
	}
	return &out
}

func (h *Handlers) mine(c *web.Ctx) error {
	list, err := h.Store.Mine(c.Context(), c.User.ID)
	if err != nil {
		return err
	}
	represented, err := h.Store.Represented(c.Context(), c.User.ID)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "members/mine", map[string]any{"Applications": list, "Represented": represented})
}

func (h *Handlers) myApplication(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	a, err := h.Store.Application(c.Context(), c.User, id)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "members/application", map[string]any{"A": a, "Options": optionsFor(c.Lang), "Reviewer": c.Can(PermReview)})
}

type queueData struct {
	Filter   QueueFilter
	List     []*Application
	Counts   map[Status]int
	Total    int
	Pager    web.Pager
	Query    url.Values
	Statuses []Status
	Options  options
}

func (h *Handlers) queue(c *web.Ctx) error {
	q := c.R.URL.Query()
	f := QueueFilter{Status: Status(q.Get("status")), Country: strings.ToUpper(q.Get("country")), Group: Group(q.Get("stakeholder_group"))}
	page, per := paging(q, 50)
	list, counts, total, err := h.Store.Queue(c.Context(), f, per, (page-1)*per)
	if err != nil {
		return err
	}
	if f.Status == "" {
		f.Status = Submitted
	}
	return c.Render(http.StatusOK, "members/queue", queueData{Filter: f, List: list, Counts: counts, Total: total,
		Pager: web.NewPager(q, page, per, total), Query: q, Statuses: Statuses, Options: optionsFor(c.Lang)})
}

type reviewData struct {
	A          *Application
	Duplicates []Duplicate
	Comments   []Comment
	Options    options
	LogoURL    string // "" when the application has no logo
}

func (h *Handlers) reviewPage(c *web.Ctx, status int, f *web.Form, id int64) error {
	a, err := h.Store.Application(c.Context(), c.User, id)
	if err != nil {
		return err
	}
	dups, err := h.Store.Duplicates(c.Context(), a)
	if err != nil {
		return err
	}
	comments, err := h.Store.Comments(c.Context(), id)
	if err != nil {
		return err
	}
	logo, err := h.Store.ApplicationLogoURL(c.Context(), id)
	if err != nil {
		return err
	}
	return c.RenderForm(status, "members/review", f, reviewData{A: a, Duplicates: dups, Comments: comments, Options: optionsFor(c.Lang), LogoURL: logo})
}

func (h *Handlers) review(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return h.reviewPage(c, http.StatusOK, nil, id)
}

func (h *Handlers) comment(c *web.Ctx) error {
	id, f, err := posted(c)
	if err != nil {
		return err
	}
	if err := h.Store.AddComment(c.Context(), c.User, id, f.Get("body")); err != nil {
		return h.reviewPage(c, c.Fail(f, err), f, id)
	}
	return c.Redirect(fmt.Sprintf("/admin/applications/%d#comments", id))
}

func (h *Handlers) decide(c *web.Ctx) error {
	id, f, err := posted(c)
	if err != nil {
		return err
	}
	if _, err := h.Store.Decide(c.Context(), c.User, id, Decision(f.Get("decision")), f.Get("reason")); err != nil {
		if errs.CodeOf(err) == errs.Internal {
			return err
		}
		return h.reviewPage(c, c.Fail(f, err), f, id)
	}
	return c.Redirect(fmt.Sprintf("/admin/applications/%d", id))
}
