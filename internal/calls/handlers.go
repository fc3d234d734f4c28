package calls

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/web"
	"github.com/wuzhen/wuzhen/internal/zh"
)

// Handlers serve the calls pages and API.
type Handlers struct {
	Store *Store
	// Org returns the organisation's name in a language, for the cover
	// of the year's collection; nil gives the platform's name.
	Org func(ctx context.Context, lang string) string

	collections collectionCache
}

// Routes is the calls part of the route table.
func (h *Handlers) Routes() []web.Route {
	manage := web.Perm(PermManage)
	return append([]web.Route{
		{Method: "GET", Path: "/cases", Access: web.Public, Handle: h.cases, Cache: true},
		{Method: "GET", Path: "/cases/{id}", Access: web.Public, Handle: h.casePage, Cache: true},
		{Method: "GET", Path: "/cases/{year}/collection.pdf", Access: web.Public, Handle: h.collectionPDF, Cache: true},
		{Method: "GET", Path: "/calls", Access: web.Public, Handle: h.calls, Cache: true},
		{Method: "GET", Path: "/calls/{slug}", Access: web.Public, Handle: h.callPage, Cache: true},

		{Method: "GET", Path: "/calls/{slug}/submit", Access: web.SignedIn, Handle: h.submitForm},
		{Method: "POST", Path: "/calls/{slug}/submit", Access: web.SignedIn, Handle: h.submit},
		{Method: "GET", Path: "/submissions", Access: web.SignedIn, Handle: h.mine},
		{Method: "GET", Path: "/submissions/{id}", Access: web.SignedIn, Handle: h.submission},
		{Method: "GET", Path: "/submissions/{id}/edit", Access: web.SignedIn, Handle: h.editForm},
		{Method: "POST", Path: "/submissions/{id}/coauthors", Access: web.SignedIn, Handle: h.inviteCoauthor},
		{Method: "POST", Path: "/submissions/{id}/withdraw", Access: web.SignedIn, Handle: h.withdraw},
		{Method: "GET", Path: "/submissions/confirm", Access: web.SignedIn, Handle: h.confirmForm},
		{Method: "POST", Path: "/submissions/confirm", Access: web.SignedIn, Handle: h.confirm},

		{Method: "GET", Path: "/reviews", Access: web.SignedIn, Handle: h.queue},
		{Method: "GET", Path: "/reviews/{id}", Access: web.SignedIn, Handle: h.reviewPage},
		{Method: "POST", Path: "/reviews/{id}", Access: web.SignedIn, Handle: h.saveReview},
		{Method: "POST", Path: "/reviews/{id}/conflict", Access: web.SignedIn, Handle: h.conflict},
		{Method: "GET", Path: "/reviews/join", Access: web.SignedIn, Handle: h.joinForm},
		{Method: "POST", Path: "/reviews/join", Access: web.SignedIn, Handle: h.join},

		{Method: "GET", Path: "/admin/calls", Access: manage, Handle: h.adminCalls},
		{Method: "GET", Path: "/admin/calls/new", Access: manage, Handle: h.newCallForm},
		{Method: "POST", Path: "/admin/calls/new", Access: manage, Handle: h.createCall},
		{Method: "GET", Path: "/admin/calls/{slug}", Access: manage, Handle: h.adminCall},
		{Method: "GET", Path: "/admin/calls/{slug}/edit", Access: manage, Handle: h.editCallForm},
		{Method: "POST", Path: "/admin/calls/{slug}/edit", Access: manage, Handle: h.editCall},
		{Method: "POST", Path: "/admin/calls/{slug}/publish", Access: manage, Handle: h.publishCall},
		{Method: "GET", Path: "/admin/calls/{slug}/reviewers", Access: manage, Handle: h.reviewersPage},
		{Method: "POST", Path: "/admin/calls/{slug}/reviewers", Access: manage, Handle: h.addReviewer},
		{Method: "POST", Path: "/admin/calls/{slug}/assign", Access: manage, Handle: h.assign},
		{Method: "POST", Path: "/admin/calls/{slug}/remind", Access: manage, Handle: h.remind},
		{Method: "GET", Path: "/admin/calls/{slug}/ranking", Access: manage, Handle: h.ranking},
		{Method: "GET", Path: "/admin/calls/{slug}/selection", Access: manage, Handle: h.selection},
		{Method: "POST", Path: "/admin/calls/{slug}/publish-results", Access: manage, Handle: h.publishResults},
		{Method: "GET", Path: "/admin/submissions/{id}", Access: manage, Handle: h.adminSubmission},
		{Method: "POST", Path: "/admin/submissions/{id}/screen", Access: manage, Handle: h.screen},
		{Method: "POST", Path: "/admin/submissions/{id}/decision", Access: manage, Handle: h.decide},
		{Method: "POST", Path: "/admin/submissions/{id}/assign", Access: manage, Handle: h.assignOne},
		{Method: "POST", Path: "/admin/reviews/{id}/remove", Access: manage, Handle: h.unassign},
		{Method: "POST", Path: "/admin/reviews/{id}/reopen", Access: manage, Handle: h.reopen},

		{Method: "POST", Path: "/api/v1/calls", Access: manage, Handle: h.apiCreateCall},
		{Method: "GET", Path: "/api/v1/calls", Access: web.Public, Handle: h.apiCalls},
		{Method: "POST", Path: "/api/v1/calls/{slug}/publish", Access: manage, Handle: h.apiPublishCall},
		{Method: "POST", Path: "/api/v1/calls/{slug}/submissions", Access: web.SignedIn, Handle: h.apiSubmit},
		{Method: "GET", Path: "/api/v1/submissions/{id}", Access: web.SignedIn, Handle: h.apiSubmission},
		{Method: "POST", Path: "/api/v1/calls/{slug}/reviewers", Access: manage, Handle: h.apiAddReviewer},
		{Method: "POST", Path: "/api/v1/calls/{slug}/assign", Access: manage, Handle: h.apiAssign},
		{Method: "GET", Path: "/api/v1/reviews/mine", Access: web.SignedIn, Handle: h.apiMyReviews},
		{Method: "GET", Path: "/api/v1/reviews/{id}", Access: web.SignedIn, Handle: h.apiReview},
		{Method: "POST", Path: "/api/v1/reviews/{id}", Access: web.SignedIn, Handle: h.apiSaveReview},
		{Method: "POST", Path: "/api/v1/reviews/{id}/conflict", Access: web.SignedIn, Handle: h.apiConflict},
		{Method: "POST", Path: "/api/v1/reviews/{id}/reopen", Access: manage, Handle: h.apiReopen},
		{Method: "GET", Path: "/api/v1/calls/{slug}/ranking", Access: manage, Handle: h.apiRanking},
		{Method: "POST", Path: "/api/v1/submissions/{id}/decision", Access: manage, Handle: h.apiDecide},
		{Method: "POST", Path: "/api/v1/calls/{slug}/publish-results", Access: manage, Handle: h.apiPublishResults},
		{Method: "GET", Path: "/api/v1/cases", Access: web.Public, Handle: h.apiCases, Cache: true},
	}, h.formRoutes()...)
}

