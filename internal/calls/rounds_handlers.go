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

	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/web"
)

func (h *Handlers) roundRoutes() []web.Route {
	manage := web.Perm(PermManage)
	return []web.Route{
		{Method: "GET", Path: "/admin/calls/{slug}/round", Access: manage, Handle: h.roundPage},
		{Method: "POST", Path: "/admin/calls/{slug}/round", Access: manage, Handle: h.openRound},
		{Method: "POST", Path: "/admin/calls/{slug}/round/assign", Access: manage, Handle: h.assignRound},
		{Method: "POST", Path: "/submissions/{id}/round", Access: web.SignedIn, Handle: h.saveRoundMaterial},
		{Method: "POST", Path: "/api/v1/calls/{slug}/round", Access: manage, Handle: h.apiOpenRound},
		{Method: "POST", Path: "/api/v1/calls/{slug}/round/assign", Access: manage, Handle: h.apiAssignRound},
		{Method: "POST", Path: "/api/v1/submissions/{id}/round", Access: web.SignedIn, Handle: h.apiRoundMaterial},
	}
}

// roundView is a submission's second round as its pages show it.
type roundView struct {
	*RoundEntry
	Open     bool   // material is still taken
	Deadline string // in the call's time zone
}

// roundOf returns sub's second round for its page, or nil.
func (h *Handlers) roundOf(c *web.Ctx, sub *Submission, call *Call) *roundView {
	e, err := h.Store.RoundOf(c.Context(), sub.ID)
	if err != nil || e == nil {
		return nil
	}
	return &roundView{RoundEntry: e, Open: e.Open(h.Store.DB.Now()), Deadline: call.LocalTime(c.Lang, e.Round.Deadline)}
}

// roundParam reads ?round= (1 when absent).
func roundParam(c *web.Ctx) (int, error) {
	v := c.R.URL.Query().Get("round")
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 2 {
		var fe errs.Fields
		fe.Add("round", "calls.round.invalid")
		return 0, fe.Err()
	}
	return n, nil
}

// RoundSubmission is a submission of the second round with whether its
// material is in, for the secretariat.
type RoundSubmission struct {
	ID       int64
	Title    Text
	Material bool
	Files    int
}

// RoundSubmissions returns the submissions of call callID's second round.
func (s *Store) RoundSubmissions(ctx context.Context, callID int64) ([]RoundSubmission, error) {
	return db.All(ctx, s.DB, "calls: round submissions", func(r db.Scanner) (RoundSubmission, error) {
		var x RoundSubmission
		return x, r.Scan(&x.ID, &x.Title.En, &x.Title.Hans, &x.Title.Hant, &x.Material, &x.Files)
	}, `SELECT s.id, s.title_en, s.title_zh_hans, s.title_zh_hant, (e.material <> '' OR e.video_url <> ''),
			(SELECT count(*) FROM call_attachments a WHERE a.submission_id = s.id AND a.round = 2)
		FROM call_round_entries e JOIN call_rounds r ON r.id = e.round_id JOIN call_submissions s ON s.id = e.submission_id
		WHERE r.call_id = ? AND r.round = 2 ORDER BY s.id`, callID)
}

func (h *Handlers) renderRound(c *web.Ctx, status int, f *web.Form) error {
	call, err := h.Store.Call(c.Context(), c.R.PathValue("slug"))
	if err != nil {
		return err
	}
	r, err := h.Store.Round(c.Context(), call.ID)
	if err != nil {
		return err
	}
	var list []RoundSubmission
	deadline := ""
	if r != nil {
		if list, err = h.Store.RoundSubmissions(c.Context(), call.ID); err != nil {
			return err
		}
		deadline = call.LocalTime(c.Lang, r.Deadline)
	}
	if f == nil {
		f = &web.Form{Values: url.Values{"deadline": {h.Store.DB.Now().AddDate(0, 0, 14).In(call.Location()).Format("2006-01-02") + "T18:00"}}}
	}
	msg := ""
	if q := c.R.URL.Query(); q.Has("assigned") {
		msg = c.P.N("calls.admin.assigned", atoiOr(q.Get("assigned")))
	}
	return c.RenderForm(status, "calls/admin_round", f, map[string]any{"Call": call, "Round": r, "Deadline": deadline,
		"Submissions": list, "Message": msg, "Options": optionsFor(c.Lang)})
}

func (h *Handlers) roundPage(c *web.Ctx) error { return h.renderRound(c, http.StatusOK, nil) }

