package calls

// Ranking, decisions, publication of results, and the public showcase.

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/pagecache"
	"github.com/wuzhen/wuzhen/internal/search"
)

// SpreadFlag is the difference, in points of 100, between the highest and
// the lowest review of a submission from which the ranking flags it for
// a second look.
const SpreadFlag = 25.0

// ReviewScore is the score of one review on a scale of 0 to 100: the
// weighted mean of its scores, each as a share of its criterion's
// maximum,
//
//	100 × Σ wᵢ·sᵢ/maxᵢ / Σ wᵢ
//
// over the criteria of the rubric. A criterion left unscored counts 0.
func ReviewScore(criteria []Criterion, scores map[string]float64) float64 {
	var sum, weights float64
	for _, c := range criteria {
		if c.Max <= 0 || c.Weight <= 0 {
			continue
		}
		sum += c.Weight * scores[c.Code] / float64(c.Max)
		weights += c.Weight
	}
	if weights == 0 {
		return 0
	}
	return finite(100 * sum / weights)
}

// ScoredReview is a submitted review reduced to what ranking needs.
type ScoredReview struct {
	Submission, Reviewer int64
	Score                float64 // ReviewScore
}

// Rank is one submission's line in the ranking.
type Rank struct {
	SubmissionID int64   `json:"submission_id"`
	WeightedMean float64 `json:"weighted_mean"` // mean of the review scores, 0–100
	Normalized   float64 `json:"normalized"`    // mean of the reviewers' z-scores
	Reviews      int     `json:"reviews"`       // submitted reviews counted
	Spread       float64 `json:"spread"`        // highest minus lowest review score
	Flagged      bool    `json:"spread_flagged"`
}

// Rankings computes the ranking of submissions from their submitted
// reviews:
//
//   - weighted_mean is the mean of the submission's review scores
//     (ReviewScore, 0–100);
//   - normalized: each reviewer's scores in the call are turned into
//     z-scores, z = (x − μ) / σ with the mean μ and the population
//     standard deviation σ of that reviewer's review scores; a reviewer
//     with a single review, or with the same score throughout (σ = 0),
//     contributes 0; the submission's value is the mean of its reviews'
//     z-scores (0 without reviews);
//   - spread is the highest minus the lowest review score, flagged from
//     SpreadFlag.
//
// Every submission in subs gets a line, best first: by weighted mean, then
// normalised score, then id. No value is ever NaN or infinite.
func Rankings(subs []int64, reviews []ScoredReview) []Rank {
	type stat struct {
		n         int
		sum, sum2 float64
	}
	byReviewer := map[int64]*stat{}
	for _, r := range reviews {
		st := byReviewer[r.Reviewer]
		if st == nil {
			st = &stat{}
			byReviewer[r.Reviewer] = st
		}
		st.n++
		st.sum += r.Score
	}
	mean := map[int64]float64{}
	for id, st := range byReviewer {
		mean[id] = st.sum / float64(st.n)
	}
	for _, r := range reviews {
		d := r.Score - mean[r.Reviewer]
		byReviewer[r.Reviewer].sum2 += d * d
	}
	z := func(r ScoredReview) float64 {
		st := byReviewer[r.Reviewer]
		if st.n < 2 {
			return 0
		}
		sd := math.Sqrt(st.sum2 / float64(st.n))
		if !(sd > 1e-9) {
			return 0
		}
		return finite((r.Score - mean[r.Reviewer]) / sd)
	}
	lines := map[int64]*Rank{}
	out := make([]Rank, len(subs))
	lo, hi := map[int64]float64{}, map[int64]float64{}
	for i, id := range subs {
		out[i].SubmissionID = id
		lines[id] = &out[i]
	}
	for _, r := range reviews {
		l := lines[r.Submission]
		if l == nil {
			continue
		}
		if l.Reviews == 0 || r.Score < lo[r.Submission] {
			lo[r.Submission] = r.Score
		}
		if l.Reviews == 0 || r.Score > hi[r.Submission] {
			hi[r.Submission] = r.Score
		}
		l.Reviews++
		l.WeightedMean += r.Score
		l.Normalized += z(r)
	}
	for i := range out {
		l := &out[i]
		if l.Reviews > 0 {
			l.WeightedMean = finite(l.WeightedMean / float64(l.Reviews))
			l.Normalized = finite(l.Normalized / float64(l.Reviews))
			l.Spread = finite(hi[l.SubmissionID] - lo[l.SubmissionID])
			l.Flagged = l.Reviews > 1 && l.Spread >= SpreadFlag
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.WeightedMean != b.WeightedMean {
			return a.WeightedMean > b.WeightedMean
		}
		if a.Normalized != b.Normalized {
			return a.Normalized > b.Normalized
		}
		return a.SubmissionID < b.SubmissionID
	})
	return out
}

