// Package tabular sends a table as a download, CSV or XLSX, with the same
// cells in both: the secretariat's exports of members, registrations and
// later of anything listed. It is a platform package: a capability gives
// the header, the column widths and the rows.
package tabular

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/wuzhen/wuzhen/internal/web"
)

// Table is what a download holds.
type Table struct {
	// File is the download's name without extension ("members-2026-11-29").
	File string
	// Sheet names the XLSX sheet.
	Sheet string
	// Header is the first row, in the reader's language.
	Header []string
	// Widths are the XLSX column widths in characters (may be shorter than
	// Header).
	Widths []float64
	// Next returns the next row's cells, false when there are no more, or
	// an error. Cells typed by people go through Text.
	Next func() ([]string, bool, error)
}

// Text keeps a spreadsheet program from taking text typed by a person for
// a formula (CSV injection): text that begins with = + - @ or a tab or
// carriage return gets a leading apostrophe. Both formats get the same
// cells.
func Text(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func attachment(c *web.Ctx, contentType, name string) {
	hd := c.W.Header()
	hd.Set("Content-Type", contentType)
	hd.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	hd.Set("Cache-Control", "no-store") // personal data
}

// abort ends a download that failed after its first bytes were sent: the
// status can no longer change, so the connection is cut and the client
// sees an incomplete download rather than a file that looks whole.
func abort(c *web.Ctx, err error) {
	c.Logger().ErrorContext(c.Context(), "export failed", "err", err)
	panic(http.ErrAbortHandler)
}

// utf8BOM lets spreadsheet programs recognise the CSV as UTF-8.
const utf8BOM = "\uFEFF"

// CSV answers the table as CSV (RFC 4180, CRLF line ends), in UTF-8 with a
// byte-order mark, streamed.
func CSV(c *web.Ctx, t Table) error {
	attachment(c, "text/csv; charset=utf-8", t.File+".csv")
	c.W.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(c.W, 32<<10)
	bw.WriteString(utf8BOM)
	w := csv.NewWriter(bw)
	w.UseCRLF = true
	w.Write(t.Header)
	for n := 1; ; n++ {
		row, ok, err := t.Next()
		if err != nil {
			abort(c, err)
		}
		if !ok {
			break
		}
		if err := w.Write(row); err != nil {
			return nil // the client went away
		}
		if n%1000 == 0 {
			if w.Flush(); w.Error() != nil {
				return nil
			}
		}
	}
	if w.Flush(); w.Error() != nil {
		return nil
	}
	bw.Flush()
	return nil
}

// XLSX answers the table as a workbook of one sheet: the header row bold
// and frozen, columns sized. Rows go through excelize's StreamWriter, which
// keeps only a buffer in memory (and spills to a temporary file past it);
// the workbook is sent once complete, as a ZIP must be.
func XLSX(c *web.Ctx, t Table) error {
	x, err := workbook(t)
	if err != nil {
		return fmt.Errorf("tabular: %w", err)
	}
	defer x.Close()
	attachment(c, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", t.File+".xlsx")
	c.W.WriteHeader(http.StatusOK)
	if err := x.Write(c.W); err != nil {
		c.Logger().InfoContext(c.Context(), "export not sent", "err", err) // the client went away
	}
	return nil
}

// workbook writes the rows into a new workbook; the caller closes it.
func workbook(t Table) (_ *excelize.File, err error) {
	x := excelize.NewFile()
	defer func() {
		if err != nil {
			x.Close()
		}
	}()
	if err := x.SetSheetName(x.GetSheetName(0), t.Sheet); err != nil {
		return nil, err
	}
	sw, err := x.NewStreamWriter(t.Sheet)
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
	for i, w := range t.Widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return nil, err
		}
	}
	cells := make([]any, len(t.Header))
	for i, s := range t.Header {
		cells[i] = excelize.Cell{StyleID: bold, Value: s}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return nil, err
	}
	for n := 2; ; n++ {
		row, ok, err := t.Next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		cells = make([]any, len(row))
		for i, s := range row {
			if s != "" {
				cells[i] = s // no cell rather than an empty one
			}
		}
		ref, err := excelize.CoordinatesToCellName(1, n)
		if err != nil {
			return nil, err
		}
		if err := sw.SetRow(ref, cells); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	return x, nil
}