// options are the choices forms and filters offer, in the reader's
// language.
type options struct {
	Lang      string
	Fields    []string
	Kinds     []Kind
	Countries []geo.Country
	Decisions []Decision
	Groups    []string
	Genders   []string
	Speakers  []Row // the rows of a session proposal's speakers
	Rows      []Row // the repeated rows of a form (partners, criteria)
}

// Row is one of a form's repeated rows: its index and its number.
type Row struct{ I, N int }

func optionsFor(lang string) options {
	return options{Lang: lang, Fields: Fields, Kinds: Kinds, Countries: geo.Sorted(lang), Decisions: Decisions, Groups: Groups,
		Rows: []Row{{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 5}}, Genders: Genders, Speakers: speakerRows}
}

// CountryName returns a country's name in the options' language.
func (o options) CountryName(code string) string { return CountryName(code, o.Lang) }

// CountryNames joins the names of codes.
func (o options) CountryNames(codes []string) string {
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = o.CountryName(c)
	}
	sep := ", "
	if o.Lang != i18n.En {
		sep = "、"
	}
	return strings.Join(names, sep)
}

// Zh shows Chinese content in the reader's script.
func (o options) Zh(s string) string { return zh.ForLang(o.Lang, s) }

// Has reports whether list holds v, for checkboxes.
func (o options) Has(list []string, v string) bool { return contains(list, v) }

// paging reads page and per_page (1–100, default def).
func paging(q url.Values, def int) (page, per int) {
	page, _ = strconv.Atoi(q.Get("page"))
	per, _ = strconv.Atoi(q.Get("per_page"))
	if page < 1 {
		page = 1
	}
	if per < 1 || per > 100 {
		per = def
	}
	return page, per
}

// caseFilterOf reads the showcase's filters; unknown values are ignored.
func caseFilterOf(q url.Values) CaseFilter {
	var f CaseFilter
	if y, err := strconv.Atoi(q.Get("year")); err == nil && y > 1900 && y < 3000 {
		f.Year = y
	}
	if fl := q.Get("field"); validField(fl) {
		f.Field = fl
	}
	if c := strings.ToUpper(q.Get("country")); c != "" {
		if _, ok := geo.Lookup(c); ok {
			f.Country = c
		}
	}
	return f
}

// ---- the public showcase and calls ----

type yearGroup struct {
	Year  int
	Cases []*Case
}

func (h *Handlers) cases(c *web.Ctx) error {
	q := c.R.URL.Query()
	f := caseFilterOf(q)
	page, per := paging(q, 48)
	list, total, err := h.Store.Cases(c.Context(), f, per, (page-1)*per)
	if err != nil {
		return err
	}
	years, err := h.Store.CaseYears(c.Context())
	if err != nil {
		return err
	}
	var groups []yearGroup
	for _, x := range list {
		if len(groups) == 0 || groups[len(groups)-1].Year != x.Year {
			groups = append(groups, yearGroup{Year: x.Year})
		}
		groups[len(groups)-1].Cases = append(groups[len(groups)-1].Cases, x)
	}
	return c.Render(http.StatusOK, "calls/cases", map[string]any{"Filter": f, "Groups": groups, "Total": total,
		"Years": years, "Pager": web.NewPager(q, page, per, total), "Options": optionsFor(c.Lang)})
}

func (h *Handlers) casePage(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	x, err := h.Store.Case(c.Context(), id)
	if err != nil {
		return err
	}
	files, err := h.Store.Attachments(c.Context(), id)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "calls/case", map[string]any{"Case": x, "Files": files, "Options": optionsFor(c.Lang)})
}

