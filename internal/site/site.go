// Package site is the organisation's public face and its settings: its
// profile (name, tagline, about text, charter, privacy notice in each
// language), the rest of its settings (settings.go), first-run setup
// (setup.go), the home page, the About, charter and privacy pages and the
// landing pages of sections whose capabilities are still to come.
package site

import (
	"context"
	"embed"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/pagecache"
	"github.com/wuzhen/wuzhen/internal/web"
	"github.com/wuzhen/wuzhen/internal/zh"
)

//go:embed migrations/*.sql
var migrations embed.FS

//go:embed templates/*.html
var templates embed.FS

// Migrations create the profile table.
var Migrations = db.MigrationsIn("site", migrations, "migrations")

// Templates are the public pages.
var Templates = web.Pages("site", templates, "templates")

// Profile is the organisation's profile in one language.
type Profile struct {
	Lang    string
	Name    string
	Tagline string
	About   string
	Demo    bool // the content is demo content and says so
}

// Store keeps the profile. Reads are cached briefly in the process, since
// every page shows the name; writes through Store clear the cache.
type Store struct {
	DB *db.DB

	mu      sync.Mutex
	cached  map[string]Profile
	at      time.Time
	applied time.Time // updated_at of the settings last applied to geo

	setupDone atomic.Bool
	defaults  atomic.Pointer[defaults]
}

// cacheFor bounds how stale another instance's change can be seen here.
const cacheFor = 5 * time.Second

// Profile returns the profile in lang: that language's row, else the
// English one, else the Simplified or Traditional one converted to the
// reader's script; an empty profile when none is stored.
func (s *Store) Profile(ctx context.Context, lang string) (Profile, error) {
	all, err := s.all(ctx)
	if err != nil {
		return Profile{}, err
	}
	if p, ok := all[lang]; ok {
		return p, nil
	}
	if lang == i18n.ZhHans || lang == i18n.ZhHant {
		for _, other := range []string{i18n.ZhHans, i18n.ZhHant} {
			if p, ok := all[other]; ok {
				p.Lang, p.Name, p.Tagline, p.About = lang, zh.ForLang(lang, p.Name), zh.ForLang(lang, p.Tagline), zh.ForLang(lang, p.About)
				return p, nil
			}
		}
	}
	return all[i18n.En], nil
}

func (s *Store) all(ctx context.Context) (map[string]Profile, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cached != nil && time.Since(s.at) < cacheFor {
		return s.cached, nil
	}
	rows, err := s.DB.Query(ctx, "SELECT lang, name, tagline, about, demo FROM site_profile")
	if err != nil {
		return nil, fmt.Errorf("site: profile: %w", err)
	}
	defer rows.Close()
	m := map[string]Profile{}
	for rows.Next() {
		var p Profile
		if err := rows.Scan(&p.Lang, &p.Name, &p.Tagline, &p.About, &p.Demo); err != nil {
			return nil, fmt.Errorf("site: profile: %w", err)
		}
		m[p.Lang] = p
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("site: profile: %w", err)
	}
	s.cached, s.at = m, time.Now()
	return m, nil
}

// Save stores profiles (one per language) in tx and records the change as
// done by actor.
func (s *Store) Save(ctx context.Context, tx *db.Tx, actor string, ps ...Profile) error {
	for _, p := range ps {
		if _, err := tx.Exec(ctx, `-- site.Save
			INSERT INTO site_profile (lang, name, tagline, about, demo, updated_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (lang) DO UPDATE SET name = excluded.name, tagline = excluded.tagline,
				about = excluded.about, demo = excluded.demo, updated_at = excluded.updated_at`,
			p.Lang, p.Name, p.Tagline, p.About, p.Demo, tx.Now()); err != nil {
			return fmt.Errorf("site: save: %w", err)
		}
	}
	tx.AfterCommit(func() {
		s.mu.Lock()
		s.cached = nil
		s.mu.Unlock()
	})
	if err := pagecache.Bump(ctx, tx); err != nil {
		return err
	}
	return audit.Record(ctx, tx, audit.Entry{Actor: actor, Action: "site.profile_saved", Object: "site:profile"})
}