// finite returns v, or 0 when v is NaN or infinite.
func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

// RankedSubmission is a ranking line with its submission, for the
// secretariat's pages.
type RankedSubmission struct {
	Rank
	Submission *Submission
}

// Ranking returns the ranking of call slug's reviewable submissions, for
// the secretariat.
func (s *Store) Ranking(ctx context.Context, slug string) (*Call, []RankedSubmission, error) {
	return s.RankingRound(ctx, slug, 1)
}

// RankingRound returns the ranking of round of call slug, for the
// secretariat: round 1 as Ranking; round 2 ranks the submissions of the
// second round by their round-2 reviews only (NotFound without one).
func (s *Store) RankingRound(ctx context.Context, slug string, round int) (*Call, []RankedSubmission, error) {
	c, err := s.Call(ctx, slug)
	if err != nil {
		return nil, nil, err
	}
	subs, err := db.All(ctx, s.DB, "calls: ranking", scanSubmission, "SELECT "+submissionColumns+` FROM call_submissions
		WHERE call_id = ? AND status = 'submitted' AND screening <> 'ineligible' ORDER BY id`, c.ID)
	switch {
	case err != nil || round == 1:
	case round == 2:
		if _, err = s.round(ctx, s.DB, c.ID); err == nil {
			subs, err = s.inRound(ctx, s.DB, c.ID, subs)
		}
	default:
		var fe errs.Fields
		fe.Add("round", "calls.round.invalid")
		err = fe.Err()
	}
	if err != nil {
		return nil, nil, err
	}
	if err := s.withAuthors(ctx, s.DB, subs); err != nil {
		return nil, nil, err
	}
	ids := make([]int64, len(subs))
	byID := map[int64]*Submission{}
	for i, sub := range subs {
		ids[i], byID[sub.ID] = sub.ID, sub
	}
	reviews, err := s.scoredReviews(ctx, s.DB, c, round, byID)
	if err != nil {
		return nil, nil, err
	}
	ranks := Rankings(ids, reviews)
	out := make([]RankedSubmission, len(ranks))
	for i, r := range ranks {
		out[i] = RankedSubmission{r, byID[r.SubmissionID]}
	}
	return c, out, nil
}

// scoredReviews returns the submitted reviews of round of reviewable
// submissions of c, scored; a review missing a criterion's score does not
// count, nor does one whose reviewer has a conflict of interest with the
// submission (conflictOf: subs holds the submissions with their authors),
// whatever the state of its row.
func (s *Store) scoredReviews(ctx context.Context, q db.Querier, c *Call, round int, subs map[int64]*Submission) ([]ScoredReview, error) {
	type row struct {
		ScoredReview
		complete bool
	}
	rows, err := db.All(ctx, q, "calls: scored reviews", func(r db.Scanner) (row, error) {
		var x row
		var raw string
		if err := r.Scan(&x.Submission, &x.Reviewer, &raw); err != nil {
			return x, err
		}
		var scores map[string]float64
		if err := decodeList(raw, &scores); err != nil {
			return x, err
		}
		x.Score, x.complete = ReviewScore(c.Criteria, scores), complete(c, scores)
		return x, nil
	}, `-- calls.scoredReviews
		SELECT r.submission_id, r.reviewer_id, r.scores FROM call_reviews r JOIN call_submissions s ON s.id = r.submission_id
		WHERE s.call_id = ? AND s.status = 'submitted' AND s.screening <> 'ineligible' AND r.status = 'submitted' AND r.round = ?
		ORDER BY r.id`, c.ID, round)
	if err != nil {
		return nil, err
	}
	reviewers, err := s.reviewers(ctx, q, c.ID)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*Reviewer{}
	for _, r := range reviewers {
		byID[r.ID] = r
	}
	declared, err := declaredConflicts(ctx, q, c.ID)
	if err != nil {
		return nil, err
	}
	var out []ScoredReview
	for _, x := range rows {
		v, sub := byID[x.Reviewer], subs[x.Submission]
		if !x.complete || v == nil || sub == nil || conflictOf(c, sub, v, declared[v.ID]) != NoConflict {
			continue
		}
		out = append(out, x.ScoredReview)
	}
	return out, nil
}