func (h *Handlers) calls(c *web.Ctx) error {
	list, err := h.Store.Calls(c.Context(), false)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "calls/calls", map[string]any{"Calls": list, "Now": h.Store.DB.Now(), "Options": optionsFor(c.Lang)})
}

func (h *Handlers) callPage(c *web.Ctx) error {
	call, err := h.Store.PublishedCall(c.Context(), c.R.PathValue("slug"))
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "calls/call", map[string]any{"Call": call, "Now": h.Store.DB.Now(), "Options": optionsFor(c.Lang)})
}

// ---- submitters ----

// setZh puts Chinese text in the slot of its script.
func setZh(t *Text, s string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return
	}
	if zh.ToHans(s) == s {
		t.Hans = s
	} else {
		t.Hant = s
	}
}

// submissionForm reads the submission form.
func submissionForm(f *web.Form) (*Submission, SubmitterInfo) {
	id, _ := strconv.ParseInt(f.Get("id"), 10, 64)
	s := &Submission{ID: id, Title: Text{En: f.Get("title_en")}, Summary: Text{En: f.Get("summary_en")}, Field: f.Get("field"),
		Countries: f.Values["countries"], VideoURL: f.Get("video_url"), Group: f.Get("stakeholder_group"), Answers: answersForm(f)}
	setZh(&s.Title, f.Get("title_zh"))
	setZh(&s.Summary, f.Get("summary_zh"))
	for i := 0; i < 5; i++ {
		if name := strings.TrimSpace(f.Get(fmt.Sprintf("partner.%d.name", i))); name != "" {
			s.Partners = append(s.Partners, Partner{Name: name, Country: f.Get(fmt.Sprintf("partner.%d.country", i))})
		}
	}
	s.Speakers = speakersForm(f)
	return s, SubmitterInfo{Country: f.Get("author_country"), Organization: f.Get("author_organization")}
}

// formOfSubmission fills the form with a submission, to edit it.
func formOfSubmission(s *Submission) *web.Form {
	v := url.Values{}
	v.Set("id", strconv.FormatInt(s.ID, 10))
	v.Set("title_en", s.Title.En)
	v.Set("title_zh", firstOf(s.Title.Hans, s.Title.Hant))
	v.Set("summary_en", s.Summary.En)
	v.Set("summary_zh", firstOf(s.Summary.Hans, s.Summary.Hant))
	v.Set("field", s.Field)
	v["countries"] = s.Countries
	v.Set("video_url", s.VideoURL)
	v.Set("stakeholder_group", s.Group)
	formOfSpeakers(v, s.Speakers)
	for code, a := range s.Answers {
		v.Set("answer."+code, a)
	}
	for i, p := range s.Partners {
		v.Set(fmt.Sprintf("partner.%d.name", i), p.Name)
		v.Set(fmt.Sprintf("partner.%d.country", i), p.Country)
	}
	for _, a := range s.Authors {
		if a.Submitter {
			v.Set("author_country", a.Country)
			v.Set("author_organization", a.Organization)
		}
	}
	return &web.Form{Values: v}
}

type submitData struct {
	Call       *Call
	Submission *Submission // nil for a new one
	Options    options
	Closes     string
}

func (h *Handlers) renderSubmit(c *web.Ctx, status int, f *web.Form, call *Call, sub *Submission) error {
	return c.RenderForm(status, "calls/submit", f, submitData{Call: call, Submission: sub, Options: optionsFor(c.Lang),
		Closes: call.LocalTime(c.Lang, call.ClosesAt)})
}

func (h *Handlers) submitForm(c *web.Ctx) error {
	call, err := h.Store.PublishedCall(c.Context(), c.R.PathValue("slug"))
	if err != nil {
		return err
	}
	return h.renderSubmit(c, http.StatusOK, nil, call, nil)
}

func (h *Handlers) editForm(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	sub, call, err := h.Store.Submission(c.Context(), c.User, id)
	if err != nil {
		return err
	}
	if sub.SubmitterID != c.User.ID || sub.Status == Withdrawn || call.Closed(h.Store.DB.Now()) {
		return c.Redirect(fmt.Sprintf("/submissions/%d", id))
	}
	return h.renderSubmit(c, http.StatusOK, formOfSubmission(sub), call, sub)
}

func (h *Handlers) submit(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	slug := c.R.PathValue("slug")
	sub, info := submissionForm(f)
	autosave := c.R.Header.Get("X-Autosave") == "1"
	err = h.Store.SaveSubmission(c.Context(), c.User, slug, sub, info, f.Get("action") == "submit")
	if autosave {
		// The draft script saves as the person types: it gets the id,
		// or the error, as JSON.
		if err != nil {
			return c.JSON(web.Status(errs.CodeOf(err)), map[string]any{"saved": false})
		}
		return c.JSON(http.StatusOK, map[string]any{"saved": true, "id": sub.ID, "at": h.Store.DB.Now().Format(time.RFC3339)})
	}
	if err != nil {
		call, cerr := h.Store.PublishedCall(c.Context(), slug)
		if cerr != nil {
			return cerr
		}
		status := c.Fail(f, formFields(err))
		var de *DeadlineError
		if errors.As(err, &de) {
			f.Message = de.Detail(c.P)
		}
		var current *Submission
		if sub.ID != 0 {
			current, _, _ = h.Store.Submission(c.Context(), c.User, sub.ID)
		}
		return h.renderSubmit(c, status, f, call, current)
	}
	return c.Redirect(fmt.Sprintf("/submissions/%d", sub.ID))
}

