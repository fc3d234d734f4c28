package auth

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/web"
)

// When writes t in zone tz (an IANA name; "" or unknown: UTC) with the
// zone's name: no time without its zone.
func When(t time.Time, tz string) string {
	loc, err := time.LoadLocation(tz)
	if tz == "" || err != nil {
		loc = time.UTC
	}
	return t.In(loc).Format("2006-01-02 15:04") + " " + loc.String()
}

// Section is one kind of a person's items on the account page.
type Section struct {
	Kind  string // ItemOrganisation, …: the catalogue key's last part
	Path  string // the page that lists them all
	Items []Item
}

// LangChoice is a language offered for the account.
type LangChoice struct {
	Tag, Name string
}

// AccountPage is the data of /account.
type AccountPage struct {
	User     *User
	Sections []Section
	Langs    []LangChoice
	Saved    string // what was just saved: "profile", "email", "password", ""
}

// sections groups items by kind in the account page's order.
func sections(items []Item) []Section {
	out := make([]Section, 0, len(ItemKinds))
	for _, k := range ItemKinds {
		s := Section{Kind: k.Kind, Path: k.Path}
		for _, it := range items {
			if it.Kind == k.Kind {
				s.Items = append(s.Items, it)
			}
		}
		out = append(out, s)
	}
	return out
}

// me loads the signed-in person's account.
func (h *Handlers) self(c *web.Ctx) (*User, error) {
	return h.Store.Person(c.Context(), c.User.ID)
}

func (h *Handlers) account(c *web.Ctx) error {
	u, err := h.self(c)
	if err != nil {
		return err
	}
	f := &web.Form{Values: url.Values{"name": {u.Name}, "other_names": {u.OtherNames}, "locale": {u.Locale}, "timezone": {u.TimeZone}}}
	return h.renderAccount(c, http.StatusOK, u, f)
}

func (h *Handlers) renderAccount(c *web.Ctx, status int, u *User, f *web.Form) error {
	items, err := h.Store.Summary(c.Context(), c.User, c.Lang)
	if err != nil {
		return err
	}
	pg := AccountPage{User: u, Sections: sections(items), Saved: c.R.URL.Query().Get("saved")}
	for _, l := range i18n.Langs {
		pg.Langs = append(pg.Langs, LangChoice{Tag: l, Name: i18n.Native[l]})
	}
	return c.RenderForm(status, "auth/account", f, pg)
}

func (h *Handlers) saveProfile(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	p := Profile{Name: f.Get("name"), OtherNames: f.Get("other_names"), Locale: f.Get("locale"), TimeZone: f.Get("timezone")}
	if err := h.Store.SaveProfile(c.Context(), c.User, p); err != nil {
		u, uerr := h.self(c)
		if uerr != nil {
			return uerr
		}
		return h.renderAccount(c, c.Fail(f, err), u, f)
	}
	if p.Locale != "" {
		http.SetCookie(c.W, &http.Cookie{Name: web.LangCookie, Value: p.Locale, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: strings.HasPrefix(c.BaseURL(), "https:"), SameSite: http.SameSiteLaxMode})
	}
	return c.Redirect("/account?saved=profile")
}

func (h *Handlers) emailForm(c *web.Ctx) error {
	return c.Render(http.StatusOK, "auth/account_email", AccountPage{User: &User{Email: c.User.Email}})
}

func (h *Handlers) changeEmail(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	if err := h.Store.RequestEmailChange(c.Context(), c.User, f.Get("email"), f.Get("password")); err != nil {
		f.Values.Del("password")
		return c.RenderForm(c.Fail(f, err), "auth/account_email", f, AccountPage{User: &User{Email: c.User.Email}})
	}
	return c.Render(http.StatusOK, "auth/account_email_sent", NormalizeEmail(f.Get("email")))
}

func (h *Handlers) emailConfirmForm(c *web.Ctx) error {
	return c.Render(http.StatusOK, "auth/account_email_confirm", c.R.URL.Query().Get("token"))
}

func (h *Handlers) emailConfirm(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	if err := h.Store.ConfirmEmail(c.Context(), f.Get("token")); err != nil {
		return c.RenderForm(c.Fail(f, err), "auth/account_email_confirm", f, f.Get("token"))
	}
	if c.User != nil {
		return c.Redirect("/account?saved=email")
	}
	return c.Redirect("/login")
}

func (h *Handlers) passwordForm(c *web.Ctx) error {
	return c.Render(http.StatusOK, "auth/account_password", nil)
}

func (h *Handlers) changePassword(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	token, expires, err := h.Store.ChangePassword(c.Context(), c.User, f.Get("password"), f.Get("new_password"),
		Where{Addr: c.ClientAddr(), Agent: c.R.UserAgent()})
	if err != nil {
		f.Values.Del("password")
		f.Values.Del("new_password")
		return c.RenderForm(c.Fail(f, err), "auth/account_password", f, nil)
	}
	c.SetSession(token, expires)
	return c.Redirect("/account?saved=password")
}

// TokenRow is an API token on the tokens page, its times written out.
type TokenRow struct {
	APIToken
	Created, LastUsed, Expires string
	Expired                    bool
}

