package training

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/tabular"
	"github.com/wuzhen/wuzhen/internal/web"
)

// reachLabel names a dimension's value in p's language.
func reachLabel(p *i18n.Printer, dim, key string) string {
	switch dim {
	case "continent":
		if c, ok := geo.ContinentByCode(key); ok {
			return c.Name(p.Lang)
		}
	case "region":
		if key != "" {
			return p.T("training.region." + key)
		}
	case "country":
		if c, ok := geo.Lookup(key); ok {
			return c.Name(p.Lang)
		}
	case "income":
		return p.T("training.income." + key)
	case "gender":
		return p.T("training.gender." + key)
	case "group":
		if key != "" {
			return p.T("members.group." + key)
		}
	}
	if key == "" {
		return p.T("training.reach.unknown")
	}
	return key
}

// ReachTable is one dimension of the reach page, its values named.
type ReachTable struct {
	Dimension string
	Rows      []NamedRow
}

// NamedRow is a value of a dimension with its name.
type NamedRow struct {
	Name string
	Counts
}

type reachPage struct {
	View
	Reach      *Reach
	Tables     []ReachTable
	Programmes []*Programme
	Query      string // ?programme=… for the downloads
}

func (h *Handlers) reach(c *web.Ctx) error {
	slug := c.R.URL.Query().Get("programme")
	r, err := h.Store.Reach(c.Context(), c.User, slug)
	if err != nil {
		return err
	}
	list, err := h.Store.All(c.Context())
	if err != nil {
		return err
	}
	pg := reachPage{View: viewFor(c), Reach: r, Programmes: list}
	if slug != "" {
		pg.Query = "?programme=" + slug
	}
	for _, d := range Dimensions {
		t := ReachTable{Dimension: d}
		for _, row := range r.By[d] {
			t.Rows = append(t.Rows, NamedRow{Name: reachLabel(c.P, d, row.Key), Counts: row.Counts})
		}
		pg.Tables = append(pg.Tables, t)
	}
	return c.Render(http.StatusOK, "training/reach", pg)
}

func (h *Handlers) reachExport(c *web.Ctx, send func(*web.Ctx, tabular.Table) error) error {
	slug := c.R.URL.Query().Get("programme")
	r, err := h.Store.Reach(c.Context(), c.User, slug)
	if err != nil {
		return err
	}
	p := c.P
	type line struct{ dim, key string }
	var lines []line
	lines = append(lines, line{"total", ""})
	for _, d := range Dimensions {
		for _, row := range r.By[d] {
			lines = append(lines, line{d, row.Key})
		}
	}
	counts := func(l line) Counts {
		if l.dim == "total" {
			return r.Total
		}
		for _, row := range r.By[l.dim] {
			if row.Key == l.key {
				return row.Counts
			}
		}
		return Counts{}
	}
	name := "all"
	if slug != "" {
		name = slug
	}
	i := 0
	return send(c, tabular.Table{
		File: fmt.Sprintf("reach-%s-%s", name, c.Now().Format("2006-01-02")), Sheet: p.T("training.reach.title"),
		Header: []string{p.T("training.reach.dimension"), p.T("training.reach.code"), p.T("training.reach.value"), p.T("training.reach.applicants"),
			p.T("training.reach.selected"), p.T("training.reach.participants"), p.T("training.reach.completed"), p.T("training.reach.rate")},
		Widths: []float64{18, 12, 30, 12, 12, 12, 12, 14},
		Next: func() ([]string, bool, error) {
			if i == len(lines) {
				return nil, false, nil
			}
			l := lines[i]
			i++
			n := counts(l)
			label := p.T("training.reach.total")
			if l.dim != "total" {
				label = reachLabel(p, l.dim, l.key)
			}
			return []string{p.T("training.reach.dim." + l.dim), l.key, label, strconv.Itoa(n.Applicants), strconv.Itoa(n.Selected),
				strconv.Itoa(n.Participants), strconv.Itoa(n.Completed), strconv.Itoa(n.CompletionRate())}, true, nil
		},
	})
}

func (h *Handlers) reachCSV(c *web.Ctx) error  { return h.reachExport(c, tabular.CSV) }
func (h *Handlers) reachXLSX(c *web.Ctx) error { return h.reachExport(c, tabular.XLSX) }
