package events

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/web"
)

// The documents of an event: visa invitation letters (requested by the
// registrant, decided by the secretariat, verified by anyone), badges
// (printed per person or per category, revoked by the secretariat).

func (h *Handlers) documentRoutes() []web.Route {
	manage := web.Perm(PermManage)
	return []web.Route{
		{Method: "GET", Path: "/registrations/{id}/visa", Access: web.SignedIn, Handle: h.visaForm},
		{Method: "POST", Path: "/registrations/{id}/visa", Access: web.SignedIn, Handle: h.visaSave},
		{Method: "GET", Path: "/registrations/{id}/visa/letter.pdf", Access: web.SignedIn, Handle: h.visaLetter},
		{Method: "GET", Path: "/registrations/{id}/badge.pdf", Access: web.SignedIn, Handle: h.badge},
		{Method: "GET", Path: "/verify/{code}", Access: web.Public, Handle: h.verifyLetter},

		{Method: "GET", Path: "/admin/events/{slug}/visas", Access: manage, Handle: h.visaList},
		{Method: "GET", Path: "/admin/visas/{id}", Access: manage, Handle: h.visaAdmin},
		{Method: "POST", Path: "/admin/visas/{id}", Access: manage, Handle: h.visaDecide},
		{Method: "GET", Path: "/admin/events/{slug}/badges.pdf", Access: manage, Handle: h.badges},
		{Method: "POST", Path: "/admin/registrations/{id}/badge", Access: manage, Handle: h.badgeSet},
	}
}

// org is the organisation's name in lang, for letterheads and badges.
func (h *Handlers) org(c *web.Ctx, lang string) string {
	if h.Org != nil {
		if n := h.Org(c.Context(), lang); n != "" {
			return n
		}
	}
	return i18n.For(lang).T("site.default_name")
}

// passportFields are the visa form's fields, in order.
var passportFields = []string{"full_name", "nationality", "number", "birth_date", "expiry", "embassy", "arrival", "departure"}

func passportOf(f *web.Form) Passport {
	return Passport{FullName: f.Get("full_name"), Nationality: f.Get("nationality"), Number: f.Get("number"),
		BirthDate: f.Get("birth_date"), Expiry: f.Get("expiry"), Embassy: f.Get("embassy"), Arrival: f.Get("arrival"),
		Departure: f.Get("departure")}
}

func formOfPassport(p *Passport) *web.Form {
	v := url.Values{}
	if p != nil {
		for k, s := range map[string]string{"full_name": p.FullName, "nationality": p.Nationality, "number": p.Number,
			"birth_date": p.BirthDate, "expiry": p.Expiry, "embassy": p.Embassy, "arrival": p.Arrival, "departure": p.Departure} {
			v.Set(k, s)
		}
	}
	return &web.Form{Values: v}
}

// visaForm is the registrant's visa letter page: the passport form while
// it may be changed, else where the request stands and the letter.
func (h *Handlers) visaForm(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	r, v, err := h.Store.Visa(c.Context(), id, c.User.ID, false)
	if err != nil {
		return err
	}
	var f *web.Form
	if v != nil && v.Editable() {
		f = formOfPassport(v.Passport)
	} else {
		f = formOfPassport(nil)
		if v == nil {
			f.Values.Set("full_name", strings.ToUpper(r.NameLatin))
			f.Values.Set("nationality", r.Country)
		}
	}
	return h.renderVisa(c, http.StatusOK, r, v, f)
}

func (h *Handlers) renderVisa(c *web.Ctx, status int, r *Registration, v *VisaLetter, f *web.Form) error {
	c.W.Header().Set("Cache-Control", "no-store")
	return c.RenderForm(status, "events/visa", f, map[string]any{"R": r, "V": v, "Options": optionsFor(c.Lang),
		"Open": r.Status == Confirmed || r.Status == Pending})
}

func (h *Handlers) visaSave(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	f, err := c.Form()
	if err != nil {
		return err
	}
	if _, err := h.Store.RequestVisa(c.Context(), c.User, id, passportOf(f)); err != nil {
		r, v, lerr := h.Store.Visa(c.Context(), id, c.User.ID, false)
		if lerr != nil {
			return lerr
		}
		return h.renderVisa(c, c.Fail(f, err), r, v, f)
	}
	return c.Redirect(fmt.Sprintf("/registrations/%d/visa", id))
}

// visaLetter sends the approved letter as a PDF, in the registrant's
// language: to the registrant and the secretariat.
func (h *Handlers) visaLetter(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	r, v, err := h.Store.Visa(c.Context(), id, c.User.ID, c.Can(PermManage))
	if err != nil {
		return err
	}
	if v == nil || !v.Valid() || v.Passport == nil {
		return errs.New(errs.NotFound, "error.not_found")
	}
	lang := c.Lang
	if r.UserID != 0 {
		if u, err := auth.Lookup(c.Context(), h.Store.DB, r.UserID); err == nil && i18n.Match(u.Locale) != "" {
			lang = i18n.Match(u.Locale)
		}
	}
	var signer Signer
	if h.Signatory != nil {
		signer.Name, signer.Title = h.Signatory(c.Context())
	}
	b, err := renderLetter(v, h.org(c, lang), lang, c.BaseURL()+"/verify/"+v.Code, *v.Decided, signer)
	if err != nil {
		return err
	}
	return sendPDF(c, fmt.Sprintf("visa-letter-%s.pdf", r.Number()), b)
}

