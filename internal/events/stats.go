package events

import (
	"context"
	"sort"

	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/geo"
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