// Brand returns the organisation's name in lang, or the platform's name
// when no profile is stored. For the layout.
func (s *Store) Brand(ctx context.Context, lang string) string {
	p, err := s.Profile(ctx, lang)
	if err != nil || p.Name == "" {
		return i18n.For(lang).T("site.default_name")
	}
	return p.Name
}

// Handlers serve the public pages, first-run setup and the settings.
type Handlers struct {
	Store *Store
	// Users makes the first administrator and signs them in.
	Users *auth.Store
	// SetupCode lets /setup be opened from elsewhere than this machine
	// while setup is pending (SetupCode()); "" allows this machine only.
	SetupCode string
	// UploadedLogo reads and checks an uploaded logo (multipart field
	// "logo") and returns it as PNG: members.UploadedLogo, handed over by
	// main; nil takes no logo.
	UploadedLogo func(r *http.Request) ([]byte, error)
	// Placeholders are the sections whose capability has not landed: each
	// gets a landing page saying what will be there.
	Placeholders []string
}

type homeData struct {
	Profile  Profile
	Sections []string
	// Setup: the install is empty and the reader is on this machine, so
	// the page points to /setup.
	Setup bool
	// LogoURL is the organisation's logo, "" when none.
	LogoURL string
}

func (h *Handlers) home(c *web.Ctx) error {
	p, err := h.Store.Profile(c.Context(), c.Lang)
	if err != nil {
		return err
	}
	st, err := h.Store.Settings(c.Context())
	if err != nil {
		return err
	}
	d := homeData{Profile: p, Sections: Sections, LogoURL: st.LogoURL}
	pending, err := h.Store.SetupPending(c.Context())
	if err != nil {
		return err
	}
	if pending {
		// Whether the page points to /setup depends on the reader: no
		// page is cached until setup is done (which bumps the cache).
		c.Private()
		d.Setup = c.Local()
	}
	return c.Render(http.StatusOK, "site/home", d)
}

// aboutData is the data of the About page.
type aboutData struct {
	Profile    Profile
	Paragraphs []string
	Settings   *Settings
	Address    []string
	Charter    bool
	Privacy    bool
}

func (h *Handlers) about(c *web.Ctx) error {
	p, err := h.Store.Profile(c.Context(), c.Lang)
	if err != nil {
		return err
	}
	st, err := h.Store.Settings(c.Context())
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "site/about", aboutData{Profile: p, Paragraphs: paragraphs(p.About), Settings: st,
		Address: lines(st.PostalAddress), Charter: st.Charter.For(c.Lang) != "", Privacy: st.Privacy.For(c.Lang) != ""})
}

// textData is the data of the charter and privacy pages.
type textData struct {
	Kind       string
	Paragraphs []string
}

// text serves the organisation's charter or privacy notice in the reader's
// language; 404 while there is none.
func (h *Handlers) text(kind string) web.HandlerFunc {
	return func(c *web.Ctx) error {
		st, err := h.Store.Settings(c.Context())
		if err != nil {
			return err
		}
		t := st.Charter
		if kind == "privacy" {
			t = st.Privacy
		}
		ps := paragraphs(t.For(c.Lang))
		if len(ps) == 0 {
			return web.NotFound()
		}
		return c.Render(http.StatusOK, "site/text", textData{Kind: kind, Paragraphs: ps})
	}
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// section serves the landing page of a section whose capability has not
// landed yet: it says what will be there, in the reader's language.
func (h *Handlers) section(name string) web.HandlerFunc {
	return func(c *web.Ctx) error {
		return c.Render(http.StatusOK, "site/section", map[string]any{"Section": name})
	}
}

func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
