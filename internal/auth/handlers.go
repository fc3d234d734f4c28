package auth

import (
	"net/http"
	"strings"
	"time"

	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/web"
)

// Handlers serve sign-up, sign-in and reset (this file), a person's own
// account (account_pages.go), the administrators' pages of people
// (people_pages.go) and the API (api.go); routes.go lists them.
type Handlers struct {
	Store *Store
}

// DeviceCookie names the browser as a device that signed in before (see
// the sign-in limits); only /login reads it.
const DeviceCookie = "wz_device"

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
	device := ""
	if ck, err := c.R.Cookie(DeviceCookie); err == nil {
		device = ck.Value
	}
	r, err := h.Store.SignIn(c.Context(), Attempt{Email: f.Get("email"), Password: f.Get("password"), Addr: c.ClientAddr(),
		Agent: c.R.UserAgent(), Device: device, Old: c.SessionToken})
	if err != nil {
		f.Values.Del("password")
		return c.RenderForm(c.Fail(f, err), "auth/login", f, nil)
	}
	c.SetSession(r.Token, r.Expires)
	if r.Device != "" {
		http.SetCookie(c.W, &http.Cookie{Name: DeviceCookie, Value: r.Device, Path: "/login", MaxAge: int(DeviceLife.Seconds()),
			HttpOnly: true, Secure: strings.HasPrefix(c.BaseURL(), "https:"), SameSite: http.SameSiteStrictMode})
	}
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
