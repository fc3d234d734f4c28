// Package admin is the staff area: a dashboard, the outbox of mail kept or
// sent, and the audit log. It composes platform packages only.
package admin

import (
	"context"
	"embed"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/jobs"
	"github.com/wuzhen/wuzhen/internal/mail"
	"github.com/wuzhen/wuzhen/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

// Templates are the admin pages.
var Templates = web.Pages("admin", templates, "templates")

// Handlers serve the admin area.
type Handlers struct {
	DB    *db.DB
	Users interface {
		Count(ctx context.Context) (int, error)
	}
	// SMTP reports whether mail goes out by SMTP (else it stays in the outbox).
	SMTP bool
	// Links are the capabilities' staff pages shown on the dashboard.
	Links []Link
}

// Link is a staff page of a capability: its path, the catalog key of its
// title, and the permission needed to see it.
type Link struct {
	Path, Key, Perm string
}

// Routes is the admin part of the route table.
func (h *Handlers) Routes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/admin", Access: web.Perm(auth.PermAdmin), Handle: h.dashboard},
		{Method: "GET", Path: "/admin/outbox", Access: web.Perm(auth.PermOutbox), Handle: h.outbox},
		{Method: "GET", Path: "/admin/outbox/{id}", Access: web.Perm(auth.PermOutbox), Handle: h.message},
		{Method: "GET", Path: "/admin/audit", Access: web.Perm(auth.PermAudit), Handle: h.audit},
	}
}

func (h *Handlers) dashboard(c *web.Ctx) error {
	users, err := h.Users.Count(c.Context())
	if err != nil {
		return err
	}
	stats, err := jobs.Stats(c.Context(), h.DB)
	if err != nil {
		return err
	}
	_, mails, err := mail.List(c.Context(), h.DB, 0, 0)
	if err != nil {
		return err
	}
	var links []Link
	for _, l := range h.Links {
		if c.Can(l.Perm) {
			links = append(links, l)
		}
	}
	return c.Render(http.StatusOK, "admin/dashboard", map[string]any{
		"Users": users, "Jobs": stats, "Mails": mails, "SMTP": h.SMTP, "Links": links,
		"CanAudit": c.Can(auth.PermAudit), "CanOutbox": c.Can(auth.PermOutbox),
	})
}

// tokenLink finds links that carry a sign-in token.
var tokenLink = regexp.MustCompile(`https?://\S+[?&]token=\S+`)

const perPage = 50

// page reads ?page= (1-based) and returns it with the row offset.
func page(c *web.Ctx) (int, int) {
	p := web.PageNumber(c.R.URL.Query())
	return p, (p - 1) * perPage
}

// outbox lists the mail, the newest first, of a recipient (?to=, part of
// the address) and a kind (?kind=) when asked.
func (h *Handlers) outbox(c *web.Ctx) error {
	p, off := page(c)
	q := c.R.URL.Query()
	f := mail.Filter{To: strings.TrimSpace(q.Get("to"))}
	if k := q.Get("kind"); slices.Contains(mail.Kinds, k) {
		f.Kind = k
	}
	if len(f.To) > 200 {
		f.To = f.To[:200]
	}
	msgs, total, err := mail.ListWhere(c.Context(), h.DB, f, perPage, off)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "admin/outbox", outboxPage{Messages: msgs, Total: total, Pager: web.NewPager(q, p, perPage, total),
		SMTP: h.SMTP, Filter: f, Kinds: mail.Kinds})
}

// outboxPage is the outbox page's data.
type outboxPage struct {
	Messages []mail.Stored
	Total    int
	Pager    web.Pager
	SMTP     bool
	Filter   mail.Filter
	Kinds    []string
}

func (h *Handlers) message(c *web.Ctx) error {
	id, err := strconv.ParseInt(c.R.PathValue("id"), 10, 64)
	if err != nil {
		return web.NotFound()
	}
	m, err := mail.Get(c.Context(), h.DB, id)
	if err != nil {
		return err
	}
	// Verification and reset links sign a person in: only administrators
	// see them, and only while there is no SMTP server to deliver them.
	if h.SMTP || !c.Can(auth.PermMailLinks) {
		m.Text = tokenLink.ReplaceAllString(m.Text, c.P.T("admin.mail.link_hidden"))
		m.HTML = ""
	}
	return c.Render(http.StatusOK, "admin/message", m)
}

func (h *Handlers) audit(c *web.Ctx) error {
	p, off := page(c)
	entries, total, err := audit.List(c.Context(), h.DB, perPage, off)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "admin/audit", map[string]any{"Entries": entries, "Total": total, "Pager": web.NewPager(c.R.URL.Query(), p, perPage, total)})
}