// Decide records the secretariat's decision on submission id. Decisions
// stay private until the call's results are published; after that, a
// changed decision takes effect in the showcase at once and the authors
// are told. Audited.
func (s *Store) Decide(ctx context.Context, by *actor.Actor, id int64, d Decision) error {
	switch d {
	case Selected, Shortlisted, Rejected:
	default:
		var fe errs.Fields
		fe.Add("decision", "calls.decision_invalid")
		return fe.Err()
	}
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		sub, err := s.submission(ctx, tx, id, tx.ForUpdate())
		if err != nil {
			return err
		}
		if sub.Status != Submitted || sub.Screening == Ineligible {
			return errs.New(errs.Conflict, "calls.not_reviewable")
		}
		c, err := s.call(ctx, tx, "id = ?", sub.CallID)
		if err != nil {
			return err
		}
		now := tx.Now()
		if _, err := tx.Exec(ctx, "UPDATE call_submissions SET decision = ?, decided_at = ?, updated_at = ? WHERE id = ?", d, now, now, id); err != nil {
			return err
		}
		if c.ResultsOut() && sub.Decision != d {
			sub.Decision = d
			if err := s.publishOne(ctx, tx, c, sub, now); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "call.decide",
			Object: submissionObject(id), Details: map[string]any{"decision": d}})
	})
	if err != nil {
		return fmt.Errorf("calls: decide: %w", err)
	}
	return nil
}

// publishOne makes the public showcase and the search index agree with a
// decided submission of a call whose results are out, and tells its
// authors.
func (s *Store) publishOne(ctx context.Context, tx *db.Tx, c *Call, sub *Submission, now time.Time) error {
	if sub.Decision == Selected {
		if _, err := tx.Exec(ctx, "UPDATE call_submissions SET published_at = COALESCE(published_at, ?) WHERE id = ?", now, sub.ID); err != nil {
			return err
		}
		if sub.PublishedAt == nil {
			sub.PublishedAt = &now
		}
		if err := search.Put(ctx, tx, caseDoc(c, sub)); err != nil {
			return err
		}
	} else {
		if _, err := tx.Exec(ctx, "UPDATE call_submissions SET published_at = NULL WHERE id = ?", sub.ID); err != nil {
			return err
		}
		if err := search.Delete(ctx, tx, DocType, sub.ID); err != nil {
			return err
		}
	}
	if err := pagecache.Bump(ctx, tx); err != nil {
		return err
	}
	if sub.Decision == "" {
		return nil
	}
	for _, a := range sub.Authors {
		if !a.Confirmed() || a.UserID == 0 {
			continue
		}
		if err := s.mailUser(ctx, tx, a.UserID, "mail.calls.decision.subject", "mail.calls.decision."+string(sub.Decision),
			func(p *i18n.Printer) []any {
				return []any{a.Name, sub.Title.For(p.Lang), c.Title.For(p.Lang), fmt.Sprintf("%s/submissions/%d", s.base(), sub.ID)}
			}); err != nil {
			return err
		}
	}
	return nil
}

// PublishResults publishes the results of call slug, for the secretariat:
// the selected submissions enter the public showcase and the search index,
// and every author with a decision is told by mail, all in one
// transaction. Publishing twice is a Conflict.
func (s *Store) PublishResults(ctx context.Context, by *actor.Actor, slug string) (int, error) {
	n := 0
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		c, err := s.call(ctx, tx, "slug = ?"+tx.ForUpdate(), slug)
		if err != nil {
			return err
		}
		if c.Status != CallPublished {
			return errs.New(errs.Conflict, "calls.not_published")
		}
		if c.ResultsOut() {
			return errs.New(errs.Conflict, "calls.results_out")
		}
		now := tx.Now()
		if _, err := tx.Exec(ctx, "UPDATE calls SET results_published_at = ?, updated_at = ? WHERE id = ?", now, now, c.ID); err != nil {
			return err
		}
		c.ResultsPublishedAt = &now
		subs, err := s.reviewable(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		for _, sub := range subs {
			if sub.Decision == "" {
				continue
			}
			if err := s.publishOne(ctx, tx, c, sub, now); err != nil {
				return err
			}
			if sub.Decision == Selected {
				n++
			}
		}
		if err := pagecache.Bump(ctx, tx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "call.publish_results",
			Object: callObject(c.ID), Details: map[string]any{"selected": n}})
	})
	if err != nil {
		return 0, fmt.Errorf("calls: publish results: %w", err)
	}
	return n, nil
}

