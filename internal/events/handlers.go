package events

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/members"
	"github.com/wuzhen/wuzhen/internal/web"
)

// Handlers serve the events pages and API.
type Handlers struct {
	Store *Store
	// Org returns the organisation's name in a language, for letterheads
	// and badges (site.Store.Brand).
	Org func(ctx context.Context, lang string) string
	// Signatory returns who signs printed letters, and their title (the
	// organisation's settings); nil or "" signs for the secretariat.
	Signatory func(ctx context.Context) (name, title string)
	// Zone returns the time zone new events are offered (the
	// organisation's default); nil or "" offers Asia/Shanghai.
	Zone func(ctx context.Context) string
	// Verifiers serve the other documents checked at /verify/{code},
	// told apart by the code (a training certificate's starts WZC-): the
	// first whose Match takes the code answers. A letter's code matches
	// none of them.
	Verifiers []Verifier
}

// Verifier serves the verification page of another kind of document on
// the letters' route.
type Verifier struct {
	Match func(code string) bool
	Serve web.HandlerFunc
}

// Routes is the events part of the route table.
func (h *Handlers) Routes() []web.Route {
	manage, checkin := web.Perm(PermManage), web.Perm(PermCheckIn)
	return append(append(append(h.exportRoutes(), h.delegationRoutes()...), []web.Route{
		{Method: "GET", Path: "/events", Access: web.Public, Handle: h.list, Cache: true},
		{Method: "GET", Path: "/events/{slug}", Access: web.Public, Handle: h.page, Cache: true},
		{Method: "GET", Path: "/events/{slug}/calendar.ics", Access: web.Public, Handle: h.calendar, Cache: true},
		{Method: "GET", Path: "/events/{slug}/register", Access: web.SignedIn, Handle: h.registerForm},
		{Method: "POST", Path: "/events/{slug}/register", Access: web.SignedIn, Handle: h.register, MaxBody: MaxUploadBytes},
		{Method: "GET", Path: "/registrations", Access: web.SignedIn, Handle: h.mine},
		{Method: "GET", Path: "/registrations/{id}", Access: web.SignedIn, Handle: h.myRegistration},
		{Method: "POST", Path: "/registrations/{id}/cancel", Access: web.SignedIn, Handle: h.cancel},

		{Method: "GET", Path: "/admin/events", Access: manage, Handle: h.adminList},
		{Method: "POST", Path: "/admin/events", Access: manage, Handle: h.create},
		{Method: "GET", Path: "/admin/events/{slug}", Access: manage, Handle: h.adminEvent},
		{Method: "POST", Path: "/admin/events/{slug}", Access: manage, Handle: h.update},
		{Method: "POST", Path: "/admin/events/{slug}/status", Access: manage, Handle: h.status},
		{Method: "POST", Path: "/admin/events/{slug}/categories", Access: manage, Handle: h.category},
		{Method: "GET", Path: "/admin/events/{slug}/registrations", Access: manage, Handle: h.registrations},
		{Method: "POST", Path: "/admin/registrations/{id}/decision", Access: manage, Handle: h.decide},
		{Method: "GET", Path: "/admin/events/{slug}/stats", Access: manage, Handle: h.statsPage},
		{Method: "GET", Path: "/checkin/{slug}", Access: checkin, Handle: h.checkinPage},
		{Method: "POST", Path: "/checkin/{slug}", Access: checkin, Handle: h.checkin},

		{Method: "GET", Path: "/api/v1/events", Access: web.Public, Handle: h.apiList, Cache: true},
		{Method: "POST", Path: "/api/v1/events", Access: manage, Handle: h.apiCreate},
		{Method: "GET", Path: "/api/v1/events/{slug}", Access: web.Public, Handle: h.apiEvent},
		{Method: "POST", Path: "/api/v1/events/{slug}/status", Access: manage, Handle: h.apiStatus},
		{Method: "POST", Path: "/api/v1/events/{slug}/categories", Access: manage, Handle: h.apiCategory},
		{Method: "POST", Path: "/api/v1/events/{slug}/registrations", Access: web.SignedIn, Handle: h.apiRegister, MaxBody: 64 << 10},
		{Method: "GET", Path: "/api/v1/events/{slug}/stats", Access: web.Public, Handle: h.apiStats},
		{Method: "GET", Path: "/api/v1/registrations/{id}", Access: web.SignedIn, Handle: h.apiRegistration},
		{Method: "POST", Path: "/api/v1/registrations/{id}/cancel", Access: web.SignedIn, Handle: h.apiCancel},
		{Method: "POST", Path: "/api/v1/registrations/{id}/decision", Access: manage, Handle: h.apiDecide},
		{Method: "POST", Path: "/api/v1/registrations/{id}/check-in", Access: checkin, Handle: h.apiCheckIn},
	}...), append(append(h.documentRoutes(), h.fileRoutes()...), h.programmeRoutes()...)...)
}

