package members

import (
	"fmt"
	"html/template"

	"github.com/wuzhen/wuzhen/internal/chart"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/web"
)

// options are the choices forms and filters offer, in the reader's
// language.
type options struct {
	Groups     []Group
	Countries  []geo.Country
	Continents []geo.Continent
	Lang       string
}

func optionsFor(lang string) options {
	return options{Groups: Groups, Countries: geo.Sorted(lang), Continents: geo.Continents(), Lang: lang}
}

// CountryName returns a country's name in the options' language.
func (o options) CountryName(code string) string {
	c, ok := geo.Lookup(code)
	if !ok {
		return code
	}
	return c.Name(o.Lang)
}

// worldMap draws the members per country.
func worldMap(c *web.Ctx, st *Stats) template.HTML {
	p := c.P
	return chart.WorldMap(chart.MapInput{
		Counts:    st.ByCountry,
		Name:      func(code string) string { return optionsFor(c.Lang).CountryName(code) },
		Title:     p.T("members.map.title"),
		Desc:      p.T("members.map.desc", st.Members, st.Countries),
		Legend:    p.T("members.map.legend"),
		NoneLabel: p.T("members.map.none"),
		Link:      func(code string) string { return "/members?country=" + code },
		Label: func(code string, n int) string {
			if n < chart.SmallCell {
				return p.T("integrity.map.fewer", chart.SmallCell, optionsFor(c.Lang).CountryName(code))
			}
			return p.N("members.map.label", n, optionsFor(c.Lang).CountryName(code))
		},
		ID: "members-map",
	})
}

// growthChart draws the number of members by year.
func growthChart(c *web.Ctx, st *Stats) template.HTML {
	var bars []chart.Bar
	for _, yc := range st.Cumulative() {
		bars = append(bars, chart.Bar{Label: fmt.Sprint(yc.Year), Value: yc.Count})
	}
	return chart.Bars(c.P.T("members.growth.title"), c.P.T("members.growth.desc"), bars,
		func(n int) string { return fmt.Sprint(n) })
}

// headline says "N members from M countries and regions on K continents"
// in the reader's language.
func headline(p *i18n.Printer, st *Stats) string {
	return p.T("members.headline", p.N("members.count", st.Members), p.N("members.countries", st.Countries), p.N("members.continents", st.Continents))
}
