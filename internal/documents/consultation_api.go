package documents

// The API of consultation, endorsements and votes.

import (
	"net/http"
	"strconv"
	"time"

	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/web"
)

// parseTimeField reads an RFC 3339 time for field name.
func parseTimeField(s, name string, fe *errs.Fields) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		fe.Add(name, "consultation.time_invalid")
	}
	return t
}

// consultationRequest is the body of POST /api/v1/documents/{slug}/consultation.
type consultationRequest struct {
	Version  int    `json:"version"`
	OpensAt  string `json:"opens_at"`
	ClosesAt string `json:"closes_at"`
	Timezone string `json:"timezone"`
}

// consultationAnswer describes a consultation.
type consultationAnswer struct {
	Document string         `json:"document"`
	Version  int            `json:"version"`
	OpensAt  time.Time      `json:"opens_at"`
	ClosesAt time.Time      `json:"closes_at"`
	Timezone string         `json:"timezone"`
	State    string         `json:"state"`
	Counts   map[string]int `json:"counts,omitempty"`
	Comments []commentJSON  `json:"comments,omitempty"`
}

func (h *Handlers) apiOpenConsultation(c *web.Ctx) error {
	var req consultationRequest
	if err := c.DecodeJSON(&req); err != nil {
		return err
	}
	var fe errs.Fields
	in := ConsultationInput{Version: req.Version, OpensAt: parseTimeField(req.OpensAt, "opens_at", &fe),
		ClosesAt: parseTimeField(req.ClosesAt, "closes_at", &fe), Timezone: req.Timezone}
	if err := fe.Err(); err != nil {
		return err
	}
	slug := c.R.PathValue("slug")
	cs, err := h.Store.OpenConsultation(c.Context(), c.User, slug, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, consultationAnswer{Document: slug, Version: cs.VersionNumber, OpensAt: cs.OpensAt,
		ClosesAt: cs.ClosesAt, Timezone: cs.Timezone, State: cs.State(c.Now())})
}

// commentJSON is a comment in API answers.
type commentJSON struct {
	ID           int64         `json:"id"`
	Paragraph    int           `json:"paragraph"`
	Parent       int64         `json:"parent,omitempty"`
	Name         string        `json:"name"`
	Organisation string        `json:"organisation"`
	Country      string        `json:"country"`
	Group        string        `json:"stakeholder_group"`
	Text         string        `json:"text"`
	Amendment    *string       `json:"amendment,omitempty"`
	Secretariat  bool          `json:"secretariat"`
	Decision     string        `json:"decision,omitempty"`
	DecisionNote string        `json:"decision_note,omitempty"`
	CarriedIn    int           `json:"carried_in,omitempty"`
	Hidden       bool          `json:"hidden,omitempty"`
	Created      time.Time     `json:"created_at"`
	Replies      []commentJSON `json:"replies,omitempty"`
}

func commentAnswer(cm *Comment) commentJSON {
	a := commentJSON{ID: cm.ID, Paragraph: cm.Paragraph, Parent: cm.ParentID, Name: cm.Name, Organisation: cm.Organisation,
		Country: cm.Country, Group: cm.Group, Text: cm.Body, Secretariat: cm.Staff, Decision: cm.Decision, DecisionNote: cm.DecisionNote,
		CarriedIn: cm.CarriedIn, Hidden: cm.Hidden, Created: cm.Created}
	if cm.IsAmendment {
		s := cm.Amendment
		a.Amendment = &s
	}
	for _, r := range cm.Replies {
		a.Replies = append(a.Replies, commentAnswer(r))
	}
	return a
}

// apiConsultation answers the latest consultation of a document (or the
// one on ?version=), with the comments and counts per paragraph that the
// reader may see (hidden comments: the secretariat only).
func (h *Handlers) apiConsultation(c *web.Ctx) error {
	var fe errs.Fields
	number := queryInt(c, "version", &fe)
	if err := fe.Err(); err != nil {
		return err
	}
	slug := c.R.PathValue("slug")
	_, cs, err := h.Store.Consultation(c.Context(), slug, number)
	if err != nil {
		return err
	}
	threads, err := h.Store.Comments(c.Context(), cs, c.Can(PermManage))
	if err != nil {
		return err
	}
	counts, err := h.Store.CommentCounts(c.Context(), cs)
	if err != nil {
		return err
	}
	a := consultationAnswer{Document: slug, Version: cs.VersionNumber, OpensAt: cs.OpensAt, ClosesAt: cs.ClosesAt, Timezone: cs.Timezone,
		State: cs.State(c.Now()), Counts: map[string]int{}, Comments: []commentJSON{}}
	for pid, n := range counts {
		a.Counts[strconv.Itoa(pid)] = n
	}
	for _, t := range threads {
		a.Comments = append(a.Comments, commentAnswer(t))
	}
	return c.JSON(http.StatusOK, a)
}

