package site

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/jobs"
	"github.com/wuzhen/wuzhen/internal/pagecache"
)

// Settings are the organisation's own: its texts in each language, how to
// reach it, what its mail and printed letters say, and its practice where
// it differs from the platform's defaults (country names, the rule for
// "developing country"). The JSON is that of GET/PUT /api/v1/settings.
type Settings struct {
	Name        i18n.Text `json:"name"`
	Tagline     i18n.Text `json:"tagline"`
	Description i18n.Text `json:"description"`
	Charter     i18n.Text `json:"charter"`
	Privacy     i18n.Text `json:"privacy"`

	ShortName       string       `json:"short_name"`
	DefaultLang     string       `json:"default_language"`
	TimeZone        string       `json:"time_zone"`
	ContactEmail    string       `json:"contact_email"`
	PostalAddress   string       `json:"postal_address"`
	SiteURL         string       `json:"site_url"`
	SocialLinks     []SocialLink `json:"social_links"`
	MailFromName    string       `json:"mail_from_name"`
	MailFromAddress string       `json:"mail_from_address"`
	SignatoryName   string       `json:"signatory_name"`
	SignatoryTitle  string       `json:"signatory_title"`

	CountryNames geo.Overrides `json:"country_names"`
	Developing   geo.Rule      `json:"developing"`

	// LogoURL is the address of the logo, "" when there is none (read
	// only: the logo is sent to /admin/settings/logo).
	LogoURL string `json:"logo_url"`
	// Updated is when the settings last changed (read only; zero before
	// they were ever saved).
	Updated time.Time `json:"updated_at"`
}

// SocialLink is one of the organisation's accounts elsewhere.
type SocialLink struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}

// Limits on settings.
const (
	MaxName        = 200
	MaxShortName   = 40
	MaxLine        = 300   // email, address line, URL, sender, signatory
	MaxText        = 50000 // description, charter, privacy notice, postal address
	MaxSocialLinks = 12
)

// DefaultSettings are the settings of an install that has none: English,
// UTC, the platform's default developing-country rule.
func DefaultSettings() Settings {
	return Settings{DefaultLang: i18n.En, TimeZone: "UTC", SocialLinks: []SocialLink{},
		CountryNames: geo.Overrides{}, Developing: geo.DefaultRule()}
}

// Normalize trims the fields of s and fills what may be left out.
func (s *Settings) Normalize() {
	trim := func(t *i18n.Text) {
		t.En, t.Hans, t.Hant = strings.TrimSpace(t.En), strings.TrimSpace(t.Hans), strings.TrimSpace(t.Hant)
	}
	for _, t := range []*i18n.Text{&s.Name, &s.Tagline, &s.Description, &s.Charter, &s.Privacy} {
		trim(t)
	}
	for _, f := range []*string{&s.ShortName, &s.DefaultLang, &s.TimeZone, &s.ContactEmail, &s.PostalAddress, &s.SiteURL,
		&s.MailFromName, &s.MailFromAddress, &s.SignatoryName, &s.SignatoryTitle} {
		*f = strings.TrimSpace(*f)
	}
	s.ContactEmail, s.MailFromAddress = strings.ToLower(s.ContactEmail), strings.ToLower(s.MailFromAddress)
	s.SiteURL = strings.TrimRight(s.SiteURL, "/")
	if s.DefaultLang == "" {
		s.DefaultLang = i18n.En
	}
	if s.TimeZone == "" {
		s.TimeZone = "UTC"
	}
	if s.SocialLinks == nil {
		s.SocialLinks = []SocialLink{}
	}
	for i := range s.SocialLinks {
		s.SocialLinks[i].Label, s.SocialLinks[i].URL = strings.TrimSpace(s.SocialLinks[i].Label), strings.TrimSpace(s.SocialLinks[i].URL)
	}
	if s.CountryNames == nil {
		s.CountryNames = geo.Overrides{}
	}
	for _, list := range []*[]string{&s.Developing.Include, &s.Developing.Exclude} {
		for i, c := range *list {
			(*list)[i] = strings.ToUpper(strings.TrimSpace(c))
		}
		if *list == nil {
			*list = []string{}
		}
	}
	if s.Developing.IncomeGroups == nil {
		s.Developing.IncomeGroups = []geo.IncomeGroup{}
	}
}

