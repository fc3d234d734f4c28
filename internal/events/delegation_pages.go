package events

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/web"
)

// Pages for invitation codes (the secretariat) and delegations (the
// secretariat sets quotas; members' representatives name their people).

func (h *Handlers) delegationRoutes() []web.Route {
	manage := web.Perm(PermManage)
	return []web.Route{
		{Method: "POST", Path: "/admin/events/{slug}/invitations", Access: manage, Handle: h.createInvitation},
		{Method: "POST", Path: "/admin/invitations/{id}/revoke", Access: manage, Handle: h.revokeInvitation},
		{Method: "POST", Path: "/admin/events/{slug}/delegations", Access: manage, Handle: h.setQuota},
		{Method: "GET", Path: "/events/{slug}/delegations/{member}", Access: web.SignedIn, Handle: h.delegationPage},
		{Method: "POST", Path: "/events/{slug}/delegations/{member}", Access: web.SignedIn, Handle: h.addDelegate},
	}
}

func (h *Handlers) createInvitation(c *web.Ctx) error {
	e, err := h.Store.Event(c.Context(), c.R.PathValue("slug"), true)
	if err != nil {
		return err
	}
	f, err := c.Form()
	if err != nil {
		return err
	}
	seats, _ := strconv.Atoi(strings.TrimSpace(f.Get("seats")))
	code, err := h.Store.CreateInvitation(c.Context(), c.User, e.Slug, f.Get("category"), seats, f.Get("label"))
	if err != nil {
		return h.renderAdminEvent(c, c.Fail(f, err), e, formOf(e), nil, adminForms{Invitation: f})
	}
	// The code is shown once, on this answer: only its hash is kept.
	return h.renderAdminEvent(c, http.StatusOK, e, formOf(e), nil, adminForms{NewCode: code})
}

func (h *Handlers) revokeInvitation(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	inv, err := h.Store.RevokeInvitation(c.Context(), c.User, id)
	if err != nil {
		return err
	}
	e, err := h.Store.byID(c.Context(), h.Store.DB, inv.EventID, "")
	if err != nil {
		return err
	}
	return c.Redirect("/admin/events/" + e.Slug + "#invitations")
}

// memberID reads a member's number as people write it (M00042) or its id.
func memberID(s string) (int64, bool) {
	s = strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(s)), "M")
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

func (h *Handlers) setQuota(c *web.Ctx) error {
	e, err := h.Store.Event(c.Context(), c.R.PathValue("slug"), true)
	if err != nil {
		return err
	}
	f, err := c.Form()
	if err != nil {
		return err
	}
	quota, qerr := strconv.Atoi(strings.TrimSpace(f.Get("quota")))
	id, ok := memberID(f.Get("member"))
	switch {
	case !ok:
		err = errs.Fields{{Name: "member", Key: "events.member_invalid"}}.Err()
	case qerr != nil:
		err = errs.Fields{{Name: "quota", Key: "events.capacity_invalid"}}.Err()
	default:
		err = h.Store.SetQuota(c.Context(), c.User, e.Slug, id, f.Get("category"), quota)
	}
	if err != nil {
		return h.renderAdminEvent(c, c.Fail(f, err), e, formOf(e), nil, adminForms{Delegation: f})
	}
	return c.Redirect("/admin/events/" + e.Slug + "#delegations")
}

// delegationAccess finds the delegation of the path's member to the
// path's event, for one of the member's representatives or the
// secretariat; anyone else gets Not Found.
func (h *Handlers) delegationAccess(c *web.Ctx) (int64, error) {
	id, ok := memberID(c.R.PathValue("member"))
	if !ok {
		return 0, web.NotFound()
	}
	if c.Can(PermManage) {
		return id, nil
	}
	if h.Store.Members == nil {
		return 0, web.NotFound()
	}
	if _, rep, err := h.Store.Members.Represents(c.Context(), c.User.ID, id); err != nil || !rep {
		if err != nil {
			return 0, err
		}
		return 0, web.NotFound()
	}
	return id, nil
}

func (h *Handlers) delegationPage(c *web.Ctx) error {
	return h.renderDelegation(c, http.StatusOK, &web.Form{Values: url.Values{}})
}

func (h *Handlers) renderDelegation(c *web.Ctx, status int, f *web.Form) error {
	id, err := h.delegationAccess(c)
	if err != nil {
		return err
	}
	d, people, err := h.Store.Delegation(c.Context(), c.R.PathValue("slug"), id)
	if err != nil {
		return err
	}
	if f.Get("organization") == "" {
		f.Values.Set("organization", d.MemberName.For(c.Lang))
	}
	return c.RenderForm(status, "events/delegation", f, map[string]any{"D": d, "People": people, "Options": optionsFor(c.Lang),
		"Full": d.Used >= d.Quota})
}

func (h *Handlers) addDelegate(c *web.Ctx) error {
	id, err := h.delegationAccess(c)
	if err != nil {
		return err
	}
	f, err := c.Form()
	if err != nil {
		return err
	}
	a := Answers{}
	for _, k := range []string{"name", "name_latin", "organization", "country", "stakeholder_group", "consent"} {
		if v := f.Get(k); v != "" {
			a[k] = v
		}
	}
	if _, err := h.Store.RegisterDelegate(c.Context(), c.User, c.R.PathValue("slug"), id, Delegate{Email: f.Get("email"), Answers: a}); err != nil {
		return h.renderDelegation(c, c.Fail(f, err), f)
	}
	return c.Redirect(fmt.Sprintf("/events/%s/delegations/%d", c.R.PathValue("slug"), id))
}
