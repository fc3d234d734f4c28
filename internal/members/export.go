package members

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/tabular"
	"github.com/wuzhen/wuzhen/internal/web"
)

// The export: the secretariat downloads the members as CSV or XLSX, with
// the same columns in both. Columns holding codes (kind, stakeholder group,
// country, continent, standing) carry the stored values, so that a file can
// be read back; the group, country and continent also get a column with
// their name in the reader's language. The header row is in the reader's
// language; the order of the columns is fixed (exportColumns).

// exportColumns are the catalog keys of the export's header, in order.
var exportColumns = []struct {
	key   string
	width float64 // XLSX column width, in characters
}{
	{"members.export.col.number", 11},
	{"members.export.col.kind", 13},
	{"members.export.col.name_en", 40},
	{"members.export.col.name_zh_hans", 28},
	{"members.export.col.name_zh_hant", 28},
	{"members.export.col.acronym", 12},
	{"members.export.col.group", 26},
	{"members.export.col.group_name", 26},
	{"members.export.col.country", 10},
	{"members.export.col.country_name", 24},
	{"members.export.col.continent", 10},
	{"members.export.col.continent_name", 16},
	{"members.export.col.website", 34},
	{"members.export.col.contact_email", 32},
	{"members.export.col.standing", 12},
	{"members.export.col.joined_on", 12},
	{"members.export.col.term_ends_on", 12},
}

// ExportFilter selects the members of an export: the directory's filters,
// over every standing or over one.
type ExportFilter struct {
	Filter
	Standing Standing // "" for every standing
}

// exportFilterOf reads an export's filters from the query string: those of
// the directory (filterOf) and standing= (active, lapsed, suspended,
// withdrawn; anything else, or nothing, for all). Like the directory, it
// ignores values it does not know.
func exportFilterOf(q url.Values) ExportFilter {
	f := ExportFilter{Filter: filterOf(q)}
	switch s := Standing(q.Get("standing")); s {
	case Active, Lapsed, Suspended, Withdrawn:
		f.Standing = s
	}
	return f
}

// activeOnly is how Filter.where begins: the directory shows active members
// only. The export replaces that condition with its own.
const activeOnly = "WHERE status = 'active'"

// where returns the SQL condition and arguments of f: the directory's
// conditions, with the standing asked for instead of "active".
func (f ExportFilter) where() (string, []any, error) {
	w, args := f.Filter.where()
	rest, ok := strings.CutPrefix(w, activeOnly)
	if !ok {
		return "", nil, fmt.Errorf("members: export: Filter.where no longer begins with %q: %q", activeOnly, w)
	}
	if f.Standing == "" {
		return "WHERE 1 = 1" + rest, args, nil
	}
	return "WHERE status = ?" + rest, append([]any{f.Standing}, args...), nil
}

// exportMembers opens the query of an export: the members matching f, in
// the order of their numbers. Rows come from the database as they are read,
// so that an export of any size takes little memory; the caller closes them
// and reads each with scanMember. For the secretariat (PermManage).
func (s *Store) exportMembers(ctx context.Context, f ExportFilter) (*sql.Rows, error) {
	where, args, err := f.where()
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, "-- members.exportMembers\nSELECT "+memberColumns+" FROM members "+where+" ORDER BY id", args...)
	if err != nil {
		return nil, fmt.Errorf("members: export: %w", err)
	}
	return rows, nil
}

// recordExport writes the export of personal data (contact emails) to the
// audit log.
func (s *Store) recordExport(ctx context.Context, by *actor.Actor, format string, f ExportFilter) error {
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "member.export", Object: "members",
			Details: map[string]any{"format": format, "q": f.Query, "continent": f.Continent, "country": f.Country,
				"stakeholder_group": f.Group, "joined": f.Joined, "standing": f.Standing}})
	})
}

// exportHeader returns the header row in lang.
func exportHeader(p *i18n.Printer) []string {
	out := make([]string, len(exportColumns))
	for i, c := range exportColumns {
		out[i] = p.T(c.key)
	}
	return out
}