// sendPDF answers with a PDF that holds personal data: never cached.
func sendPDF(c *web.Ctx, name string, b []byte) error {
	h := c.W.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", name))
	h.Set("Cache-Control", "no-store")
	c.W.WriteHeader(http.StatusOK)
	_, err := c.W.Write(b)
	return err
}

// verifyLetter is the public verification page of a letter: valid or
// not, and its minimal facts, never the passport number.
func (h *Handlers) verifyLetter(c *web.Ctx) error {
	for _, v := range h.Verifiers {
		if v.Match(c.R.PathValue("code")) {
			return v.Serve(c)
		}
	}
	c.W.Header().Set("X-Robots-Tag", "noindex")
	c.W.Header().Set("Cache-Control", "no-store")
	chk, err := h.Store.CheckLetter(c.Context(), c.R.PathValue("code"))
	status := http.StatusOK
	if errs.CodeOf(err) == errs.NotFound {
		status, err = http.StatusNotFound, nil
	}
	if err != nil {
		return err
	}
	return c.Render(status, "events/verify", map[string]any{"Check": chk, "Code": c.R.PathValue("code")})
}

// visaList is the secretariat's list of an event's letter requests.
func (h *Handlers) visaList(c *web.Ctx) error {
	e, err := h.Store.Event(c.Context(), c.R.PathValue("slug"), true)
	if err != nil {
		return err
	}
	f := VisaFilter{Status: VisaStatus(c.R.URL.Query().Get("status"))}
	if f.Status != VisaRequested && f.Status != VisaApproved && f.Status != VisaRefused {
		f.Status = ""
	}
	list, err := h.Store.Visas(c.Context(), e.ID, f)
	if err != nil {
		return err
	}
	c.W.Header().Set("Cache-Control", "no-store")
	return c.Render(http.StatusOK, "events/admin_visas", map[string]any{"Event": e, "Visas": list, "Filter": f,
		"Statuses": []VisaStatus{VisaRequested, VisaApproved, VisaRefused}, "Options": optionsFor(c.Lang)})
}

// visaAdmin is one request, with every detail, for the secretariat to decide.
func (h *Handlers) visaAdmin(c *web.Ctx) error {
	return h.renderVisaAdmin(c, http.StatusOK, &web.Form{Values: url.Values{}})
}

func (h *Handlers) renderVisaAdmin(c *web.Ctx, status int, f *web.Form) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	r, v, err := h.Store.Visa(c.Context(), id, 0, true)
	if err != nil {
		return err
	}
	if v == nil {
		return errs.New(errs.NotFound, "error.not_found")
	}
	c.W.Header().Set("Cache-Control", "no-store")
	return c.RenderForm(status, "events/admin_visa", f, map[string]any{"R": r, "V": v, "Options": optionsFor(c.Lang)})
}

func (h *Handlers) visaDecide(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	f, err := c.Form()
	if err != nil {
		return err
	}
	d := VisaDecision(f.Get("decision"))
	if d != ApproveVisa && d != RefuseVisa && d != RevokeVisa {
		return errs.New(errs.Invalid, "events.decision_invalid")
	}
	if _, err := h.Store.DecideVisa(c.Context(), c.User, id, d, f.Get("reason")); err != nil {
		return h.renderVisaAdmin(c, c.Fail(f, err), f)
	}
	return c.Redirect(fmt.Sprintf("/admin/visas/%d", id))
}

// badge sends one person's badge: to the confirmed registrant, or staff.
func (h *Handlers) badge(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	b, err := h.Store.PersonBadge(c.Context(), id, c.User.ID, c.Can(PermManage))
	if err != nil {
		return err
	}
	out, err := renderBadges(b.R.Event, h.org(c, c.Lang), c.Lang, []Badge{*b}, c.Now())
	if err != nil {
		return err
	}
	return sendPDF(c, fmt.Sprintf("badge-%s.pdf", b.R.Number()), out)
}

// badges sends the badges of an event's confirmed registrations, of one
// category with ?category=code, eight to an A4 sheet.
func (h *Handlers) badges(c *web.Ctx) error {
	e, err := h.Store.Event(c.Context(), c.R.PathValue("slug"), true)
	if err != nil {
		return err
	}
	code := c.R.URL.Query().Get("category")
	list, err := h.Store.Badges(c.Context(), e, code)
	if err != nil {
		return err
	}
	out, err := renderBadges(e, h.org(c, c.Lang), c.Lang, list, c.Now())
	if err != nil {
		return err
	}
	name := "badges-" + e.Slug
	if code != "" {
		name += "-" + code
	}
	return sendPDF(c, name+".pdf", out)
}

// badgeSet revokes a badge, or gives a new one (action=reissue).
func (h *Handlers) badgeSet(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	f, err := c.Form()
	if err != nil {
		return err
	}
	r, err := h.Store.SetBadge(c.Context(), c.User, id, f.Get("action") != "reissue")
	if err != nil {
		return err
	}
	e, err := h.Store.byID(c.Context(), h.Store.DB, r.EventID, "")
	if err != nil {
		return err
	}
	return c.Redirect("/admin/events/" + e.Slug + "/registrations?q=" + url.QueryEscape(r.Email))
}
