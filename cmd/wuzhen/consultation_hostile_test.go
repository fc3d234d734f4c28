package main

// The consultation, endorsement and vote routes in the hostile corpus
// (hostileForms adds consultationHostileForms).

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/wuzhen/wuzhen/internal/documents"
)

// consultProof is what the consultation routes need in the hostile test:
// a document whose version 1 is open to comment.
type consultProof struct {
	slug string
}

var (
	consultProofsMu sync.Mutex
	consultProofs   = map[*hostileEnv]*consultProof{}
	consultTargets  = map[*hostileEnv]string{}
)

// consultTarget sets (slug not "") and returns the document the last
// request was about.
func consultTarget(h *hostileEnv, slug string) string {
	consultProofsMu.Lock()
	defer consultProofsMu.Unlock()
	if slug != "" {
		consultTargets[h] = slug
	}
	return consultTargets[h]
}

const consultProofBody = "# Proof\n\nThe first paragraph of the proof document.\n\nThe second paragraph."

// consultDoc makes a new document with version 1 (n makes its slug).
func (h *hostileEnv) consultDoc(prefix string) (string, *documents.Version) {
	h.t.Helper()
	h.n++
	slug := fmt.Sprintf("%s-%d", prefix, h.n)
	sec := h.people["secretariat"].p
	if err := h.a.docs.CreateDocument(h.ctx, sec, &documents.Document{Slug: slug, Kind: documents.KindConceptPaper, Year: 2030,
		Title: documents.Text{En: "Proof " + slug}}); err != nil {
		h.t.Fatal(err)
	}
	v, err := h.a.docs.SaveVersion(h.ctx, sec, slug, documents.VersionInput{Body: consultProofBody})
	if err != nil {
		h.t.Fatal(err)
	}
	return slug, v
}

// consult returns the env's document open to comment, made at first use.
func (h *hostileEnv) consult() *consultProof {
	consultProofsMu.Lock()
	defer consultProofsMu.Unlock()
	if p := consultProofs[h]; p != nil {
		return p
	}
	slug, _ := h.consultDoc("hostile-consult")
	now := h.a.db.Now()
	if _, err := h.a.docs.OpenConsultation(h.ctx, h.people["secretariat"].p, slug, documents.ConsultationInput{Version: 1,
		OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(300 * 24 * time.Hour)}); err != nil {
		h.t.Fatal(err)
	}
	p := &consultProof{slug: slug}
	consultProofs[h] = p
	return p
}

// consultComment adds a comment (an amendment when amend) and returns its id.
func (h *hostileEnv) consultComment(amend bool) int64 {
	h.t.Helper()
	p := h.consult()
	in := documents.CommentInput{Version: 1, Paragraph: 2, Text: "A comment"}
	if amend {
		s := "The first paragraph, amended."
		in.Amendment = &s
	}
	c, err := h.a.docs.AddComment(h.ctx, h.people["applicant"].p, p.slug, in)
	if err != nil {
		h.t.Fatal(err)
	}
	h.target = c.ID
	return c.ID
}

// consultAsked makes a document whose version 1 members are asked to endorse.
func (h *hostileEnv) consultAsked() string {
	h.t.Helper()
	slug, _ := h.consultDoc("hostile-endorse")
	if _, err := h.a.docs.AskEndorsement(h.ctx, h.people["secretariat"].p, slug, 1, ""); err != nil {
		h.t.Fatal(err)
	}
	return slug
}

// consultVote makes an open vote and returns its id.
func (h *hostileEnv) consultVote() int64 {
	h.t.Helper()
	now := h.a.db.Now()
	v, err := h.a.docs.CreateVote(h.ctx, h.people["secretariat"].p, documents.VoteInput{Title: documents.Text{En: "Proof vote"},
		OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(24 * time.Hour)})
	if err != nil {
		h.t.Fatal(err)
	}
	return v.ID
}

