package events

import (
	"context"
	"sort"

	"github.com/wuzhen/wuzhen/internal/chart"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/members"
)

// Stats are an event's aggregate figures: never a person.
type Stats struct {
	Registered int `json:"registered"` // live registrations: confirmed, pending and waitlisted
	Confirmed  int `json:"confirmed"`
	Pending    int `json:"pending"`
	Waitlisted int `json:"waitlisted"`
	CheckedIn  int `json:"checked_in"`
	// Countries counts the countries and regions of confirmed participants.
	Countries int `json:"countries"`
	// Developing is the share (0–1) of confirmed participants from
	// developing countries under the organisation's rule (geo.Country.Developing).
	Developing  float64           `json:"developing_share"`
	ByContinent map[string]int    `json:"by_continent"` // confirmed, by continent code
	ByCategory  map[string]Counts `json:"by_category"`
	ByGroup     map[string]int    `json:"by_stakeholder_group"` // confirmed
	ByCountry   []CountryCount    `json:"by_country"`           // confirmed, most first
}

// Counts are a category's figures.
type Counts struct {
	Capacity   int `json:"capacity"`
	Confirmed  int `json:"confirmed"`
	Pending    int `json:"pending"`
	Waitlisted int `json:"waitlisted"`
	CheckedIn  int `json:"checked_in"`
}

// CountryCount is the number of confirmed participants from one country.
type CountryCount struct {
	Country string `json:"country"`
	Count   int    `json:"count"`
}

// Stats computes an event's figures.
func (s *Store) Stats(ctx context.Context, eventID int64) (*Stats, error) {
	st := &Stats{ByContinent: map[string]int{}, ByCategory: map[string]Counts{}, ByGroup: map[string]int{}}
	cats, err := s.Categories(ctx, eventID)
	if err != nil {
		return nil, err
	}
	code := map[int64]string{}
	for _, c := range cats {
		code[c.ID] = c.Code
		st.ByCategory[c.Code] = Counts{Capacity: c.Capacity}
	}
	type row struct {
		cat                   int64
		status, country, cont string
		group                 string
		checked, n            int
	}
	rows, err := db.All(ctx, s.DB, "events: stats", func(sc db.Scanner) (row, error) {
		var r row
		err := sc.Scan(&r.cat, &r.status, &r.country, &r.cont, &r.group, &r.checked, &r.n)
		return r, err
	}, `SELECT category_id, status, country, continent, stakeholder_group,
			CASE WHEN checked_in_at IS NULL THEN 0 ELSE 1 END, COUNT(*)
		FROM event_registrations WHERE event_id = ? AND status IN ('pending', 'confirmed', 'waitlisted')
		GROUP BY category_id, status, country, continent, stakeholder_group, CASE WHEN checked_in_at IS NULL THEN 0 ELSE 1 END`, eventID)
	if err != nil {
		return nil, err
	}
	countries := map[string]int{}
	developing := 0
	for _, r := range rows {
		c := st.ByCategory[code[r.cat]]
		st.Registered += r.n
		switch RegStatus(r.status) {
		case Pending:
			st.Pending += r.n
			c.Pending += r.n
		case Waitlisted:
			st.Waitlisted += r.n
			c.Waitlisted += r.n
		case Confirmed:
			st.Confirmed += r.n
			c.Confirmed += r.n
			if r.checked == 1 {
				st.CheckedIn += r.n
				c.CheckedIn += r.n
			}
			if r.country != "" {
				countries[r.country] += r.n
				if g, ok := geo.Lookup(r.country); ok && g.Developing() {
					developing += r.n
				}
			}
			if r.cont != "" {
				st.ByContinent[r.cont] += r.n
			}
			if r.group != "" {
				st.ByGroup[r.group] += r.n
			}
		}
		st.ByCategory[code[r.cat]] = c
	}
	st.Countries = len(countries)
	for c, n := range countries {
		st.ByCountry = append(st.ByCountry, CountryCount{Country: c, Count: n})
	}
	sort.Slice(st.ByCountry, func(i, j int) bool {
		a, b := st.ByCountry[i], st.ByCountry[j]
		return a.Count > b.Count || a.Count == b.Count && a.Country < b.Country
	})
	if st.Confirmed > 0 {
		st.Developing = float64(developing) / float64(st.Confirmed)
	}
	return st, nil
}

