package site

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/web"
)

// The settings page (/admin/settings) and GET/PUT /api/v1/settings, for
// administrators (auth.PermSettings).

// settingsData is the data of the settings page.
type settingsData struct {
	Langs   []LangOption
	Zones   []string
	Groups  []GroupOption
	Saved   bool
	Welcome bool
	LogoURL string
}

// GroupOption is an income group's box in the developing-country rule.
type GroupOption struct {
	Value   geo.IncomeGroup
	Checked bool
}

func (h *Handlers) settingsPage(f *web.Form) settingsData {
	d := settingsData{Langs: langOptions(), Zones: CommonZones}
	for _, g := range []geo.IncomeGroup{geo.Low, geo.LowerMiddle, geo.UpperMiddle, geo.High} {
		d.Groups = append(d.Groups, GroupOption{Value: g, Checked: slices.Contains(f.Values["developing.income_groups"], string(g))})
	}
	return d
}

func (h *Handlers) settingsForm(c *web.Ctx) error {
	st, err := h.Store.Settings(c.Context())
	if err != nil {
		return err
	}
	f := &web.Form{Values: settingsValues(st)}
	d := h.settingsPage(f)
	d.Saved, d.Welcome = c.R.URL.Query().Get("saved") == "1", c.R.URL.Query().Get("welcome") == "1"
	d.LogoURL = st.LogoURL
	return c.RenderForm(http.StatusOK, "site/settings", f, d)
}

func (h *Handlers) saveSettings(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	st, fe := settingsFromForm(f.Values)
	err = fe.Err()
	if err == nil {
		err = h.Store.SaveSettings(c.Context(), c.User, st)
	}
	if err != nil {
		return c.RenderForm(c.Fail(f, formFields(err)), "site/settings", f, h.settingsPage(f))
	}
	return c.Redirect("/admin/settings?saved=1")
}

// formFields renames the JSON fields of a settings error to the form's
// (social_links[2].url → social_links).
func formFields(err error) error {
	e, ok := errs.As(err)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	out := *e
	out.Fields = nil
	for _, f := range e.Fields {
		if strings.HasPrefix(f.Name, "social_links") {
			f.Name = "social_links"
		}
		if !errs.Fields(out.Fields).Has(f.Name) {
			out.Fields = append(out.Fields, f)
		}
	}
	return &out
}

// settingsValues are the form values of st.
func settingsValues(st *Settings) url.Values {
	v := url.Values{}
	texts := map[string]i18n.Text{"name": st.Name, "tagline": st.Tagline, "description": st.Description, "charter": st.Charter, "privacy": st.Privacy}
	for k, t := range texts {
		v.Set(k+".en", t.En)
		v.Set(k+".zh-Hans", t.Hans)
		v.Set(k+".zh-Hant", t.Hant)
	}
	for k, s := range map[string]string{"short_name": st.ShortName, "default_language": st.DefaultLang, "time_zone": st.TimeZone,
		"contact_email": st.ContactEmail, "postal_address": st.PostalAddress, "site_url": st.SiteURL,
		"mail_from_name": st.MailFromName, "mail_from_address": st.MailFromAddress,
		"signatory_name": st.SignatoryName, "signatory_title": st.SignatoryTitle} {
		v.Set(k, s)
	}
	var links []string
	for _, l := range st.SocialLinks {
		links = append(links, l.Label+" | "+l.URL)
	}
	v.Set("social_links", strings.Join(links, "\n"))
	var names []string
	for _, code := range slices.Sorted(func(yield func(string) bool) {
		for k := range st.CountryNames {
			if !yield(k) {
				return
			}
		}
	}) {
		n := st.CountryNames[code]
		names = append(names, strings.Join([]string{code, n[i18n.En], n[i18n.ZhHans], n[i18n.ZhHant]}, " | "))
	}
	v.Set("country_names", strings.Join(names, "\n"))
	for _, g := range st.Developing.IncomeGroups {
		v.Add("developing.income_groups", string(g))
	}
	if st.Developing.LDC {
		v.Set("developing.ldc", "1")
	}
	v.Set("developing.include", strings.Join(st.Developing.Include, " "))
	v.Set("developing.exclude", strings.Join(st.Developing.Exclude, " "))
	return v
}

