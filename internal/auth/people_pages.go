package auth

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/wuzhen/wuzhen/internal/web"
)

// PeoplePerPage is the length of a page of the list of people.
const PeoplePerPage = 50

// PersonRow is an account in the list of people, its times written out.
type PersonRow struct {
	*User
	LastLogin string // "" when never
}

// PeoplePage is the data of /admin/people.
type PeoplePage struct {
	Filter Filter
	People []PersonRow
	Total  int
	Pager  web.Pager
	Roles  []string
	Signed []string
}

// filterOf reads the list's filters from the query string; unknown
// values are ignored (the list shows everything).
func filterOf(q url.Values) Filter {
	f := Filter{Query: strings.TrimSpace(q.Get("q"))}
	if r := q.Get("role"); r == "staff" || validRole(r) {
		f.Role = r
	}
	if v := q.Get("verified"); v == "yes" || v == "no" {
		f.Verified = v
	}
	if s := q.Get("signed"); slices.Contains(SignedChoices, s) {
		f.Signed = s
	}
	return f
}

func (h *Handlers) people(c *web.Ctx) error {
	q := c.R.URL.Query()
	f := filterOf(q)
	page := web.PageNumber(q)
	list, total, err := h.Store.People(c.Context(), f, PeoplePerPage, (page-1)*PeoplePerPage)
	if err != nil {
		return err
	}
	pg := PeoplePage{Filter: f, Total: total, Pager: web.NewPager(q, page, PeoplePerPage, total), Roles: Roles, Signed: SignedChoices}
	for _, u := range list {
		r := PersonRow{User: u}
		if u.LastLogin != nil {
			r.LastLogin = When(*u.LastLogin, "")
		}
		pg.People = append(pg.People, r)
	}
	form := &web.Form{Values: url.Values{"q": {f.Query}, "role": {f.Role}, "verified": {f.Verified}, "signed": {f.Signed}}}
	return c.RenderForm(http.StatusOK, "auth/people", form, pg)
}

// RoleChoice is a staff role on a person's page, held or not.
type RoleChoice struct {
	Role string
	Held bool
}

// PersonPage is the data of /admin/people/{id}.
type PersonPage struct {
	User      *User
	Created   string
	LastLogin string
	Disabled  string
	Roles     []RoleChoice
	Sections  []Section
	Self      bool // the administrator's own account
	Done      string
}

func (h *Handlers) personPage(c *web.Ctx, id int64) (PersonPage, error) {
	u, err := h.Store.Person(c.Context(), id)
	if err != nil {
		return PersonPage{}, err
	}
	items, err := h.Store.Summary(c.Context(), u.Principal(), c.Lang)
	if err != nil {
		return PersonPage{}, err
	}
	pg := PersonPage{User: u, Created: When(u.Created, ""), Sections: sections(items), Self: id == c.User.ID,
		Done: c.R.URL.Query().Get("done")}
	if u.LastLogin != nil {
		pg.LastLogin = When(*u.LastLogin, "")
	}
	if u.Disabled != nil {
		pg.Disabled = When(*u.Disabled, "")
	}
	for _, r := range Roles {
		pg.Roles = append(pg.Roles, RoleChoice{Role: r, Held: slices.Contains(u.Roles, r)})
	}
	return pg, nil
}

func (h *Handlers) person(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	pg, err := h.personPage(c, id)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "auth/person", pg)
}

// personAction runs an administrator's action on the person in the path
// and goes back to their page, or shows the page with the error.
func (h *Handlers) personAction(c *web.Ctx, done string, act func(id int64, f *web.Form) error) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	f, err := c.Form()
	if err != nil {
		return err
	}
	if err := act(id, f); err != nil {
		status := c.Fail(f, err)
		if status == http.StatusNotFound {
			return err
		}
		pg, perr := h.personPage(c, id)
		if perr != nil {
			return perr
		}
		return c.RenderForm(status, "auth/person", f, pg)
	}
	return c.Redirect("/admin/people/" + c.R.PathValue("id") + "?done=" + done)
}

func (h *Handlers) setRole(c *web.Ctx) error {
	return h.personAction(c, "role", func(id int64, f *web.Form) error {
		return h.Store.SetRole(c.Context(), c.User, id, f.Get("role"), f.Get("grant") == "true")
	})
}

func (h *Handlers) disable(c *web.Ctx) error {
	return h.personAction(c, "disabled", func(id int64, f *web.Form) error {
		return h.Store.SetDisabled(c.Context(), c.User, id, true)
	})
}

func (h *Handlers) enable(c *web.Ctx) error {
	return h.personAction(c, "enabled", func(id int64, f *web.Form) error {
		return h.Store.SetDisabled(c.Context(), c.User, id, false)
	})
}

func (h *Handlers) sendReset(c *web.Ctx) error {
	return h.personAction(c, "reset", func(id int64, f *web.Form) error {
		return h.Store.SendReset(c.Context(), c.User, id)
	})
}
