package training

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/geo"
)

// MaxScore is the highest score per criterion.
const MaxScore = 10

// AddReviewer makes the account with email a reviewer of the programme
// of slug; country is the country they would be partial to (they do not
// review its applicants). For the secretariat; Invalid at "email" or
// "country".
func (s *Store) AddReviewer(ctx context.Context, by *actor.Actor, slug, email, country string) error {
	if !manages(by) {
		return errs.New(errs.Forbidden, "error.forbidden")
	}
	country = strings.ToUpper(strings.TrimSpace(country))
	var fe errs.Fields
	if _, ok := geo.Lookup(country); country != "" && !ok {
		fe.Add("country", "training.country_invalid")
	}
	var id int64
	err := s.DB.QueryRow(ctx, "-- training.AddReviewer\nSELECT id FROM users WHERE email = ?", auth.NormalizeEmail(email)).Scan(&id)
	if db.IsNotFound(err) {
		fe.Add("email", "training.trainer_unknown")
	} else if err != nil {
		return err
	}
	if err := fe.Err(); err != nil {
		return err
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		p, err := s.programme(ctx, tx, "slug = ?", slug)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `-- training.AddReviewer
			INSERT INTO training_reviewers (programme_id, user_id, country, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (programme_id, user_id) DO UPDATE SET country = excluded.country`, p.ID, id, country, tx.Now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "programme.reviewer", Object: programmeObject(p.ID),
			Details: map[string]any{"user": id}})
	})
	if err != nil {
		return fmt.Errorf("training: add reviewer: %w", err)
	}
	return nil
}

// ReviewItem is an application in a reviewer's queue, blind: no name and
// no country, only what the applicant answered.
type ReviewItem struct {
	Application *Application
	Programme   *Programme
	Scores      map[string]int
	Comment     string
	Conflict    bool
	Submitted   bool
}

// reviewable: the reviewer's applications are every application to
// their programmes that is still being decided, except those from the
// country they are partial to (a conflict the platform sees) .
const reviewable = `FROM training_applications a JOIN training_reviewers r ON r.programme_id = a.programme_id
	LEFT JOIN training_reviews v ON v.application_id = a.id AND v.user_id = r.user_id
	WHERE r.user_id = ? AND a.country <> r.country AND a.status IN ('submitted', 'waitlisted')`

// ReviewQueue lists by's applications to review.
func (s *Store) ReviewQueue(ctx context.Context, by *actor.Actor) ([]*ReviewItem, error) {
	cols := "a." + strings.ReplaceAll(applicationColumns, ", ", ", a.")
	type row struct {
		a        *Application
		scores   string
		conflict bool
		done     bool
		comment  string
	}
	rows, err := db.All(ctx, s.DB, "training: review queue", func(r db.Scanner) (row, error) {
		var x row
		a := &Application{}
		var answers string
		var scores *string
		var conflict *bool
		var submitted, comment *string
		err := r.Scan(&a.ID, &a.ProgrammeID, &a.UserID, &a.Name, &a.NameNative, &a.Country, &a.Region, &a.BirthYear, &a.Group, &a.Gender,
			&answers, &a.Status, &a.Waitlist, &a.OfferedAt, &a.RespondBy, &a.Created, &scores, &conflict, &submitted, &comment)
		if err != nil {
			return x, err
		}
		x.a = a
		if scores != nil {
			x.scores = *scores
		}
		x.conflict = conflict != nil && *conflict
		x.done = submitted != nil
		if comment != nil {
			x.comment = *comment
		}
		return x, decode(answers, &a.Answers)
	}, "-- training.ReviewQueue\nSELECT "+cols+", v.scores, v.conflict, CAST(v.submitted_at AS TEXT), v.comment "+reviewable+" ORDER BY a.created_at, a.id", by.ID)
	if err != nil {
		return nil, err
	}
	var out []*ReviewItem
	progs := map[int64]*Programme{}
	for _, x := range rows {
		p := progs[x.a.ProgrammeID]
		if p == nil {
			if p, err = s.programme(ctx, s.DB, "id = ?", x.a.ProgrammeID); err != nil {
				return nil, err
			}
			progs[p.ID] = p
		}
		it := &ReviewItem{Application: x.a, Programme: p, Scores: map[string]int{}, Conflict: x.conflict, Submitted: x.done, Comment: x.comment}
		if err := decode(x.scores, &it.Scores); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}

// ReviewItemFor returns application id from by's queue (NotFound when it
// is not theirs to review).
func (s *Store) ReviewItemFor(ctx context.Context, by *actor.Actor, id int64) (*ReviewItem, error) {
	list, err := s.ReviewQueue(ctx, by)
	if err != nil {
		return nil, err
	}
	for _, it := range list {
		if it.Application.ID == id {
			return it, nil
		}
	}
	return nil, errs.NotFoundError()
}

// SaveReview records by's scores (every criterion, 0 to MaxScore) and
// comment on application id, or, with conflict, that they cannot review
// it. Only a reviewer with the application in their queue (NotFound
// else); Invalid at "score.CODE".
func (s *Store) SaveReview(ctx context.Context, by *actor.Actor, id int64, scores map[string]int, comment string, conflict bool) error {
	it, err := s.ReviewItemFor(ctx, by, id)
	if err != nil {
		return err
	}
	comment = strings.TrimSpace(comment)
	var fe errs.Fields
	if !conflict {
		for _, c := range it.Programme.Criteria {
			if v, ok := scores[c.Code]; !ok || v < 0 || v > MaxScore {
				fe.Add("score."+c.Code, "training.review.score_invalid", MaxScore)
			}
		}
		for k := range scores {
			if _, ok := criterion(it.Programme, k); !ok {
				fe.Add("scores", "training.review.score_invalid", MaxScore)
				break
			}
		}
	}
	if utf8.RuneCountInString(comment) > maxAnswer {
		fe.Add("comment", "training.too_long", maxAnswer)
	}
	if err := fe.Err(); err != nil {
		return err
	}
	if scores == nil || conflict {
		scores = map[string]int{}
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		now := tx.Now()
		if _, err := tx.Exec(ctx, `-- training.SaveReview
			INSERT INTO training_reviews (application_id, user_id, scores, comment, conflict, submitted_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (application_id, user_id) DO UPDATE SET scores = excluded.scores, comment = excluded.comment,
				conflict = excluded.conflict, submitted_at = excluded.submitted_at, updated_at = excluded.updated_at`,
			id, by.ID, db.JSON(scores), comment, conflict, now, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "programme.review", Object: applicationObject(id),
			Details: map[string]any{"conflict": conflict}})
	})
	if err != nil {
		return fmt.Errorf("training: review: %w", err)
	}
	return nil
}

