package training

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/web"
)

type reviewsPage struct {
	View
	Items []*ReviewItem
}

func (h *Handlers) reviewQueue(c *web.Ctx) error {
	list, err := h.Store.ReviewQueue(c.Context(), c.User)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "training/reviews", reviewsPage{viewFor(c), list})
}

type reviewPage struct {
	View
	Item     *ReviewItem
	MaxScore int
}

// Score is the score given for a criterion, as the form shows it.
func (p reviewPage) Score(f *web.Form, code string) string {
	if v := f.Get("score." + code); v != "" || len(f.Values) > 0 {
		return v
	}
	if v, ok := p.Item.Scores[code]; ok {
		return strconv.Itoa(v)
	}
	return ""
}

func (h *Handlers) reviewForm(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	it, err := h.Store.ReviewItemFor(c.Context(), c.User, id)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "training/review", reviewPage{viewFor(c), it, MaxScore})
}

func (h *Handlers) saveReview(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	f, err := c.Form()
	if err != nil {
		return err
	}
	it, err := h.Store.ReviewItemFor(c.Context(), c.User, id)
	if err != nil {
		return err
	}
	scores := map[string]int{}
	var fe errs.Fields
	for _, cr := range it.Programme.Criteria {
		v := strings.TrimSpace(f.Get("score." + cr.Code))
		n, err := strconv.Atoi(v)
		if v != "" && err != nil {
			fe.Add("score."+cr.Code, "training.review.score_invalid", MaxScore)
			continue
		}
		if v != "" {
			scores[cr.Code] = n
		}
	}
	conflict := f.Get("action") == "conflict"
	err = fe.Err()
	if err == nil {
		err = h.Store.SaveReview(c.Context(), c.User, id, scores, f.Get("comment"), conflict)
	}
	if errs.CodeOf(err) == errs.Invalid {
		return c.RenderForm(c.Fail(f, err), "training/review", f, reviewPage{viewFor(c), it, MaxScore})
	}
	if err != nil {
		return err
	}
	return c.Redirect("/training-reviews")
}

func (h *Handlers) adminReviewer(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	if err := h.Store.AddReviewer(c.Context(), c.User, c.R.PathValue("slug"), f.Get("reviewer_email"), f.Get("reviewer_country")); err != nil {
		if e, ok := errs.As(err); ok && e.Code == errs.Invalid {
			for i := range e.Fields {
				e.Fields[i].Name = "reviewer_" + e.Fields[i].Name
			}
			return h.adminPage(c, c.Fail(f, e), f)
		}
		return err
	}
	return c.Redirect("/admin/training/" + c.R.PathValue("slug") + "/ranking")
}

// BalanceTable is a dimension of the would-be cohort, named.
type BalanceTable struct {
	Dimension string
	Rows      []NamedRow
}

type rankingPage struct {
	View
	Ranking  *Ranking
	Balance  []BalanceTable
	Warnings []string
}

func (h *Handlers) ranking(c *web.Ctx) error {
	r, err := h.Store.Ranking(c.Context(), c.User, c.R.PathValue("slug"))
	if err != nil {
		return err
	}
	pg := rankingPage{View: viewFor(c), Ranking: r}
	for _, b := range r.Balance {
		t := BalanceTable{Dimension: b.Dimension}
		for _, row := range b.Rows {
			t.Rows = append(t.Rows, NamedRow{Name: reachLabel(c.P, b.Dimension, row.Key), Counts: row.Counts})
		}
		pg.Balance = append(pg.Balance, t)
	}
	for _, w := range r.Warnings {
		name := reachLabel(c.P, "region", w.Key)
		if len(w.Key) == 2 {
			name = reachLabel(c.P, "country", w.Key)
		}
		pg.Warnings = append(pg.Warnings, c.P.T("training.ranking.warning", name, w.Have, w.Limit))
	}
	return c.Render(http.StatusOK, "training/ranking", pg)
}

// ScoreText shows a mean score with one decimal.
func (v View) ScoreText(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }
