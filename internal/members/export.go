package members

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/i18n"
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
func (s *Store) recordExport(ctx context.Context, by Actor, format string, f ExportFilter) error {
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
		cellText(m.Name.En),
		cellText(m.Name.Hans),
		cellText(m.Name.Hant),
		cellText(m.Acronym),
		string(m.Group),
		p.T("members.group." + string(m.Group)),
		m.Country,
		c.Name(p.Lang),
		m.Continent.Code(),
		m.Continent.Name(p.Lang),
		cellText(m.Website),
		cellText(m.ContactEmail),
		string(m.Standing),
		m.JoinedOn,
		m.TermEndsOn,
	}
}

// cellText keeps a spreadsheet program from taking text typed by an
// applicant for a formula (CSV injection): text that begins with = + - @
// or a tab or carriage return gets a leading apostrophe. Both formats get
// the same cells.
func cellText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// exportName is the download's file name: members-YYYY-MM-DD.ext, dated
// by the database clock.
func (h *Handlers) exportName(ext string) string {
	return "members-" + h.Store.DB.Now().Format(time.DateOnly) + "." + ext
}

func attachment(c *web.Ctx, contentType, name string) {
	hd := c.W.Header()
	hd.Set("Content-Type", contentType)
	hd.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	hd.Set("Cache-Control", "no-store") // personal data
}

// abortExport ends a download that failed after its first bytes were sent:
// the status can no longer change, so the connection is cut and the client
// sees an incomplete download rather than a file that looks whole.
func abortExport(c *web.Ctx, err error) {
	c.Logger().ErrorContext(c.Context(), "export failed", "err", err)
	panic(http.ErrAbortHandler)
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
	if err := h.Store.recordExport(c.Context(), ActorOf(c.User), format, f); err != nil {
		return nil, err
	}
	return h.Store.exportMembers(c.Context(), f)
}

// utf8BOM lets spreadsheet programs recognise the CSV as UTF-8.
const utf8BOM = "\uFEFF"

// exportCSV answers the members as CSV (RFC 4180, CRLF line ends), in
// UTF-8 with a byte-order mark.
func (h *Handlers) exportCSV(c *web.Ctx) error {
	rows, err := h.openExport(c, "csv")
	if err != nil {
		return err
	}
	defer rows.Close()
	attachment(c, "text/csv; charset=utf-8", h.exportName("csv"))
	c.W.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(c.W, 32<<10)
	bw.WriteString(utf8BOM)
	w := csv.NewWriter(bw)
	w.UseCRLF = true
	w.Write(exportHeader(c.P))
	for n := 1; rows.Next(); n++ {
		m, err := scanMember(rows)
		if err != nil {
			abortExport(c, err)
		}
		if err := w.Write(exportRow(c.P, m)); err != nil {
			return nil // the client went away
		}
		if n%1000 == 0 {
			if w.Flush(); w.Error() != nil {
				return nil
			}
		}
	}
	if err := rows.Err(); err != nil {
		abortExport(c, err)
	}
	if w.Flush(); w.Error() != nil {
		return nil
	}
	bw.Flush()
	return nil
}

// exportXLSX answers the members as an XLSX workbook of one sheet: the
// header row bold and frozen, columns sized. Rows go through excelize's
// StreamWriter, which keeps only a buffer in memory (and spills to a
// temporary file past it); the workbook is sent once complete, as a ZIP
// must be.
func (h *Handlers) exportXLSX(c *web.Ctx) error {
	rows, err := h.openExport(c, "xlsx")
	if err != nil {
		return err
	}
	defer rows.Close()
	x, err := buildWorkbook(c.P, rows)
	if err != nil {
		return fmt.Errorf("members: export: %w", err)
	}
	defer x.Close()
	attachment(c, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", h.exportName("xlsx"))
	c.W.WriteHeader(http.StatusOK)
	if err := x.Write(c.W); err != nil {
		c.Logger().InfoContext(c.Context(), "export not sent", "err", err) // the client went away
	}
	return nil
}

// buildWorkbook writes the rows into a new workbook; the caller closes it.
func buildWorkbook(p *i18n.Printer, rows *sql.Rows) (_ *excelize.File, err error) {
	x := excelize.NewFile()
	defer func() {
		if err != nil {
			x.Close()
		}
	}()
	sheet := p.T("members.export.sheet")
	if err := x.SetSheetName(x.GetSheetName(0), sheet); err != nil {
		return nil, err
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	for i, col := range exportColumns {
		if err := sw.SetColWidth(i+1, i+1, col.width); err != nil {
			return nil, err
		}
	}
	header := exportHeader(p)
	cells := make([]any, len(header))
	for i, s := range header {
		cells[i] = excelize.Cell{StyleID: bold, Value: s}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return nil, err
	}
	row := 1
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, err
		}
		row++
		for i, s := range exportRow(p, m) {
			if s == "" {
				cells[i] = nil // no cell rather than an empty one
			} else {
				cells[i] = s
			}
		}
		ref, err := excelize.CoordinatesToCellName(1, row)
		if err != nil {
			return nil, err
		}
		if err := sw.SetRow(ref, cells); err != nil {
			return nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	return x, nil
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