// settingsFromForm reads the settings form: social links one a line as
// "Label | URL", country names one a line as "CODE | English | 简体 |
// 繁體" (an empty part keeps CLDR's name), country codes of the
// developing rule separated by spaces or commas. Lines that cannot be
// read are errors at their field.
func settingsFromForm(v url.Values) (Settings, errs.Fields) {
	var fe errs.Fields
	text := func(k string) i18n.Text {
		return i18n.Text{En: v.Get(k + ".en"), Hans: v.Get(k + ".zh-Hans"), Hant: v.Get(k + ".zh-Hant")}
	}
	st := Settings{
		Name: text("name"), Tagline: text("tagline"), Description: text("description"), Charter: text("charter"), Privacy: text("privacy"),
		ShortName: v.Get("short_name"), DefaultLang: v.Get("default_language"), TimeZone: v.Get("time_zone"),
		ContactEmail: v.Get("contact_email"), PostalAddress: v.Get("postal_address"), SiteURL: v.Get("site_url"),
		MailFromName: v.Get("mail_from_name"), MailFromAddress: v.Get("mail_from_address"),
		SignatoryName: v.Get("signatory_name"), SignatoryTitle: v.Get("signatory_title"),
		SocialLinks: []SocialLink{}, CountryNames: geo.Overrides{},
	}
	for i, line := range lines(v.Get("social_links")) {
		label, u, ok := strings.Cut(line, "|")
		if !ok {
			fe.Add("social_links", "install.line_format", i+1)
			break
		}
		st.SocialLinks = append(st.SocialLinks, SocialLink{Label: strings.TrimSpace(label), URL: strings.TrimSpace(u)})
	}
	for i, line := range lines(v.Get("country_names")) {
		parts := strings.Split(line, "|")
		if len(parts) < 2 || len(parts) > 4 {
			fe.Add("country_names", "install.line_format", i+1)
			break
		}
		code := strings.ToUpper(strings.TrimSpace(parts[0]))
		names := map[string]string{}
		for j, lang := range i18n.Langs {
			if j+1 < len(parts) && strings.TrimSpace(parts[j+1]) != "" {
				names[lang] = strings.TrimSpace(parts[j+1])
			}
		}
		if len(names) > 0 {
			st.CountryNames[code] = names
		}
	}
	for _, g := range v["developing.income_groups"] {
		st.Developing.IncomeGroups = append(st.Developing.IncomeGroups, geo.IncomeGroup(g))
	}
	st.Developing.LDC = v.Get("developing.ldc") != ""
	codes := func(s string) []string {
		return strings.FieldsFunc(strings.ToUpper(s), func(r rune) bool { return r == ' ' || r == ',' || r == '\n' || r == '\r' || r == '，' })
	}
	st.Developing.Include, st.Developing.Exclude = codes(v.Get("developing.include")), codes(v.Get("developing.exclude"))
	return st, fe
}

func (h *Handlers) apiSettings(c *web.Ctx) error {
	st, err := h.Store.Settings(c.Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, st)
}

// SettingsChange is the body of PUT /api/v1/settings: each field given
// replaces that setting whole (a text in every language, the whole list
// of links or country names, the whole rule); a field left out keeps its
// value, so that a script that changes one thing cannot wipe another.
type SettingsChange struct {
	Name        *i18n.Text `json:"name"`
	Tagline     *i18n.Text `json:"tagline"`
	Description *i18n.Text `json:"description"`
	Charter     *i18n.Text `json:"charter"`
	Privacy     *i18n.Text `json:"privacy"`

	ShortName       *string       `json:"short_name"`
	DefaultLang     *string       `json:"default_language"`
	TimeZone        *string       `json:"time_zone"`
	ContactEmail    *string       `json:"contact_email"`
	PostalAddress   *string       `json:"postal_address"`
	SiteURL         *string       `json:"site_url"`
	SocialLinks     *[]SocialLink `json:"social_links"`
	MailFromName    *string       `json:"mail_from_name"`
	MailFromAddress *string       `json:"mail_from_address"`
	SignatoryName   *string       `json:"signatory_name"`
	SignatoryTitle  *string       `json:"signatory_title"`

	CountryNames *geo.Overrides `json:"country_names"`
	Developing   *geo.Rule      `json:"developing"`

	// Read-only fields of GET, accepted back and ignored, so that what
	// GET answered can be sent as it is.
	LogoURL *string `json:"logo_url"`
	Updated *string `json:"updated_at"`
}