func (h *Handlers) openRound(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	slug := c.R.PathValue("slug")
	call, err := h.Store.Call(c.Context(), slug)
	if err != nil {
		return err
	}
	request := Text{En: f.Get("request_en")}
	setZh(&request, f.Get("request_zh"))
	deadline, ok := parseTime(f.Get("deadline"), call.Location())
	if !ok && strings.TrimSpace(f.Get("deadline")) != "" {
		var fe errs.Fields
		fe.Add("deadline", "calls.time_invalid")
		return h.renderRound(c, c.Fail(f, fe.Err()), f)
	}
	if _, err := h.Store.OpenRound(c.Context(), c.User, slug, request, deadline); err != nil {
		if errs.CodeOf(err) == errs.Internal || errs.CodeOf(err) == errs.NotFound {
			return err
		}
		return h.renderRound(c, c.Fail(f, err), f)
	}
	return c.Redirect("/admin/calls/" + slug + "/round")
}

func (h *Handlers) assignRound(c *web.Ctx) error {
	slug := c.R.PathValue("slug")
	n, err := h.Store.AssignRound(c.Context(), c.User, slug)
	if err != nil {
		if errs.CodeOf(err) == errs.Conflict {
			f := &web.Form{Values: url.Values{}}
			return h.renderRound(c, c.Fail(f, err), f)
		}
		return err
	}
	return c.Redirect(fmt.Sprintf("/admin/calls/%s/round?assigned=%d", slug, n))
}

func (h *Handlers) saveRoundMaterial(c *web.Ctx) error {
	id, f, err := posted(c)
	if err != nil {
		return err
	}
	if err := h.Store.SaveRoundMaterial(c.Context(), c.User, id, f.Get("material"), f.Get("round_video_url")); err != nil {
		if e, ok := errs.As(err); ok {
			for i := range e.Fields {
				if e.Fields[i].Name == "video_url" {
					e.Fields[i].Name = "round_video_url"
				}
			}
		}
		if code := errs.CodeOf(err); code == errs.Internal || code == errs.NotFound {
			return err
		}
		status := c.Fail(f, err)
		if de, ok := asDeadline(err); ok {
			f.Message = de.Detail(c.P)
		}
		return h.submissionPage(c, status, f, id)
	}
	return c.Redirect(fmt.Sprintf("/submissions/%d?saved=round#round", id))
}

// roundRequest is the body of POST /api/v1/calls/{slug}/round.
type roundRequest struct {
	Request  Text   `json:"request"`
	Deadline string `json:"deadline"` // RFC 3339, or local to the call's time zone
}

func (h *Handlers) apiOpenRound(c *web.Ctx) error {
	var req roundRequest
	if err := c.DecodeJSON(&req); err != nil {
		return err
	}
	slug := c.R.PathValue("slug")
	call, err := h.Store.Call(c.Context(), slug)
	if err != nil {
		return err
	}
	deadline, ok := parseTime(req.Deadline, call.Location())
	if !ok {
		var fe errs.Fields
		fe.Add("deadline", "calls.time_invalid")
		return fe.Err()
	}
	r, err := h.Store.OpenRound(c.Context(), c.User, slug, req.Request, deadline)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, r)
}

func (h *Handlers) apiAssignRound(c *web.Ctx) error {
	n, err := h.Store.AssignRound(c.Context(), c.User, c.R.PathValue("slug"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"assignments": n, "round": 2})
}

func (h *Handlers) apiRoundMaterial(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var req struct {
		Material string `json:"material"`
		VideoURL string `json:"video_url"`
	}
	if err := c.DecodeJSON(&req); err != nil {
		return err
	}
	if err := h.Store.SaveRoundMaterial(c.Context(), c.User, id, req.Material, req.VideoURL); err != nil {
		return deadlineProblem(c, err)
	}
	return c.JSON(http.StatusOK, map[string]any{"id": id, "round": 2, "saved_at": h.Store.DB.Now().Format(time.RFC3339)})
}

// roundJSON is a submission's second round in the API.
type roundJSON struct {
	Round    int        `json:"round"`
	Request  Text       `json:"request"`
	Deadline time.Time  `json:"deadline"`
	Material string     `json:"material"`
	VideoURL string     `json:"video_url,omitempty"`
	Updated  *time.Time `json:"updated_at,omitempty"`
}

func roundOut(e *RoundEntry) *roundJSON {
	if e == nil {
		return nil
	}
	return &roundJSON{Round: 2, Request: e.Round.Request, Deadline: e.Round.Deadline, Material: e.Material, VideoURL: e.VideoURL,
		Updated: e.Updated}
}

func asDeadline(err error) (*DeadlineError, bool) {
	var de *DeadlineError
	ok := errors.As(err, &de)
	return de, ok
}