// commentRequest is the body of POST /api/v1/documents/{slug}/comments.
type commentRequest struct {
	Version      int     `json:"version"`
	Paragraph    int     `json:"paragraph"`
	Parent       int64   `json:"parent"`
	Text         string  `json:"text"`
	Amendment    *string `json:"amendment"`
	Organisation string  `json:"organisation"`
	Country      string  `json:"country"`
	Group        string  `json:"stakeholder_group"`
}

func (h *Handlers) apiComment(c *web.Ctx) error {
	var req commentRequest
	if err := c.DecodeJSON(&req); err != nil {
		return err
	}
	cm, err := h.Store.AddComment(c.Context(), c.User, c.R.PathValue("slug"), CommentInput{Version: req.Version, Paragraph: req.Paragraph,
		Parent: req.Parent, Text: req.Text, Amendment: req.Amendment, Organisation: req.Organisation, Country: req.Country, Group: req.Group})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, commentAnswer(cm))
}

// pathID reads a positive id from the path; anything else is NotFound.
func pathID(c *web.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.R.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.NotFoundError()
	}
	return id, nil
}

// hideRequest is the body of POST /api/v1/comments/{id}/hide.
type hideRequest struct {
	Reason string `json:"reason"`
}

func (h *Handlers) apiHide(c *web.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req hideRequest
	if err := c.DecodeJSON(&req); err != nil {
		return err
	}
	if err := h.Store.HideComment(c.Context(), c.User, id, req.Reason); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"id": id, "hidden": true})
}

// decisionRequest is the body of POST /api/v1/comments/{id}/decision.
type decisionRequest struct {
	Decision string `json:"decision"`
	Note     string `json:"note"`
}

func (h *Handlers) apiDecide(c *web.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req decisionRequest
	if err := c.DecodeJSON(&req); err != nil {
		return err
	}
	cm, err := h.Store.DecideAmendment(c.Context(), c.User, id, req.Decision, req.Note)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, commentAnswer(cm))
}

// versionOnly is a body that names a version.
type versionOnly struct {
	Version int `json:"version"`
}

func (h *Handlers) apiAskEndorsement(c *web.Ctx) error {
	var req versionOnly
	if err := c.DecodeJSON(&req); err != nil {
		return err
	}
	if req.Version <= 0 {
		var fe errs.Fields
		fe.Add("version", "documents.version_required")
		return fe.Err()
	}
	n, err := h.Store.AskEndorsement(c.Context(), c.User, c.R.PathValue("slug"), req.Version, c.BaseURL())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"version": req.Version, "mailed": n})
}

// endorseRequest is the body of POST /api/v1/documents/{slug}/endorsements.
type endorseRequest struct {
	Version   int    `json:"version"`
	Decision  string `json:"decision"`
	Statement string `json:"statement"`
	Member    int64  `json:"member"`
}

func (h *Handlers) apiEndorse(c *web.Ctx) error {
	var req endorseRequest
	if err := c.DecodeJSON(&req); err != nil {
		return err
	}
	slug := c.R.PathValue("slug")
	e, err := h.Store.Endorse(c.Context(), c.User, slug, EndorseInput{Version: req.Version, Decision: req.Decision,
		Statement: req.Statement, Member: req.Member})
	if err != nil {
		return err
	}
	v, err := h.Store.VersionByID(c.Context(), e.VersionID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"document": slug, "version": v.Number, "hash": v.Hash, "member": e.MemberID,
		"decision": e.Decision, "statement": e.Statement})
}

