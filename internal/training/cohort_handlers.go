package training

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/web"
)

type cohortPage struct {
	View
	Cohort *Cohort
}

func (h *Handlers) cohortPage(c *web.Ctx, status int, f *web.Form) error {
	co, err := h.Store.Cohort(c.Context(), c.User, c.R.PathValue("slug"))
	if err != nil {
		return err
	}
	return c.RenderForm(status, "training/cohort", f, cohortPage{viewFor(c), co})
}

func (h *Handlers) cohort(c *web.Ctx) error { return h.cohortPage(c, http.StatusOK, nil) }

func (h *Handlers) addSession(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	x := &Session{Title: Text{En: f.Get("title_en"), Hans: f.Get("title_zh")}}
	var fe errs.Fields
	var ok bool
	if x.Starts, ok = parseTime(f.Get("starts_at")); !ok {
		fe.Add("starts_at", "training.time_invalid")
	}
	if x.Ends, ok = parseTime(f.Get("ends_at")); !ok {
		fe.Add("ends_at", "training.time_invalid")
	}
	err = fe.Err()
	if err == nil {
		err = h.Store.AddSession(c.Context(), c.User, c.R.PathValue("slug"), x)
	}
	if errs.CodeOf(err) == errs.Invalid {
		if e, ok := errs.As(err); ok {
			for i := range e.Fields {
				if e.Fields[i].Name == "title" {
					e.Fields[i].Name = "title_en"
				}
			}
		}
		return h.cohortPage(c, c.Fail(f, err), f)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/training/" + c.R.PathValue("slug") + "/cohort")
}

func (h *Handlers) attend(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	f, err := c.Form()
	if err != nil {
		return err
	}
	who, err := strconv.ParseInt(strings.TrimSpace(f.Get("participant")), 10, 64)
	if err != nil {
		return errs.New(errs.Invalid, "training.attendance.not_participant")
	}
	if err := h.Store.Attend(c.Context(), c.User, c.R.PathValue("slug"), id, who); err != nil {
		return err
	}
	return c.Redirect("/training/" + c.R.PathValue("slug") + "/cohort#s-" + strconv.FormatInt(id, 10))
}

func (h *Handlers) adminTrainer(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	if err := h.Store.TrainerByEmail(c.Context(), c.User, c.R.PathValue("slug"), f.Get("email")); err != nil {
		if errs.CodeOf(err) == errs.Invalid {
			return h.adminPage(c, c.Fail(f, err), f)
		}
		return err
	}
	return c.Redirect("/admin/training/" + c.R.PathValue("slug"))
}

// sessionRequest is the body of POST /api/v1/programmes/{slug}/sessions.
type sessionRequest struct {
	Title    Text   `json:"title"`
	StartsAt string `json:"starts_at"`
	EndsAt   string `json:"ends_at"`
}

func (h *Handlers) apiAddSession(c *web.Ctx) error {
	var r sessionRequest
	if err := c.DecodeJSON(&r); err != nil {
		return err
	}
	x := &Session{Title: r.Title}
	var fe errs.Fields
	var ok bool
	if x.Starts, ok = parseTime(r.StartsAt); !ok {
		fe.Add("starts_at", "training.time_invalid")
	}
	if x.Ends, ok = parseTime(r.EndsAt); !ok {
		fe.Add("ends_at", "training.time_invalid")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	if err := h.Store.AddSession(c.Context(), c.User, c.R.PathValue("slug"), x); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"id": x.ID})
}

// attendanceRequest is the body of POST …/sessions/{id}/attendance.
type attendanceRequest struct {
	Participant int64 `json:"participant"`
}

func (h *Handlers) apiAttend(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var r attendanceRequest
	if err := c.DecodeJSON(&r); err != nil {
		return err
	}
	if err := h.Store.Attend(c.Context(), c.User, c.R.PathValue("slug"), id, r.Participant); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"participant": r.Participant, "session": id, "present": true})
}

// ParticipantJSON is a participant's completion in the API.
type ParticipantJSON struct {
	Application int64  `json:"application"`
	Name        string `json:"name"`
	Country     string `json:"country"`
	Attended    int    `json:"attended"`
	Held        int    `json:"held"`
	Complete    bool   `json:"complete"`
}

func (h *Handlers) apiParticipants(c *web.Ctx) error {
	co, err := h.Store.Cohort(c.Context(), c.User, c.R.PathValue("slug"))
	if err != nil {
		return err
	}
	items := []ParticipantJSON{}
	for _, p := range co.Participants {
		items = append(items, ParticipantJSON{Application: p.Application.ID, Name: p.Application.Name, Country: p.Application.Country,
			Attended: p.Attended, Held: p.Held, Complete: p.Complete})
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "as_of": co.Now.UTC().Format(time.RFC3339)})
}
