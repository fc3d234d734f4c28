package calls

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/web"
)

// parseTime reads a time as RFC 3339 (with its offset) or as a local date
// and time ("2025-06-30T18:00", seconds optional, "T" or a space) in loc.
func parseTime(s string, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), true
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// callRequest is the body of POST /api/v1/calls.
type callRequest struct {
	Slug                 string       `json:"slug"`
	Kind                 Kind         `json:"kind"`
	Title                Text         `json:"title"`
	Description          Text         `json:"description"`
	OpensAt              string       `json:"opens_at"`
	ClosesAt             string       `json:"closes_at"`
	Timezone             string       `json:"timezone"`
	Year                 int          `json:"year"`
	Fields               []string     `json:"fields"`
	ReviewsPerSubmission int          `json:"reviews_per_submission"`
	Blind                *bool        `json:"blind"`
	ExcludeSameCountry   bool         `json:"exclude_same_country"`
	MembersOnly          bool         `json:"members_only"`
	Languages            []string     `json:"languages"`
	MaxCoauthors         int          `json:"max_coauthors"`
	MinCountries         int          `json:"min_countries"`
	Criteria             []Criterion  `json:"criteria"`
	Attachments          *Attachments `json:"attachments"` // absent: DefaultAttachments
	Questions            []Question   `json:"questions"`
}

// call turns the request into a call; times that cannot be read are
// field errors.
func (r callRequest) call() (*Call, errs.Fields) {
	c := &Call{Slug: r.Slug, Kind: r.Kind, Title: r.Title, Description: r.Description, Timezone: r.Timezone, Year: r.Year,
		Fields: r.Fields, ReviewsPerSubmission: r.ReviewsPerSubmission, Blind: r.Blind == nil || *r.Blind,
		ExcludeSameCountry: r.ExcludeSameCountry, MembersOnly: r.MembersOnly, Languages: r.Languages,
		MaxCoauthors: r.MaxCoauthors, MinCountries: r.MinCountries, Criteria: r.Criteria, Attachments: r.Attachments,
		Questions: r.Questions}
	var fe errs.Fields
	loc, err := time.LoadLocation(strings.TrimSpace(r.Timezone))
	if err != nil {
		loc = time.UTC
	}
	var ok bool
	if c.OpensAt, ok = parseTime(r.OpensAt, loc); !ok {
		fe.Add("opens_at", "calls.time_invalid")
	}
	if c.ClosesAt, ok = parseTime(r.ClosesAt, loc); !ok {
		fe.Add("closes_at", "calls.time_invalid")
	}
	return c, fe
}

// withFields adds fe to err's field errors (or makes err of them).
func withFields(err error, fe errs.Fields) error {
	if len(fe) == 0 {
		return err
	}
	if e, ok := errs.As(err); ok && e.Code == errs.Invalid {
		for _, f := range fe {
			if !errs.Fields(e.Fields).Has(f.Name) {
				e.Fields = append(e.Fields, f)
			}
		}
		return e
	}
	if err != nil {
		return err
	}
	return fe.Err()
}

func (h *Handlers) apiCreateCall(c *web.Ctx) error {
	var req callRequest
	if err := c.DecodeJSON(&req); err != nil {
		return err
	}
	call, fe := req.call()
	if len(fe) > 0 {
		// Validate the rest too, so that every field at fault is named.
		return withFields(call.validate(), fe)
	}
	if err := h.Store.CreateCall(c.Context(), c.User, call); err != nil {
		return err
	}
	c.W.Header().Set("Location", "/api/v1/calls/"+call.Slug)
	return c.JSON(http.StatusCreated, call)
}