func pathID(c *web.Ctx) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.ToUpper(c.R.PathValue("id")), "R-"), 10, 64)
	if err != nil || id <= 0 {
		return 0, web.NotFound()
	}
	return id, nil
}

// options are the choices the events forms offer, in the reader's language.
type options struct {
	Kinds     []Kind
	Topics    []string
	Langs     []string
	Groups    []members.Group
	Countries []geo.Country
	Zones     []string
	Lang      string
}

func optionsFor(lang string) options {
	return options{Kinds: Kinds, Topics: Topics, Langs: i18n.Langs, Groups: members.Groups, Countries: geo.Sorted(lang),
		Zones: zones, Lang: lang}
}

// CountryName returns a country's name in the options' language.
func (o options) CountryName(code string) string {
	if c, ok := geo.Lookup(code); ok {
		return c.Name(o.Lang)
	}
	return code
}

// zones are offered in the event form; any IANA zone is accepted.
var zones = []string{"Asia/Shanghai", "Asia/Hong_Kong", "Asia/Singapore", "Asia/Tokyo", "Asia/Kolkata", "Asia/Dubai",
	"Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Moscow", "Africa/Nairobi", "Africa/Lagos", "Africa/Cairo",
	"America/New_York", "America/Sao_Paulo", "America/Mexico_City", "Australia/Sydney", "Pacific/Auckland", "UTC"}

// list is the public list of events: summit editions with their forums,
// and the events between them.
func (h *Handlers) list(c *web.Ctx) error {
	q := c.R.URL.Query()
	f := Filter{}
	if k := Kind(q.Get("kind")); validKind(k) {
		f.Kind = k
	}
	if y, err := strconv.Atoi(q.Get("year")); err == nil && y > 1990 && y < 3000 {
		f.Year = y
	}
	if t := q.Get("topic"); contains(Topics, t) {
		f.Topic = t
	}
	page, per := paging(q, 30)
	all, total, err := h.Store.List(c.Context(), f, 0, 0)
	if err != nil {
		return err
	}
	years, err := h.Store.Years(c.Context())
	if err != nil {
		return err
	}
	upcoming, past := listTree(all, h.Store.DB.Now())
	pastTotal := len(past)
	past = past[min((page-1)*per, len(past)):min(page*per, len(past))]
	return c.Render(http.StatusOK, "events/list", listPage{Upcoming: upcoming, Past: past, Filter: f, Total: total,
		Pager: web.NewPager(q, page, per, pastTotal), Options: optionsFor(c.Lang), Years: years})
}

// listPage is the public list of events.
type listPage struct {
	Upcoming, Past []listItem
	Filter         Filter
	Total          int
	Pager          web.Pager
	Options        options
	Years          []int
}

// listItem is an event of the list with the events in it that the list
// holds too (a summit's forums, in the order they are held).
type listItem struct {
	*Event
	Children []listItem
	Ended    bool // over: its end has passed
}

// listTree arranges events as the list shows them: each event with its
// children beneath it (a child whose parent is not in the list stands on
// its own); events not yet over first, the soonest first, then those that
// have ended, the latest first. An event is over at its end.
func listTree(list []*Event, now time.Time) (upcoming, past []listItem) {
	byID := map[int64]int{}
	for i, e := range list {
		byID[e.ID] = i
	}
	children := map[int64][]*Event{}
	for _, e := range list {
		if _, ok := byID[e.ParentID]; ok && e.ParentID != 0 {
			children[e.ParentID] = append(children[e.ParentID], e)
		}
	}
	for _, e := range list {
		if _, ok := byID[e.ParentID]; ok && e.ParentID != 0 {
			continue
		}
		kids := children[e.ID]
		// In the order they are held; at one time, ceremonies and
		// plenaries before the forums beside them.
		slices.SortStableFunc(kids, func(a, b *Event) int {
			if c := a.Starts.Compare(b.Starts); c != 0 {
				return c
			}
			return kindRank(a.Kind) - kindRank(b.Kind)
		})
		item := listItem{Event: e, Ended: !e.Ends.After(now)}
		for _, k := range kids {
			item.Children = append(item.Children, listItem{Event: k, Ended: !k.Ends.After(now)})
		}
		if item.Ended {
			past = append(past, item)
		} else {
			upcoming = append(upcoming, item)
		}
	}
	// List gives the newest first: upcoming ones read forwards.
	slices.SortStableFunc(upcoming, func(a, b listItem) int { return a.Starts.Compare(b.Starts) })
	return upcoming, past
}