// formFields names a submission's errors as its form shows them: the
// API's paths (title.en, summary.zh-Hans) at the form's fieldsets.
func formFields(err error) error {
	e, ok := errs.As(err)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	out := *e
	out.Fields = nil
	for _, fe := range e.Fields {
		if name, _, ok := strings.Cut(fe.Name, "."); ok && (name == "title" || name == "summary") {
			fe.Name = name
		}
		if code, ok := strings.CutPrefix(fe.Name, "answers."); ok {
			fe.Name = "answer." + code
		}
		if !errs.Fields(out.Fields).Has(fe.Name) {
			out.Fields = append(out.Fields, fe)
		}
	}
	return &out
}

func (h *Handlers) mine(c *web.Ctx) error {
	list, err := h.Store.Mine(c.Context(), c.User.ID)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "calls/mine", map[string]any{"List": list, "Options": optionsFor(c.Lang)})
}

type submissionData struct {
	S         *Submission
	Call      *Call
	Submitter bool
	Open      bool // before the deadline
	Options   options
	Closes    string
	Invited   bool
	Uploaded  bool
	Round     *roundView // the submission's second round, when it is in one
	Saved     string
}

func (h *Handlers) submissionPage(c *web.Ctx, status int, f *web.Form, id int64) error {
	sub, call, err := h.Store.Submission(c.Context(), c.User, id)
	if err != nil {
		return err
	}
	return c.RenderForm(status, "calls/submission", f, submissionData{S: sub, Call: call, Submitter: sub.SubmitterID == c.User.ID,
		Open: !call.Closed(h.Store.DB.Now()), Options: optionsFor(c.Lang), Closes: call.LocalTime(c.Lang, call.ClosesAt),
		Invited: c.R.URL.Query().Get("invited") == "1", Uploaded: c.R.URL.Query().Get("uploaded") == "1",
		Round: h.roundOf(c, sub, call), Saved: c.R.URL.Query().Get("saved")})
}

func (h *Handlers) submission(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return h.submissionPage(c, http.StatusOK, nil, id)
}

func posted(c *web.Ctx) (int64, *web.Form, error) {
	id, err := pathID(c)
	if err != nil {
		return 0, nil, err
	}
	f, err := c.Form()
	return id, f, err
}

func (h *Handlers) inviteCoauthor(c *web.Ctx) error {
	id, f, err := posted(c)
	if err != nil {
		return err
	}
	if err := h.Store.InviteCoauthor(c.Context(), c.User, id, f.Get("email"), f.Get("name"), f.Get("country"), c.Lang); err != nil {
		if errs.CodeOf(err) == errs.Internal || errs.CodeOf(err) == errs.NotFound {
			return err
		}
		status := c.Fail(f, formFields(err))
		var de *DeadlineError
		if errors.As(err, &de) {
			f.Message = de.Detail(c.P)
		}
		return h.submissionPage(c, status, f, id)
	}
	return c.Redirect(fmt.Sprintf("/submissions/%d?invited=1#coauthors", id))
}

func (h *Handlers) withdraw(c *web.Ctx) error {
	id, f, err := posted(c)
	if err != nil {
		return err
	}
	if err := h.Store.Withdraw(c.Context(), c.User, id); err != nil {
		if errs.CodeOf(err) == errs.Internal || errs.CodeOf(err) == errs.NotFound {
			return err
		}
		status := c.Fail(f, formFields(err))
		var de *DeadlineError
		if errors.As(err, &de) {
			f.Message = de.Detail(c.P)
		}
		return h.submissionPage(c, status, f, id)
	}
	return c.Redirect(fmt.Sprintf("/submissions/%d", id))
}

func (h *Handlers) confirmForm(c *web.Ctx) error {
	token := c.R.URL.Query().Get("token")
	v, err := h.Store.CoauthorByToken(c.Context(), token)
	f := &web.Form{Values: url.Values{"token": {token}}}
	if err != nil {
		return c.RenderForm(c.Fail(f, err), "calls/confirm", f, map[string]any{"Invitation": nil})
	}
	return c.RenderForm(http.StatusOK, "calls/confirm", f, map[string]any{"Invitation": v})
}

func (h *Handlers) confirm(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	id, err := h.Store.ConfirmCoauthor(c.Context(), c.User, f.Get("token"))
	if err != nil {
		return c.RenderForm(c.Fail(f, err), "calls/confirm", f, map[string]any{"Invitation": nil})
	}
	return c.Redirect(fmt.Sprintf("/submissions/%d", id))
}

// ---- reviewers ----

func (h *Handlers) queue(c *web.Ctx) error {
	items, err := h.Store.MyReviews(c.Context(), c.User.ID, c.Lang)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "calls/queue", map[string]any{"Items": items, "Options": optionsFor(c.Lang)})
}

type reviewData struct {
	V        *ReviewView
	Options  options
	Criteria []criterionView
	Score    string
}

// criterionView is a rubric line with the reviewer's score, for the form.
type criterionView struct {
	Criterion
	Value string
}

