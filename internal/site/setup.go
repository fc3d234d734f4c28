package site

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/crypt"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/web"
)

// First-run setup: on an install with no administrator and no settings, /setup
// makes the first administrator and the organisation's settings in one
// transaction. It is served only to this machine (web.Ctx.Local) or to
// whoever brings the one-time code that the server logs at start; every
// other request, and every request once setup is done, gets 404.

// SetupPending reports whether the install still needs setting up: no
// administrator and no settings. (Accounts that people made by signing up
// do not count: a stranger's sign-up must not take the setup page from the
// operator.) Once false it stays false in this process.
func (s *Store) SetupPending(ctx context.Context) (bool, error) {
	if s.setupDone.Load() {
		return false, nil
	}
	pending, err := setupPending(ctx, s.DB)
	if err == nil && !pending {
		s.setupDone.Store(true)
	}
	return pending, err
}

func setupPending(ctx context.Context, q db.Querier) (bool, error) {
	n, err := auth.Admins(ctx, q)
	if err != nil {
		return false, fmt.Errorf("site: setup pending: %w", err)
	}
	var settings int
	if err := q.QueryRow(ctx, "-- site.SetupPending\nSELECT count(*) FROM site_settings").Scan(&settings); err != nil {
		return false, fmt.Errorf("site: setup pending: %w", err)
	}
	return n == 0 && settings == 0, nil
}

// Setup is what the first-run form asks.
type Setup struct {
	AdminName, AdminEmail, Password string
	Settings                        Settings
}

// errSetupGone answers every setup request once setup is done.
func errSetupGone() error { return errs.New(errs.NotFound, "error.not_found") }

// RunSetup makes the first administrator (verified, role admin) and the
// organisation's settings in one transaction, and returns the
// administrator. The caller has checked that the request may set up
// (Handlers.allowed). Fields that cannot be stored are an Invalid error at
// the form's fields (admin_name, admin_email, password, name.en, …); an
// install that no longer needs it (another request finished first) is
// NotFound, as /setup is then.
func (s *Store) RunSetup(ctx context.Context, users *auth.Store, in Setup) (*auth.User, error) {
	st := in.Settings
	var fe errs.Fields
	st.Validate(&fe)
	if st.ContactEmail == "" {
		fe.Add("contact_email", "auth.email_invalid")
	}
	if st.SiteURL == "" {
		fe.Add("site_url", "install.bad_url")
	}
	var account errs.Fields
	auth.ValidateAccount(&account, in.AdminEmail, in.AdminName, in.Password)
	for _, f := range account {
		if f.Name != "password" {
			f.Name = "admin_" + f.Name
		}
		fe = append(fe, f)
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	var admin *auth.User
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.Lock(ctx, "site.setup"); err != nil {
			return err
		}
		pending, err := setupPending(ctx, tx)
		if err != nil {
			return err
		}
		if !pending {
			return errSetupGone()
		}
		admin, err = users.CreateTx(ctx, tx, in.AdminEmail, in.AdminName, in.Password, auth.RoleAdmin)
		if err != nil {
			return adminFields(err)
		}
		if err := s.writeSettings(ctx, tx, &st, true); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: admin.ID, Actor: admin.Email, Action: "site.setup",
			Object: "site:settings", Details: map[string]any{"name": st.Name, "site_url": st.SiteURL}})
	})
	if err != nil {
		return nil, fmt.Errorf("site: setup: %w", err)
	}
	s.setupDone.Store(true)
	return admin, nil
}

// adminFields renames the fields of an account error to the setup form's.
func adminFields(err error) error {
	e, ok := errs.As(err)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	out := *e
	out.Fields = nil
	for _, f := range e.Fields {
		switch f.Name {
		case "email", "name":
			f.Name = "admin_" + f.Name
		}
		out.Fields = append(out.Fields, f)
	}
	return &out
}

// SetupCode returns a new one-time setup code, for main to log at start
// and hand to Handlers.
func SetupCode() string { return crypt.RandomCode(20) }

// allowed reports whether the request may see /setup: setup is pending,
// and it comes from this machine or brings the code.
func (h *Handlers) allowed(c *web.Ctx, code string) (bool, error) {
	pending, err := h.Store.SetupPending(c.Context())
	if err != nil || !pending {
		return false, err
	}
	if c.Local() {
		return true, nil
	}
	return h.SetupCode != "" && crypt.Equal(strings.TrimSpace(code), h.SetupCode), nil
}

// setupData is the data of the setup page.
type setupData struct {
	Code  string
	Langs []LangOption
	Zones []string
}

// LangOption is one interface language in a menu.
type LangOption struct{ Tag, Name string }

func langOptions() []LangOption {
	var out []LangOption
	for _, l := range i18n.Langs {
		out = append(out, LangOption{Tag: l, Name: i18n.Native[l]})
	}
	return out
}

func (h *Handlers) setupForm(c *web.Ctx) error {
	code := c.R.URL.Query().Get("code")
	ok, err := h.allowed(c, code)
	if err != nil {
		return err
	}
	if !ok {
		return errSetupGone()
	}
	c.Private()
	f := &web.Form{Values: map[string][]string{
		"default_language": {c.Lang}, "time_zone": {"UTC"}, "site_url": {c.BaseURL()},
	}}
	return c.RenderForm(http.StatusOK, "site/setup", f, h.setupData(code))
}

func (h *Handlers) setupData(code string) setupData {
	return setupData{Code: code, Langs: langOptions(), Zones: CommonZones}
}

func (h *Handlers) setup(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	code := f.Get("code")
	ok, err := h.allowed(c, code)
	if err != nil {
		return err
	}
	if !ok {
		return errSetupGone()
	}
	c.Private()
	in := Setup{
		AdminName: f.Get("admin_name"), AdminEmail: f.Get("admin_email"), Password: f.Get("password"),
		Settings: DefaultSettings(),
	}
	st := &in.Settings
	st.Name = i18n.Text{En: f.Get("name.en"), Hans: f.Get("name.zh-Hans"), Hant: f.Get("name.zh-Hant")}
	st.ShortName, st.DefaultLang, st.TimeZone = f.Get("short_name"), f.Get("default_language"), f.Get("time_zone")
	st.ContactEmail, st.SiteURL = f.Get("contact_email"), f.Get("site_url")
	st.MailFromName = firstNonEmpty(st.Name.En, st.Name.Hans, st.Name.Hant)
	admin, err := h.Store.RunSetup(c.Context(), h.Users, in)
	if err != nil {
		f.Values.Del("password")
		return c.RenderForm(c.Fail(f, err), "site/setup", f, h.setupData(code))
	}
	token, expires, _, err := h.Users.Login(c.Context(), admin.Email, in.Password, c.ClientAddr(), c.SessionToken)
	if err != nil {
		return err
	}
	c.SetSession(token, expires)
	return c.Redirect("/admin/settings?welcome=1")
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// CommonZones are offered first in the time zone field (any IANA name is
// accepted).
var CommonZones = []string{"UTC", "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore", "Asia/Tokyo",
	"Asia/Kolkata", "Asia/Dubai", "Europe/London", "Europe/Paris", "Europe/Geneva", "Europe/Moscow", "Africa/Nairobi",
	"Africa/Lagos", "America/New_York", "America/Sao_Paulo", "America/Los_Angeles", "Australia/Sydney"}

// SetupLog is the line main logs at start while setup is pending: where to
// go, from this machine or with the code.
func SetupLog(base, code string) string {
	return fmt.Sprintf("first run: set up the organisation at %s/setup from this machine, or from elsewhere at %s/setup?code=%s (the code works until setup is done)",
		base, base, code)
}
