package members

import (
	"fmt"
	"net/http"

	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/web"
)

// applicationRequest is the body of POST /api/v1/membership-applications.
type applicationRequest struct {
	Kind          Kind   `json:"kind"`
	Name          Names  `json:"name"`
	Acronym       string `json:"acronym"`
	Group         Group  `json:"stakeholder_group"`
	Country       string `json:"country"`
	Website       string `json:"website"`
	Description   string `json:"description"`
	ContactName   string `json:"contact_name"`
	ContactEmail  string `json:"contact_email"`
	Motivation    string `json:"motivation"`
	CharterAgreed *bool  `json:"charter_agreed"`
	Submit        *bool  `json:"submit"`
}

func (h *Handlers) apiApply(c *web.Ctx) error {
	var req applicationRequest
	if err := c.DecodeJSON(&req); err != nil {
		return err
	}
	submit := req.Submit == nil || *req.Submit
	// A script acting for its account agrees to the charter by submitting,
	// unless it says otherwise.
	agreed := req.CharterAgreed == nil || *req.CharterAgreed
	a := &Application{Kind: req.Kind, Name: req.Name, Acronym: req.Acronym, Group: req.Group, Country: req.Country,
		Website: req.Website, Description: req.Description, ContactName: req.ContactName, ContactEmail: req.ContactEmail,
		Motivation: req.Motivation, CharterAgreed: agreed}
	if a.Kind == "" {
		a.Kind = Organization
	}
	if err := h.Store.Save(c.Context(), c.User, a, submit); err != nil {
		return err
	}
	c.W.Header().Set("Location", fmt.Sprintf("/api/v1/membership-applications/%d", a.ID))
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
	return c.JSON(http.StatusOK, a)
}

func (h *Handlers) apiDecide(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var req struct {
		Decision Decision `json:"decision"`
		Reason   string   `json:"reason"`
	}
	if err := c.DecodeJSON(&req); err != nil {
		return err
	}
	a, err := h.Store.Decide(c.Context(), c.User, id, req.Decision, req.Reason)
	if err != nil {
		return err
	}
	out := map[string]any{"status": a.Status, "member_id": nil}
	if a.MemberID != 0 {
		out["member_id"] = a.MemberID
	}
	return c.JSON(http.StatusOK, out)
}

// listedMember is a member in GET /api/v1/members.
type listedMember struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Country   string `json:"country"`
	Continent string `json:"continent"`
	Group     Group  `json:"stakeholder_group"`
	JoinedOn  string `json:"joined_on"`
	URL       string `json:"url"`
}

func (h *Handlers) apiMembers(c *web.Ctx) error {
	q := c.R.URL.Query()
	page, per := paging(q, 50)
	list, total, err := h.Store.Directory(c.Context(), filterOf(q), per, (page-1)*per)
	if err != nil {
		return err
	}
	items := make([]listedMember, 0, len(list))
	for _, m := range list {
		items = append(items, listedMember{ID: m.ID, Name: m.Name.For(c.Lang), Country: m.Country,
			Continent: geo.Continent(m.Continent).Code(), Group: m.Group, JoinedOn: m.JoinedOn,
			URL: fmt.Sprintf("%s/members/%d", c.BaseURL(), m.ID)})
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "total": total, "page": page, "per_page": per})
}

func (h *Handlers) apiStats(c *web.Ctx) error {
	st, err := h.Store.Stats(c.Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, st.Public())
}