// Validate adds an error at each field of s that cannot be stored; s is
// normalised first. Field names are the JSON names ("name.en").
func (s *Settings) Validate(fe *errs.Fields) {
	s.Normalize()
	if s.Name.En == "" && s.Name.Hans == "" && s.Name.Hant == "" {
		fe.Add("name.en", "install.name_required")
	}
	texts := []struct {
		field string
		t     i18n.Text
		max   int
	}{{"name", s.Name, MaxName}, {"tagline", s.Tagline, MaxLine}, {"description", s.Description, MaxText},
		{"charter", s.Charter, MaxText}, {"privacy", s.Privacy, MaxText}}
	for _, x := range texts {
		for lang, v := range map[string]string{i18n.En: x.t.En, i18n.ZhHans: x.t.Hans, i18n.ZhHant: x.t.Hant} {
			if utf8.RuneCountInString(v) > x.max {
				fe.Add(x.field+"."+lang, "install.too_long", x.max)
			}
			if x.max < MaxText { // the name and the tagline: one line each
				fe.Line(x.field+"."+lang, v)
			}
		}
	}
	lines := []struct {
		field, v string
		max      int
	}{{"short_name", s.ShortName, MaxShortName}, {"postal_address", s.PostalAddress, MaxText},
		{"mail_from_name", s.MailFromName, MaxLine}, {"signatory_name", s.SignatoryName, MaxLine},
		{"signatory_title", s.SignatoryTitle, MaxLine}}
	for _, x := range lines {
		if utf8.RuneCountInString(x.v) > x.max {
			fe.Add(x.field, "install.too_long", x.max)
		}
		if x.field != "postal_address" { // the address has several lines
			fe.Line(x.field, x.v)
		}
	}
	if !slices.Contains(i18n.Langs, s.DefaultLang) {
		fe.Add("default_language", "install.bad_language")
	}
	if _, err := time.LoadLocation(s.TimeZone); err != nil || s.TimeZone == "Local" {
		fe.Add("time_zone", "install.bad_zone")
	}
	for field, v := range map[string]string{"contact_email": s.ContactEmail, "mail_from_address": s.MailFromAddress} {
		if v != "" && !validEmail(v) {
			fe.Add(field, "auth.email_invalid")
		}
	}
	if s.SiteURL != "" && !validURL(s.SiteURL) {
		fe.Add("site_url", "install.bad_url")
	}
	if len(s.SocialLinks) > MaxSocialLinks {
		fe.Add("social_links", "install.too_many_links", MaxSocialLinks)
	}
	for i, l := range s.SocialLinks {
		if l.Label == "" || utf8.RuneCountInString(l.Label) > 60 {
			fe.Add(fmt.Sprintf("social_links[%d].label", i), "install.link_label")
		}
		fe.Line(fmt.Sprintf("social_links[%d].label", i), l.Label)
		if !validURL(l.URL) {
			fe.Add(fmt.Sprintf("social_links[%d].url", i), "install.bad_url")
		}
	}
	if err := s.CountryNames.Check(); err != nil {
		fe.Add("country_names", "install.bad_country_names", err.Error())
	}
	if err := s.Developing.Check(); err != nil {
		fe.Add("developing", "install.bad_developing", err.Error())
	}
}

func validEmail(v string) bool {
	a, err := mail.ParseAddress(v)
	return err == nil && a.Address == v && strings.Contains(v, ".") && len(v) <= MaxLine
}

// validURL accepts an absolute http or https address with a host.
func validURL(v string) bool {
	u, err := url.Parse(v)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil &&
		len(v) <= MaxLine && !strings.ContainsAny(v, " \t\r\n")
}

// Settings returns the organisation's settings: DefaultSettings with the
// texts of site_profile when none were saved. Anyone may read them (the
// public pages show most of them; the API serves them to administrators).
func (s *Store) Settings(ctx context.Context) (*Settings, error) {
	return s.settings(ctx, s.DB)
}

