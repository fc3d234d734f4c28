package training

import (
	"context"
	"sort"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/geo"
)

// Counts are the people at each stage: applied, selected (offered a
// seat, whatever they answered), took part (accepted), completed (hold a
// certificate that is not revoked).
type Counts struct {
	Applicants, Selected, Participants, Completed int
}

// CompletionRate is the share of participants who completed, in percent.
func (c Counts) CompletionRate() int {
	if c.Participants == 0 {
		return 0
	}
	return c.Completed * 100 / c.Participants
}

func (c *Counts) add(a *Application, completed bool) {
	c.Applicants++
	if a.Status != Submitted && a.Status != Waitlisted {
		c.Selected++
	}
	if a.Status == Accepted {
		c.Participants++
	}
	if completed {
		c.Completed++
	}
}

// ReachRow is one value of a dimension (a country, a gender) and its
// counts. Key is the stored code; the page names it.
type ReachRow struct {
	Key string
	Counts
}

// Dimensions of the reach statistics, in the order shown. Part of the
// exports, do not rename.
var Dimensions = []string{"continent", "region", "country", "income", "gender", "group"}

// Reach is who a programme (or every programme) reached.
type Reach struct {
	Programme *Programme // nil: every programme
	Total     Counts
	By        map[string][]ReachRow // by dimension, the largest first
}

// Reach counts applicants, selected, participants and completers of the
// programme of slug ("" for every programme), in total and by continent,
// M49 region, country, World Bank income group, self-declared gender and
// stakeholder group. For the secretariat.
func (s *Store) Reach(ctx context.Context, by *actor.Actor, slug string) (*Reach, error) {
	if !manages(by) {
		return nil, errs.New(errs.Forbidden, "error.forbidden")
	}
	r := &Reach{By: map[string][]ReachRow{}}
	q := "-- training.Reach\nSELECT " + applicationColumns + " FROM training_applications"
	cq := "-- training.Reach\nSELECT application_id FROM training_certificates WHERE revoked_at IS NULL"
	var args []any
	if slug != "" {
		p, err := s.programme(ctx, s.DB, "slug = ?", slug)
		if err != nil {
			return nil, err
		}
		r.Programme = p
		q += " WHERE programme_id = ?"
		cq += " AND programme_id = ?"
		args = append(args, p.ID)
	}
	apps, err := db.All(ctx, s.DB, "training: reach", scanApplication, q, args...)
	if err != nil {
		return nil, err
	}
	done, err := db.All(ctx, s.DB, "training: reach", func(r db.Scanner) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	}, cq, args...)
	if err != nil {
		return nil, err
	}
	completed := map[int64]bool{}
	for _, id := range done {
		completed[id] = true
	}
	counts := map[string]map[string]*Counts{}
	for _, d := range Dimensions {
		counts[d] = map[string]*Counts{}
	}
	for _, a := range apps {
		c, _ := geo.Lookup(a.Country)
		keys := map[string]string{"continent": c.Continent.Code(), "region": c.Region, "country": a.Country,
			"income": string(c.Income), "gender": a.Gender, "group": a.Group}
		if keys["income"] == "" {
			keys["income"] = "unclassified"
		}
		if keys["gender"] == "" {
			keys["gender"] = "not_said"
		}
		r.Total.add(a, completed[a.ID])
		for d, k := range keys {
			if counts[d][k] == nil {
				counts[d][k] = &Counts{}
			}
			counts[d][k].add(a, completed[a.ID])
		}
	}
	for _, d := range Dimensions {
		var rows []ReachRow
		for k, c := range counts[d] {
			rows = append(rows, ReachRow{Key: k, Counts: *c})
		}
		sort.Slice(rows, func(i, j int) bool {
			if rows[i].Applicants != rows[j].Applicants {
				return rows[i].Applicants > rows[j].Applicants
			}
			return rows[i].Key < rows[j].Key
		})
		r.By[d] = rows
	}
	return r, nil
}