func (h *Handlers) renderReview(c *web.Ctx, status int, f *web.Form, id int64) error {
	v, err := h.Store.Review(c.Context(), c.User, id)
	if err != nil {
		return err
	}
	if f == nil {
		f = &web.Form{Values: url.Values{"comment": {v.Review.Comment}}}
		for code, s := range v.Review.Scores {
			f.Values.Set("score."+code, strconv.FormatFloat(s, 'f', -1, 64))
		}
	}
	d := reviewData{V: v, Options: optionsFor(c.Lang)}
	for _, cr := range v.Call.Criteria {
		d.Criteria = append(d.Criteria, criterionView{cr, f.Get("score." + cr.Code)})
	}
	if v.Review.Status == ReviewSubmitted {
		d.Score = strconv.FormatFloat(ReviewScore(v.Call.Criteria, v.Review.Scores), 'f', 1, 64)
	}
	// Errors at "scores.CODE" are shown at the inputs named "score.CODE".
	for k, msg := range f.Errors {
		if strings.HasPrefix(k, "scores.") {
			f.Errors["score."+strings.TrimPrefix(k, "scores.")] = msg
		}
	}
	return c.RenderForm(status, "calls/review", f, d)
}

func (h *Handlers) reviewPage(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return h.renderReview(c, http.StatusOK, nil, id)
}

func (h *Handlers) saveReview(c *web.Ctx) error {
	id, f, err := posted(c)
	if err != nil {
		return err
	}
	scores := map[string]float64{}
	var fe errs.Fields
	for k, vs := range f.Values {
		if !strings.HasPrefix(k, "score.") || len(vs) == 0 || strings.TrimSpace(vs[0]) == "" {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(vs[0]), 64)
		if err != nil {
			fe.Add("scores."+strings.TrimPrefix(k, "score."), "calls.score_number")
			continue
		}
		scores[strings.TrimPrefix(k, "score.")] = v
	}
	err = fe.Err()
	if err == nil {
		err = h.Store.SaveReview(c.Context(), c.User, id, scores, f.Get("comment"), f.Get("action") == "submit")
	}
	if err != nil {
		if errs.CodeOf(err) == errs.Internal || errs.CodeOf(err) == errs.NotFound {
			return err
		}
		return h.renderReview(c, c.Fail(f, err), f, id)
	}
	if f.Get("action") == "submit" {
		return c.Redirect("/reviews?done=1")
	}
	return c.Redirect(fmt.Sprintf("/reviews/%d?saved=1", id))
}

func (h *Handlers) conflict(c *web.Ctx) error {
	id, f, err := posted(c)
	if err != nil {
		return err
	}
	if _, err := h.Store.DeclareConflict(c.Context(), c.User, id, f.Get("reason")); err != nil {
		if errs.CodeOf(err) == errs.Internal || errs.CodeOf(err) == errs.NotFound {
			return err
		}
		return h.renderReview(c, c.Fail(f, err), f, id)
	}
	return c.Redirect("/reviews?conflict=1")
}

func (h *Handlers) joinForm(c *web.Ctx) error {
	token := c.R.URL.Query().Get("token")
	f := &web.Form{Values: url.Values{"token": {token}}}
	call, _, err := h.Store.ReviewerInvitation(c.Context(), token)
	if err != nil {
		return c.RenderForm(c.Fail(f, err), "calls/join", f, map[string]any{"Call": nil})
	}
	return c.RenderForm(http.StatusOK, "calls/join", f, map[string]any{"Call": call})
}

func (h *Handlers) join(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	if _, err := h.Store.JoinPool(c.Context(), c.User, f.Get("token")); err != nil {
		return c.RenderForm(c.Fail(f, err), "calls/join", f, map[string]any{"Call": nil})
	}
	return c.Redirect("/reviews")
}

// ---- the secretariat ----

func (h *Handlers) adminCalls(c *web.Ctx) error {
	list, err := h.Store.Calls(c.Context(), true)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "calls/admin_calls", map[string]any{"Calls": list, "Options": optionsFor(c.Lang)})
}

// callForm reads the call form; times are local to the time zone given.
func callForm(f *web.Form) (*Call, errs.Fields) {
	// A number that is not one is said so at its field, not read as 0.
	var bad errs.Fields
	atoi := func(k string) int {
		s := strings.TrimSpace(f.Get(k))
		n, err := strconv.Atoi(s)
		if err != nil && s != "" && !bad.Has(k) {
			bad.Add(k, "calls.number_invalid")
		}
		return n
	}
	req := callRequest{Slug: f.Get("slug"), Kind: Kind(f.Get("kind")), OpensAt: f.Get("opens_at"), ClosesAt: f.Get("closes_at"),
		Timezone: f.Get("timezone"), Year: atoi("year"), Fields: f.Values["fields"], ReviewsPerSubmission: atoi("reviews_per_submission"),
		ExcludeSameCountry: f.Get("exclude_same_country") == "yes", MembersOnly: f.Get("members_only") == "yes",
		Languages: f.Values["languages"], MaxCoauthors: atoi("max_coauthors"), MinCountries: atoi("min_countries")}
	blind := f.Get("blind") == "yes"
	req.Blind = &blind
	req.Title = Text{En: f.Get("title_en")}
	setZh(&req.Title, f.Get("title_zh"))
	req.Description = Text{En: f.Get("description_en")}
	setZh(&req.Description, f.Get("description_zh"))
	for i := 0; i < 5; i++ {
		p := fmt.Sprintf("criteria.%d.", i)
		if strings.TrimSpace(f.Get(p+"code")) == "" && strings.TrimSpace(f.Get(p+"name_en")) == "" {
			continue
		}
		w, werr := strconv.ParseFloat(strings.TrimSpace(f.Get(p+"weight")), 64)
		m, merr := strconv.Atoi(strings.TrimSpace(f.Get(p + "max")))
		if (werr != nil && strings.TrimSpace(f.Get(p+"weight")) != "" || merr != nil && strings.TrimSpace(f.Get(p+"max")) != "") &&
			!bad.Has("criteria") {
			bad.Add("criteria", "calls.number_invalid")
		}
		cr := Criterion{Code: f.Get(p + "code"), Name: Text{En: f.Get(p + "name_en")}, Weight: w, Max: m}
		setZh(&cr.Name, f.Get(p+"name_zh"))
		req.Criteria = append(req.Criteria, cr)
	}
	req.Attachments = attachmentsForm(f, &bad)
	req.Questions = questionsForm(f)
	c, fe := req.call()
	for _, b := range bad {
		if !fe.Has(b.Name) {
			fe = append(fe, b)
		}
	}
	return c, fe
}