func (h *hostileEnv) commentField(id int64, field string) (string, bool) {
	c, err := h.a.docs.CommentByID(h.ctx, id)
	if err != nil {
		h.t.Fatal(err)
	}
	v, ok := map[string]string{"text": c.Body, "amendment": c.Amendment, "organisation": c.Organisation, "country": c.Country,
		"stakeholder_group": c.Group, "reason": c.HiddenReason, "note": c.DecisionNote}[field]
	return v, ok
}

// jsonID reads "id" from a JSON answer.
func jsonID(r hostileResponse) int64 {
	var v struct {
		ID int64 `json:"id"`
	}
	json.Unmarshal([]byte(r.body), &v)
	return v.ID
}

// amendmentNorm is what the store keeps of an amendment: its one block,
// trimmed, with "\n" line ends.
func amendmentNorm(s string) string { return strings.Join(documents.SplitBlocks(s), "\n\n") }

func consultationHostileForms() map[string]*hostileForm {
	commentFields := func(api bool) []hostileField {
		fs := []hostileField{{name: "text"}, {name: "organisation"}, {name: "country", norm: upper, code: true},
			{name: "stakeholder_group", norm: exact, choice: true}}
		if !api {
			fs = append(fs, hostileField{name: "amendment", norm: amendmentNorm, base: map[string]string{"kind": "amendment"}})
		} else {
			fs = append(fs, hostileField{name: "amendment", norm: amendmentNorm})
		}
		return fs
	}
	hide := func(api bool) *hostileForm {
		f := &hostileForm{who: "secretariat", base: map[string]string{"reason": "Advertising %n"}, fields: []hostileField{{name: "reason"}},
			target:   func(h *hostileEnv) string { return fmt.Sprintf("/admin/comments/%d/hide", h.consultComment(false)) },
			accepted: redirectTo(`^/admin/documents/[a-z0-9-]+/consultation`),
			stored: func(h *hostileEnv, _ hostileResponse, _ map[string]string, field string) (string, bool) {
				return h.commentField(h.target, field)
			}}
		if api {
			f.api, f.accepted = true, answered(http.StatusOK)
			f.target = func(h *hostileEnv) string { return fmt.Sprintf("/api/v1/comments/%d/hide", h.consultComment(false)) }
		}
		return f
	}
	decide := func(api bool) *hostileForm {
		f := &hostileForm{who: "secretariat", base: map[string]string{"decision": "accepted", "note": "Thank you %n"},
			fields: []hostileField{{name: "decision", choice: true}, {name: "note"}},
			target: func(h *hostileEnv) string {
				return fmt.Sprintf("/admin/comments/%d/decision", h.consultComment(true))
			},
			accepted: redirectTo(`^/admin/documents/[a-z0-9-]+/consultation`),
			stored: func(h *hostileEnv, _ hostileResponse, _ map[string]string, field string) (string, bool) {
				return h.commentField(h.target, field)
			}}
		if api {
			f.api, f.accepted, f.base = true, answered(http.StatusOK), map[string]string{"decision": "accept", "note": "Thank you %n"}
			f.target = func(h *hostileEnv) string { return fmt.Sprintf("/api/v1/comments/%d/decision", h.consultComment(true)) }
		}
		return f
	}
	open := func(api bool) *hostileForm {
		f := &hostileForm{who: "secretariat",
			base:   map[string]string{"version": "1", "opens_at": "2030-01-01T09:00", "closes_at": "2030-02-01T09:00", "timezone": "Asia/Taipei"},
			fields: []hostileField{{name: "version", code: true}, {name: "opens_at", code: true}, {name: "closes_at", code: true}, {name: "timezone", code: true}},
			target: func(h *hostileEnv) string {
				slug, _ := h.consultDoc("hostile-open")
				return "/admin/documents/" + slug + "/consultation"
			},
			accepted: redirectTo(`^/admin/documents/[a-z0-9-]+/consultation`),
			stored:   func(*hostileEnv, hostileResponse, map[string]string, string) (string, bool) { return "", false }}
		if api {
			// The version is a JSON number: anything else is refused whole by the decoder.
			f.api, f.accepted, f.numbers = true, answered(http.StatusCreated), map[string]bool{"version": true}
			f.fields = f.fields[1:]
			f.base = map[string]string{"version": "1", "opens_at": "2030-01-01T09:00:00Z", "closes_at": "2030-02-01T09:00:00Z", "timezone": "Asia/Taipei"}
			f.target = func(h *hostileEnv) string {
				slug, _ := h.consultDoc("hostile-open")
				return "/api/v1/documents/" + slug + "/consultation"
			}
		}
		return f
	}
	endorse := func(api bool) *hostileForm {
		f := &hostileForm{who: "representative",
			base:   map[string]string{"version": "1", "decision": "endorse", "statement": "We endorse it %n"},
			fields: []hostileField{{name: "decision", choice: true}, {name: "statement"}},
			target: func(h *hostileEnv) string {
				consultTarget(h, h.consultAsked())
				return "/documents/" + consultTarget(h, "") + "/endorse"
			},
			accepted: redirectTo(`^/documents/[a-z0-9-]+/endorse\?version=1$`),
			stored: func(h *hostileEnv, _ hostileResponse, _ map[string]string, field string) (string, bool) {
				_, v, err := h.a.docs.Version(h.ctx, consultTarget(h, ""), 1)
				if err != nil {
					h.t.Fatal(err)
				}
				list, err := h.a.docs.EndorsementList(h.ctx, v.ID)
				if err != nil || len(list) != 1 {
					h.t.Fatalf("endorsements %v %v", list, err)
				}
				v2, ok := map[string]string{"statement": list[0].Statement, "decision": list[0].Decision}[field]
				return v2, ok
			}}
		if api {
			f.api, f.accepted, f.numbers = true, answered(http.StatusCreated), map[string]bool{"version": true}
			target := f.target
			f.target = func(h *hostileEnv) string {
				target(h)
				return "/api/v1/documents/" + consultTarget(h, "") + "/endorsements"
			}
		}
		return f
	}
	return map[string]*hostileForm{
		"POST /documents/{slug}/consultation/comment": {who: "applicant",
			base: map[string]string{"version": "1", "paragraph": "2", "kind": "comment", "text": "A comment %n",
				"organisation": "Proof Org %n", "country": "KE", "stakeholder_group": "academia", "amendment": "The first paragraph, amended."},
			target:   func(h *hostileEnv) string { return "/documents/" + h.consult().slug + "/consultation/comment" },
			fields:   commentFields(false),
			accepted: redirectTo(`^/documents/[a-z0-9-]+/consultation\?version=1#c-\d+$`),
			stored: func(h *hostileEnv, r hostileResponse, _ map[string]string, field string) (string, bool) {
				return h.commentField(lastID(r.header.Get("Location")), field)
			}},
		"POST /api/v1/documents/{slug}/comments": {who: "applicant", api: true, numbers: map[string]bool{"version": true, "paragraph": true},
			base: map[string]string{"version": "1", "paragraph": "2", "text": "A comment %n", "organisation": "Proof Org %n",
				"country": "KE", "stakeholder_group": "academia", "amendment": "The first paragraph, amended."},
			target:   func(h *hostileEnv) string { return "/api/v1/documents/" + h.consult().slug + "/comments" },
			fields:   commentFields(true),
			accepted: answered(http.StatusCreated),
			stored: func(h *hostileEnv, r hostileResponse, _ map[string]string, field string) (string, bool) {
				return h.commentField(jsonID(r), field)
			}},
		"POST /admin/comments/{id}/hide":                  hide(false),
		"POST /api/v1/comments/{id}/hide":                 hide(true),
		"POST /admin/comments/{id}/decision":              decide(false),
		"POST /api/v1/comments/{id}/decision":             decide(true),
		"POST /admin/documents/{slug}/consultation":       open(false),
		"POST /api/v1/documents/{slug}/consultation":      open(true),
		"POST /admin/documents/{slug}/consultation/carry": {none: "no field a person types: a button, the consultation's version in it"},
		"POST /admin/documents/{slug}/endorsements/ask":   {none: "no field a person types: a button, the version in it"},
		"POST /api/v1/documents/{slug}/endorsements/request": {who: "secretariat", api: true, numbers: map[string]bool{"version": true},
			// One JSON number, the version: anything else is refused whole by the decoder.
			base: map[string]string{"version": "1"},
			target: func(h *hostileEnv) string {
				slug, _ := h.consultDoc("hostile-ask")
				return "/api/v1/documents/" + slug + "/endorsements/request"
			},
			accepted: answered(http.StatusCreated),
			stored:   func(*hostileEnv, hostileResponse, map[string]string, string) (string, bool) { return "", false }},
		"POST /documents/{slug}/endorse":             endorse(false),
		"POST /api/v1/documents/{slug}/endorsements": endorse(true),
		"POST /admin/votes": {who: "secretariat",
			base: map[string]string{"title_en": "Proof vote %n", "opens_at": "2030-01-01T09:00", "closes_at": "2030-01-02T09:00",
				"timezone": "UTC", "quorum": "0", "options": ""},
			fields: []hostileField{{name: "title_en", errID: "e-title"}, {name: "title_zh_hans", errID: "e-title", variant: true},
				{name: "title_zh_hant", errID: "e-title", variant: true}, {name: "timezone", code: true}, {name: "quorum", code: true},
				{name: "opens_at", code: true}},
			target:   func(*hostileEnv) string { return "/admin/votes" },
			accepted: redirectTo(`^/votes/\d+$`),
			stored: func(h *hostileEnv, r hostileResponse, _ map[string]string, field string) (string, bool) {
				v, err := h.a.docs.Vote(h.ctx, lastID(r.header.Get("Location")))
				if err != nil {
					h.t.Fatal(err)
				}
				s, ok := map[string]string{"title_en": v.Title.En, "title_zh_hans": v.Title.Hans, "title_zh_hant": v.Title.Hant, "timezone": v.Timezone}[field]
				return s, ok
			}},
		"POST /api/v1/votes": {who: "secretariat", api: true,
			base: map[string]string{"title.en": "Proof vote %n", "opens_at": "2030-01-01T09:00:00Z", "closes_at": "2030-01-02T09:00:00Z",
				"timezone": "UTC", "quorum": "json:0", "options": `json:["yes","no"]`},
			fields: []hostileField{{name: "title.en", errID: "title"}, {name: "title.zh-Hans", errID: "title", variant: true},
				{name: "timezone", code: true}, {name: "opens_at", code: true}, {name: "closes_at", code: true}},
			target:   func(*hostileEnv) string { return "/api/v1/votes" },
			accepted: answered(http.StatusCreated),
			stored: func(h *hostileEnv, r hostileResponse, _ map[string]string, field string) (string, bool) {
				v, err := h.a.docs.Vote(h.ctx, jsonID(r))
				if err != nil {
					h.t.Fatal(err)
				}
				s, ok := map[string]string{"title.en": v.Title.En, "title.zh-Hans": v.Title.Hans, "timezone": v.Timezone}[field]
				return s, ok
			}},
		"POST /votes/{id}/ballot": {who: "representative", base: map[string]string{"option": "for"},
			fields:   []hostileField{{name: "option", choice: true}},
			target:   func(h *hostileEnv) string { return fmt.Sprintf("/votes/%d/ballot", h.consultVote()) },
			accepted: redirectTo(`^/votes/\d+\?cast=1$`),
			stored:   func(*hostileEnv, hostileResponse, map[string]string, string) (string, bool) { return "", false }},
		"POST /api/v1/votes/{id}/ballots": {who: "representative", api: true, base: map[string]string{"option": "for"},
			fields:   []hostileField{{name: "option", choice: true}},
			target:   func(h *hostileEnv) string { return fmt.Sprintf("/api/v1/votes/%d/ballots", h.consultVote()) },
			accepted: answered(http.StatusOK),
			stored:   func(*hostileEnv, hostileResponse, map[string]string, string) (string, bool) { return "", false }},
	}
}