func (h *Handlers) apiPublishCall(c *web.Ctx) error {
	call, err := h.Store.PublishCall(c.Context(), c.User, c.R.PathValue("slug"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, call)
}

// listedCall is a call in GET /api/v1/calls.
type listedCall struct {
	Slug     string    `json:"slug"`
	Kind     Kind      `json:"kind"`
	Title    string    `json:"title"`
	Year     int       `json:"year"`
	OpensAt  time.Time `json:"opens_at"`
	ClosesAt time.Time `json:"closes_at"`
	Timezone string    `json:"timezone"`
	Open     bool      `json:"open"`
	URL      string    `json:"url"`
}

func (h *Handlers) apiCalls(c *web.Ctx) error {
	list, err := h.Store.Calls(c.Context(), false)
	if err != nil {
		return err
	}
	now := h.Store.DB.Now()
	items := make([]listedCall, 0, len(list))
	for _, x := range list {
		items = append(items, listedCall{Slug: x.Slug, Kind: x.Kind, Title: x.Title.For(c.Lang), Year: x.Year, OpensAt: x.OpensAt,
			ClosesAt: x.ClosesAt, Timezone: x.Timezone, Open: x.Open(now), URL: c.BaseURL() + "/calls/" + x.Slug})
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

// submissionRequest is the body of POST /api/v1/calls/{slug}/submissions.
type submissionRequest struct {
	Title              Text              `json:"title"`
	Summary            Text              `json:"summary"`
	Field              string            `json:"field"`
	Countries          []string          `json:"countries"`
	Partners           []Partner         `json:"partners"`
	VideoURL           string            `json:"video_url"`
	Group              string            `json:"stakeholder_group"`
	Speakers           []Speaker         `json:"speakers"`
	Answers            map[string]string `json:"answers"`
	AuthorCountry      string            `json:"author_country"`
	AuthorOrganization string            `json:"author_organization"`
	Coauthors          []coauthorJ       `json:"coauthors"`
	Submit             *bool             `json:"submit"`
}

type coauthorJ struct {
	Email   string `json:"email"`
	Name    string `json:"name"`
	Country string `json:"country"`
}

// deadlineProblem answers a *DeadlineError as problem details whose
// detail names the deadline in the call's time zone; any other error is
// returned for the server to answer.
func deadlineProblem(c *web.Ctx, err error) error {
	var de *DeadlineError
	if !errors.As(err, &de) {
		return err
	}
	c.W.Header().Set("Content-Type", "application/problem+json")
	c.W.WriteHeader(http.StatusUnprocessableEntity)
	return json.NewEncoder(c.W).Encode(web.Problem{Type: "about:blank", Title: c.P.T(de.key()), Status: http.StatusUnprocessableEntity,
		Detail: de.Detail(c.P), Instance: c.R.URL.Path})
}

func (h *Handlers) apiSubmit(c *web.Ctx) error {
	var req submissionRequest
	if err := c.DecodeJSON(&req); err != nil {
		return err
	}
	var fe errs.Fields
	for i, a := range req.Coauthors {
		if !emailValid(strings.ToLower(strings.TrimSpace(a.Email))) {
			fe.Add(fmt.Sprintf("coauthors.%d.email", i), "calls.email_invalid")
		}
	}
	if err := fe.Err(); err != nil {
		return err
	}
	sub := &Submission{Title: req.Title, Summary: req.Summary, Field: req.Field, Countries: req.Countries, Partners: req.Partners,
		VideoURL: req.VideoURL, Group: req.Group, Speakers: req.Speakers, Answers: req.Answers}
	submit := req.Submit == nil || *req.Submit
	err := h.Store.SaveSubmission(c.Context(), c.User, c.R.PathValue("slug"), sub,
		SubmitterInfo{Country: req.AuthorCountry, Organization: req.AuthorOrganization}, submit)
	if err != nil {
		return deadlineProblem(c, err)
	}
	for _, a := range req.Coauthors {
		if err := h.Store.InviteCoauthor(c.Context(), c.User, sub.ID, a.Email, a.Name, a.Country, c.Lang); err != nil {
			return err
		}
	}
	c.W.Header().Set("Location", fmt.Sprintf("/api/v1/submissions/%d", sub.ID))
	return c.JSON(http.StatusCreated, map[string]any{"id": sub.ID, "status": sub.Status, "warnings": orEmpty(sub.Warnings)})
}

func (h *Handlers) apiSubmission(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	sub, _, err := h.Store.Submission(c.Context(), c.User, id)
	if err != nil {
		return err
	}
	e, err := h.Store.RoundOf(c.Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		*Submission
		Round *roundJSON `json:"round,omitempty"`
	}{sub, roundOut(e)})
}

// reviewerRequest is the body of POST /api/v1/calls/{slug}/reviewers.
type reviewerRequest struct {
	Email        string   `json:"email"`
	Name         string   `json:"name"`
	Country      string   `json:"country"`
	Organization string   `json:"organization"`
	Fields       []string `json:"fields"`
	Languages    []string `json:"languages"`
}

func (h *Handlers) apiAddReviewer(c *web.Ctx) error {
	var req reviewerRequest
	if err := c.DecodeJSON(&req); err != nil {
		return err
	}
	r := &Reviewer{Email: req.Email, Name: req.Name, Country: req.Country, Organization: req.Organization, Fields: req.Fields, Languages: req.Languages}
	joined, err := h.Store.AddReviewer(c.Context(), c.User, c.R.PathValue("slug"), r, c.Lang)
	if err != nil {
		return err
	}
	status := "invited"
	if joined {
		status = "active"
	}
	return c.JSON(http.StatusCreated, map[string]any{"id": r.ID, "email": r.Email, "status": status})
}

func (h *Handlers) apiAssign(c *web.Ctx) error {
	n, err := h.Store.Assign(c.Context(), c.User, c.R.PathValue("slug"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"assignments": n})
}

func (h *Handlers) apiMyReviews(c *web.Ctx) error {
	items, err := h.Store.MyReviews(c.Context(), c.User.ID, c.Lang)
	if err != nil {
		return err
	}
	if items == nil {
		items = []QueueItem{}
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

func (h *Handlers) apiReview(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	v, err := h.Store.Review(c.Context(), c.User, id)
	if err != nil {
		return err
	}
	out := map[string]any{"id": v.Review.ID, "submission_id": v.Review.SubmissionID, "status": v.Review.Status,
		"scores": v.Review.Scores, "comment": v.Review.Comment, "criteria": v.Call.Criteria, "blind": v.Call.Blind}
	if v.Submission != nil {
		out["submission"] = v.Submission
	}
	if e := v.Round; e != nil {
		out["round"] = roundOut(e)
	}
	return c.JSON(http.StatusOK, out)
}

func (h *Handlers) apiSaveReview(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var req struct {
		Scores  map[string]float64 `json:"scores"`
		Comment string             `json:"comment"`
		Submit  *bool              `json:"submit"`
	}
	if err := c.DecodeJSON(&req); err != nil {
		return err
	}
	submit := req.Submit == nil || *req.Submit
	if err := h.Store.SaveReview(c.Context(), c.User, id, req.Scores, req.Comment, submit); err != nil {
		return err
	}
	status := ReviewAssigned
	if submit {
		status = ReviewSubmitted
	}
	return c.JSON(http.StatusOK, map[string]any{"id": id, "status": status})
}

// apiReopen gives a submitted review back to its reviewer, for the
// secretariat: 200 with the review; 409 when it is not submitted or the
// results are out.
func (h *Handlers) apiReopen(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	r, err := h.Store.ReopenReview(c.Context(), c.User, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"id": r.ID, "submission_id": r.SubmissionID, "status": r.Status})
}

func (h *Handlers) apiConflict(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var req struct {
		Reason string `json:"reason"`
	}
	// The body is optional.
	if err := c.DecodeJSON(&req); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	newID, err := h.Store.DeclareConflict(c.Context(), c.User, id, req.Reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"id": id, "status": ReviewConflict, "reassigned": newID != 0})
}

// rankItem is a line of GET /api/v1/calls/{slug}/ranking.
type rankItem struct {
	Rank
	Title    string   `json:"title"`
	Field    string   `json:"field"`
	Decision Decision `json:"decision,omitempty"`
}

func (h *Handlers) apiRanking(c *web.Ctx) error {
	round, err := roundParam(c)
	if err != nil {
		return err
	}
	_, lines, err := h.Store.RankingRound(c.Context(), c.R.PathValue("slug"), round)
	if err != nil {
		return err
	}
	items := make([]rankItem, 0, len(lines))
	for _, l := range lines {
		items = append(items, rankItem{Rank: l.Rank, Title: l.Submission.Title.For(c.Lang), Field: l.Submission.Field, Decision: l.Submission.Decision})
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "round": round})
}

func (h *Handlers) apiDecide(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var req struct {
		Decision Decision `json:"decision"`
	}
	if err := c.DecodeJSON(&req); err != nil {
		return err
	}
	if err := h.Store.Decide(c.Context(), c.User, id, req.Decision); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"id": id, "decision": req.Decision})
}

func (h *Handlers) apiPublishResults(c *web.Ctx) error {
	n, err := h.Store.PublishResults(c.Context(), c.User, c.R.PathValue("slug"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"selected": n})
}

// listedCase is a case in GET /api/v1/cases.
type listedCase struct {
	ID        int64    `json:"id"`
	Title     string   `json:"title"`
	Field     string   `json:"field"`
	Year      int      `json:"year"`
	Countries []string `json:"countries"`
	URL       string   `json:"url"`
}

func (h *Handlers) apiCases(c *web.Ctx) error {
	q := c.R.URL.Query()
	f := caseFilterOf(q)
	page, per := paging(q, 50)
	list, total, err := h.Store.Cases(c.Context(), f, per, (page-1)*per)
	if err != nil {
		return err
	}
	items := make([]listedCase, 0, len(list))
	for _, x := range list {
		items = append(items, listedCase{ID: x.ID, Title: x.Title.For(c.Lang), Field: x.Field, Year: x.Year, Countries: orEmpty(x.Countries),
			URL: fmt.Sprintf("%s/cases/%d", c.BaseURL(), x.ID)})
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "total": total, "page": page, "per_page": per})
}

func pathID(c *web.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.R.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, web.NotFound()
	}
	return id, nil
}
