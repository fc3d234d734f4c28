package members

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/wuzhen/wuzhen/internal/chart"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/geo"
)

// Filter selects members of the public directory.
type Filter struct {
	Query     string // a name in any script, or an acronym
	Continent geo.Continent
	Country   string
	Group     Group
	Joined    int // year joined, 0 for any
}

// where returns the SQL condition and arguments of f over active members.
func (f Filter) where() (string, []any) {
	w, args := []string{"status = 'active'"}, []any{}
	if q := fold(f.Query); q != "" {
		w = append(w, "search LIKE ? ESCAPE '\\'")
		args = append(args, "%"+likeEscape(q)+"%")
	}
	if f.Continent != "" {
		w, args = append(w, "continent = ?"), append(args, f.Continent)
	}
	if f.Country != "" {
		w, args = append(w, "country = ?"), append(args, f.Country)
	}
	if f.Group != "" {
		w, args = append(w, "stakeholder_group = ?"), append(args, f.Group)
	}
	if f.Joined != 0 {
		w = append(w, "joined_on >= ? AND joined_on < ?")
		args = append(args, fmt.Sprintf("%04d-01-01", f.Joined), fmt.Sprintf("%04d-01-01", f.Joined+1))
	}
	return "WHERE " + strings.Join(w, " AND "), args
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

const memberColumns = `id, kind, name_en, name_zh_hans, name_zh_hant, acronym, stakeholder_group, country, continent,
	website, description_en, description_zh_hans, description_zh_hant, contact_email, status, joined_on, term_ends_on`

func scanMember(row db.Scanner) (*Member, error) {
	m := &Member{}
	err := row.Scan(&m.ID, &m.Kind, &m.Name.En, &m.Name.Hans, &m.Name.Hant, &m.Acronym, &m.Group, &m.Country, &m.Continent,
		&m.Website, &m.Description.En, &m.Description.Hans, &m.Description.Hant, &m.ContactEmail, &m.Standing, &m.JoinedOn, &m.TermEndsOn)
	return m, err
}

// Directory returns active members matching f, sorted by name, with the
// total. Anyone may call it.
func (s *Store) Directory(ctx context.Context, f Filter, limit, offset int) ([]*Member, int, error) {
	where, args := f.where()
	var total int
	if err := s.DB.QueryRow(ctx, "SELECT count(*) FROM members "+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("members: directory: %w", err)
	}
	out, err := db.All(ctx, s.DB, "members: directory", scanMember, "-- members.Directory\nSELECT "+memberColumns+" FROM members "+where+
		" ORDER BY sort_name, id LIMIT ? OFFSET ?", append(args, limit, offset)...)
	return out, total, err
}

// Public returns an active member's profile; a member that is not active
// is NotFound to the public.
func (s *Store) Public(ctx context.Context, id int64) (*Member, error) {
	m, err := scanMember(s.DB.QueryRow(ctx, "SELECT "+memberColumns+" FROM members WHERE id = ? AND status = 'active'", id))
	if db.IsNotFound(err) {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("members: member %d: %w", id, err)
	}
	return m, nil
}

// Stats are the headline figures of the active membership.
type Stats struct {
	Members     int                   `json:"members"`
	Countries   int                   `json:"countries"`
	Continents  int                   `json:"continents"`
	ByContinent map[string]int        `json:"by_continent"`
	ByGroup     map[Group]int         `json:"by_stakeholder_group"`
	ByCountry   map[string]int        `json:"by_country"`
	ByYear      map[int]int           `json:"-"`
	Years       []int                 `json:"-"` // years with joiners, ascending
	continents  map[geo.Continent]int // by stored value
}

// Stats computes the headline figures from the data. Anyone may call it.
func (s *Store) Stats(ctx context.Context) (*Stats, error) {
	rows, err := s.DB.Query(ctx, `-- members.Stats
		SELECT country, continent, stakeholder_group, substr(joined_on, 1, 4), count(*) FROM members
		WHERE status = 'active' GROUP BY country, continent, stakeholder_group, substr(joined_on, 1, 4)`)
	if err != nil {
		return nil, fmt.Errorf("members: stats: %w", err)
	}
	defer rows.Close()
	st := &Stats{ByContinent: map[string]int{}, ByGroup: map[Group]int{}, ByCountry: map[string]int{},
		ByYear: map[int]int{}, continents: map[geo.Continent]int{}}
	for rows.Next() {
		var country, year string
		var continent geo.Continent
		var group Group
		var n int
		if err := rows.Scan(&country, &continent, &group, &year, &n); err != nil {
			return nil, fmt.Errorf("members: stats: %w", err)
		}
		st.Members += n
		st.ByCountry[country] += n
		st.ByGroup[group] += n
		if code := continent.Code(); code != "" {
			st.ByContinent[code] += n
			st.continents[continent] += n
		}
		y, _ := strconv.Atoi(year)
		st.ByYear[y] += n
	}
	st.Countries, st.Continents = len(st.ByCountry), len(st.ByContinent)
	for y := range st.ByYear {
		st.Years = append(st.Years, y)
	}
	sort.Ints(st.Years)
	return st, rows.Err()
}

// Cumulative returns, for each year with joiners, how many active members
// had joined by its end.
func (st *Stats) Cumulative() []YearCount {
	var out []YearCount
	n := 0
	for _, y := range st.Years {
		n += st.ByYear[y]
		out = append(out, YearCount{y, n})
	}
	return out
}

// YearCount is a count at a year.
type YearCount struct{ Year, Count int }

// PublicStats are the membership's figures as GET /api/v1/stats/members
// gives them: counts below chart.SmallCell are "<N", with a second one
// where a single small count could be found from the total
// (chart.Suppress). Continents and stakeholder groups are listed whole.
type PublicStats struct {
	SmallCell   int                   `json:"small_cell"`
	Members     chart.Cell            `json:"members"`
	Countries   int                   `json:"countries"`
	Continents  int                   `json:"continents"`
	ByContinent map[string]chart.Cell `json:"by_continent"`
	ByGroup     map[Group]chart.Cell  `json:"by_stakeholder_group"`
	ByCountry   map[string]chart.Cell `json:"by_country"`
}

// Public returns the figures of st the public may see.
func (st *Stats) Public() *PublicStats {
	continents := map[string]int{}
	for _, c := range geo.Continents() {
		continents[c.Code()] = st.ByContinent[c.Code()]
	}
	groups := map[Group]int{}
	for _, g := range Groups {
		groups[g] = st.ByGroup[g]
	}
	return &PublicStats{SmallCell: chart.SmallCell, Members: chart.Total(st.Members), Countries: st.Countries,
		Continents: st.Continents, ByContinent: chart.Suppress(continents), ByGroup: chart.Suppress(groups),
		ByCountry: chart.Suppress(st.ByCountry)}
}