func (s *Store) settings(ctx context.Context, q db.Querier) (*Settings, error) {
	st := DefaultSettings()
	var links, names, developing, logo string
	err := q.QueryRow(ctx, `-- site.Settings
		SELECT short_name, default_lang, time_zone, contact_email, postal_address, site_url, social_links,
			mail_from_name, mail_from_address, signatory_name, signatory_title, country_names, developing, logo_hash, updated_at
		FROM site_settings WHERE id = 1`).Scan(&st.ShortName, &st.DefaultLang, &st.TimeZone, &st.ContactEmail,
		&st.PostalAddress, &st.SiteURL, &links, &st.MailFromName, &st.MailFromAddress, &st.SignatoryName,
		&st.SignatoryTitle, &names, &developing, &logo, &st.Updated)
	if logo != "" {
		st.LogoURL = "/logo.png?v=" + logo[:16]
	}
	if err != nil && !db.IsNotFound(err) {
		return nil, fmt.Errorf("site: settings: %w", err)
	}
	if err == nil {
		if err := decodeSettings(&st, links, names, developing); err != nil {
			return nil, err
		}
	}
	rows, err := q.Query(ctx, "-- site.Settings profile\nSELECT lang, name, tagline, about, charter, privacy FROM site_profile")
	if err != nil {
		return nil, fmt.Errorf("site: settings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var lang, name, tagline, about, charter, privacy string
		if err := rows.Scan(&lang, &name, &tagline, &about, &charter, &privacy); err != nil {
			return nil, fmt.Errorf("site: settings: %w", err)
		}
		for t, v := range map[*i18n.Text]string{&st.Name: name, &st.Tagline: tagline, &st.Description: about, &st.Charter: charter, &st.Privacy: privacy} {
			setLang(t, lang, v)
		}
	}
	return &st, rows.Err()
}

func decodeSettings(st *Settings, links, names, developing string) error {
	if err := json.Unmarshal([]byte(links), &st.SocialLinks); err != nil {
		return fmt.Errorf("site: settings: social links: %w", err)
	}
	if err := json.Unmarshal([]byte(names), &st.CountryNames); err != nil {
		return fmt.Errorf("site: settings: country names: %w", err)
	}
	if developing != "" {
		if err := json.Unmarshal([]byte(developing), &st.Developing); err != nil {
			return fmt.Errorf("site: settings: developing rule: %w", err)
		}
	}
	st.Normalize()
	return nil
}

func setLang(t *i18n.Text, lang, v string) {
	switch lang {
	case i18n.En:
		t.En = v
	case i18n.ZhHans:
		t.Hans = v
	case i18n.ZhHant:
		t.Hant = v
	}
}

// SaveSettings replaces the organisation's settings with st, as a: the
// caller has checked that a may (auth.PermSettings). A field that cannot be
// stored is an Invalid error at that field. The change is audited (with the
// names of the fields that changed), drops the cached public pages, and
// takes effect on this instance at commit and on the others within
// RefreshEvery; a change of country names also queues a rebuild of the
// search index, whose documents hold country names.
func (s *Store) SaveSettings(ctx context.Context, a *actor.Actor, st Settings) error {
	var fe errs.Fields
	st.Validate(&fe)
	if err := fe.Err(); err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		old, err := s.settings(ctx, tx)
		if err != nil {
			return err
		}
		if err := s.writeSettings(ctx, tx, &st, false); err != nil {
			return err
		}
		changed := changedFields(old, &st)
		if !equalNames(old.CountryNames, st.CountryNames) {
			if _, err := jobs.Enqueue(ctx, tx, ReindexJob, struct{}{}); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.ID, Actor: a.Email, Action: "site.settings_saved",
			Object: "site:settings", Details: map[string]any{"changed": changed}})
	})
}

// ReindexJob is the kind of the job that rebuilds the search index after a
// change of country names; main wires its handler. Stored, do not rename.
const ReindexJob = "search.reindex"

