package main

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/calls"
	"github.com/wuzhen/wuzhen/internal/i18n"
)

// roundCalls counts the calls made for the second round's hostile input.
var roundCalls struct {
	sync.Mutex
	n    int
	slug string
	subs map[*proofCall]int64
}

// freshShortlist makes a published call with a shortlisted case by the
// proof call's author, whose second round is not open yet; it returns the
// call's slug.
func (pc *proofCall) freshShortlist(t *testing.T, a *testApp, sec *actor.Actor) string {
	t.Helper()
	ctx := context.Background()
	roundCalls.Lock()
	roundCalls.n++
	slug := fmt.Sprintf("round-proof-%d", roundCalls.n)
	roundCalls.slug = slug
	roundCalls.Unlock()
	c := &calls.Call{Slug: slug, Kind: calls.KindCase, Title: i18n.Text{En: "Round Proof"}, OpensAt: a.db.Now().AddDate(0, 0, -1),
		ClosesAt: a.db.Now().AddDate(0, 1, 0), Timezone: "UTC", Fields: calls.Fields, ReviewsPerSubmission: 1, Criteria: proofCriteria,
		MinCountries: 1}
	if err := a.calls.CreateCall(ctx, sec, c); err != nil {
		t.Fatal(err)
	}
	if _, err := a.calls.PublishCall(ctx, sec, slug); err != nil {
		t.Fatal(err)
	}
	sub := &calls.Submission{Title: i18n.Text{En: "Round Case"}, Summary: i18n.Text{En: "A case."}, Field: calls.Fields[0], Countries: []string{"KE"}}
	if err := a.calls.SaveSubmission(ctx, pc.author, slug, sub, calls.SubmitterInfo{}, true); err != nil {
		t.Fatal(err)
	}
	if err := a.calls.Decide(ctx, sec, sub.ID, calls.Shortlisted); err != nil {
		t.Fatal(err)
	}
	return slug
}

// roundSubmission returns a submission of the proof call's author in an
// open second round, made once per proof call.
func (pc *proofCall) roundSubmission(t *testing.T, a *testApp, sec *actor.Actor) int64 {
	t.Helper()
	roundCalls.Lock()
	id, ok := roundCalls.subs[pc]
	roundCalls.Unlock()
	if ok {
		return id
	}
	slug := pc.freshShortlist(t, a, sec)
	if _, err := a.calls.OpenRound(context.Background(), sec, slug, i18n.Text{En: "More, please."}, a.db.Now().AddDate(1, 0, 0)); err != nil {
		t.Fatal(err)
	}
	c, err := a.calls.Call(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	subs, err := a.calls.Submissions(context.Background(), c.ID, calls.SubmissionFilter{})
	if err != nil || len(subs) != 1 {
		t.Fatal(subs, err)
	}
	roundCalls.Lock()
	if roundCalls.subs == nil {
		roundCalls.subs = map[*proofCall]int64{}
	}
	roundCalls.subs[pc] = subs[0].ID
	roundCalls.Unlock()
	return subs[0].ID
}

// roundOpenForm opens the second round of a fresh call with a shortlist.
func roundOpenForm(api bool) *hostileForm {
	f := &hostileForm{who: "secretariat",
		base: map[string]string{"request_en": "A 3-minute video %n", "request_zh": "三分钟视频 %n", "deadline": "2030-06-30T18:00"},
		target: func(h *hostileEnv) string {
			return "/admin/calls/" + h.event.call.freshShortlist(h.t, h.a, h.people["secretariat"].p) + "/round"
		},
		fields: []hostileField{{name: "request_en", errID: "e-request"}, {name: "request_zh", errID: "e-request", variant: true},
			{name: "deadline", code: true}},
		accepted: redirectTo(`/round$`),
		stored: func(h *hostileEnv, _ hostileResponse, _ map[string]string, field string) (string, bool) {
			roundCalls.Lock()
			slug := roundCalls.slug
			roundCalls.Unlock()
			c, err := h.a.calls.Call(h.ctx, slug)
			if err != nil {
				h.t.Fatal(err)
			}
			r, err := h.a.calls.Round(h.ctx, c.ID)
			if err != nil || r == nil {
				h.t.Fatal(r, err)
			}
			v, ok := map[string]string{"request_en": r.Request.En, "request_zh": r.Request.Hans + r.Request.Hant,
				"request.en": r.Request.En, "request.zh-Hans": r.Request.Hans}[field]
			return v, ok
		}}
	if api {
		f.api, f.accepted, f.short = true, answered(http.StatusCreated), true
		f.target = func(h *hostileEnv) string {
			return "/api/v1/calls/" + h.event.call.freshShortlist(h.t, h.a, h.people["secretariat"].p) + "/round"
		}
		f.base = map[string]string{"request.en": "A 3-minute video %n", "request.zh-Hans": "三分钟视频 %n", "deadline": "2030-06-30T18:00"}
		f.fields = []hostileField{{name: "request.en", errID: "request"}, {name: "request.zh-Hans", errID: "request", variant: true},
			{name: "deadline", code: true}}
	}
	return f
}

// roundMaterialForm adds the second round's material to the author's
// shortlisted case.
func roundMaterialForm(api bool) *hostileForm {
	f := &hostileForm{who: "author",
		base: map[string]string{"material": "We trained %n teachers.", "round_video_url": "https://video.example.org/%n"},
		target: func(h *hostileEnv) string {
			h.target = h.event.call.roundSubmission(h.t, h.a, h.people["secretariat"].p)
			return fmt.Sprintf("/submissions/%d/round", h.target)
		},
		fields:   []hostileField{{name: "material"}, {name: "round_video_url", code: true}},
		accepted: redirectTo(`^/submissions/\d+`),
		stored: func(h *hostileEnv, _ hostileResponse, _ map[string]string, field string) (string, bool) {
			e, err := h.a.calls.RoundOf(h.ctx, h.target)
			if err != nil || e == nil {
				h.t.Fatal(e, err)
			}
			v, ok := map[string]string{"material": e.Material, "round_video_url": e.VideoURL, "video_url": e.VideoURL}[field]
			return v, ok
		}}
	if api {
		f.api, f.accepted, f.short = true, answered(http.StatusOK), true
		target := f.target
		f.target = func(h *hostileEnv) string { return "/api/v1" + target(h) }
		f.base = map[string]string{"material": "We trained %n teachers.", "video_url": "https://video.example.org/%n"}
		f.fields = []hostileField{{name: "material"}, {name: "video_url", code: true}}
	}
	return f
}