func paging(q url.Values, per int) (int, int) {
	page, _ := strconv.Atoi(q.Get("page"))
	if page < 1 || page > 100000 {
		page = 1
	}
	if n, err := strconv.Atoi(q.Get("per_page")); err == nil && n >= 1 && n <= 200 {
		per = n
	}
	return page, per
}

// page is an event's public page.
func (h *Handlers) page(c *web.Ctx) error {
	e, err := h.Store.Event(c.Context(), c.R.PathValue("slug"), false)
	if err != nil {
		return err
	}
	cats, err := h.Store.Categories(c.Context(), e.ID)
	if err != nil {
		return err
	}
	children, _, err := h.Store.List(c.Context(), Filter{ParentID: e.ID}, 0, 0)
	if err != nil {
		return err
	}
	st, err := h.Store.Stats(c.Context(), e.ID)
	if err != nil {
		return err
	}
	sessions, err := h.Store.Programme(c.Context(), e)
	if err != nil {
		return err
	}
	ld := jsonLD(e, c.BaseURL(), c.Lang)
	withSubEvents(ld, e, children, sessions, c.BaseURL(), c.Lang)
	return c.Render(http.StatusOK, "events/event", map[string]any{
		"Event": e, "Categories": cats, "Children": children, "Stats": st.Public(), "Options": optionsFor(c.Lang),
		"LD": ld, "Open": e.Status == Published && c.Now().Before(e.Ends), "Sessions": len(sessions),
	})
}

func (h *Handlers) calendar(c *web.Ctx) error {
	e, err := h.Store.Event(c.Context(), c.R.PathValue("slug"), false)
	if err != nil {
		return err
	}
	u, _ := url.Parse(c.BaseURL())
	cal := newCalendar(e.Title.For(c.Lang), u.Hostname(), c.Now())
	cal.event(vevent{UID: uid("event", e.ID), Summary: e.Title.For(c.Lang), Description: e.Theme.For(c.Lang),
		Location: strings.TrimSpace(e.Venue + " " + e.OnlineURL), URL: c.BaseURL() + "/events/" + e.Slug,
		Start: e.Starts, End: e.Ends, Cancelled: e.Status == Cancelled})
	sessions, err := h.Store.Programme(c.Context(), e)
	if err != nil {
		return err
	}
	for _, x := range sessions {
		cal.event(sessionEvent(x, c.BaseURL(), c.Lang))
	}
	c.W.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	c.W.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", e.Slug+".ics"))
	_, err = c.W.Write([]byte(cal.String()))
	return err
}

// registerForm shows a category's registration form (the first open one
// unless ?category= names another).
func (h *Handlers) registerForm(c *web.Ctx) error {
	f := &web.Form{Values: url.Values{}}
	f.Values.Set("category", c.R.URL.Query().Get("category"))
	f.Values.Set("name", c.User.Name)
	return h.renderRegister(c, http.StatusOK, f)
}

func (h *Handlers) renderRegister(c *web.Ctx, status int, f *web.Form) error {
	e, err := h.Store.Event(c.Context(), c.R.PathValue("slug"), false)
	if err != nil {
		return err
	}
	cats, err := h.Store.Categories(c.Context(), e.ID)
	if err != nil {
		return err
	}
	var open []*Category
	for _, cat := range cats {
		if cat.OpenAt(c.Now()) {
			open = append(open, cat)
		}
	}
	var chosen *Category
	for _, cat := range open {
		if cat.Code == f.Get("category") || chosen == nil {
			chosen = cat
		}
	}
	if chosen != nil {
		f.Values.Set("category", chosen.Code)
	}
	return c.RenderForm(status, "events/register", f, map[string]any{
		"Event": e, "Categories": open, "Category": chosen, "Options": optionsFor(c.Lang),
		"Closed": e.Status != Published || !c.Now().Before(e.Ends) || len(open) == 0,
	})
}