// formOfCall fills the call form, times in the call's zone.
func formOfCall(c *Call) *web.Form {
	v := url.Values{}
	loc := c.Location()
	v.Set("slug", c.Slug)
	v.Set("kind", string(c.Kind))
	v.Set("title_en", c.Title.En)
	v.Set("title_zh", firstOf(c.Title.Hans, c.Title.Hant))
	v.Set("description_en", c.Description.En)
	v.Set("description_zh", firstOf(c.Description.Hans, c.Description.Hant))
	v.Set("opens_at", c.OpensAt.In(loc).Format("2006-01-02T15:04"))
	v.Set("closes_at", c.ClosesAt.In(loc).Format("2006-01-02T15:04"))
	v.Set("timezone", c.Timezone)
	v.Set("year", strconv.Itoa(c.Year))
	v["fields"] = c.Fields
	v["languages"] = c.Languages
	v.Set("reviews_per_submission", strconv.Itoa(c.ReviewsPerSubmission))
	v.Set("max_coauthors", strconv.Itoa(c.MaxCoauthors))
	v.Set("min_countries", strconv.Itoa(c.MinCountries))
	for k, b := range map[string]bool{"blind": c.Blind, "exclude_same_country": c.ExcludeSameCountry, "members_only": c.MembersOnly} {
		if b {
			v.Set(k, "yes")
		}
	}
	attachmentsValues(v, c.Attachments)
	questionsValues(v, c.Questions)
	for i, cr := range c.Criteria {
		p := fmt.Sprintf("criteria.%d.", i)
		v.Set(p+"code", cr.Code)
		v.Set(p+"name_en", cr.Name.En)
		v.Set(p+"name_zh", firstOf(cr.Name.Hans, cr.Name.Hant))
		v.Set(p+"weight", strconv.FormatFloat(cr.Weight, 'f', -1, 64))
		v.Set(p+"max", strconv.Itoa(cr.Max))
	}
	return &web.Form{Values: v}
}

func (h *Handlers) renderCallForm(c *web.Ctx, status int, f *web.Form, call *Call) error {
	return c.RenderForm(status, "calls/call_form", f, map[string]any{"Call": call, "Options": optionsFor(c.Lang)})
}

func (h *Handlers) newCallForm(c *web.Ctx) error {
	// The call opens at the start of the current hour in its default
	// zone: a date at a fixed hour would not be open yet for a secretariat
	// working before that hour there.
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return err
	}
	now := h.Store.DB.Now().In(shanghai)
	f := &web.Form{Values: url.Values{"kind": {string(KindCase)}, "timezone": {"Asia/Shanghai"}, "blind": {"yes"},
		"reviews_per_submission": {"3"}, "max_coauthors": {"5"}, "min_countries": {"2"}, "fields": Fields,
		"languages": {i18n.En, i18n.ZhHans}, "opens_at": {now.Truncate(time.Hour).Format("2006-01-02T15:04")},
		"closes_at":       {now.AddDate(0, 2, 0).Format("2006-01-02") + "T18:00"},
		"criteria.0.code": {"impact"}, "criteria.0.name_en": {"Impact"}, "criteria.0.name_zh": {"成效"}, "criteria.0.weight": {"3"}, "criteria.0.max": {"10"},
		"criteria.1.code": {"innovation"}, "criteria.1.name_en": {"Innovation"}, "criteria.1.name_zh": {"创新"}, "criteria.1.weight": {"2"}, "criteria.1.max": {"10"},
		"attachments.pdf_max_mb": {strconv.Itoa(DefaultAttachments.PDFMaxMB)}, "attachments.pdfs_max": {strconv.Itoa(DefaultAttachments.PDFsMax)},
		"attachments.images_max": {strconv.Itoa(DefaultAttachments.ImagesMax)}, "attachments.video_link": {"yes"},
		"criteria.2.code": {"cooperation"}, "criteria.2.name_en": {"International cooperation"}, "criteria.2.name_zh": {"国际合作"}, "criteria.2.weight": {"2"}, "criteria.2.max": {"10"},
	}}
	return h.renderCallForm(c, http.StatusOK, f, nil)
}

func (h *Handlers) createCall(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	call, fe := callForm(f)
	if len(fe) > 0 {
		err = withFields(call.validate(), fe)
	} else {
		err = h.Store.CreateCall(c.Context(), c.User, call)
	}
	if err != nil {
		return h.renderCallForm(c, c.Fail(f, err), f, nil)
	}
	return c.Redirect("/admin/calls/" + call.Slug)
}

func (h *Handlers) editCallForm(c *web.Ctx) error {
	call, err := h.Store.Call(c.Context(), c.R.PathValue("slug"))
	if err != nil {
		return err
	}
	return h.renderCallForm(c, http.StatusOK, formOfCall(call), call)
}