// Breakdown counts the selected submissions of a call before publication
// by field, by continent and M49 region of their countries and by the
// stakeholder group of their applicants, with the shortlist counted apart:
// the secretariat's view of the balance of the selection. A case with
// countries on two continents counts once on each.
type Breakdown struct {
	Selected    int
	ByField     map[string]int
	ByContinent map[string]int // continent code → selected cases with a country there
	ByRegion    map[string]int // M49 region code ("002") → selected cases with a country there
	ByGroup     map[string]int // stakeholder group → selected cases; "" not stated
	Countries   int
	// Cases are the selected submissions, Shortlist the shortlisted ones
	// counted the same way (its own Shortlist is nil).
	Cases     []*Submission
	Shortlist *Breakdown
	// Imbalances name each continent, region, stakeholder group or field
	// that holds more than half of the selected cases.
	Imbalances []Imbalance
}

// Selection returns the breakdown of call callID's selected submissions,
// with its shortlist.
func (s *Store) Selection(ctx context.Context, callID int64) (*Breakdown, error) {
	subs, err := db.All(ctx, s.DB, "calls: selection", scanSubmission, "SELECT "+submissionColumns+` FROM call_submissions
		WHERE call_id = ? AND status = 'submitted' AND decision IN ('selected', 'shortlisted') ORDER BY id`, callID)
	if err != nil {
		return nil, err
	}
	if err := s.withAuthors(ctx, s.DB, subs); err != nil {
		return nil, err
	}
	var selected, short []*Submission
	for _, sub := range subs {
		if sub.Decision == Selected {
			selected = append(selected, sub)
		} else {
			short = append(short, sub)
		}
	}
	b := tally(selected)
	b.Shortlist = tally(short)
	b.Imbalances = imbalances(b)
	return b, nil
}

// tally counts subs.
func tally(subs []*Submission) *Breakdown {
	b := &Breakdown{ByField: map[string]int{}, ByContinent: map[string]int{}, ByRegion: map[string]int{}, ByGroup: map[string]int{}, Cases: subs}
	countries := map[string]bool{}
	for _, sub := range subs {
		b.Selected++
		b.ByField[sub.Field]++
		b.ByGroup[sub.Group]++
		continents, regions := map[string]bool{}, map[string]bool{}
		for _, code := range sub.AllCountries() {
			countries[code] = true
			c, ok := geo.Lookup(code)
			if !ok {
				continue
			}
			if k := c.Continent.Code(); k != "" && !continents[k] {
				continents[k] = true
				b.ByContinent[k]++
			}
			if c.Region != "" && !regions[c.Region] {
				regions[c.Region] = true
				b.ByRegion[c.Region]++
			}
		}
	}
	b.Countries = len(countries)
	return b
}

// ---- the public showcase ----

// DocType is the search type of selected cases. Stored, do not rename.
const DocType = "case"

// Case is a selected submission as the public sees it.
type Case struct {
	ID        int64
	Title     Text
	Summary   Text
	Field     string
	Year      int
	Countries []string
	Partners  []Partner
	VideoURL  string
	Call      Text
	CallSlug  string
	Kind      Kind
}

// caseDoc is what search knows of a selected case.
func caseDoc(c *Call, sub *Submission) search.Doc {
	var partners []string
	for _, p := range sub.Partners {
		partners = append(partners, p.Name)
	}
	body := map[string]string{}
	for lang, s := range sub.Summary.ByLang() {
		body[lang] = strings.TrimSpace(s + " " + strings.Join(partners, " "))
	}
	if len(body) == 0 && len(partners) > 0 {
		body["en"] = strings.Join(partners, " ")
	}
	facets := map[string]string{"year": strconv.Itoa(c.Year), "field": sub.Field}
	if len(sub.Countries) > 0 {
		facets["country"] = sub.Countries[0]
	}
	return search.Doc{Type: DocType, ID: sub.ID, Title: sub.Title.ByLang(), Body: body,
		URL: fmt.Sprintf("/cases/%d", sub.ID), Boost: 1, Facets: facets}
}

// CaseFilter selects cases in the showcase.
type CaseFilter struct {
	Year    int
	Field   string
	Country string
}