// writeSettings upserts st (validated) in tx, bumps the page cache and
// applies st to this process at commit.
func (s *Store) writeSettings(ctx context.Context, tx *db.Tx, st *Settings, setup bool) error {
	links, _ := json.Marshal(st.SocialLinks)
	names, _ := json.Marshal(st.CountryNames)
	developing, _ := json.Marshal(st.Developing)
	now := tx.Now()
	var setupAt *time.Time
	if setup {
		setupAt = &now
	}
	if _, err := tx.Exec(ctx, `-- site.SaveSettings
		INSERT INTO site_settings (id, short_name, default_lang, time_zone, contact_email, postal_address, site_url,
			social_links, mail_from_name, mail_from_address, signatory_name, signatory_title, country_names, developing,
			setup_at, updated_at, version)
		VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
		ON CONFLICT (id) DO UPDATE SET short_name = excluded.short_name, default_lang = excluded.default_lang,
			time_zone = excluded.time_zone, contact_email = excluded.contact_email, postal_address = excluded.postal_address,
			site_url = excluded.site_url, social_links = excluded.social_links, mail_from_name = excluded.mail_from_name,
			mail_from_address = excluded.mail_from_address, signatory_name = excluded.signatory_name,
			signatory_title = excluded.signatory_title, country_names = excluded.country_names,
			developing = excluded.developing, updated_at = excluded.updated_at,
			version = site_settings.version + 1`,
		st.ShortName, st.DefaultLang, st.TimeZone, st.ContactEmail, st.PostalAddress, st.SiteURL, string(links),
		st.MailFromName, st.MailFromAddress, st.SignatoryName, st.SignatoryTitle, string(names), string(developing),
		setupAt, now); err != nil {
		return fmt.Errorf("site: save settings: %w", err)
	}
	for _, lang := range i18n.Langs {
		get := func(t i18n.Text) string {
			switch lang {
			case i18n.ZhHans:
				return t.Hans
			case i18n.ZhHant:
				return t.Hant
			}
			return t.En
		}
		if _, err := tx.Exec(ctx, `-- site.SaveSettings profile
			INSERT INTO site_profile (lang, name, tagline, about, charter, privacy, demo, updated_at) VALUES (?, ?, ?, ?, ?, ?, false, ?)
			ON CONFLICT (lang) DO UPDATE SET name = excluded.name, tagline = excluded.tagline, about = excluded.about,
				charter = excluded.charter, privacy = excluded.privacy, updated_at = excluded.updated_at`,
			lang, get(st.Name), get(st.Tagline), get(st.Description), get(st.Charter), get(st.Privacy), now); err != nil {
			return fmt.Errorf("site: save settings: %w", err)
		}
	}
	if err := pagecache.Bump(ctx, tx); err != nil {
		return err
	}
	applied := *st
	tx.AfterCommit(func() {
		s.mu.Lock()
		s.cached = nil
		s.mu.Unlock()
		s.apply(&applied, now)
	})
	return nil
}