func (h *Handlers) editCall(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	slug := c.R.PathValue("slug")
	old, err := h.Store.Call(c.Context(), slug)
	if err != nil {
		return err
	}
	f.Values.Set("slug", slug)
	call, fe := callForm(f)
	if len(fe) > 0 {
		err = withFields(call.validate(), fe)
	} else {
		err = h.Store.UpdateCall(c.Context(), c.User, slug, call)
	}
	if err != nil {
		return h.renderCallForm(c, c.Fail(f, err), f, old)
	}
	return c.Redirect("/admin/calls/" + slug)
}

type adminCallData struct {
	Call        *Call
	Submissions []*Submission
	Counts      map[string]int
	Progress    []Progress
	Filter      SubmissionFilter
	Options     options
	Message     string
	Closes      string
	Opens       string
	Tabs        []string
}

func (h *Handlers) adminCall(c *web.Ctx) error {
	call, err := h.Store.Call(c.Context(), c.R.PathValue("slug"))
	if err != nil {
		return err
	}
	q := c.R.URL.Query()
	f := SubmissionFilter{Screening: q.Get("screening"), Field: q.Get("field")}
	all, err := h.Store.Submissions(c.Context(), call.ID, SubmissionFilter{})
	if err != nil {
		return err
	}
	counts := map[string]int{}
	var list []*Submission
	for _, s := range all {
		counts[string(s.Status)]++
		key := string(s.Screening)
		if key == "" {
			key = "pending"
		}
		if s.Status == Submitted {
			counts[key]++
		}
		if (f.Screening == "" || f.Screening == key) && (f.Field == "" || f.Field == s.Field) {
			list = append(list, s)
		}
	}
	progress, err := h.Store.Progress(c.Context(), call.ID)
	if err != nil {
		return err
	}
	var msg string
	switch {
	case q.Has("assigned"):
		msg = c.P.N("calls.admin.assigned", atoiOr(q.Get("assigned")))
	case q.Has("reminded"):
		msg = c.P.N("calls.admin.reminded", atoiOr(q.Get("reminded")))
	}
	return c.Render(http.StatusOK, "calls/admin_call", adminCallData{Call: call, Submissions: list, Counts: counts, Progress: progress,
		Filter: f, Options: optionsFor(c.Lang), Message: msg, Closes: call.LocalTime(c.Lang, call.ClosesAt), Opens: call.LocalTime(c.Lang, call.OpensAt),
		Tabs: []string{"pending", string(Eligible), string(Ineligible)}})
}

func atoiOr(s string) int { n, _ := strconv.Atoi(s); return n }

func (h *Handlers) publishCall(c *web.Ctx) error {
	if _, err := h.Store.PublishCall(c.Context(), c.User, c.R.PathValue("slug")); err != nil {
		return err
	}
	return c.Redirect("/admin/calls/" + c.R.PathValue("slug"))
}

func (h *Handlers) assign(c *web.Ctx) error {
	n, err := h.Store.Assign(c.Context(), c.User, c.R.PathValue("slug"))
	if err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/admin/calls/%s?assigned=%d#progress", c.R.PathValue("slug"), n))
}

func (h *Handlers) remind(c *web.Ctx) error {
	n, err := h.Store.Remind(c.Context(), c.User, c.R.PathValue("slug"))
	if err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/admin/calls/%s?reminded=%d#progress", c.R.PathValue("slug"), n))
}

func (h *Handlers) renderReviewers(c *web.Ctx, status int, f *web.Form) error {
	call, err := h.Store.Call(c.Context(), c.R.PathValue("slug"))
	if err != nil {
		return err
	}
	progress, err := h.Store.Progress(c.Context(), call.ID)
	if err != nil {
		return err
	}
	if f == nil {
		f = &web.Form{Values: url.Values{"languages": {"en"}}}
	}
	return c.RenderForm(status, "calls/reviewers", f, map[string]any{"Call": call, "Progress": progress, "Options": optionsFor(c.Lang),
		"Added": c.R.URL.Query().Get("added")})
}

func (h *Handlers) reviewersPage(c *web.Ctx) error { return h.renderReviewers(c, http.StatusOK, nil) }

func (h *Handlers) addReviewer(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	r := &Reviewer{Email: f.Get("email"), Name: f.Get("name"), Country: f.Get("country"), Organization: f.Get("organization"),
		Fields: f.Values["fields"], Languages: f.Values["languages"]}
	joined, err := h.Store.AddReviewer(c.Context(), c.User, c.R.PathValue("slug"), r, c.Lang)
	if err != nil {
		if errs.CodeOf(err) == errs.Internal || errs.CodeOf(err) == errs.NotFound {
			return err
		}
		return h.renderReviewers(c, c.Fail(f, err), f)
	}
	added := "invited"
	if joined {
		added = "joined"
	}
	return c.Redirect(fmt.Sprintf("/admin/calls/%s/reviewers?added=%s", c.R.PathValue("slug"), added))
}