// showConsultation puts payload p in what the consultation pages show:
// a comment with an amendment and a reply on the shown document's second
// version, the secretariat's answer, an endorsement's statement, and a
// vote's title.
func (h *hostileEnv) showConsultation(sh *hostileShown, p hostilePayload, title string) {
	t := h.t
	t.Helper()
	sec := h.people["secretariat"].p
	now := h.a.db.Now()
	if _, err := h.a.docs.OpenConsultation(h.ctx, sec, sh.document, documents.ConsultationInput{Version: 2, OpensAt: now.Add(-time.Hour),
		ClosesAt: now.Add(30 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	_, v, err := h.a.docs.Version(h.ctx, sh.document, 2)
	if err != nil {
		t.Fatal(err)
	}
	r := h.post("applicant", "/documents/"+sh.document+"/consultation/comment", map[string]string{"version": "2",
		"paragraph": fmt.Sprint(v.Paragraphs[1].ID), "kind": "amendment", "text": p.Value, "amendment": title, "organisation": p.Value,
		"country": "KE", "stakeholder_group": "academia"}, redirectTo(`#c-\d+$`))
	comment := lastID(r.header.Get("Location"))
	h.post("secretariat", "/documents/"+sh.document+"/consultation/comment", map[string]string{"version": "2", "parent": fmt.Sprint(comment),
		"text": p.Value}, redirectTo(`#c-\d+$`))
	h.post("secretariat", fmt.Sprintf("/admin/comments/%d/decision", comment), map[string]string{"decision": "declined", "note": p.Value},
		redirectTo(`/consultation`))
	if _, err := h.a.docs.AskEndorsement(h.ctx, sec, sh.document, 2, ""); err != nil {
		t.Fatal(err)
	}
	h.post("representative", "/documents/"+sh.document+"/endorse", map[string]string{"version": "2", "decision": "endorse",
		"statement": p.Value, "member": fmt.Sprint(h.repOwned)}, redirectTo(`/endorse\?version=2$`))
	option := []rune(title) // an option is at most 100 characters
	if len(option) > 100 {
		option = option[:100]
	}
	r = h.post("secretariat", "/admin/votes", map[string]string{"title_en": title, "title_zh_hant": title, "document": sh.document,
		"version": "2", "opens_at": now.Add(-time.Hour).UTC().Format("2006-01-02T15:04"),
		"closes_at": now.Add(24 * time.Hour).UTC().Format("2006-01-02T15:04"), "timezone": "UTC", "quorum": "0", "options": string(option) + "\nNo"},
		redirectTo(`^/votes/\d+$`))
	consultVotesMu.Lock()
	consultVotes[sh] = lastID(r.header.Get("Location"))
	consultVotesMu.Unlock()
}

var (
	consultVotesMu sync.Mutex
	consultVotes   = map[*hostileShown]int64{}
)

// hostileConsultationPages opens the consultation pages that show the
// payloads, as the public, a representative and the secretariat.
func hostileConsultationPages(h *hostileEnv, shown []*hostileShown, as func(*hostilePerson), open func(string) string,
	whole func(string, *hostileShown)) {
	as(h.people["anonymous"])
	for _, sh := range shown {
		whole(open("/documents/"+sh.document+"/consultation"), sh)
		whole(open("/documents/"+sh.document), sh)
		open(fmt.Sprintf("/votes/%d", consultVotes[sh]))
	}
	as(h.people["representative"])
	for _, sh := range shown {
		whole(open("/documents/"+sh.document+"/endorse"), sh)
		open(fmt.Sprintf("/votes/%d", consultVotes[sh]))
	}
	as(h.people["secretariat"])
	open("/admin/consultations")
	open("/admin/votes")
	for _, sh := range shown {
		whole(open("/admin/documents/"+sh.document+"/consultation"), sh)
	}
}