// DevelopingPercent is the developing share in whole percent.
func (st *Stats) DevelopingPercent() int { return int(st.Developing*100 + 0.5) }

// PublicStats are an event's figures as the public sees them (the event
// page and GET /api/v1/events/{slug}/stats): every count below
// chart.SmallCell is "fewer than" it and, where one small count could be
// found from a published total, another with it (chart.Suppress); a
// country is listed only from chart.SmallCell participants, the others
// counted together as other_countries; continents
// and stakeholder groups are listed whole, so that none appears with
// its first participant; and check-ins, which date a person's arrival,
// are never shown. Staff pages use Stats.
type PublicStats struct {
	SmallCell  int        `json:"small_cell"` // counts below it are shown as "<N"
	Registered chart.Cell `json:"registered"`
	Confirmed  chart.Cell `json:"confirmed"`
	Pending    chart.Cell `json:"pending"`
	Waitlisted chart.Cell `json:"waitlisted"`
	Countries  int        `json:"countries"`
	// Developing is the share of confirmed participants from developing
	// economies; nil when either side of it is a small count.
	Developing  *float64                `json:"developing_share"`
	ByContinent map[string]chart.Cell   `json:"by_continent"`
	ByCategory  map[string]PublicCounts `json:"by_category"`
	ByGroup     map[string]chart.Cell   `json:"by_stakeholder_group"`
	ByCountry   []CountryCount          `json:"by_country"`      // countries of chart.SmallCell or more, most first
	Others      chart.Cell              `json:"other_countries"` // confirmed from the countries not listed
}

// PublicCounts are a category's public figures.
type PublicCounts struct {
	Capacity   int        `json:"capacity"`
	Confirmed  chart.Cell `json:"confirmed"`
	Pending    chart.Cell `json:"pending"`
	Waitlisted chart.Cell `json:"waitlisted"`
}

// Public returns the figures the public may see of st.
func (st *Stats) Public() *PublicStats {
	p := &PublicStats{SmallCell: chart.SmallCell, Registered: chart.Total(st.Registered), Countries: st.Countries,
		ByCategory: map[string]PublicCounts{}}
	status := chart.Suppress(map[string]int{"confirmed": st.Confirmed, "pending": st.Pending, "waitlisted": st.Waitlisted})
	p.Confirmed, p.Pending, p.Waitlisted = status["confirmed"], status["pending"], status["waitlisted"]
	if dev := int(st.Developing*float64(st.Confirmed) + 0.5); p.Confirmed.Shown() && dev >= chart.SmallCell && st.Confirmed-dev >= chart.SmallCell {
		share := st.Developing
		p.Developing = &share
	}
	continents := map[string]int{}
	for _, c := range geo.Continents() {
		continents[c.Code()] = st.ByContinent[c.Code()]
	}
	p.ByContinent = chart.Suppress(continents)
	groups := map[string]int{}
	for _, g := range members.Groups {
		groups[string(g)] = st.ByGroup[string(g)]
	}
	p.ByGroup = chart.Suppress(groups)
	per := func(f func(Counts) int) map[string]chart.Cell {
		m := map[string]int{}
		for code, c := range st.ByCategory {
			m[code] = f(c)
		}
		return chart.Suppress(m)
	}
	conf, pend, wait := per(func(c Counts) int { return c.Confirmed }), per(func(c Counts) int { return c.Pending }),
		per(func(c Counts) int { return c.Waitlisted })
	for code, c := range st.ByCategory {
		p.ByCategory[code] = PublicCounts{Capacity: c.Capacity, Confirmed: conf[code], Pending: pend[code], Waitlisted: wait[code]}
	}
	// Countries below the threshold are not listed at all but counted
	// together, so that none can be told from the others.
	others := st.Confirmed
	p.ByCountry = []CountryCount{}
	for _, c := range st.ByCountry { // most first
		if chart.Total(c.Count).Shown() {
			p.ByCountry = append(p.ByCountry, c)
			others -= c.Count
		}
	}
	p.Others = chart.Total(others)
	return p
}