// Apply returns st with the change's fields.
func (ch SettingsChange) Apply(st Settings) Settings {
	texts := []struct {
		from *i18n.Text
		to   *i18n.Text
	}{{ch.Name, &st.Name}, {ch.Tagline, &st.Tagline}, {ch.Description, &st.Description}, {ch.Charter, &st.Charter}, {ch.Privacy, &st.Privacy}}
	for _, x := range texts {
		if x.from != nil {
			*x.to = *x.from
		}
	}
	strs := []struct {
		from *string
		to   *string
	}{{ch.ShortName, &st.ShortName}, {ch.DefaultLang, &st.DefaultLang}, {ch.TimeZone, &st.TimeZone},
		{ch.ContactEmail, &st.ContactEmail}, {ch.PostalAddress, &st.PostalAddress}, {ch.SiteURL, &st.SiteURL},
		{ch.MailFromName, &st.MailFromName}, {ch.MailFromAddress, &st.MailFromAddress},
		{ch.SignatoryName, &st.SignatoryName}, {ch.SignatoryTitle, &st.SignatoryTitle}}
	for _, x := range strs {
		if x.from != nil {
			*x.to = *x.from
		}
	}
	if ch.SocialLinks != nil {
		st.SocialLinks = *ch.SocialLinks
	}
	if ch.CountryNames != nil {
		st.CountryNames = *ch.CountryNames
	}
	if ch.Developing != nil {
		st.Developing = *ch.Developing
	}
	return st
}

func (h *Handlers) apiSaveSettings(c *web.Ctx) error {
	var ch SettingsChange
	if err := c.DecodeJSON(&ch); err != nil {
		return err
	}
	cur, err := h.Store.Settings(c.Context())
	if err != nil {
		return err
	}
	if err := h.Store.SaveSettings(c.Context(), c.User, ch.Apply(*cur)); err != nil {
		return err
	}
	saved, err := h.Store.Settings(c.Context())
	if err != nil {
		return fmt.Errorf("site: settings saved, reading back: %w", err)
	}
	return c.JSON(http.StatusOK, saved)
}

// logo serves the organisation's logo to everyone, cached by its hash.
func (h *Handlers) logo(c *web.Ctx) error {
	png, hash, at, err := h.Store.Logo(c.Context())
	if err != nil {
		return err
	}
	hd := c.W.Header()
	hd.Del("Vary")
	hd.Del("Content-Language")
	hd.Set("ETag", `"`+hash+`"`)
	hd.Set("Cache-Control", "public, max-age=86400")
	http.ServeContent(c.W, c.R, "logo.png", at, bytes.NewReader(png))
	return nil
}

// uploadLogo receives the organisation's logo (multipart, field "logo"),
// checked by its content as members' logos are (Handlers.UploadedLogo); a
// refused file comes back at the settings page's logo field.
func (h *Handlers) uploadLogo(c *web.Ctx) error {
	if h.UploadedLogo == nil {
		return web.NotFound()
	}
	png, err := h.UploadedLogo(c.R)
	if err == nil {
		err = h.Store.SaveLogo(c.Context(), c.User, png)
	}
	if err != nil {
		if e, ok := errs.As(err); !ok || e.Code != errs.Invalid {
			return err
		}
		st, serr := h.Store.Settings(c.Context())
		if serr != nil {
			return serr
		}
		f := &web.Form{Values: settingsValues(st)}
		status := c.Fail(f, err)
		f.Message = ""
		d := h.settingsPage(f)
		d.LogoURL = st.LogoURL
		return c.RenderForm(status, "site/settings", f, d)
	}
	return c.Redirect("/admin/settings?saved=1#logo")
}

// removeLogo removes the organisation's logo.
func (h *Handlers) removeLogo(c *web.Ctx) error {
	if err := h.Store.SaveLogo(c.Context(), c.User, nil); err != nil {
		return err
	}
	return c.Redirect("/admin/settings?saved=1#logo")
}