// register takes the registration form, with the files its category asks
// for (multipart): the files are checked by their content first, then the
// registration and its files are stored together. A refusal comes back at
// its field with the rest of the form filled in (a file must be chosen
// again: browsers do not let a page fill in a file input).
func (h *Handlers) register(c *web.Ctx) error {
	f, uploads, err := readRegisterForm(c)
	if err != nil {
		if f == nil {
			return err
		}
		return h.renderRegister(c, c.Fail(f, err), f)
	}
	a := Answers{}
	for k, v := range f.Values {
		if k != "category" && k != "invitation" && len(v) > 0 && v[0] != "" {
			a[k] = v[0]
		}
	}
	slug := c.R.PathValue("slug")
	files, err := h.Store.CheckFiles(c.Context(), slug, f.Get("category"), uploads)
	if fe, ok := errs.As(err); ok && fe.Code == errs.Invalid {
		// With what else the form needs, each field's first error.
		refused := map[string]*RegFile{}
		for _, x := range fe.Fields {
			refused[x.Name] = &RegFile{}
		}
		if more, ok := errs.As(h.Store.CheckAnswers(c.Context(), slug, f.Get("category"), a, c.User.Name, refused)); ok {
			for _, x := range more.Fields {
				if !errs.Fields(fe.Fields).Has(x.Name) {
					fe.Fields = append(fe.Fields, x)
				}
			}
		}
		return h.renderRegister(c, c.Fail(f, fe), f)
	}
	if err != nil {
		return err
	}
	r, err := h.Store.RegisterWith(c.Context(), c.User, slug, f.Get("category"), a, f.Get("invitation"), files, false)
	if err != nil {
		return h.renderRegister(c, c.Fail(f, err), f)
	}
	return c.Redirect(fmt.Sprintf("/registrations/%d", r.ID))
}

func (h *Handlers) mine(c *web.Ctx) error {
	list, err := h.Store.Mine(c.Context(), c.User.ID)
	if err != nil {
		return err
	}
	dels, err := h.Store.DelegationsOf(c.Context(), c.User.ID)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "events/mine", map[string]any{"Registrations": list, "Delegations": dels})
}

func (h *Handlers) myRegistration(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	r, err := h.Store.Registration(c.Context(), id, c.User.ID, false)
	if err != nil {
		return err
	}
	files, err := h.Store.Files(c.Context(), id)
	if err != nil {
		return err
	}
	byCode := map[string]*RegFile{}
	for _, f := range files {
		byCode[f.Question] = f
	}
	return c.Render(http.StatusOK, "events/registration", map[string]any{"R": r, "Files": byCode, "Options": optionsFor(c.Lang)})
}

func (h *Handlers) cancel(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	staff := c.Can(PermManage)
	r, err := h.Store.Cancel(c.Context(), c.User, id, staff)
	if err != nil {
		return err
	}
	if staff && r.UserID != c.User.ID {
		ev, err := h.Store.byID(c.Context(), h.Store.DB, r.EventID, "")
		if err != nil {
			return err
		}
		return c.Redirect("/admin/events/" + ev.Slug + "/registrations")
	}
	return c.Redirect(fmt.Sprintf("/registrations/%d", r.ID))
}

// Parse helpers shared by the forms and the API.

// textOf reads a text in three languages from form fields prefix_en,
// prefix_zh_hans and prefix_zh_hant.
func textOf(f *web.Form, prefix string) i18n.Text {
	return i18n.Text{En: strings.TrimSpace(f.Get(prefix + "_en")), Hans: strings.TrimSpace(f.Get(prefix + "_zh_hans")),
		Hant: strings.TrimSpace(f.Get(prefix + "_zh_hant"))}
}

// ContinentName returns a continent's name, by its code, in the options' language.
func (o options) ContinentName(code string) string {
	if c, ok := geo.ContinentByCode(code); ok {
		return c.Name(o.Lang)
	}
	return code
}

// kindRank orders kinds held at one time: ceremonies, plenaries, the rest.
func kindRank(k Kind) int {
	switch k {
	case CeremonyEvent:
		return 0
	case PlenaryEvent:
		return 1
	}
	return 2
}
