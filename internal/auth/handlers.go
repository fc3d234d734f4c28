package auth

import (
	"net/http"
	"strings"
	"time"

	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/web"
)

// Handlers serve the account pages and /api/v1/me.
type Handlers struct {
	Store *Store
}

// Routes is the account part of the route table.
func (h *Handlers) Routes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/signup", Access: web.Public, Handle: h.signupForm},
		{Method: "POST", Path: "/signup", Access: web.Public, Handle: h.signup},
		{Method: "GET", Path: "/verify", Access: web.Public, Handle: h.verifyForm},
		{Method: "POST", Path: "/verify", Access: web.Public, Handle: h.verify},
		{Method: "GET", Path: "/login", Access: web.Public, Handle: h.loginForm},
		{Method: "POST", Path: "/login", Access: web.Public, Handle: h.login},
		{Method: "GET", Path: "/logout", Access: web.Public, Handle: h.logoutForm},
		{Method: "POST", Path: "/logout", Access: web.Public, Handle: h.logout},
		{Method: "GET", Path: "/password/reset", Access: web.Public, Handle: h.resetRequestForm},
		{Method: "POST", Path: "/password/reset", Access: web.Public, Handle: h.resetRequest},
		{Method: "GET", Path: "/password/reset/confirm", Access: web.Public, Handle: h.resetForm},
		{Method: "POST", Path: "/password/reset/confirm", Access: web.Public, Handle: h.reset},
		{Method: "GET", Path: "/api/v1/me", Access: web.SignedIn, Handle: h.me},
	}
}

func (h *Handlers) signupForm(c *web.Ctx) error {
	return c.Render(http.StatusOK, "auth/signup", nil)
}

func (h *Handlers) signup(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	if err := h.Store.Signup(c.Context(), f.Get("email"), f.Get("name"), f.Get("password"), c.Lang, c.ClientAddr()); err != nil {
		return c.RenderForm(c.Fail(f, err), "auth/signup", f, nil)
	}
	return c.Render(http.StatusOK, "auth/check_mail", map[string]any{"Email": NormalizeEmail(f.Get("email"))})
}

func (h *Handlers) verifyForm(c *web.Ctx) error {
	return c.Render(http.StatusOK, "auth/verify", map[string]any{"Token": c.R.URL.Query().Get("token")})
}

func (h *Handlers) verify(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	if _, err := h.Store.Verify(c.Context(), f.Get("token")); err != nil {
		return c.RenderForm(c.Fail(f, err), "auth/verify", f, map[string]any{"Token": f.Get("token")})
	}
	return c.Render(http.StatusOK, "auth/verified", nil)
}

func (h *Handlers) loginForm(c *web.Ctx) error {
	f := &web.Form{Values: c.R.URL.Query()}
	return c.RenderForm(http.StatusOK, "auth/login", f, nil)
}

func (h *Handlers) login(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	token, expires, _, err := h.Store.Login(c.Context(), f.Get("email"), f.Get("password"), c.ClientAddr(), c.SessionToken)
	if err != nil {
		f.Values.Del("password")
		return c.RenderForm(c.Fail(f, err), "auth/login", f, nil)
	}
	c.SetSession(token, expires)
	return c.Redirect(web.LocalPath(f.Get("next")))
}

func (h *Handlers) logoutForm(c *web.Ctx) error {
	return c.Render(http.StatusOK, "auth/logout", nil)
}

func (h *Handlers) logout(c *web.Ctx) error {
	if c.SessionToken != "" {
		if err := h.Store.Logout(c.Context(), c.SessionToken); err != nil {
			return err
		}
	}
	c.SetSession("", time.Time{})
	return c.Redirect("/")
}

func (h *Handlers) resetRequestForm(c *web.Ctx) error {
	return c.Render(http.StatusOK, "auth/reset_request", nil)
}

func (h *Handlers) resetRequest(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	var fe errs.Fields
	if !strings.Contains(f.Get("email"), "@") {
		fe.Add("email", "auth.email_invalid")
		return c.RenderForm(c.Fail(f, fe.Err()), "auth/reset_request", f, nil)
	}
	if err := h.Store.RequestReset(c.Context(), f.Get("email"), c.ClientAddr()); err != nil {
		return c.RenderForm(c.Fail(f, err), "auth/reset_request", f, nil)
	}
	return c.Render(http.StatusOK, "auth/check_mail", map[string]any{"Email": NormalizeEmail(f.Get("email")), "Reset": true})
}

func (h *Handlers) resetForm(c *web.Ctx) error {
	return c.Render(http.StatusOK, "auth/reset", map[string]any{"Token": c.R.URL.Query().Get("token")})
}

func (h *Handlers) reset(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	if err := h.Store.Reset(c.Context(), f.Get("token"), f.Get("password")); err != nil {
		f.Values.Del("password")
		return c.RenderForm(c.Fail(f, err), "auth/reset", f, map[string]any{"Token": f.Get("token")})
	}
	return c.Render(http.StatusOK, "auth/reset_done", nil)
}

// Me is the answer of GET /api/v1/me.
type Me struct {
	Email  string   `json:"email"`
	Name   string   `json:"name"`
	Roles  []string `json:"roles"`
	Locale string   `json:"locale"`
}

func (h *Handlers) me(c *web.Ctx) error {
	roles := c.User.Roles
	if roles == nil {
		roles = []string{}
	}
	locale := c.User.Locale
	if locale == "" {
		locale = c.Lang
	}
	return c.JSON(http.StatusOK, Me{Email: c.User.Email, Name: c.User.Name, Roles: roles, Locale: locale})
}