// voteRequest is the body of POST /api/v1/votes.
type voteRequest struct {
	Title    Text     `json:"title"`
	Document string   `json:"document"`
	Version  int      `json:"version"`
	Options  []string `json:"options"`
	OpensAt  string   `json:"opens_at"`
	ClosesAt string   `json:"closes_at"`
	Timezone string   `json:"timezone"`
	Quorum   int      `json:"quorum"`
	Open     bool     `json:"open"`
}

// voteAnswer is a vote in API answers: results only after the close.
type voteAnswer struct {
	ID       int64          `json:"id"`
	Title    Text           `json:"title"`
	Document string         `json:"document,omitempty"`
	Version  int            `json:"version,omitempty"`
	Options  []string       `json:"options"`
	OpensAt  time.Time      `json:"opens_at"`
	ClosesAt time.Time      `json:"closes_at"`
	Timezone string         `json:"timezone"`
	Quorum   int            `json:"quorum"`
	Eligible int            `json:"eligible"`
	Open     bool           `json:"open"`
	State    string         `json:"state"`
	Results  *resultsAnswer `json:"results"`
}

type resultsAnswer struct {
	Counts    map[string]int `json:"counts"`
	Cast      int            `json:"cast"`
	Turnout   float64        `json:"turnout"`
	QuorumMet bool           `json:"quorum_met"`
	Ballots   []ballotAnswer `json:"ballots,omitempty"`
}

type ballotAnswer struct {
	Member int64  `json:"member"`
	Name   Text   `json:"name"`
	Option string `json:"option"`
}

func voteJSON(v *Vote, now time.Time) voteAnswer {
	return voteAnswer{ID: v.ID, Title: v.Title, Document: v.DocumentSlug, Version: v.VersionNumber, Options: v.Options, OpensAt: v.OpensAt,
		ClosesAt: v.ClosesAt, Timezone: v.Timezone, Quorum: v.Quorum, Eligible: v.Eligible, Open: v.Open, State: v.State(now)}
}

func (h *Handlers) apiCreateVote(c *web.Ctx) error {
	var req voteRequest
	if err := c.DecodeJSON(&req); err != nil {
		return err
	}
	var fe errs.Fields
	in := VoteInput{Title: req.Title, Document: req.Document, Version: req.Version, Options: req.Options,
		OpensAt: parseTimeField(req.OpensAt, "opens_at", &fe), ClosesAt: parseTimeField(req.ClosesAt, "closes_at", &fe),
		Timezone: req.Timezone, Quorum: req.Quorum, Open: req.Open}
	if err := fe.Err(); err != nil {
		return err
	}
	v, err := h.Store.CreateVote(c.Context(), c.User, in)
	if err != nil {
		return err
	}
	c.W.Header().Set("Location", "/api/v1/votes/"+strconv.FormatInt(v.ID, 10))
	return c.JSON(http.StatusCreated, voteJSON(v, c.Now()))
}

// apiVote answers a vote; its results only once it has closed, with who
// voted what for the secretariat, or for everyone when the vote is open.
func (h *Handlers) apiVote(c *web.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := h.Store.Vote(c.Context(), id)
	if err != nil {
		return err
	}
	a := voteJSON(v, h.Store.DB.Now())
	// The store alone decides whether the vote has closed.
	r, err := h.Store.Results(c.Context(), id, c.Can(PermManage))
	switch {
	case errs.CodeOf(err) == errs.Conflict:
	case err != nil:
		return err
	default:
		a.Results = &resultsAnswer{Counts: r.Counts, Cast: r.Cast, Turnout: r.Turnout, QuorumMet: r.QuorumMet}
		for _, b := range r.Ballots {
			a.Results.Ballots = append(a.Results.Ballots, ballotAnswer{Member: b.MemberID, Name: b.Member, Option: b.Choice})
		}
	}
	return c.JSON(http.StatusOK, a)
}

// ballotRequest is the body of POST /api/v1/votes/{id}/ballots.
type ballotRequest struct {
	Option string `json:"option"`
	Member int64  `json:"member"`
}

func (h *Handlers) apiBallot(c *web.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req ballotRequest
	if err := c.DecodeJSON(&req); err != nil {
		return err
	}
	if err := h.Store.Cast(c.Context(), c.User, id, req.Option, req.Member); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"vote": id, "option": req.Option})
}