func criterion(p *Programme, code string) (Criterion, bool) {
	for _, c := range p.Criteria {
		if c.Code == code {
			return c, true
		}
	}
	return Criterion{}, false
}

// Ranked is an application with its reviews' mean total score.
type Ranked struct {
	Application *Application
	Reviews     int
	Score       float64 // the mean over reviews of the sum of the criteria's scores
	InCohort    bool    // among the would-be cohort: the best, up to the seats
}

// Balance is the share of the would-be cohort in each value of a
// dimension.
type Balance struct {
	Dimension string
	Rows      []ReachRow // Applicants counts the would-be cohort here
}

// Warning is a target of the programme the would-be cohort misses: more
// in a region or country than its seats allow.
type Warning struct {
	Key   string // the region or country
	Have  int
	Limit int
}

// Ranking is the secretariat's view of a selection.
type Ranking struct {
	Programme *Programme
	Ranked    []*Ranked
	Balance   []Balance
	Warnings  []Warning
}

// Ranking ranks the programme's applications still being decided by
// their reviews' mean score, and shows the balance of the would-be
// cohort (the best up to the seats, after those already offered or
// accepted) by continent, region, income group, gender and group, with a
// warning for every seat limit it would break. For the secretariat.
func (s *Store) Ranking(ctx context.Context, by *actor.Actor, slug string) (*Ranking, error) {
	p, apps, err := s.Applications(ctx, by, slug)
	if err != nil {
		return nil, err
	}
	if !manages(by) {
		return nil, errs.NotFoundError()
	}
	type agg struct {
		n     int
		total float64
	}
	type review struct {
		app    int64
		scores string
	}
	reviews, err := db.All(ctx, s.DB, "training: reviews", func(r db.Scanner) (review, error) {
		var x review
		return x, r.Scan(&x.app, &x.scores)
	}, `-- training.Ranking
		SELECT v.application_id, v.scores FROM training_reviews v JOIN training_applications a ON a.id = v.application_id
		WHERE a.programme_id = ? AND v.conflict = false AND v.submitted_at IS NOT NULL`, p.ID)
	if err != nil {
		return nil, err
	}
	sums := map[int64]*agg{}
	for _, v := range reviews {
		var sc map[string]int
		if err := decode(v.scores, &sc); err != nil {
			return nil, err
		}
		a := sums[v.app]
		if a == nil {
			a = &agg{}
			sums[v.app] = a
		}
		a.n++
		for _, x := range sc {
			a.total += float64(x)
		}
	}
	r := &Ranking{Programme: p}
	held := 0
	var cohort []*Application
	for _, a := range apps {
		switch a.Status {
		case Offered, Accepted:
			held++
			cohort = append(cohort, a)
		case Submitted, Waitlisted:
			x := &Ranked{Application: a}
			if g := sums[a.ID]; g != nil {
				x.Reviews, x.Score = g.n, g.total/float64(g.n)
			}
			r.Ranked = append(r.Ranked, x)
		}
	}
	sort.SliceStable(r.Ranked, func(i, j int) bool { return r.Ranked[i].Score > r.Ranked[j].Score })
	for i, x := range r.Ranked {
		if held+i < p.Seats && x.Reviews > 0 {
			x.InCohort = true
			cohort = append(cohort, x.Application)
		}
	}
	counts := map[string]map[string]int{}
	for _, a := range cohort {
		c, _ := geo.Lookup(a.Country)
		gender := a.Gender
		if gender == "" {
			gender = "not_said"
		}
		income := string(c.Income)
		if income == "" {
			income = "unclassified"
		}
		for d, k := range map[string]string{"continent": c.Continent.Code(), "region": c.Region, "income": income, "gender": gender,
			"group": a.Group, "country": a.Country} {
			if counts[d] == nil {
				counts[d] = map[string]int{}
			}
			counts[d][k]++
		}
	}
	for _, d := range []string{"continent", "region", "income", "gender", "group"} {
		b := Balance{Dimension: d}
		for k, n := range counts[d] {
			b.Rows = append(b.Rows, ReachRow{Key: k, Counts: Counts{Applicants: n}})
		}
		sort.Slice(b.Rows, func(i, j int) bool {
			if b.Rows[i].Applicants != b.Rows[j].Applicants {
				return b.Rows[i].Applicants > b.Rows[j].Applicants
			}
			return b.Rows[i].Key < b.Rows[j].Key
		})
		r.Balance = append(r.Balance, b)
	}
	for key, limit := range p.SeatsBy {
		have := counts["region"][key] + counts["country"][key]
		if have > limit {
			r.Warnings = append(r.Warnings, Warning{Key: key, Have: have, Limit: limit})
		}
	}
	sort.Slice(r.Warnings, func(i, j int) bool { return r.Warnings[i].Key < r.Warnings[j].Key })
	return r, nil
}