// TokensPage is the data of /account/tokens.
type TokensPage struct {
	Tokens   []TokenRow
	New      string // the token just made, shown once
	NewLabel string
}

func (h *Handlers) tokensPage(c *web.Ctx, fresh, label string) (TokensPage, error) {
	u, err := h.self(c)
	if err != nil {
		return TokensPage{}, err
	}
	list, err := h.Store.Tokens(c.Context(), c.User.ID)
	if err != nil {
		return TokensPage{}, err
	}
	pg := TokensPage{New: fresh, NewLabel: label}
	now := c.Now()
	for _, t := range list {
		r := TokenRow{APIToken: t, Created: When(t.Created, u.TimeZone)}
		if t.LastUsed != nil {
			r.LastUsed = When(*t.LastUsed, u.TimeZone)
		}
		if t.Expires != nil {
			r.Expires = When(*t.Expires, u.TimeZone)
			r.Expired = !t.Expires.After(now)
		}
		pg.Tokens = append(pg.Tokens, r)
	}
	return pg, nil
}

func (h *Handlers) tokens(c *web.Ctx) error {
	pg, err := h.tokensPage(c, "", "")
	if err != nil {
		return err
	}
	f := &web.Form{Values: url.Values{"expires_at": {c.Now().Add(DefaultTokenLife).Format(time.DateOnly)}}}
	return c.RenderForm(http.StatusOK, "auth/account_tokens", f, pg)
}

// dateEnd reads a date (YYYY-MM-DD) as the end of that day in UTC; ""
// is nil, and so is a date that does not parse, marked ok false.
func dateEnd(s string) (t *time.Time, ok bool) {
	if s == "" {
		return nil, true
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return nil, false
	}
	d = d.Add(24*time.Hour - time.Second)
	return &d, true
}

func (h *Handlers) newToken(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	expires, ok := dateEnd(f.Get("expires_at"))
	var t APIToken
	var token string
	if !ok {
		err = fieldErr("expires_at", "account.token_expiry_invalid")
	} else {
		t, token, err = h.Store.NewToken(c.Context(), c.User, f.Get("label"), expires)
	}
	if err != nil {
		pg, perr := h.tokensPage(c, "", "")
		if perr != nil {
			return perr
		}
		return c.RenderForm(c.Fail(f, err), "auth/account_tokens", f, pg)
	}
	pg, err := h.tokensPage(c, token, t.Label)
	if err != nil {
		return err
	}
	f = &web.Form{Values: url.Values{"expires_at": {c.Now().Add(DefaultTokenLife).Format(time.DateOnly)}}}
	return c.RenderForm(http.StatusCreated, "auth/account_tokens", f, pg)
}

func pathID(c *web.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.R.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, web.NotFound()
	}
	return id, nil
}

func (h *Handlers) revokeToken(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := h.Store.RevokeToken(c.Context(), c.User, id); err != nil {
		return err
	}
	return c.Redirect("/account/tokens")
}

// SessionRow is a session on the sessions page, its times written out.
type SessionRow struct {
	Session
	Created, Expires string
}

func (h *Handlers) sessions(c *web.Ctx) error {
	u, err := h.self(c)
	if err != nil {
		return err
	}
	list, err := h.Store.Sessions(c.Context(), c.User.ID, c.SessionToken)
	if err != nil {
		return err
	}
	rows := make([]SessionRow, 0, len(list))
	for _, s := range list {
		rows = append(rows, SessionRow{Session: s, Created: When(s.Created, u.TimeZone), Expires: When(s.Expires, u.TimeZone)})
	}
	return c.Render(http.StatusOK, "auth/account_sessions", rows)
}

func (h *Handlers) endOtherSessions(c *web.Ctx) error {
	if err := h.Store.EndSessions(c.Context(), c.User, "", c.SessionToken); err != nil {
		return err
	}
	return c.Redirect("/account/sessions")
}

func (h *Handlers) endSession(c *web.Ctx) error {
	if err := h.Store.EndSessions(c.Context(), c.User, c.R.PathValue("id"), c.SessionToken); err != nil {
		return err
	}
	return c.Redirect("/account/sessions")
}

func (h *Handlers) export(c *web.Ctx) error {
	data, err := h.Store.Export(c.Context(), c.User)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(data, "", "  ")
	if err != nil {
		return err
	}
	return c.Download("wuzhen-my-data.json", "application/json; charset=utf-8", b, c.Now())
}

func (h *Handlers) deleteForm(c *web.Ctx) error {
	return c.Render(http.StatusOK, "auth/account_delete", nil)
}

func (h *Handlers) deleteAccount(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	if f.Get("confirm") != "yes" {
		err = fieldErr("confirm", "account.delete_confirm_required")
	} else {
		err = h.Store.Delete(c.Context(), c.User, f.Get("password"))
	}
	if err != nil {
		f.Values.Del("password")
		return c.RenderForm(c.Fail(f, err), "auth/account_delete", f, nil)
	}
	c.SetSession("", time.Time{})
	c.User = nil
	return c.Render(http.StatusOK, "auth/account_deleted", nil)
}

// fieldErr is an Invalid error at one field.
func fieldErr(name, key string) error {
	var fe errs.Fields
	fe.Add(name, key)
	return fe.Err()
}