func (h *Handlers) ranking(c *web.Ctx) error {
	round, err := roundParam(c)
	if err != nil {
		return err
	}
	call, lines, err := h.Store.RankingRound(c.Context(), c.R.PathValue("slug"), round)
	if err != nil {
		return err
	}
	second, err := h.Store.Round(c.Context(), call.ID)
	if err != nil {
		return err
	}
	sel, err := h.Store.Selection(c.Context(), call.ID)
	if err != nil {
		return err
	}
	type row struct {
		N int
		RankedSubmission
	}
	rows := make([]row, len(lines))
	for i, l := range lines {
		rows[i] = row{i + 1, l}
	}
	return c.Render(http.StatusOK, "calls/ranking", map[string]any{"Call": call, "Lines": rows, "Selection": sel,
		"Continents": geo.Continents(), "Options": optionsFor(c.Lang), "SpreadFlag": int(SpreadFlag), "Round": round,
		"HasRound2": second != nil})
}

func (h *Handlers) publishResults(c *web.Ctx) error {
	if _, err := h.Store.PublishResults(c.Context(), c.User, c.R.PathValue("slug")); err != nil {
		return err
	}
	return c.Redirect("/admin/calls/" + c.R.PathValue("slug") + "/ranking")
}

type adminSubmissionData struct {
	S       *Submission
	Call    *Call
	Reviews []SubmissionReview
	Pool    []*Reviewer
	Scores  map[int64]string
	Options options
	Round   *roundView
	// Withdrawn are the reviews the platform withdrew because a conflict
	// of interest arose after assignment, flagged at the top of the page.
	Withdrawn []SubmissionReview
}

func (h *Handlers) renderAdminSubmission(c *web.Ctx, status int, f *web.Form, id int64) error {
	sub, call, err := h.Store.Submission(c.Context(), c.User, id)
	if err != nil {
		return err
	}
	reviews, err := h.Store.ReviewsOf(c.Context(), id)
	if err != nil {
		return err
	}
	pool, err := h.Store.Reviewers(c.Context(), call.ID)
	if err != nil {
		return err
	}
	scores := map[int64]string{}
	var withdrawn []SubmissionReview
	for _, r := range reviews {
		if r.Withdrawn != NoConflict {
			withdrawn = append(withdrawn, r)
		}
		if r.Status == ReviewSubmitted {
			scores[r.ID] = strconv.FormatFloat(ReviewScore(call.Criteria, r.Scores), 'f', 1, 64)
		}
	}
	var active []*Reviewer
	for _, r := range pool {
		if r.Active() {
			active = append(active, r)
		}
	}
	if f == nil {
		f = &web.Form{Values: url.Values{"screening": {string(sub.Screening)}, "reason": {sub.ScreeningReason}, "decision": {string(sub.Decision)}}}
	}
	return c.RenderForm(status, "calls/admin_submission", f, adminSubmissionData{S: sub, Call: call, Reviews: reviews, Pool: active,
		Scores: scores, Options: optionsFor(c.Lang), Round: h.roundOf(c, sub, call), Withdrawn: withdrawn})
}

func (h *Handlers) adminSubmission(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return h.renderAdminSubmission(c, http.StatusOK, nil, id)
}

// adminAction runs a secretariat action on a submission and goes back to
// its page, or shows the page with the error.
func (h *Handlers) adminAction(c *web.Ctx, do func(id int64, f *web.Form) error) error {
	id, f, err := posted(c)
	if err != nil {
		return err
	}
	if err := do(id, f); err != nil {
		if errs.CodeOf(err) == errs.Internal || errs.CodeOf(err) == errs.NotFound {
			return err
		}
		return h.renderAdminSubmission(c, c.Fail(f, err), f, id)
	}
	return c.Redirect(fmt.Sprintf("/admin/submissions/%d", id))
}

func (h *Handlers) screen(c *web.Ctx) error {
	return h.adminAction(c, func(id int64, f *web.Form) error {
		return h.Store.Screen(c.Context(), c.User, id, Screening(f.Get("screening")), f.Get("reason"))
	})
}

func (h *Handlers) decide(c *web.Ctx) error {
	return h.adminAction(c, func(id int64, f *web.Form) error {
		return h.Store.Decide(c.Context(), c.User, id, Decision(f.Get("decision")))
	})
}

func (h *Handlers) assignOne(c *web.Ctx) error {
	return h.adminAction(c, func(id int64, f *web.Form) error {
		rid, _ := strconv.ParseInt(f.Get("reviewer"), 10, 64)
		return h.Store.AssignReviewer(c.Context(), c.User, id, rid)
	})
}

// reopen gives a submitted review back to its reviewer (ReopenReview)
// and goes back to the submission's page, or shows it with the error.
func (h *Handlers) reopen(c *web.Ctx) error {
	id, f, err := posted(c)
	if err != nil {
		return err
	}
	r, err := h.Store.ReopenReview(c.Context(), c.User, id)
	back, _ := strconv.ParseInt(f.Get("submission"), 10, 64)
	if err != nil {
		if errs.CodeOf(err) == errs.Internal || errs.CodeOf(err) == errs.NotFound || back == 0 {
			return err
		}
		return h.renderAdminSubmission(c, c.Fail(f, err), f, back)
	}
	return c.Redirect(fmt.Sprintf("/admin/submissions/%d", r.SubmissionID))
}

func (h *Handlers) unassign(c *web.Ctx) error {
	id, f, err := posted(c)
	if err != nil {
		return err
	}
	if err := h.Store.Unassign(c.Context(), c.User, id); err != nil {
		return err
	}
	back, _ := strconv.ParseInt(f.Get("submission"), 10, 64)
	if back == 0 {
		return c.Redirect("/admin/calls")
	}
	return c.Redirect(fmt.Sprintf("/admin/submissions/%d", back))
}