const caseColumns = `s.id, s.title_en, s.title_zh_hans, s.title_zh_hant, s.summary_en, s.summary_zh_hans, s.summary_zh_hant,
	s.field, s.countries, s.partners, s.video_url, c.year, c.title_en, c.title_zh_hans, c.title_zh_hant, c.slug, c.kind`

func scanCase(r db.Scanner) (*Case, error) {
	x := &Case{}
	var countries, partners string
	if err := r.Scan(&x.ID, &x.Title.En, &x.Title.Hans, &x.Title.Hant, &x.Summary.En, &x.Summary.Hans, &x.Summary.Hant,
		&x.Field, &countries, &partners, &x.VideoURL, &x.Year, &x.Call.En, &x.Call.Hans, &x.Call.Hant, &x.CallSlug, &x.Kind); err != nil {
		return nil, err
	}
	if err := decodeList(countries, &x.Countries); err != nil {
		return nil, err
	}
	return x, decodeList(partners, &x.Partners)
}

const publicCases = ` FROM call_submissions s JOIN calls c ON c.id = s.call_id
	WHERE s.published_at IS NOT NULL AND s.decision = 'selected' AND s.status = 'submitted' AND c.results_published_at IS NOT NULL`

// Cases returns the public showcase: selected submissions of calls whose
// results are published, the latest year first, with the total.
func (s *Store) Cases(ctx context.Context, f CaseFilter, limit, offset int) ([]*Case, int, error) {
	where, args := publicCases, []any{}
	if f.Year != 0 {
		where, args = where+" AND c.year = ?", append(args, f.Year)
	}
	if f.Field != "" {
		where, args = where+" AND s.field = ?", append(args, f.Field)
	}
	if f.Country != "" {
		// countries is a JSON list of upper-case codes: "KE" is matched
		// with its quotes, so that no code matches inside another.
		where, args = where+" AND s.countries LIKE ?", append(args, `%"`+f.Country+`"%`)
	}
	var total int
	if err := s.DB.QueryRow(ctx, "SELECT count(*)"+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("calls: cases: %w", err)
	}
	list, err := db.All(ctx, s.DB, "calls: cases", scanCase, "SELECT "+caseColumns+where+" ORDER BY c.year DESC, s.field, s.id LIMIT ? OFFSET ?",
		append(args, limit, offset)...)
	return list, total, err
}

// Case returns a case of the public showcase; anything else is NotFound.
func (s *Store) Case(ctx context.Context, id int64) (*Case, error) {
	x, err := scanCase(s.DB.QueryRow(ctx, "SELECT "+caseColumns+publicCases+" AND s.id = ?", id))
	if db.IsNotFound(err) {
		return nil, errs.NotFoundError()
	}
	if err != nil {
		return nil, fmt.Errorf("calls: case %d: %w", id, err)
	}
	return x, nil
}

// CaseYears returns the years of the showcase with their numbers of
// cases, the latest first.
func (s *Store) CaseYears(ctx context.Context) ([]YearCount, error) {
	return db.All(ctx, s.DB, "calls: case years", func(r db.Scanner) (YearCount, error) {
		var y YearCount
		return y, r.Scan(&y.Year, &y.Count)
	}, "SELECT c.year, count(*)"+publicCases+" GROUP BY c.year ORDER BY c.year DESC")
}

// YearCount is a year and how many cases it has.
type YearCount struct{ Year, Count int }

// Reindex rebuilds the cases' part of the search index, in tx. For
// `wuzhen reindex`.
func (s *Store) Reindex(ctx context.Context, tx *db.Tx) (int, error) {
	if err := search.DeleteType(ctx, tx, DocType); err != nil {
		return 0, err
	}
	subs, err := db.All(ctx, tx, "calls: reindex", scanSubmission, "SELECT "+submissionColumns+` FROM call_submissions
		WHERE published_at IS NOT NULL AND decision = 'selected' AND status = 'submitted' ORDER BY id`)
	if err != nil {
		return 0, err
	}
	calls := map[int64]*Call{}
	n := 0
	for _, sub := range subs {
		c := calls[sub.CallID]
		if c == nil {
			if c, err = s.call(ctx, tx, "id = ?", sub.CallID); err != nil {
				return 0, err
			}
			calls[sub.CallID] = c
		}
		if !c.ResultsOut() {
			continue
		}
		if err := search.Put(ctx, tx, caseDoc(c, sub)); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}