// changedFields names the settings that differ between a and b, by their
// JSON names, for the audit entry.
func changedFields(a, b *Settings) []string {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	var ma, mb map[string]json.RawMessage
	json.Unmarshal(ja, &ma)
	json.Unmarshal(jb, &mb)
	out := []string{}
	for k, v := range mb {
		if k != "updated_at" && k != "logo_url" && string(ma[k]) != string(v) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func equalNames(a, b geo.Overrides) bool {
	ja, _ := json.Marshal(a) // maps marshal with sorted keys
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// apply makes st the process's country names and developing rule (both
// checked when saved; a stored value that the code no longer accepts is
// logged by Refresh, not applied).
func (s *Store) apply(st *Settings, at time.Time) error {
	if err := geo.SetOverrides(st.CountryNames); err != nil {
		return fmt.Errorf("site: country names: %w", err)
	}
	if err := geo.SetRule(st.Developing); err != nil {
		return fmt.Errorf("site: developing rule: %w", err)
	}
	s.mu.Lock()
	s.applied = at
	s.mu.Unlock()
	s.defaults.Store(&defaults{lang: st.DefaultLang, zone: st.TimeZone})
	return nil
}

// defaults are the settings read on every request, kept in memory by
// apply.
type defaults struct{ lang, zone string }

// DefaultLang returns the organisation's default language, for readers
// who state none the site speaks; English before any settings. Cheap: for
// web.Config.DefaultLang.
func (s *Store) DefaultLang() string {
	if d := s.defaults.Load(); d != nil {
		return d.lang
	}
	return i18n.En
}

// DefaultZone returns the organisation's default time zone, "" before any
// settings: the time zone new events are offered.
func (s *Store) DefaultZone(context.Context) string {
	if d := s.defaults.Load(); d != nil {
		return d.zone
	}
	return ""
}

// RefreshEvery is how often Watch looks for a change made on another
// instance.
const RefreshEvery = 5 * time.Second

// Refresh applies the stored country names and developing rule to this
// process when they changed since it last did (or it never did). main
// calls it at start, before serving; Watch calls it after.
func (s *Store) Refresh(ctx context.Context) error {
	var at time.Time
	err := s.DB.QueryRow(ctx, "-- site.Refresh\nSELECT updated_at FROM site_settings WHERE id = 1").Scan(&at)
	if db.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("site: refresh: %w", err)
	}
	s.mu.Lock()
	same := s.applied.Equal(at)
	s.mu.Unlock()
	if same {
		return nil
	}
	st, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	return s.apply(st, at)
}

// Watch calls Refresh every RefreshEvery until ctx ends, so that a change
// made on another instance (or by a command beside the server) reaches
// this one's names and statistics.
func (s *Store) Watch(ctx context.Context, log func(error)) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(RefreshEvery):
		}
		if err := s.Refresh(ctx); err != nil && ctx.Err() == nil {
			log(err)
		}
	}
}

// Signatory returns who signs printed letters and their title, "" when
// the settings name nobody (or cannot be read: a letter still prints).
func (s *Store) Signatory(ctx context.Context) (name, title string) {
	st, err := s.Settings(ctx)
	if err != nil {
		return "", ""
	}
	return st.SignatoryName, st.SignatoryTitle
}

// MailFrom returns the sender of the organisation's mail from its
// settings, "" for either part that they leave to the server's --mail-from.
func (s *Store) MailFrom(ctx context.Context) (name, address string) {
	st, err := s.Settings(ctx)
	if err != nil {
		return "", ""
	}
	return st.MailFromName, st.MailFromAddress
}

// Logo returns the organisation's logo (PNG), its content hash and when it
// changed; NotFound when there is none.
func (s *Store) Logo(ctx context.Context) ([]byte, string, time.Time, error) {
	var png []byte
	var hash string
	var at time.Time
	err := s.DB.QueryRow(ctx, "-- site.Logo\nSELECT logo, logo_hash, updated_at FROM site_settings WHERE id = 1 AND logo_hash <> ''").
		Scan(&png, &hash, &at)
	if db.IsNotFound(err) {
		return nil, "", time.Time{}, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, "", time.Time{}, fmt.Errorf("site: logo: %w", err)
	}
	return png, hash, at, nil
}

// SaveLogo makes png (checked by the caller: members.CheckLogo) the
// organisation's logo, or removes it when png is nil, as a (who holds
// auth.PermSettings). Audited; drops the cached public pages.
func (s *Store) SaveLogo(ctx context.Context, a *actor.Actor, png []byte) error {
	hash := ""
	if png != nil {
		sum := sha256.Sum256(png)
		hash = hex.EncodeToString(sum[:])
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		st, err := s.settings(ctx, tx)
		if err != nil {
			return err
		}
		if st.Updated.IsZero() { // no settings row yet: the defaults, kept
			if err := s.writeSettings(ctx, tx, st, false); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `-- site.SaveLogo
			UPDATE site_settings SET logo = ?, logo_hash = ?, updated_at = ?, version = version + 1 WHERE id = 1`,
			png, hash, tx.Now()); err != nil {
			return fmt.Errorf("site: save logo: %w", err)
		}
		if err := pagecache.Bump(ctx, tx); err != nil {
			return err
		}
		action := "site.logo_saved"
		if png == nil {
			action = "site.logo_removed"
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.ID, Actor: a.Email, Action: action, Object: "site:settings",
			Details: map[string]any{"sha256": hash}})
	})
}