// exportRow returns the cells of one member, as exportColumns lists them,
// with names in lang.
func exportRow(p *i18n.Printer, m *Member) []string {
	c, _ := geo.Lookup(m.Country)
	return []string{
		m.Number(),
		string(m.Kind),
		tabular.Text(m.Name.En),
		tabular.Text(m.Name.Hans),
		tabular.Text(m.Name.Hant),
		tabular.Text(m.Acronym),
		string(m.Group),
		p.T("members.group." + string(m.Group)),
		m.Country,
		c.Name(p.Lang),
		m.Continent.Code(),
		m.Continent.Name(p.Lang),
		tabular.Text(m.Website),
		tabular.Text(m.ContactEmail),
		string(m.Standing),
		m.JoinedOn,
		m.TermEndsOn,
	}
}

// exportName is the download's file name without extension:
// members-YYYY-MM-DD, dated by the database clock.
func (h *Handlers) exportName() string {
	return "members-" + h.Store.DB.Now().Format(time.DateOnly)
}

// exportRoutes are the secretariat's downloads of the members.
func (h *Handlers) exportRoutes() []web.Route {
	manage := web.Perm(PermManage)
	return []web.Route{
		{Method: "GET", Path: "/admin/members/export.csv", Access: manage, Handle: h.exportCSV},
		{Method: "GET", Path: "/admin/members/export.xlsx", Access: manage, Handle: h.exportXLSX},
	}
}

// openExport reads the filters, audits the export and opens the query:
// everything that can fail before the response begins.
func (h *Handlers) openExport(c *web.Ctx, format string) (*sql.Rows, error) {
	f := exportFilterOf(c.R.URL.Query())
	if err := h.Store.recordExport(c.Context(), c.User, format, f); err != nil {
		return nil, err
	}
	return h.Store.exportMembers(c.Context(), f)
}

// exportCSV answers the members as CSV.
func (h *Handlers) exportCSV(c *web.Ctx) error { return h.export(c, "csv", tabular.CSV) }

// exportXLSX answers the members as an XLSX workbook.
func (h *Handlers) exportXLSX(c *web.Ctx) error { return h.export(c, "xlsx", tabular.XLSX) }

func (h *Handlers) export(c *web.Ctx, format string, send func(*web.Ctx, tabular.Table) error) error {
	rows, err := h.openExport(c, format)
	if err != nil {
		return err
	}
	defer rows.Close()
	widths := make([]float64, len(exportColumns))
	for i, col := range exportColumns {
		widths[i] = col.width
	}
	return send(c, tabular.Table{File: h.exportName(), Sheet: c.P.T("members.export.sheet"), Header: exportHeader(c.P), Widths: widths,
		Next: func() ([]string, bool, error) {
			if !rows.Next() {
				return nil, false, rows.Err()
			}
			m, err := scanMember(rows)
			if err != nil {
				return nil, false, err
			}
			return exportRow(c.P, m), true, nil
		}})
}

// ExportLinks are the secretariat's links to download the members a page
// lists, keeping its filters.
type ExportLinks struct {
	CSV, XLSX string
}

// exportLinks returns the links to export what the directory shows with
// query q, or nil for anyone but the secretariat.
func exportLinks(c *web.Ctx, q url.Values) *ExportLinks {
	if !c.Can(PermManage) {
		return nil
	}
	return newExportLinks(q)
}

// newExportLinks returns the export links for the directory's query q,
// keeping its filters and dropping the rest (page, lang).
func newExportLinks(q url.Values) *ExportLinks {
	v := url.Values{}
	for _, k := range []string{"q", "continent", "country", "stakeholder_group", "joined", "standing"} {
		if s := q.Get(k); s != "" {
			v.Set(k, s)
		}
	}
	suffix := ""
	if len(v) > 0 {
		suffix = "?" + v.Encode()
	}
	return &ExportLinks{CSV: "/admin/members/export.csv" + suffix, XLSX: "/admin/members/export.xlsx" + suffix}
}
