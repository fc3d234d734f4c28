package main

// The hostile-input corpus (testdata/hostile.json, and a 100 KB string,
// bytes that are not UTF-8 and a NUL made here) goes through every field a
// person can edit, route by route from the route table's POST routes, so
// that a new route without an entry fails the test.
//
// First, one value at a time into each field, on SQLite and PostgreSQL
// (storageCorpus: what decides how a value is kept; codes, choices and
// other-language variants get codeCorpus): each value is either stored
// whole (but for the normalisation the store documents: spaces trimmed,
// addresses in lower case) or refused with the error at its field (or,
// for what no browser sends, NUL and bytes that are not UTF-8, with a
// message for the whole form saying so); never a 5xx.
//
// Then, in headless Chromium with a binding that the payloads call: every
// payload (joined into groups of up to 200 characters) is put through the
// forms into everything a page shows, and every page that shows it is
// loaded; every form is sent back with all of them in every field. Script
// executions, CSP violations, answers >= 500 and injected markup (inline
// scripts, event-handler attributes, javascript: URLs, frames, base and
// meta elements) are counted: all must be 0.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/config"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/events"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/mail"
	"github.com/wuzhen/wuzhen/internal/members"
	"github.com/wuzhen/wuzhen/internal/testenv"
	"github.com/wuzhen/wuzhen/internal/web"
)

// hostilePayload is one value of the corpus.
type hostilePayload struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// unstorable reports whether v is what no browser sends and no database
// keeps alike: bytes that are not UTF-8, or a NUL.
func (p hostilePayload) unstorable() bool {
	return !utf8.ValidString(p.Value) || strings.ContainsRune(p.Value, 0)
}

// hostilePayloads reads the corpus and adds what JSON cannot hold or is
// too large to keep in a file.
func hostilePayloads(t *testing.T) []hostilePayload {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "hostile.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ps []hostilePayload
	if err := json.Unmarshal(b, &ps); err != nil {
		t.Fatal(err)
	}
	var long strings.Builder
	for long.Len() < 100<<10 {
		long.WriteString("<script>__hostile('long')</script>长文本 text ")
	}
	ps = append(ps,
		hostilePayload{"long", long.String()},
		hostilePayload{"invalid-utf8", "abc\xff\xfe\xc3<b>x</b>"},
		hostilePayload{"nul", "a\x00b<script>__hostile('nul')</script>"},
	)
	if len(ps) < 25 {
		t.Fatalf("only %d payloads", len(ps))
	}
	return ps
}

// hostilePerson is someone who sends requests: their own cookies, a
// session, an API token.
type hostilePerson struct {
	p       *actor.Actor // nil for anonymous
	email   string
	c       *http.Client
	token   string
	session string
}

// hostileEnv is the application with the people of the test.
type hostileEnv struct {
	t        *testing.T
	a        *testApp
	ctx      context.Context
	people   map[string]*hostilePerson
	n        int   // makes addresses, names and client addresses unique
	target   int64 // the application or member the last request was about
	repOwned int64 // a member the representative represents
	comments int64 // a submitted application for comments
	event    *proofEvent
	// certificate is the code of the last training certificate made
	// for a revocation (training_test.go).
	certificate string
}

// startHostileApp is startApp behind a trusted proxy on loopback, so that
// each request can come from its own client address (X-Forwarded-For) and
// the per-address limits of sign-up, sign-in and reset do not refuse the
// corpus.
func startHostileApp(t *testing.T, dbURL string) *testApp {
	t.Helper()
	cfg := &config.Config{Data: t.TempDir(), DB: dbURL, Addr: "127.0.0.1:0"}
	if err := cfg.Resolve(); err != nil {
		t.Fatal(err)
	}
	cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	a, err := open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.close)
	a.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	a.users.Log = a.log
	a.users.Params = cheap
	srv, err := a.handler()
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	a.users.BaseURL = ts.URL
	return &testApp{app: a, ts: ts}
}

func newHostileEnv(t *testing.T, a *testApp) *hostileEnv {
	h := &hostileEnv{t: t, a: a, ctx: context.Background(), people: map[string]*hostilePerson{}}
	h.people["anonymous"] = h.person(nil, "")
	for name, role := range map[string]string{"applicant": "", "representative": "", "secretariat": auth.RoleSecretariat, "admin": auth.RoleAdmin} {
		var roles []string
		if role != "" {
			roles = []string{role}
		}
		email := name + "@example.org"
		u, err := a.users.Create(h.ctx, email, strings.ToUpper(name[:1])+name[1:], "hostile-password", roles...)
		if err != nil {
			t.Fatal(err)
		}
		p := h.person(u.Principal(), email)
		if p.token, err = a.users.CreateToken(h.ctx, email, "hostile"); err != nil {
			t.Fatal(err)
		}
		h.signIn(p, "hostile-password")
		h.people[name] = p
	}
	h.repOwned = h.admitted("Representative's Own Member")
	h.comments = h.submitted()
	h.event = newProofEvent(t, a, h.people["secretariat"].p, h.repOwned)
	for name, pw := range map[string]string{"author": "author-password", "reviewer": "reviewer-password"} {
		pr := h.event.call.author
		if name == "reviewer" {
			pr = h.event.call.rev
		}
		p := h.person(pr, pr.Email)
		var err error
		if p.token, err = a.users.CreateToken(h.ctx, pr.Email, "hostile"); err != nil {
			t.Fatal(err)
		}
		h.signIn(p, pw)
		h.people[name] = p
	}
	return h
}

// get fetches a page as the person.
func (h *hostileEnv) get(who, path string) hostileResponse {
	h.t.Helper()
	return h.send(who, "GET", path, "", nil)
}

var (
	inputTagRE    = regexp.MustCompile(`(?s)<input\b[^>]*>`)
	textareaTagRE = regexp.MustCompile(`(?s)<textarea\b([^>]*)>(.*?)</textarea>`)
	nameAttrRE    = regexp.MustCompile(`\bname="([^"]*)"`)
	valueAttrRE   = regexp.MustCompile(`\bvalue="([^"]*)"`)
)

// formValue returns the value a page's form shows for field name: an
// input's value or a textarea's text, unescaped.
func formValue(page, name string) (string, bool) {
	for _, tag := range inputTagRE.FindAllString(page, -1) {
		if m := nameAttrRE.FindStringSubmatch(tag); m != nil && html.UnescapeString(m[1]) == name {
			if v := valueAttrRE.FindStringSubmatch(tag); v != nil {
				return html.UnescapeString(v[1]), true
			}
			return "", true
		}
	}
	for _, m := range textareaTagRE.FindAllStringSubmatch(page, -1) {
		if n := nameAttrRE.FindStringSubmatch(m[1]); n != nil && html.UnescapeString(n[1]) == name {
			return html.UnescapeString(m[2]), true
		}
	}
	return "", false
}

// fromPage reads what was stored back from the form of the page at the
// path pathOf gives, as who sees it: the form shows what it keeps.
func fromPage(who string, pathOf func(h *hostileEnv, r hostileResponse) string) func(*hostileEnv, hostileResponse, map[string]string, string) (string, bool) {
	return func(h *hostileEnv, r hostileResponse, _ map[string]string, field string) (string, bool) {
		path := pathOf(h, r)
		page := h.get(who, path)
		if page.status != http.StatusOK {
			h.t.Fatalf("read back %s: %d", path, page.status)
		}
		// A field the page does not give back (a choice made once, a
		// button) cannot be compared there.
		return formValue(page.body, field)
	}
}

// location is the path of a redirect, without its fragment.
func location(r hostileResponse) string {
	l, _, _ := strings.Cut(r.header.Get("Location"), "#")
	return l
}

// lastID is the number that ends s (a path, a fragment).
func lastID(s string) int64 {
	m := regexp.MustCompile(`(\d+)\D*$`).FindStringSubmatch(s)
	if m == nil {
		return 0
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// freshPerson makes a new signed-in account, as "fresh".
func (h *hostileEnv) freshPerson() *hostilePerson {
	h.t.Helper()
	h.n++
	email := fmt.Sprintf("fresh-%d@example.org", h.n)
	u, err := h.a.users.Create(h.ctx, email, fmt.Sprintf("Fresh Person %d", h.n), "hostile-password")
	if err != nil {
		h.t.Fatal(err)
	}
	p := h.person(u.Principal(), email)
	if p.token, err = h.a.users.CreateToken(h.ctx, email, "hostile"); err != nil {
		h.t.Fatal(err)
	}
	h.signIn(p, "hostile-password")
	h.people["fresh"] = p
	return p
}

// pending makes a registration waiting for the secretariat's decision.
func (h *hostileEnv) pending() int64 {
	h.t.Helper()
	p := h.freshPerson()
	r, err := h.a.events.Register(h.ctx, p.p, h.event.slug, "vetted",
		events.Answers{"name": "Pending Person", "country": "KE", "consent": "yes"})
	if err != nil {
		h.t.Fatal(err)
	}
	return r.ID
}

// proofEventStored returns an event's field as stored.
func (h *hostileEnv) eventField(slug, field string) (string, bool) {
	e, err := h.a.events.Event(h.ctx, slug, true)
	if err != nil {
		h.t.Fatalf("event %q: %v", slug, err)
	}
	parent := ""
	if e.Parent != nil {
		parent = e.Parent.Slug
	}
	v, ok := map[string]string{
		"slug": e.Slug, "kind": string(e.Kind), "parent": parent, "timezone": e.TimeZone, "venue": e.Venue, "country": e.Country,
		"online_url": e.OnlineURL, "interpretation": e.Interpretation, "topics": strings.Join(e.Topics, ","),
		"languages": strings.Join(e.Languages, ","),
		"title_en":  e.Title.En, "title_zh_hans": e.Title.Hans, "title_zh_hant": e.Title.Hant,
		"theme_en": e.Theme.En, "theme_zh_hans": e.Theme.Hans, "theme_zh_hant": e.Theme.Hant,
		"description_en": e.Description.En, "description_zh_hans": e.Description.Hans, "description_zh_hant": e.Description.Hant,
		"title.en": e.Title.En, "title.zh-Hans": e.Title.Hans, "title.zh-Hant": e.Title.Hant,
		"theme.en": e.Theme.En, "theme.zh-Hans": e.Theme.Hans, "theme.zh-Hant": e.Theme.Hant,
		"description.en": e.Description.En, "description.zh-Hans": e.Description.Hans, "description.zh-Hant": e.Description.Hant,
		"venue_zh_hans": e.VenueHans, "venue_zh_hant": e.VenueHant, "venues.zh-Hans": e.VenueHans, "venues.zh-Hant": e.VenueHant,
		"interpretation_zh_hans": e.InterpretationHans, "interpretation_zh_hant": e.InterpretationHant,
		"interpretations.zh-Hans": e.InterpretationHans, "interpretations.zh-Hant": e.InterpretationHant,
	}[field]
	return v, ok
}

// categoryField returns a field of the event's category with code.
func (h *hostileEnv) categoryField(code, field string) (string, bool) {
	cats, err := h.a.events.Categories(h.ctx, h.event.id)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, c := range cats {
		if c.Code == strings.TrimSpace(code) {
			v, ok := map[string]string{"code": c.Code, "approval": string(c.Approval), "colour": c.Colour,
				"name_en": c.Name.En, "name_zh_hans": c.Name.Hans, "name_zh_hant": c.Name.Hant,
				"consent_en": c.Consent.En, "consent_zh_hans": c.Consent.Hans, "consent_zh_hant": c.Consent.Hant,
				"name.en": c.Name.En, "name.zh-Hans": c.Name.Hans, "name.zh-Hant": c.Name.Hant,
				"consent.en": c.Consent.En, "consent.zh-Hans": c.Consent.Hans, "consent.zh-Hant": c.Consent.Hant,
			}[field]
			return v, ok
		}
	}
	return "(no category " + code + ")", true
}

// registrationField returns a field of registration id as stored.
func (h *hostileEnv) registrationField(id int64, field string) (string, bool) {
	r, err := h.a.events.Registration(h.ctx, id, 0, true)
	if err != nil {
		h.t.Fatal(err)
	}
	field = strings.TrimPrefix(field, "answers.")
	switch field {
	case "email":
		return r.Email, true
	case "name":
		return r.Name, true
	case "name_latin":
		return r.NameLatin, true
	case "organization":
		return r.Organization, true
	case "country":
		return r.Country, true
	case "stakeholder_group":
		return r.Group, true
	case "consent":
		return r.Answers["consent"], true
	}
	return "", false
}

// person makes a client with its own cookie jar that does not follow
// redirects.
func (h *hostileEnv) person(p *actor.Actor, email string) *hostilePerson {
	jar, _ := cookiejar.New(nil)
	return &hostilePerson{p: p, email: email, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// signIn opens a session for p through the store and gives its client
// the cookie.
func (h *hostileEnv) signIn(p *hostilePerson, password string) {
	h.t.Helper()
	h.n++
	tok, _, _, err := h.a.users.Login(h.ctx, p.email, password, fmt.Sprintf("setup-%d", h.n), "")
	if err != nil {
		h.t.Fatal(err)
	}
	p.session = tok
	u, _ := url.Parse(h.a.ts.URL)
	p.c.Jar.SetCookies(u, []*http.Cookie{{Name: web.SessionCookie, Value: tok, Path: "/"}})
}

func (h *hostileEnv) actor(name string) *actor.Actor {
	p := h.people[name]
	return &actor.Actor{ID: p.p.ID, Email: p.email}
}

// submitted makes a submitted application of the applicant.
func (h *hostileEnv) submitted() int64 {
	h.t.Helper()
	h.n++
	app := &members.Application{Kind: members.Organization, Name: members.Names{En: fmt.Sprintf("Applicant Organisation %d", h.n)},
		Group: members.Business, Country: "KE", ContactEmail: "applicant@example.org", Motivation: "To take part.", CharterAgreed: true}
	if err := h.a.members.Save(h.ctx, h.actor("applicant"), app, true); err != nil {
		h.t.Fatal(err)
	}
	return app.ID
}

// admitted makes a member whose primary representative is the
// representative: their application, approved.
func (h *hostileEnv) admitted(name string) int64 {
	h.t.Helper()
	app := &members.Application{Kind: members.Organization, Name: members.Names{En: name}, Group: members.CivilSociety,
		Country: "BR", ContactEmail: "representative@example.org", Motivation: "To take part.", CharterAgreed: true}
	if err := h.a.members.Save(h.ctx, h.actor("representative"), app, true); err != nil {
		h.t.Fatal(err)
	}
	a, err := h.a.members.Decide(h.ctx, h.actor("secretariat"), app.ID, members.Approve, "")
	if err != nil {
		h.t.Fatal(err)
	}
	return a.MemberID
}

// hostileResponse is an answer with its body.
type hostileResponse struct {
	status int
	header http.Header
	body   string
}

// send sends a request as the person, from a client address of its own.
func (h *hostileEnv) send(who, method, path, contentType string, body []byte) hostileResponse {
	h.t.Helper()
	req, err := http.NewRequest(method, h.a.ts.URL+path, bytes.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	h.n++
	req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.18.%d.%d", h.n/250%250, h.n%250+1))
	p := h.people[who]
	if p.token != "" && strings.HasPrefix(path, "/api/") {
		req.Header.Set("Authorization", "Bearer "+p.token)
	}
	res, err := p.c.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return hostileResponse{res.StatusCode, res.Header, string(b)}
}

// hostileField is a field of a form, with what the store keeps of it.
type hostileField struct {
	name  string
	errID string              // the id of its error on the page; default "e-"+name
	norm  func(string) string // what the store keeps of a value it accepts; default strings.TrimSpace
	base  map[string]string   // other fields' values this field needs (an action that reads it)
	// choice: a value the page offers (a button, a list), never typed;
	// refusing a foreign one with an error page is enough.
	choice bool
	// code: a code, a number, a date or a token rather than free text: it
	// gets the short corpus (codeCorpus), which it refuses whole.
	code bool
	// variant: the same text in another language, kept by the same code
	// as its English field, which gets the whole corpus: the short one.
	variant bool
}

// oneLineCorpus are the values a one-line field refuses at the field,
// on the web and the API alike: line breaks, direction overrides and
// isolates, zero-width spaces (errs.OneLine, issue 14).
var oneLineCorpus = map[string]bool{"newlines": true, "rtl-override": true, "zero-width": true}

// oneLine is v with each character a one-line field refuses made a
// space: the browser phase puts every payload in every field, one-line
// ones included, for their markup; the storage phase sends them whole.
func oneLine(v string) string {
	return strings.Map(func(r rune) rune {
		if !errs.OneLine(string(r)) {
			return ' '
		}
		return r
	}, v)
}

// multiLineFields are the texts of several lines ("ROUTE field"): the
// textareas and the API fields behind them, where a line break is text.
// Every other text field is one line.
var multiLineFields = map[string]bool{
	"POST /admin/applications/{id}/comments body":                           true,
	"POST /admin/applications/{id}/decision reason":                         true,
	"POST /admin/calls/new description_en":                                  true,
	"POST /admin/calls/new description_zh":                                  true,
	"POST /admin/calls/{slug}/edit description_en":                          true,
	"POST /admin/calls/{slug}/edit description_zh":                          true,
	"POST /admin/calls/{slug}/round request_en":                             true,
	"POST /admin/calls/{slug}/round request_zh":                             true,
	"POST /admin/events description_en":                                     true,
	"POST /admin/events description_zh_hans":                                true,
	"POST /admin/events description_zh_hant":                                true,
	"POST /admin/events/{slug} description_en":                              true,
	"POST /admin/events/{slug} description_zh_hans":                         true,
	"POST /admin/events/{slug} description_zh_hant":                         true,
	"POST /admin/events/{slug}/categories consent_en":                       true,
	"POST /admin/events/{slug}/categories consent_zh_hans":                  true,
	"POST /admin/events/{slug}/categories consent_zh_hant":                  true,
	"POST /admin/events/{slug}/programme/people/new bio_en":                 true,
	"POST /admin/events/{slug}/programme/people/new bio_zh_hans":            true,
	"POST /admin/events/{slug}/programme/people/new bio_zh_hant":            true,
	"POST /admin/events/{slug}/programme/people/{id} bio_en":                true,
	"POST /admin/events/{slug}/programme/people/{id} bio_zh_hans":           true,
	"POST /admin/events/{slug}/programme/people/{id} bio_zh_hant":           true,
	"POST /admin/events/{slug}/programme/sessions/new description_en":       true,
	"POST /admin/events/{slug}/programme/sessions/new description_zh_hans":  true,
	"POST /admin/events/{slug}/programme/sessions/new description_zh_hant":  true,
	"POST /admin/events/{slug}/programme/sessions/{id} description_en":      true,
	"POST /admin/events/{slug}/programme/sessions/{id} description_zh_hans": true,
	"POST /admin/events/{slug}/programme/sessions/{id} description_zh_hant": true,
	"POST /admin/members/{id}/standing reason":                              true,
	"POST /api/v1/calls description.en":                                     true,
	"POST /api/v1/calls description.zh-Hans":                                true,
	"POST /api/v1/calls/{slug}/round request.en":                            true,
	"POST /api/v1/calls/{slug}/round request.zh-Hans":                       true,
	"POST /api/v1/calls/{slug}/submissions summary.en":                      true,
	"POST /api/v1/calls/{slug}/submissions summary.zh-Hans":                 true,
	"POST /api/v1/events description.en":                                    true,
	"POST /api/v1/events description.zh-Hans":                               true,
	"POST /api/v1/events description.zh-Hant":                               true,
	"POST /api/v1/events/{slug}/categories consent.en":                      true,
	"POST /api/v1/events/{slug}/categories consent.zh-Hans":                 true,
	"POST /api/v1/events/{slug}/categories consent.zh-Hant":                 true,
	"POST /api/v1/events/{slug}/sessions description.en":                    true,
	"POST /api/v1/membership-applications description":                      true,
	"POST /api/v1/membership-applications motivation":                       true,
	"POST /api/v1/membership-applications/{id}/decision reason":             true,
	"POST /api/v1/reviews/{id} comment":                                     true,
	"POST /api/v1/speakers bio.en":                                          true,
	"POST /api/v1/submissions/{id}/round material":                          true,
	"POST /calls/{slug}/submit summary_en":                                  true,
	"POST /calls/{slug}/submit summary_zh":                                  true,
	"POST /members/apply description":                                       true,
	"POST /members/apply motivation":                                        true,
	"POST /members/manage/{id}/edit description_en":                         true,
	"POST /members/manage/{id}/edit description_zh_hans":                    true,
	"POST /members/manage/{id}/edit description_zh_hant":                    true,
	"POST /reviews/{id} comment":                                            true,
	"POST /submissions/{id}/round material":                                 true,
	// Not one-line text: a password is a secret of any characters.
	"POST /signup password": true,
	// Training: descriptions, answers, reviewers' comments and reasons.
	"POST /admin/training/new description_en":                        true,
	"POST /admin/training/new description_zh":                        true,
	"POST /api/v1/programmes description.en":                         true,
	"POST /api/v1/programmes description.zh-Hans":                    true,
	"POST /api/v1/programmes description.zh-Hant":                    true,
	"POST /training/{slug}/apply answer.motivation":                  true,
	"POST /api/v1/programmes/{slug}/applications answers.motivation": true,
	"POST /training-reviews/{id} comment":                            true,
	"POST /admin/training/certificates/{code}/revoke reason":         true,
	"POST /api/v1/certificates/{code}/revoke reason":                 true,

	// Organisation settings (internal/site): the description, charter and
	// privacy notice, and the postal address. Outcome documents
	// (internal/documents): a summary, a version's text and note, a
	// comment and its amendment, a reason, a decision note, an
	// endorsement statement.
	"POST /admin/settings description.en":                      true,
	"POST /admin/settings description.zh-Hans":                 true,
	"POST /admin/settings description.zh-Hant":                 true,
	"POST /admin/settings charter.en":                          true,
	"POST /admin/settings charter.zh-Hans":                     true,
	"POST /admin/settings charter.zh-Hant":                     true,
	"POST /admin/settings privacy.en":                          true,
	"POST /admin/settings privacy.zh-Hans":                     true,
	"POST /admin/settings privacy.zh-Hant":                     true,
	"POST /admin/settings postal_address":                      true,
	"PUT /api/v1/settings description.en":                      true,
	"PUT /api/v1/settings description.zh-Hans":                 true,
	"PUT /api/v1/settings description.zh-Hant":                 true,
	"PUT /api/v1/settings charter.en":                          true,
	"PUT /api/v1/settings charter.zh-Hans":                     true,
	"PUT /api/v1/settings charter.zh-Hant":                     true,
	"PUT /api/v1/settings privacy.en":                          true,
	"PUT /api/v1/settings privacy.zh-Hans":                     true,
	"PUT /api/v1/settings privacy.zh-Hant":                     true,
	"PUT /api/v1/settings postal_address":                      true,
	"POST /admin/documents/new summary_en":                     true,
	"POST /admin/documents/new summary_zh_hans":                true,
	"POST /admin/documents/new summary_zh_hant":                true,
	"POST /admin/documents/{slug}/edit summary_en":             true,
	"POST /admin/documents/{slug}/edit summary_zh_hans":        true,
	"POST /admin/documents/{slug}/edit summary_zh_hant":        true,
	"POST /api/v1/documents summary.en":                        true,
	"POST /api/v1/documents summary.zh-Hans":                   true,
	"POST /api/v1/documents summary.zh-Hant":                   true,
	"POST /admin/documents/{slug}/versions body":               true,
	"POST /admin/documents/{slug}/versions note":               true,
	"POST /api/v1/documents/{slug}/versions body":              true,
	"POST /api/v1/documents/{slug}/versions note":              true,
	"POST /admin/documents/{slug}/versions/{number}/name note": true,
	"POST /documents/{slug}/consultation/comment text":         true,
	"POST /documents/{slug}/consultation/comment amendment":    true,
	"POST /api/v1/documents/{slug}/comments text":              true,
	"POST /api/v1/documents/{slug}/comments amendment":         true,
	"POST /admin/comments/{id}/hide reason":                    true,
	"POST /api/v1/comments/{id}/hide reason":                   true,
	"POST /admin/comments/{id}/decision note":                  true,
	"POST /api/v1/comments/{id}/decision note":                 true,
	"POST /documents/{slug}/endorse statement":                 true,
	"POST /api/v1/documents/{slug}/endorsements statement":     true,
}

// storageCorpus is the part of the corpus each field gets one value at a
// time: markup, leading spaces, right-to-left and zero-width characters,
// Chinese, line breaks, entities, template syntax, 100 KB, bytes that are
// not UTF-8, NUL.
var storageCorpus = map[string]bool{"script": true, "attr-double": true, "attr-unquoted": true, "js-url-mixed": true,
	"rtl-override": true, "zero-width": true, "chinese": true, "newlines": true, "entities": true, "template": true,
	"long": true, "invalid-utf8": true, "nul": true}

// dbCorpus is the part of the corpus sent on PostgreSQL, where it could
// be kept otherwise than on SQLite.
var dbCorpus = map[string]bool{"script": true, "rtl-override": true, "zero-width": true, "chinese": true, "newlines": true,
	"long": true, "invalid-utf8": true, "nul": true}

// codeCorpus is the part of the corpus sent to fields that take a code
// or a choice rather than text.
var codeCorpus = map[string]bool{"script": true, "attr-double": true, "js-url": true, "rtl-override": true, "chinese": true,
	"long": true, "invalid-utf8": true, "nul": true}

func (f hostileField) errorID() string {
	if f.errID != "" {
		return f.errID
	}
	return "e-" + f.name
}

func (f hostileField) normal(s string) string {
	if f.norm != nil {
		return f.norm(s)
	}
	return strings.TrimSpace(s)
}

// hostileForm is what the test knows of one POST route.
type hostileForm struct {
	who    string
	target func(h *hostileEnv) string // the path, preparing what the request needs
	base   map[string]string          // valid values; "%n" becomes a unique number
	fields []hostileField
	api    bool
	// accepted reports whether the answer says the request was done.
	accepted func(r hostileResponse) bool
	// stored returns what the database holds of field after an accepted
	// request, and false when it keeps nothing of it as text.
	stored func(h *hostileEnv, r hostileResponse, sent map[string]string, field string) (string, bool)
	// echo: the form keeps nothing (a sign-in, a token), refused or not.
	echo bool
	// fresh: each request comes from a new account (one registration per
	// person and event).
	fresh bool
	// numbers are the API's number fields, sent as JSON numbers.
	numbers map[string]bool
	// short: the same form and store code as another route's, which gets
	// the whole corpus; this one gets the short corpus.
	short bool
	// none says why the route takes no field a person types.
	none string
	// method is the route's method when it is not POST (PUT).
	method string
}

// verb is the method the form is sent with.
func (f *hostileForm) verb() string {
	if f.method != "" {
		return f.method
	}
	return http.MethodPost
}

var (
	lower      = func(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
	upper      = func(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }
	exact      = func(s string) string { return s }
	websiteURL = func(s string) string {
		s = strings.TrimSpace(s)
		if s != "" && !strings.Contains(s, "://") {
			s = "https://" + s
		}
		return s
	}
	appIDRE = regexp.MustCompile(`^/members/applications/(\d+)$`)
	errorRE = regexp.MustCompile(`(?s)<p class="(?:form-)?error[^"]*"[^>]*>(.*?)</p>`)
)

func redirectTo(pattern string) func(r hostileResponse) bool {
	re := regexp.MustCompile(pattern)
	return func(r hostileResponse) bool {
		return r.status == http.StatusSeeOther && re.MatchString(r.header.Get("Location"))
	}
}

func answered(code int) func(r hostileResponse) bool {
	return func(r hostileResponse) bool { return r.status == code }
}

// application returns an application as the secretariat sees it.
func (h *hostileEnv) application(id int64) *members.Application {
	h.t.Helper()
	a, err := h.a.members.Application(h.ctx, h.people["secretariat"].p, id)
	if err != nil {
		h.t.Fatal(err)
	}
	return a
}

// applicationField is what an application keeps of a form or API field.
func applicationField(a *members.Application, field string) (string, bool) {
	switch field {
	case "kind":
		return string(a.Kind), true
	case "name_en", "name.en":
		return a.Name.En, true
	case "name_zh_hans", "name.zh-Hans":
		return a.Name.Hans, true
	case "name_zh_hant", "name.zh-Hant":
		return a.Name.Hant, true
	case "acronym":
		return a.Acronym, true
	case "stakeholder_group":
		return string(a.Group), true
	case "country":
		return a.Country, true
	case "website":
		return a.Website, true
	case "description":
		return a.Description, true
	case "contact_name":
		return a.ContactName, true
	case "contact_email":
		return a.ContactEmail, true
	case "motivation":
		return a.Motivation, true
	}
	return "", false
}

// applicationFields are the application's fields, by their form names or
// (api) their JSON paths.
func applicationFields(api bool) []hostileField {
	name := func(form, path string) string {
		if api {
			return path
		}
		return form
	}
	return []hostileField{
		{name: "kind", norm: exact, code: true},
		{name: name("name_en", "name.en")},
		{name: name("name_zh_hans", "name.zh-Hans"), variant: true},
		{name: name("name_zh_hant", "name.zh-Hant"), variant: true},
		{name: "acronym"},
		{name: "stakeholder_group", norm: exact, code: true},
		{name: "country", norm: upper, code: true},
		{name: "website", norm: websiteURL},
		{name: "description"},
		{name: "contact_name"},
		{name: "contact_email", norm: lower},
		{name: "motivation"},
	}
}

// hostileForms describes every POST route; the test fails on a route
// that is missing here.
func hostileForms() map[string]*hostileForm {
	fixed := func(p string) func(*hostileEnv) string { return func(*hostileEnv) string { return p } }
	appStored := func(h *hostileEnv, r hostileResponse, _ map[string]string, field string) (string, bool) {
		var id int64
		if m := appIDRE.FindStringSubmatch(r.header.Get("Location")); m != nil {
			id, _ = strconv.ParseInt(m[1], 10, 64)
		} else {
			var out struct{ ID int64 }
			if err := json.Unmarshal([]byte(r.body), &out); err != nil {
				h.t.Fatalf("no application id in %d %q", r.status, r.body)
			}
			id = out.ID
		}
		return applicationField(h.application(id), field)
	}
	appBase := map[string]string{"kind": "organization", "name_en": "Hostile Organisation %n", "stakeholder_group": "business",
		"country": "KE", "contact_email": "contact-%n@example.org", "motivation": "We care.", "charter": "yes", "action": "submit"}
	apiBase := map[string]string{"kind": "organization", "name.en": "Hostile Organisation %n", "stakeholder_group": "business",
		"country": "KE", "contact_email": "contact-%n@example.org", "motivation": "We care."}
	decisionStored := func(h *hostileEnv, _ hostileResponse, _ map[string]string, field string) (string, bool) {
		if field != "reason" {
			return "", false
		}
		return h.application(h.target).Reason, true
	}
	profileStored := func(h *hostileEnv, _ hostileResponse, _ map[string]string, field string) (string, bool) {
		m, _, err := h.a.members.Managed(h.ctx, h.people["representative"].p, h.target)
		if err != nil {
			h.t.Fatal(err)
		}
		v, ok := map[string]string{"name_en": m.Name.En, "name_zh_hans": m.Name.Hans, "name_zh_hant": m.Name.Hant, "acronym": m.Acronym,
			"website": m.Website, "description_en": m.Description.En, "description_zh_hans": m.Description.Hans,
			"description_zh_hant": m.Description.Hant}[field]
		return v, ok
	}
	forms := map[string]*hostileForm{
		"POST /signup": {
			who: "anonymous", target: fixed("/signup"),
			base: map[string]string{"name": "Hostile Person %n", "email": "hostile-%n@example.org", "password": "a long enough password"},
			fields: []hostileField{
				{name: "name"},
				{name: "email", norm: lower},
				{name: "password", norm: exact},
			},
			accepted: func(r hostileResponse) bool {
				return r.status == http.StatusOK && !strings.Contains(r.body, `action="/signup"`)
			},
			stored: func(h *hostileEnv, _ hostileResponse, sent map[string]string, field string) (string, bool) {
				u, err := h.a.users.ByEmail(h.ctx, auth.NormalizeEmail(sent["email"]))
				if err != nil {
					h.t.Fatal(err)
				}
				switch field {
				case "name":
					return u.Name, true
				case "email":
					return u.Email, true
				}
				// The password is kept whole when it opens the account:
				// the account is not verified yet, which Login says only
				// to the right password.
				h.n++
				_, _, _, err = h.a.users.Login(h.ctx, u.Email, sent["password"], fmt.Sprintf("check-%d", h.n), "")
				if errs.CodeOf(err) == errs.Forbidden {
					return sent["password"], true
				}
				return fmt.Sprintf("(a password that does not open the account: %v)", err), true
			},
		},
		"POST /login": {
			who: "anonymous", target: fixed("/login"), echo: true,
			// An account of the test's (cheap argon2id), not an unknown
			// address (checked against a default-cost hash).
			base:   map[string]string{"email": "applicant@example.org", "password": "not the password"},
			fields: []hostileField{{name: "email"}, {name: "password"}},
		},
		"POST /password/reset": {
			who: "anonymous", target: fixed("/password/reset"), echo: true,
			base:   map[string]string{"email": "nobody-%n@example.org"},
			fields: []hostileField{{name: "email"}},
		},
		"POST /password/reset/confirm": {
			who: "anonymous", target: fixed("/password/reset/confirm"), echo: true,
			base:   map[string]string{"token": "not-a-token-%n", "password": "a long enough password"},
			fields: []hostileField{{name: "token", code: true}, {name: "password"}},
		},
		"POST /verify": {
			who: "anonymous", target: fixed("/verify"), echo: true,
			base:   map[string]string{"token": "not-a-token-%n"},
			fields: []hostileField{{name: "token", code: true}},
		},
		"POST /members/invitations/accept": {
			who: "applicant", target: fixed("/members/invitations/accept"), echo: true,
			base:   map[string]string{"token": "not-a-token-%n"},
			fields: []hostileField{{name: "token", code: true}},
		},
		"POST /logout": {none: "no fields: it ends the session"},
		"POST /members/manage/{id}/representatives/{user}/remove":  {none: "no fields: the member and the account are in the path"},
		"POST /members/manage/{id}/representatives/{user}/primary": {none: "no fields: the member and the account are in the path"},
		"POST /members/applications/{id}/logo":                     {none: "a file, checked by its content (members.FuzzLogo, FuzzUpload)"},

		// Accounts: a person's own account and the administrators' pages
		// of people (internal/auth).
		"POST /account/profile": {
			who: "fresh", fresh: true, target: fixed("/account/profile"),
			base: map[string]string{"name": "Fresh Name %n", "other_names": "", "locale": "", "timezone": ""},
			fields: []hostileField{{name: "name"}, {name: "other_names"}, {name: "locale", norm: exact, choice: true},
				{name: "timezone", code: true}},
			accepted: redirectTo(`^/account\?saved=profile$`),
			stored: func(h *hostileEnv, _ hostileResponse, _ map[string]string, field string) (string, bool) {
				u, err := h.a.users.Person(h.ctx, h.people["fresh"].p.ID)
				if err != nil {
					h.t.Fatal(err)
				}
				v, ok := map[string]string{"name": u.Name, "other_names": u.OtherNames, "locale": u.Locale, "timezone": u.TimeZone}[field]
				return v, ok
			},
		},
		"POST /account/email": {
			who: "fresh", fresh: true, target: fixed("/account/email"), echo: true,
			base:   map[string]string{"email": "moved-%n@example.org", "password": "not the password"},
			fields: []hostileField{{name: "email"}, {name: "password"}},
		},
		"POST /account/email/confirm": {
			who: "anonymous", target: fixed("/account/email/confirm"), echo: true,
			base:   map[string]string{"token": "not-a-token-%n"},
			fields: []hostileField{{name: "token", code: true}},
		},
		"POST /account/password": {
			who: "fresh", fresh: true, target: fixed("/account/password"), echo: true,
			base:   map[string]string{"password": "not the password", "new_password": "a long enough password"},
			fields: []hostileField{{name: "password"}, {name: "new_password"}},
		},
		"POST /account/delete": {
			who: "fresh", fresh: true, target: fixed("/account/delete"), echo: true,
			base:   map[string]string{"confirm": "yes", "password": "not the password"},
			fields: []hostileField{{name: "confirm", choice: true}, {name: "password"}},
		},
		"POST /account/tokens":               tokenForm(false),
		"POST /api/v1/me/tokens":             tokenForm(true),
		"POST /account/tokens/{id}/revoke":   {none: "no fields: the token is in the path"},
		"POST /account/sessions/end":         {none: "no fields: ends the person's other sessions"},
		"POST /account/sessions/{id}/end":    {none: "no fields: the session is in the path"},
		"DELETE /api/v1/me/tokens/{id}":      {none: "no fields: the token is in the path"},
		"DELETE /api/v1/me":                  {none: "one field, the password, checked against its hash and never kept (TestDeleteAccountLeavesNoPersonalData)"},
		"POST /admin/people/{id}/disable":    {none: "no fields: the account is in the path"},
		"POST /admin/people/{id}/enable":     {none: "no fields: the account is in the path"},
		"POST /admin/people/{id}/reset":      {none: "no fields: the account is in the path"},
		"POST /api/v1/accounts/{id}/disable": {none: "no fields: the account is in the path"},
		"POST /admin/people/{id}/roles": {
			who: "admin", fresh: true, base: map[string]string{"role": "checkin", "grant": "true"},
			target:   func(h *hostileEnv) string { return fmt.Sprintf("/admin/people/%d/roles", h.people["fresh"].p.ID) },
			fields:   []hostileField{{name: "role", norm: exact, choice: true}, {name: "grant", norm: exact, choice: true}},
			accepted: redirectTo(`^/admin/people/\d+\?done=role$`),
			stored:   func(*hostileEnv, hostileResponse, map[string]string, string) (string, bool) { return "", false },
		},
		"POST /api/v1/accounts/{id}/roles": {
			who: "admin", fresh: true, api: true, base: map[string]string{"role": "checkin", "grant": "json:true"},
			target:   func(h *hostileEnv) string { return fmt.Sprintf("/api/v1/accounts/%d/roles", h.people["fresh"].p.ID) },
			fields:   []hostileField{{name: "role", norm: exact, code: true}},
			accepted: answered(http.StatusOK),
			stored: func(h *hostileEnv, _ hostileResponse, _ map[string]string, _ string) (string, bool) {
				u, err := h.a.users.Person(h.ctx, h.people["fresh"].p.ID)
				if err != nil || len(u.Roles) != 1 {
					h.t.Fatalf("roles %+v, %v", u, err)
				}
				return u.Roles[0], true
			},
		},

		"POST /members/apply": {
			who: "applicant", target: fixed("/members/apply"), base: appBase, fields: applicationFields(false),
			accepted: redirectTo(`^/members/applications/\d+$`), stored: appStored,
		},
		"POST /api/v1/membership-applications": {
			who: "applicant", target: fixed("/api/v1/membership-applications"), base: apiBase, fields: applicationFields(true), api: true,
			accepted: answered(http.StatusCreated), stored: appStored,
		},
		"POST /admin/applications/{id}/comments": {
			who: "secretariat", base: map[string]string{"body": "A note %n"},
			target: func(h *hostileEnv) string {
				h.target = h.comments
				return fmt.Sprintf("/admin/applications/%d/comments", h.comments)
			},
			fields:   []hostileField{{name: "body"}},
			accepted: redirectTo(`^/admin/applications/\d+#comments$`),
			stored: func(h *hostileEnv, _ hostileResponse, _ map[string]string, _ string) (string, bool) {
				cs, err := h.a.members.Comments(h.ctx, h.target)
				if err != nil || len(cs) == 0 {
					h.t.Fatalf("comments: %v", err)
				}
				return cs[len(cs)-1].Body, true
			},
		},
		"POST /admin/applications/{id}/decision": {
			who: "secretariat", base: map[string]string{"decision": "reject", "reason": "Not now %n"},
			target: func(h *hostileEnv) string {
				h.target = h.submitted()
				return fmt.Sprintf("/admin/applications/%d/decision", h.target)
			},
			fields:   []hostileField{{name: "decision", norm: exact, code: true}, {name: "reason"}},
			accepted: redirectTo(`^/admin/applications/\d+$`), stored: decisionStored,
		},
		"POST /api/v1/membership-applications/{id}/decision": {
			who: "secretariat", base: map[string]string{"decision": "reject", "reason": "Not now %n"}, api: true,
			target: func(h *hostileEnv) string {
				h.target = h.submitted()
				return fmt.Sprintf("/api/v1/membership-applications/%d/decision", h.target)
			},
			fields:   []hostileField{{name: "decision", norm: exact, code: true}, {name: "reason"}},
			accepted: answered(http.StatusOK), stored: decisionStored,
		},
		"POST /admin/members/{id}/standing": {
			who: "secretariat", base: map[string]string{"action": "suspend", "reason": "Dues unpaid %n"},
			target: func(h *hostileEnv) string {
				h.n++
				m := &members.Member{Kind: members.Organization, Name: members.Names{En: fmt.Sprintf("Standing Member %d", h.n)},
					Group: members.Academia, Country: "FR"}
				if err := h.a.members.Add(h.ctx, &actor.Actor{Email: "setup"}, m); err != nil {
					h.t.Fatal(err)
				}
				h.target = m.ID
				return fmt.Sprintf("/admin/members/%d/standing", m.ID)
			},
			fields: []hostileField{
				{name: "action", norm: exact, code: true},
				{name: "reason"},
				{name: "term_ends_on", code: true, base: map[string]string{"action": "set_term"}},
			},
			accepted: redirectTo(`^/admin/members/\d+\?changed=1$`),
			stored: func(h *hostileEnv, _ hostileResponse, _ map[string]string, field string) (string, bool) {
				if field != "reason" {
					return "", false
				}
				entries, _, err := audit.List(h.ctx, h.a.db, 20, 0)
				if err != nil {
					h.t.Fatal(err)
				}
				for _, e := range entries {
					if e.Object == fmt.Sprintf("member:%d", h.target) && e.Action == "member.suspend" {
						s, _ := e.Details["reason"].(string)
						return s, true
					}
				}
				return "(no audit entry with the reason)", true
			},
		},
		"POST /members/manage/{id}/edit": {
			who: "representative", base: map[string]string{"name_en": "Representative's Own Member"},
			target: func(h *hostileEnv) string {
				h.target = h.repOwned
				return fmt.Sprintf("/members/manage/%d/edit", h.repOwned)
			},
			fields: []hostileField{
				{name: "name_en"}, {name: "name_zh_hans", variant: true}, {name: "name_zh_hant", variant: true},
				{name: "acronym"}, {name: "website", norm: websiteURL},
				{name: "description_en"}, {name: "description_zh_hans", variant: true}, {name: "description_zh_hant", variant: true},
			},
			accepted: redirectTo(`^/members/manage/\d+\?done=saved$`), stored: profileStored,
		},
		"POST /admin/events":        eventForm(false, false),
		"POST /admin/events/{slug}": eventForm(true, false),
		"POST /api/v1/events":       eventForm(false, true),
		"POST /admin/events/{slug}/status": {
			who: "secretariat", base: map[string]string{"status": "published"},
			target:   func(h *hostileEnv) string { return "/admin/events/" + h.event.slug + "/status" },
			fields:   []hostileField{{name: "status", choice: true}},
			accepted: redirectTo(`^/admin/events/[a-z0-9-]+$`),
			stored:   func(*hostileEnv, hostileResponse, map[string]string, string) (string, bool) { return "", false },
		},
		"POST /api/v1/events/{slug}/status": {
			who: "secretariat", base: map[string]string{"status": "published"}, api: true,
			target:   func(h *hostileEnv) string { return "/api/v1/events/" + h.event.slug + "/status" },
			fields:   []hostileField{{name: "status", choice: true}},
			accepted: answered(http.StatusOK),
			stored:   func(*hostileEnv, hostileResponse, map[string]string, string) (string, bool) { return "", false },
		},
		"POST /admin/events/{slug}/categories":  categoryForm(false),
		"POST /api/v1/events/{slug}/categories": categoryForm(true),
		"POST /admin/registrations/{id}/decision": {
			who: "secretariat", base: map[string]string{"decision": "approve"},
			target: func(h *hostileEnv) string {
				return fmt.Sprintf("/admin/registrations/%d/decision", h.pending())
			},
			// Anything but approve rejects.
			fields:   []hostileField{{name: "decision", choice: true}},
			accepted: redirectTo(`^/admin/events/[a-z0-9-]+/registrations\?status=pending$`),
			stored:   func(*hostileEnv, hostileResponse, map[string]string, string) (string, bool) { return "", false },
		},
		"POST /api/v1/registrations/{id}/decision": {
			who: "secretariat", base: map[string]string{"decision": "approve"}, api: true,
			target: func(h *hostileEnv) string {
				return fmt.Sprintf("/api/v1/registrations/%d/decision", h.pending())
			},
			fields:   []hostileField{{name: "decision", choice: true}},
			accepted: answered(http.StatusOK),
			stored:   func(*hostileEnv, hostileResponse, map[string]string, string) (string, bool) { return "", false },
		},
		"POST /checkin/{slug}": {
			who: "secretariat", echo: true, base: map[string]string{"code": "R-999999"},
			target: func(h *hostileEnv) string { return "/checkin/" + h.event.slug },
			fields: []hostileField{{name: "code", code: true}},
		},
		"POST /admin/events/{slug}/invitations": {
			who: "secretariat", base: map[string]string{"category": "open", "seats": "1", "label": "Guests %n"},
			target: func(h *hostileEnv) string { return "/admin/events/" + h.event.slug + "/invitations" },
			fields: []hostileField{{name: "category", choice: true}, {name: "seats", code: true}, {name: "label"}},
			// The new code is shown once, on the event's page.
			accepted: func(r hostileResponse) bool { return r.status == http.StatusOK },
			stored: func(h *hostileEnv, _ hostileResponse, _ map[string]string, field string) (string, bool) {
				if field != "label" {
					return "", false
				}
				invs, err := h.a.events.Invitations(h.ctx, h.event.id)
				if err != nil || len(invs) == 0 {
					h.t.Fatalf("invitations: %v", err)
				}
				return invs[0].Label, true
			},
		},
		"POST /admin/events/{slug}/delegations": {
			who: "secretariat", base: map[string]string{"member": "%member", "category": "open", "quota": "1000"},
			target:   func(h *hostileEnv) string { return "/admin/events/" + h.event.slug + "/delegations" },
			fields:   []hostileField{{name: "member", code: true}, {name: "category", choice: true}, {name: "quota", code: true}},
			accepted: redirectTo(`#delegations$`),
			stored:   func(*hostileEnv, hostileResponse, map[string]string, string) (string, bool) { return "", false },
		},
		"POST /events/{slug}/delegations/{member}": {
			who: "representative", base: map[string]string{"email": "delegate-%n@example.org", "name": "Delegate %n", "country": "KE"},
			target: func(h *hostileEnv) string {
				return fmt.Sprintf("/events/%s/delegations/%d", h.event.slug, h.repOwned)
			},
			// The form offers no stakeholder group; the handler reads one.
			fields: []hostileField{{name: "email"}, {name: "name"}, {name: "name_latin"}, {name: "organization"},
				{name: "country", norm: upper, code: true}, {name: "stakeholder_group", norm: exact, choice: true}},
			accepted: redirectTo(`^/events/[a-z0-9-]+/delegations/\d+$`),
			stored: func(h *hostileEnv, _ hostileResponse, sent map[string]string, field string) (string, bool) {
				_, people, err := h.a.events.Delegation(h.ctx, h.event.slug, h.repOwned)
				if err != nil {
					h.t.Fatal(err)
				}
				for i := len(people) - 1; i >= 0; i-- {
					if people[i].Email == strings.TrimSpace(sent["email"]) {
						return h.registrationField(people[i].ID, field)
					}
				}
				return "(no delegate " + sent["email"] + ")", true
			},
		},
		"POST /events/{slug}/register":             registerForm(false),
		"POST /api/v1/events/{slug}/registrations": registerForm(true),
		"POST /admin/invitations/{id}/revoke":      {none: "no fields: the invitation is in the path"},
		"POST /registrations/{id}/cancel":          {none: "no fields: the registration is in the path"},
		"POST /api/v1/registrations/{id}/cancel":   {none: "no fields: the registration is in the path"},
		"POST /api/v1/registrations/{id}/check-in": {none: "no fields: the registration is in the path"},
		"POST /registrations/{id}/visa":            visaForm(),
		"POST /admin/visas/{id}":                   visaDecisionForm(),

		// Calls for cases, proposals and awards.
		"POST /admin/calls/new":                           callForm(false),
		"POST /admin/calls/{slug}/edit":                   callForm(true),
		"POST /api/v1/calls":                              apiCallForm(),
		"POST /admin/calls/{slug}/publish":                {none: "no fields: publishes the call in the path"},
		"POST /admin/calls/{slug}/assign":                 {none: "no fields: assigns the call's reviewers"},
		"POST /admin/calls/{slug}/remind":                 {none: "no fields: reminds the call's reviewers"},
		"POST /admin/calls/{slug}/publish-results":        {none: "no fields: publishes the call's results"},
		"POST /api/v1/calls/{slug}/publish":               {none: "no fields: publishes the call in the path"},
		"POST /api/v1/calls/{slug}/assign":                {none: "no fields: assigns the call's reviewers"},
		"POST /api/v1/calls/{slug}/publish-results":       {none: "no fields: publishes the call's results"},
		"POST /submissions/{id}/withdraw":                 {none: "no fields: withdraws the submission in the path"},
		"POST /admin/reviews/{id}/remove":                 {none: "no fields: removes the review in the path"},
		"POST /submissions/{id}/attachments":              {none: "a file, checked by its content (calls.TestAttachments, TestSubmissionAttachments)"},
		"POST /api/v1/submissions/{id}/attachments":       {none: "a file, checked by its content (calls.TestAttachments, TestSubmissionAttachments)"},
		"POST /submissions/{id}/attachments/{aid}/remove": {none: "no fields: removes the file in the path"},
		"POST /admin/calls/{slug}/round":                  roundOpenForm(false),
		"POST /api/v1/calls/{slug}/round":                 roundOpenForm(true),
		"POST /admin/calls/{slug}/round/assign":           {none: "no fields: assigns the call's reviewers for the second round"},
		"POST /api/v1/calls/{slug}/round/assign":          {none: "no fields: assigns the call's reviewers for the second round"},
		"POST /submissions/{id}/round":                    roundMaterialForm(false),
		"POST /api/v1/submissions/{id}/round":             roundMaterialForm(true),
		"POST /calls/{slug}/submit":                       submitForm(false),
		"POST /api/v1/calls/{slug}/submissions":           submitForm(true),
		"POST /submissions/{id}/coauthors": {
			who: "author", base: map[string]string{"email": "coauthor-%n@example.org", "name": "Co Author %n", "country": "BR"},
			target: func(h *hostileEnv) string {
				h.target = h.event.call.submit(h.t, h.a)
				return fmt.Sprintf("/submissions/%d/coauthors", h.target)
			},
			fields:   []hostileField{{name: "email", norm: lower}, {name: "name"}, {name: "country", norm: upper, code: true}},
			accepted: redirectTo(`^/submissions/\d+`),
			stored: func(h *hostileEnv, _ hostileResponse, sent map[string]string, field string) (string, bool) {
				sub, _, err := h.a.calls.Submission(h.ctx, h.people["author"].p, h.target)
				if err != nil {
					h.t.Fatal(err)
				}
				for _, au := range sub.Authors {
					if au.Email == lower(sent["email"]) {
						return map[string]string{"email": au.Email, "name": au.Name, "country": au.Country}[field], true
					}
				}
				return "(no co-author " + sent["email"] + ")", true
			},
		},
		"POST /submissions/confirm": {
			who: "applicant", echo: true, target: func(*hostileEnv) string { return "/submissions/confirm" },
			base: map[string]string{"token": "not-a-token-%n"}, fields: []hostileField{{name: "token", code: true}},
		},
		"POST /reviews/join": {
			who: "applicant", echo: true, target: func(*hostileEnv) string { return "/reviews/join" },
			base: map[string]string{"token": "not-a-token-%n"}, fields: []hostileField{{name: "token", code: true}},
		},
		"POST /reviews/{id}": {
			who: "reviewer", base: map[string]string{"score.impact": "5", "comment": "Sound %n", "action": "save"},
			target:   func(h *hostileEnv) string { return fmt.Sprintf("/reviews/%d", h.event.call.review) },
			fields:   []hostileField{{name: "score.impact", code: true}, {name: "comment"}, {name: "action", choice: true}},
			accepted: redirectTo(`^/reviews`),
			stored: fromPage("reviewer", func(h *hostileEnv, _ hostileResponse) string {
				return fmt.Sprintf("/reviews/%d", h.event.call.review)
			}),
		},
		"POST /api/v1/reviews/{id}": {
			who: "reviewer", api: true, base: map[string]string{"scores": `json:{"impact":5}`, "comment": "Sound %n", "submit": "json:false"},
			target:   func(h *hostileEnv) string { return fmt.Sprintf("/api/v1/reviews/%d", h.event.call.review) },
			fields:   []hostileField{{name: "comment"}},
			accepted: answered(http.StatusOK),
			stored: func(h *hostileEnv, _ hostileResponse, _ map[string]string, _ string) (string, bool) {
				v, err := h.a.calls.Review(h.ctx, h.people["reviewer"].p, h.event.call.review)
				if err != nil {
					h.t.Fatal(err)
				}
				return v.Review.Comment, true
			},
		},
		"POST /reviews/{id}/conflict":         conflictForm(false),
		"POST /api/v1/reviews/{id}/conflict":  conflictForm(true),
		"POST /admin/calls/{slug}/reviewers":  reviewerForm(false),
		"POST /api/v1/calls/{slug}/reviewers": reviewerForm(true),
		"POST /admin/submissions/{id}/screen": {
			who: "secretariat", base: map[string]string{"screening": "eligible", "reason": "Fits %n"},
			target: func(h *hostileEnv) string {
				return fmt.Sprintf("/admin/submissions/%d/screen", h.event.call.submission)
			},
			fields:   []hostileField{{name: "screening", choice: true}, {name: "reason"}},
			accepted: redirectTo(`^/admin/submissions/\d+`),
			stored: func(h *hostileEnv, _ hostileResponse, _ map[string]string, field string) (string, bool) {
				if field != "reason" {
					return "", false
				}
				sub, _, err := h.a.calls.Submission(h.ctx, h.people["secretariat"].p, h.event.call.submission)
				if err != nil {
					h.t.Fatal(err)
				}
				return sub.ScreeningReason, true
			},
		},
		"POST /admin/submissions/{id}/decision": {
			who: "secretariat", base: map[string]string{"decision": "shortlisted"},
			target: func(h *hostileEnv) string {
				return fmt.Sprintf("/admin/submissions/%d/decision", h.event.call.submission)
			},
			fields:   []hostileField{{name: "decision", choice: true}},
			accepted: redirectTo(`^/admin/submissions/\d+`),
			stored:   func(*hostileEnv, hostileResponse, map[string]string, string) (string, bool) { return "", false },
		},
		"POST /api/v1/submissions/{id}/decision": {
			who: "secretariat", api: true, base: map[string]string{"decision": "shortlisted"},
			target: func(h *hostileEnv) string {
				return fmt.Sprintf("/api/v1/submissions/%d/decision", h.event.call.submission)
			},
			fields:   []hostileField{{name: "decision", choice: true}},
			accepted: answered(http.StatusOK),
			stored:   func(*hostileEnv, hostileResponse, map[string]string, string) (string, bool) { return "", false },
		},
		"POST /admin/submissions/{id}/assign": {
			who: "secretariat", base: map[string]string{"reviewer": "%reviewer"},
			target: func(h *hostileEnv) string {
				return fmt.Sprintf("/admin/submissions/%d/assign", h.event.call.submit(h.t, h.a))
			},
			fields:   []hostileField{{name: "reviewer", choice: true}},
			accepted: redirectTo(`^/admin/submissions/\d+`),
			stored:   func(*hostileEnv, hostileResponse, map[string]string, string) (string, bool) { return "", false },
		},

		// The programme: sessions, speakers, a person's agenda.
		"POST /agenda/add": {
			who: "applicant", echo: true, target: func(*hostileEnv) string { return "/agenda/add" },
			base:   map[string]string{"session": "%session", "next": "/agenda"},
			fields: []hostileField{{name: "session", code: true}, {name: "next", code: true}},
		},
		"POST /agenda/remove": {
			who: "applicant", echo: true, target: func(*hostileEnv) string { return "/agenda/remove" },
			base:   map[string]string{"session": "%session", "next": "/agenda"},
			fields: []hostileField{{name: "session", code: true}, {name: "next", code: true}},
		},
		"POST /agenda/feed": {none: "no fields: makes a new calendar address"},
		"POST /admin/events/{slug}/programme/sessions/new":         sessionForm(false),
		"POST /admin/events/{slug}/programme/sessions/{id}":        sessionForm(true),
		"POST /admin/events/{slug}/programme/sessions/{id}/delete": {none: "no fields: deletes the session in the path"},
		"POST /admin/events/{slug}/programme/people/new":           personForm(false),
		"POST /admin/events/{slug}/programme/people/{id}":          personForm(true),
		"POST /admin/events/{slug}/programme/people/{id}/photo":    {none: "a file, checked by its content (events photo tests)"},
		"POST /api/v1/registrations/{id}/files/{question}":         {none: "a file, checked by its content (TestRegistrationFiles, TestRegistrationFilesHTTP)"},
		"POST /api/v1/events/{slug}/sessions":                      apiSessionForm(),
		"POST /api/v1/speakers":                                    apiSpeakerForm(),

		// Documents: badges (visa letters: visaForm, visaDecisionForm).
		"POST /admin/registrations/{id}/badge": {
			// Anything but reissue revokes: each request on a new registration.
			who: "secretariat", base: map[string]string{"action": "revoke"},
			target:   func(h *hostileEnv) string { return fmt.Sprintf("/admin/registrations/%d/badge", h.pending()) },
			fields:   []hostileField{{name: "action", choice: true}},
			accepted: func(r hostileResponse) bool { return r.status == http.StatusSeeOther },
			stored:   func(*hostileEnv, hostileResponse, map[string]string, string) (string, bool) { return "", false },
		},

		"POST /members/manage/{id}/representatives/invite": {
			who: "representative", base: map[string]string{"email": "invitee-%n@example.org"},
			target: func(h *hostileEnv) string {
				h.target = h.repOwned
				return fmt.Sprintf("/members/manage/%d/representatives/invite", h.repOwned)
			},
			fields:   []hostileField{{name: "email", norm: lower}},
			accepted: redirectTo(`^/members/manage/\d+/representatives\?done=invited$`),
			stored: func(h *hostileEnv, _ hostileResponse, sent map[string]string, _ string) (string, bool) {
				invs, err := h.a.members.Invitations(h.ctx, h.target)
				if err != nil {
					h.t.Fatal(err)
				}
				for _, inv := range invs {
					if inv.Email == lower(sent["email"]) {
						return inv.Email, true
					}
				}
				return "(no invitation)", true
			},
		},

		// First-run setup and the organisation's settings (install_test.go).
		"POST /setup":                      {none: "first-run setup: 404 once the install has accounts, as here; its fields are the settings' (POST /admin/settings) and an account's (POST /signup), which get the corpus, and TestFirstRunSetup sends it refused values"},
		"POST /admin/settings":             settingsHostileForm(false),
		"PUT /api/v1/settings":             settingsHostileForm(true),
		"POST /admin/settings/logo":        {none: "a file, checked by its content as members' logos are (members.FuzzLogo, FuzzUpload)"},
		"POST /admin/settings/logo/remove": {none: "no fields: it removes the logo"},
		// Issue 14 (integrity).
		"POST /admin/reviews/{id}/reopen":  {none: "no fields: reopens the review in the path"},
		"POST /api/v1/reviews/{id}/reopen": {none: "no fields: reopens the review in the path"},
		// Training programmes (cmd/wuzhen/training_test.go).
		"POST /api/v1/programmes":                                 programmeAPIForm(),
		"POST /api/v1/programmes/{slug}/publish":                  {none: "no fields: publishes the programme in the path"},
		"POST /admin/training/{slug}/publish":                     {none: "no fields: publishes the programme in the path"},
		"POST /training/{slug}/apply":                             trainingApplyForm(false),
		"POST /api/v1/programmes/{slug}/applications":             trainingApplyForm(true),
		"POST /admin/training/{slug}/offers":                      trainingOfferForm(false),
		"POST /api/v1/programmes/{slug}/offers":                   trainingOfferForm(true),
		"POST /training/applications/{id}/accept":                 {none: "no fields: the application is in the path"},
		"POST /training/applications/{id}/decline":                {none: "no fields: the application is in the path"},
		"POST /api/v1/programme-applications/{id}/accept":         {none: "no fields: the application is in the path"},
		"POST /api/v1/programme-applications/{id}/decline":        {none: "no fields: the application is in the path"},
		"POST /admin/training/{slug}/trainers":                    trainerForm(),
		"POST /training/{slug}/cohort/sessions":                   trainingSessionForm(false),
		"POST /api/v1/programmes/{slug}/sessions":                 trainingSessionForm(true),
		"POST /training/{slug}/cohort/sessions/{id}/attendance":   {none: "a participant chosen with a button (training.TestCohort)"},
		"POST /api/v1/programmes/{slug}/sessions/{id}/attendance": {none: "a participant's id, a number (training.TestCohort)"},
		"POST /admin/training/{slug}/certificates":                {none: "no fields: issues the programme's certificates"},
		"POST /api/v1/programmes/{slug}/certificates":             {none: "no fields: issues the programme's certificates"},
		"POST /admin/training/certificates/{code}/revoke":         revokeForm(false),
		"POST /api/v1/certificates/{code}/revoke":                 revokeForm(true),
		"POST /training-reviews/{id}":                             trainingReviewForm(),
		"POST /admin/training/{slug}/reviewers":                   trainingReviewerForm(),
		"POST /admin/training/new":                                newProgrammeForm(),
	}
	// Outcome documents: outcome_docs_hostile_test.go.
	for pattern, f := range documentsHostileForms() {
		forms[pattern] = f
	}
	// Consultation, endorsements and votes (consultation_hostile_test.go).
	for pattern, f := range consultationHostileForms() {
		forms[pattern] = f
	}
	return forms
}

// eventForm is the event form (update: of the proof event) or the API's
// event.
func eventForm(update, api bool) *hostileForm {
	base := map[string]string{"slug": "proof-event-%n", "kind": "dialogue", "title_en": "Proof Event %n",
		"starts_at": "2031-05-01T09:00", "ends_at": "2031-05-01T17:00", "timezone": "UTC", "venue": "Wuzhen", "country": "CN",
		"languages": "en"}
	f := &hostileForm{who: "secretariat", target: func(*hostileEnv) string { return "/admin/events" },
		accepted: redirectTo(`^/admin/events/[a-z0-9-]+$`)}
	langs := []string{"_en", "_zh_hans", "_zh_hant"}
	if api {
		delete(base, "title_en")
		delete(base, "languages")
		base["title.en"] = "Proof Event %n"
		langs = []string{".en", ".zh-Hans", ".zh-Hant"}
		f.api, f.accepted = true, answered(http.StatusCreated)
		f.target = func(*hostileEnv) string { return "/api/v1/events" }
	}
	if update {
		f.short = true // the form and Store.Save of "POST /admin/events"
		base["slug"], base["kind"] = "proof-summit", "summit"
		f.target = func(h *hostileEnv) string { return "/admin/events/" + h.event.slug }
	}
	f.base = base
	f.fields = []hostileField{{name: "slug", norm: lower, code: true}, {name: "kind", choice: true}, {name: "parent", choice: true}}
	for _, text := range []string{"title", "theme", "description"} {
		for _, l := range langs {
			id := "e-" + text
			if api {
				id = text
			}
			fl := hostileField{name: text + l, errID: id, variant: l != langs[0]}
			if api {
				fl.norm = exact // the API keeps texts as sent; the form trims them
			}
			f.fields = append(f.fields, fl)
		}
	}
	f.fields = append(f.fields, hostileField{name: "starts_at", code: true}, hostileField{name: "ends_at", code: true},
		hostileField{name: "timezone", code: true}, hostileField{name: "venue"}, hostileField{name: "country", norm: upper, code: true},
		hostileField{name: "online_url"},
		hostileField{name: "interpretation"})
	// The venue and the interpretation line in Chinese, and when check-in opens.
	zh, venue, interp, errID := []string{"_zh_hans", "_zh_hant"}, "venue", "interpretation", "e-"
	if api {
		zh, venue, interp, errID = []string{".zh-Hans", ".zh-Hant"}, "venues", "interpretations", ""
	}
	for _, l := range zh {
		f.fields = append(f.fields, hostileField{name: venue + l, errID: errID + "venue", variant: true},
			hostileField{name: interp + l, errID: errID + "interpretation", variant: true})
	}
	f.fields = append(f.fields, hostileField{name: "checkin_opens_at", code: true})
	if !api {
		f.fields = append(f.fields, hostileField{name: "topics", choice: true}, hostileField{name: "languages", choice: true})
	}
	f.stored = func(h *hostileEnv, r hostileResponse, _ map[string]string, field string) (string, bool) {
		if field == "starts_at" || field == "ends_at" || field == "checkin_opens_at" {
			return "", false
		}
		slug := strings.TrimPrefix(strings.TrimPrefix(r.header.Get("Location"), "/api/v1/events/"), "/admin/events/")
		return h.eventField(slug, field)
	}
	return f
}

// categoryForm is the category form of the proof event, or the API's.
func categoryForm(api bool) *hostileForm {
	f := &hostileForm{who: "secretariat", base: map[string]string{"code": "c%n", "name_en": "Category %n", "capacity": "10",
		"approval": "auto"},
		target:   func(h *hostileEnv) string { return "/admin/events/" + h.event.slug + "/categories" },
		accepted: redirectTo(`#categories$`)}
	langs, nameID, consentID := []string{"_en", "_zh_hans", "_zh_hant"}, "e-cname", "e-consent"
	if api {
		f.base = map[string]string{"code": "c%n", "name.en": "Category %n", "capacity": "10", "approval": "auto"}
		f.api, f.accepted, f.numbers = true, answered(http.StatusCreated), map[string]bool{"capacity": true}
		f.target = func(h *hostileEnv) string { return "/api/v1/events/" + h.event.slug + "/categories" }
		langs, nameID, consentID = []string{".en", ".zh-Hans", ".zh-Hant"}, "name", "consent"
	}
	// The form offers no colour (categories get one in turn); the API does.
	f.fields = []hostileField{{name: "code", code: true}, {name: "approval", choice: true}, {name: "colour", choice: !api, code: true},
		{name: "opens_at", code: true}, {name: "closes_at", code: true}}
	if !api {
		// A number in the API: a string there is a type error.
		f.fields = append(f.fields, hostileField{name: "capacity", code: true})
	}
	for _, l := range langs {
		name := hostileField{name: "name" + l, errID: nameID, variant: l != langs[0]}
		consent := hostileField{name: "consent" + l, errID: consentID, variant: l != langs[0]}
		if api {
			name.norm, consent.norm = exact, exact // the API keeps texts as sent; the form trims them
		}
		f.fields = append(f.fields, name, consent)
	}
	f.stored = func(h *hostileEnv, _ hostileResponse, sent map[string]string, field string) (string, bool) {
		if field == "capacity" || field == "opens_at" || field == "closes_at" {
			return "", false
		}
		return h.categoryField(sent["code"], field)
	}
	return f
}

// registerForm is the registration form of the proof event, or the
// API's, each request from a new account.
// visaSlug is an event of the visa forms' own, which starts in 30 days:
// other forms of the corpus change the proof event's dates, and the stay
// in a visa request must cover the event.
const visaSlug = "visa-proof"

// visaRequest registers p in the visa forms' event (made the first time)
// and returns the registration.
func (h *hostileEnv) visaRequest(p *hostilePerson) int64 {
	h.t.Helper()
	if _, err := h.a.events.Event(h.ctx, visaSlug, true); errs.CodeOf(err) == errs.NotFound {
		by := h.people["secretariat"].p
		starts := time.Now().UTC().Add(30 * 24 * time.Hour).Truncate(time.Hour)
		e := &events.Event{Slug: visaSlug, Kind: events.Dialogue, Title: i18n.Text{En: "Visa Proof Dialogue"}, Starts: starts,
			Ends: starts.Add(8 * time.Hour), TimeZone: "UTC", Venue: "Wuzhen", Country: "CN"}
		if err := h.a.events.Save(h.ctx, by, e, ""); err != nil {
			h.t.Fatal(err)
		}
		if err := h.a.events.SaveCategory(h.ctx, by, visaSlug, &events.Category{Code: "open", Name: i18n.Text{En: "Open"},
			Capacity: 100000, Approval: events.Auto}); err != nil {
			h.t.Fatal(err)
		}
		if _, err := h.a.events.SetStatus(h.ctx, by, visaSlug, events.Published); err != nil {
			h.t.Fatal(err)
		}
	} else if err != nil {
		h.t.Fatal(err)
	}
	r, err := h.a.events.Register(h.ctx, p.p, visaSlug, "open", events.Answers{"name": "Visa Person", "country": "KE"})
	if err != nil {
		h.t.Fatal(err)
	}
	h.target = r.ID
	return r.ID
}

// visaField returns a passport detail as stored (sealed) for the
// registration h.target.
func (h *hostileEnv) visaField(field string) (string, bool) {
	_, v, err := h.a.events.Visa(h.ctx, h.target, 0, true)
	if err != nil {
		h.t.Fatal(err)
	}
	if v == nil || v.Passport == nil {
		return "(no request)", true
	}
	p := v.Passport
	return map[string]string{"full_name": p.FullName, "nationality": p.Nationality, "number": p.Number, "birth_date": p.BirthDate,
		"expiry": p.Expiry, "embassy": p.Embassy, "arrival": p.Arrival, "departure": p.Departure}[field], true
}

// visaForm is the registrant's passport form; the visa forms' event
// starts in 30 days, so that the stay and expiry below are valid.
func visaForm() *hostileForm {
	now := time.Now().UTC()
	day := func(d int) string { return now.AddDate(0, 0, d).Format(time.DateOnly) }
	return &hostileForm{who: "fresh", fresh: true,
		base: map[string]string{"full_name": "VISA PERSON %n", "nationality": "KE", "number": "A%n0000", "birth_date": "1980-01-01",
			"expiry": day(3 * 365), "embassy": "Embassy of China in Nairobi", "arrival": day(29), "departure": day(32)},
		target: func(h *hostileEnv) string {
			return fmt.Sprintf("/registrations/%d/visa", h.visaRequest(h.people["fresh"]))
		},
		fields: []hostileField{
			{name: "full_name", norm: func(s string) string { return strings.Join(strings.Fields(s), " ") }},
			{name: "nationality", norm: upper, code: true},
			{name: "number", norm: func(s string) string { return strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(s)) }, code: true},
			{name: "birth_date", code: true}, {name: "expiry", code: true}, {name: "arrival", code: true}, {name: "departure", code: true},
			{name: "embassy"},
		},
		accepted: redirectTo(`^/registrations/\d+/visa$`),
		stored: func(h *hostileEnv, _ hostileResponse, _ map[string]string, field string) (string, bool) {
			return h.visaField(field)
		},
	}
}

// visaDecisionForm is the secretariat's refusal (with its reason) of a
// fresh request.
func visaDecisionForm() *hostileForm {
	return &hostileForm{who: "secretariat",
		base: map[string]string{"decision": "refuse", "reason": "Incomplete details %n"},
		target: func(h *hostileEnv) string {
			p := h.freshPerson()
			id := h.visaRequest(p)
			now := time.Now().UTC()
			if _, err := h.a.events.RequestVisa(h.ctx, p.p, id, events.Passport{FullName: "VISA PERSON", Nationality: "KE",
				Number: "A1234567", BirthDate: "1980-01-01", Expiry: now.AddDate(3, 0, 0).Format(time.DateOnly), Embassy: "Embassy",
				Arrival: now.AddDate(0, 0, 29).Format(time.DateOnly), Departure: now.AddDate(0, 0, 32).Format(time.DateOnly)}); err != nil {
				h.t.Fatal(err)
			}
			return fmt.Sprintf("/admin/visas/%d", id)
		},
		fields:   []hostileField{{name: "decision", choice: true}, {name: "reason"}},
		accepted: redirectTo(`^/admin/visas/\d+$`),
		stored: func(h *hostileEnv, _ hostileResponse, _ map[string]string, field string) (string, bool) {
			_, v, err := h.a.events.Visa(h.ctx, h.target, 0, true)
			if err != nil || v == nil {
				h.t.Fatalf("visa %d: %v", h.target, err)
			}
			if field == "reason" {
				return v.Reason, true
			}
			return string(v.Status), false
		},
	}
}

func registerForm(api bool) *hostileForm {
	f := &hostileForm{who: "fresh", fresh: true,
		base:     map[string]string{"category": "open", "name": "Registrant %n", "country": "KE"},
		target:   func(h *hostileEnv) string { return "/events/" + h.event.slug + "/register" },
		accepted: redirectTo(`^/registrations/\d+$`)}
	prefix := ""
	if api {
		prefix = "answers."
		f.base = map[string]string{"category": "open", "answers.name": "Registrant %n", "answers.country": "KE"}
		f.api, f.accepted = true, answered(http.StatusCreated)
		f.target = func(h *hostileEnv) string { return "/api/v1/events/" + h.event.slug + "/registrations" }
	}
	f.fields = []hostileField{{name: "category", choice: true}, {name: "invitation", code: true}}
	for _, a := range []string{"name", "name_latin", "organization", "country", "stakeholder_group", "consent"} {
		fl := hostileField{name: prefix + a}
		if api {
			fl.errID = a
		}
		switch a {
		case "country":
			fl.norm, fl.code = upper, true
		case "stakeholder_group":
			fl.norm, fl.code = exact, true
		case "consent":
			fl.choice = true // a box to tick, shown only where the category asks
		}
		f.fields = append(f.fields, fl)
	}
	f.stored = func(h *hostileEnv, r hostileResponse, _ map[string]string, field string) (string, bool) {
		var id int64
		if rest, ok := strings.CutPrefix(r.header.Get("Location"), "/registrations/"); ok {
			id, _ = strconv.ParseInt(rest, 10, 64)
		} else {
			var out struct{ ID int64 }
			if err := json.Unmarshal([]byte(r.body), &out); err != nil {
				h.t.Fatalf("no registration id in %d %q", r.status, r.body)
			}
			id = out.ID
		}
		return h.registrationField(id, field)
	}
	return f
}

// callForm is the call form: a new call, or the proof call's edit.
func callForm(edit bool) *hostileForm {
	f := &hostileForm{who: "secretariat", target: func(*hostileEnv) string { return "/admin/calls/new" },
		base: map[string]string{"slug": "proof-call-%n", "kind": "case", "title_en": "Proof Call %n",
			"description_en": "Cases.", "opens_at": "2026-01-01T00:00", "closes_at": "2031-01-01T00:00", "timezone": "UTC",
			"year": "2030", "fields": "infrastructure", "languages": "en", "reviews_per_submission": "1", "max_coauthors": "10",
			"min_countries": "1", "blind": "yes", "criteria.0.code": "impact", "criteria.0.name_en": "Impact",
			"criteria.0.weight": "1", "criteria.0.max": "10"},
		accepted: redirectTo(`^/admin/calls/[a-z0-9-]+$`),
		stored:   fromPage("secretariat", func(_ *hostileEnv, r hostileResponse) string { return location(r) + "/edit" })}
	if edit {
		f.short = true // the form of "POST /admin/calls/new", with Store.UpdateCall
		f.base["slug"], f.base["title_en"], f.base["description_en"] = "proof-cases", "Proof Cases", "Cases for the proof."
		f.target = func(h *hostileEnv) string { return "/admin/calls/" + h.event.call.slug + "/edit" }
	}
	f.fields = []hostileField{{name: "slug", code: true}, {name: "kind", choice: true}, {name: "title_en", errID: "e-title"},
		{name: "title_zh", errID: "e-title", variant: true}, {name: "description_en"}, {name: "description_zh", variant: true},
		{name: "opens_at", code: true}, {name: "closes_at", code: true}, {name: "timezone", code: true}, {name: "year", code: true},
		{name: "criteria.0.code", code: true}, {name: "criteria.0.name_en", errID: "e-criteria.0.name"},
		{name: "criteria.0.name_zh", errID: "e-criteria.0.name", variant: true},
		{name: "criteria.0.weight", code: true}, {name: "criteria.0.max", code: true}}
	if edit {
		f.fields = f.fields[1:] // the slug is the path's
	}
	return f
}

// apiCallForm is a new call through the API.
func apiCallForm() *hostileForm {
	return &hostileForm{who: "secretariat", api: true, target: func(*hostileEnv) string { return "/api/v1/calls" },
		base: map[string]string{"slug": "proof-api-call-%n", "kind": "case", "title.en": "Proof Call %n",
			"opens_at": "2026-01-01T00:00", "closes_at": "2031-01-01T00:00", "timezone": "UTC", "year": "json:2030",
			"fields": `json:["infrastructure"]`, "languages": `json:["en"]`, "reviews_per_submission": "json:1",
			"max_coauthors": "json:5", "min_countries": "json:1",
			"criteria": `json:[{"code":"impact","name":{"en":"Impact"},"weight":1,"max":10}]`},
		fields: []hostileField{{name: "slug", code: true}, {name: "kind", choice: true}, {name: "title.en", errID: "title"},
			{name: "title.zh-Hans", errID: "title", variant: true}, {name: "description.en", errID: "description"},
			{name: "description.zh-Hans", errID: "description", variant: true}, {name: "opens_at", code: true},
			{name: "closes_at", code: true}, {name: "timezone", code: true}},
		accepted: answered(http.StatusCreated),
		stored: func(h *hostileEnv, r hostileResponse, _ map[string]string, field string) (string, bool) {
			c, err := h.a.calls.Call(h.ctx, strings.TrimPrefix(r.header.Get("Location"), "/api/v1/calls/"))
			if err != nil {
				h.t.Fatal(err)
			}
			v, ok := map[string]string{"slug": c.Slug, "kind": string(c.Kind), "title.en": c.Title.En, "title.zh-Hans": c.Title.Hans,
				"description.en": c.Description.En, "description.zh-Hans": c.Description.Hans, "timezone": c.Timezone}[field]
			return v, ok
		}}
}

// submitForm is a case submitted to the proof call, by form or API.
func submitForm(api bool) *hostileForm {
	f := &hostileForm{who: "author",
		base: map[string]string{"title_en": "Proof Case %n", "summary_en": "A case %n.", "field": "infrastructure",
			"countries": "KE", "partner.0.name": "Partner %n", "partner.0.country": "KE", "author_country": "KE",
			"author_organization": "Proof Org", "action": "submit"},
		target:   func(h *hostileEnv) string { return "/calls/" + h.event.call.slug + "/submit" },
		accepted: redirectTo(`^/submissions/\d+`),
		stored: fromPage("author", func(_ *hostileEnv, r hostileResponse) string {
			return fmt.Sprintf("/submissions/%d/edit", lastID(location(r)))
		}),
		fields: []hostileField{{name: "title_en", errID: "e-title"}, {name: "title_zh", errID: "e-title", variant: true},
			{name: "summary_en", errID: "e-summary"}, {name: "summary_zh", errID: "e-summary", variant: true},
			{name: "field", choice: true}, {name: "countries", choice: true},
			{name: "video_url"}, {name: "partner.0.name", errID: "e-partners"},
			{name: "partner.0.country", norm: upper, code: true, errID: "e-partners"},
			{name: "author_country", norm: upper, code: true}, {name: "author_organization"}}}
	if api {
		f.api, f.accepted = true, answered(http.StatusCreated)
		f.target = func(h *hostileEnv) string { return "/api/v1/calls/" + h.event.call.slug + "/submissions" }
		f.base = map[string]string{"title.en": "Proof Case %n", "summary.en": "A case %n.", "field": "infrastructure",
			"countries": `json:["KE"]`, "partners": `json:[{"name":"Partner","country":"KE"}]`, "author_country": "KE",
			"author_organization": "Proof Org", "submit": "json:true"}
		f.fields = []hostileField{{name: "title.en", errID: "title"}, {name: "title.zh-Hans", errID: "title", variant: true},
			{name: "summary.en", errID: "summary"}, {name: "summary.zh-Hans", errID: "summary", variant: true},
			{name: "field", choice: true}, {name: "video_url"}, {name: "author_country", norm: upper, code: true},
			{name: "author_organization"}}
		f.stored = func(h *hostileEnv, r hostileResponse, _ map[string]string, field string) (string, bool) {
			var out struct{ ID int64 }
			if err := json.Unmarshal([]byte(r.body), &out); err != nil {
				h.t.Fatalf("no submission id in %q", r.body)
			}
			page := h.get("author", fmt.Sprintf("/submissions/%d/edit", out.ID))
			name := map[string]string{"title.en": "title_en", "title.zh-Hans": "title_zh", "summary.en": "summary_en",
				"summary.zh-Hans": "summary_zh"}[field]
			if name == "" {
				name = field
			}
			return formValue(page.body, name)
		}
	}
	return f
}

// conflictForm declares a conflict of interest on a new review.
func conflictForm(api bool) *hostileForm {
	f := &hostileForm{who: "reviewer", base: map[string]string{"reason": "I know them %n"},
		target: func(h *hostileEnv) string {
			pc := h.event.call
			h.target = pc.assign(h.t, h.a, h.people["secretariat"].p, pc.submit(h.t, h.a))
			return fmt.Sprintf("/reviews/%d/conflict", h.target)
		},
		fields:   []hostileField{{name: "reason"}},
		accepted: redirectTo(`^/reviews`),
		stored: func(h *hostileEnv, _ hostileResponse, _ map[string]string, _ string) (string, bool) {
			v, err := h.a.calls.Review(h.ctx, h.people["reviewer"].p, h.target)
			if err != nil {
				h.t.Fatal(err)
			}
			return v.Review.Reason, true
		}}
	if api {
		f.api, f.accepted = true, answered(http.StatusOK)
		target := f.target
		f.target = func(h *hostileEnv) string { return "/api/v1" + target(h) }
	}
	return f
}

// reviewerForm adds a reviewer to the proof call's pool.
func reviewerForm(api bool) *hostileForm {
	f := &hostileForm{who: "secretariat",
		base: map[string]string{"email": "pool-%n@example.org", "name": "Pool Reviewer %n", "country": "DE",
			"organization": "Pool Institute", "fields": "infrastructure", "languages": "en"},
		target:   func(h *hostileEnv) string { return "/admin/calls/" + h.event.call.slug + "/reviewers" },
		accepted: redirectTo(`reviewers`),
		fields: []hostileField{{name: "email", norm: lower}, {name: "name"}, {name: "country", norm: upper, code: true},
			{name: "organization"}, {name: "fields", choice: true}, {name: "languages", choice: true}},
		stored: func(h *hostileEnv, _ hostileResponse, sent map[string]string, field string) (string, bool) {
			pool, err := h.a.calls.Reviewers(h.ctx, h.event.call.id)
			if err != nil {
				h.t.Fatal(err)
			}
			for _, r := range pool {
				if r.Email == lower(sent["email"]) {
					v, ok := map[string]string{"email": r.Email, "name": r.Name, "country": r.Country, "organization": r.Organization}[field]
					return v, ok
				}
			}
			return "(no reviewer " + sent["email"] + ")", true
		}}
	if api {
		f.api, f.accepted = true, func(r hostileResponse) bool { return r.status == http.StatusOK || r.status == http.StatusCreated }
		f.target = func(h *hostileEnv) string { return "/api/v1/calls/" + h.event.call.slug + "/reviewers" }
		f.base["fields"], f.base["languages"] = `json:["infrastructure"]`, `json:["en"]`
		f.fields = f.fields[:4]
	}
	return f
}

// sessionForm is a session of the proof event's programme, new or the
// proof session.
func sessionForm(edit bool) *hostileForm {
	f := &hostileForm{who: "secretariat",
		base: map[string]string{"title_en": "Session %n", "starts_at": "2031-05-01T10:00", "ends_at": "2031-05-01T11:00",
			"format": "panel", "room": "Hall %n"},
		target:   func(h *hostileEnv) string { return "/admin/events/" + h.event.slug + "/programme/sessions/new" },
		accepted: redirectTo(`/programme#s-\d+$`),
		stored: fromPage("secretariat", func(h *hostileEnv, r hostileResponse) string {
			return fmt.Sprintf("/admin/events/%s/programme/sessions/%d", h.event.slug, lastID(r.header.Get("Location")))
		})}
	if edit {
		f.short = true // the form and Store.SaveSession of a new session
		f.base["title_en"] = "Proof Session"
		f.target = func(h *hostileEnv) string {
			return fmt.Sprintf("/admin/events/%s/programme/sessions/%d", h.event.slug, h.event.session)
		}
	}
	for _, text := range []string{"title", "description"} {
		for i, l := range []string{"_en", "_zh_hans", "_zh_hant"} {
			f.fields = append(f.fields, hostileField{name: text + l, errID: "e-" + text, variant: i > 0})
		}
	}
	f.fields = append(f.fields, hostileField{name: "room"}, hostileField{name: "room_zh_hans", errID: "e-room", variant: true},
		hostileField{name: "room_zh_hant", errID: "e-room", variant: true}, hostileField{name: "format", choice: true},
		hostileField{name: "language", choice: true}, hostileField{name: "starts_at", code: true},
		hostileField{name: "ends_at", code: true})
	return f
}

// personForm is a speaker: new, or the proof speaker.
func personForm(edit bool) *hostileForm {
	f := &hostileForm{who: "secretariat", base: map[string]string{"name": "Speaker %n", "country": "KE"},
		target:   func(h *hostileEnv) string { return "/admin/events/" + h.event.slug + "/programme/people/new" },
		accepted: redirectTo(`/programme/people/\d+$`),
		stored:   fromPage("secretariat", func(_ *hostileEnv, r hostileResponse) string { return location(r) })}
	if edit {
		f.short = true // the form and Store.SavePerson of a new speaker
		f.base = map[string]string{"name": "Proof Speaker", "country": "KE", "organization_en": "Proof Institute"}
		f.target = func(h *hostileEnv) string {
			return fmt.Sprintf("/admin/events/%s/programme/people/%d", h.event.slug, h.event.person)
		}
	}
	f.fields = []hostileField{{name: "name"}, {name: "name_latin"}, {name: "country", norm: upper, code: true},
		{name: "stakeholder_group", code: true}}
	for _, text := range []string{"organization", "bio"} {
		for i, l := range []string{"_en", "_zh_hans", "_zh_hant"} {
			f.fields = append(f.fields, hostileField{name: text + l, errID: "e-" + text, variant: i > 0})
		}
	}
	return f
}

// apiSessionForm is a new session through the API.
func apiSessionForm() *hostileForm {
	return &hostileForm{who: "secretariat", api: true,
		base: map[string]string{"title.en": "API Session %n", "starts_at": "2031-05-01T12:00", "ends_at": "2031-05-01T13:00",
			"format": "panel"},
		target: func(h *hostileEnv) string { return "/api/v1/events/" + h.event.slug + "/sessions" },
		fields: []hostileField{{name: "title.en", errID: "title", norm: exact}, {name: "title.zh-Hans", errID: "title", norm: exact, variant: true},
			{name: "description.en", errID: "description", norm: exact}, {name: "room"}, {name: "format", choice: true},
			{name: "language", choice: true}, {name: "starts_at", code: true}, {name: "ends_at", code: true},
			{name: "rooms.zh-Hans", errID: "room", variant: true}},
		accepted: answered(http.StatusCreated),
		stored: func(h *hostileEnv, r hostileResponse, _ map[string]string, field string) (string, bool) {
			x, err := h.a.events.Session(h.ctx, lastID(r.header.Get("Location")), true)
			if err != nil {
				h.t.Fatal(err)
			}
			v, ok := map[string]string{"title.en": x.Title.En, "title.zh-Hans": x.Title.Hans, "description.en": x.Description.En,
				"room": x.Room, "rooms.zh-Hans": x.RoomHans}[field]
			return v, ok
		}}
}

// apiSpeakerForm is a new speaker through the API.
func apiSpeakerForm() *hostileForm {
	return &hostileForm{who: "secretariat", api: true, base: map[string]string{"name": "API Speaker %n", "country": "KE"},
		target: func(*hostileEnv) string { return "/api/v1/speakers" },
		fields: []hostileField{{name: "name"}, {name: "name_latin"}, {name: "organization.en", errID: "organization", norm: exact},
			{name: "country", norm: upper, code: true}, {name: "stakeholder_group", code: true}, {name: "bio.en", errID: "bio", norm: exact}},
		accepted: answered(http.StatusCreated),
		stored: func(h *hostileEnv, r hostileResponse, _ map[string]string, field string) (string, bool) {
			p, _, err := h.a.events.Person(h.ctx, lastID(r.header.Get("Location")), true)
			if err != nil {
				h.t.Fatal(err)
			}
			v, ok := map[string]string{"name": p.Name, "name_latin": p.NameLatin, "organization.en": p.Organization.En,
				"country": p.Country, "bio.en": p.Bio.En}[field]
			return v, ok
		}}
}

// values returns the form's base values with field set, "%n" made unique.
func (h *hostileEnv) values(f *hostileForm, field hostileField, value string) map[string]string {
	h.n++
	vals := map[string]string{}
	for k, v := range f.base {
		v = strings.ReplaceAll(v, "%n", strconv.Itoa(h.n))
		v = strings.ReplaceAll(v, "%member", strconv.FormatInt(h.repOwned, 10))
		v = strings.ReplaceAll(v, "%session", strconv.FormatInt(h.event.session, 10))
		vals[k] = strings.ReplaceAll(v, "%reviewer", strconv.FormatInt(h.event.call.reviewer, 10))
	}
	for k, v := range field.base {
		vals[k] = v
	}
	if field.name != "" {
		vals[field.name] = value
	}
	return vals
}

// encode makes the request body: a form, or the API's JSON with dotted
// paths as nested objects. A value that is not UTF-8 goes in raw, as a
// careless client would send it (json.Marshal would replace it).
func encode(f *hostileForm, vals map[string]string) ([]byte, string) {
	if !f.api {
		v := url.Values{}
		for k, s := range vals {
			v.Set(k, s)
		}
		return []byte(v.Encode()), "application/x-www-form-urlencoded"
	}
	obj := map[string]any{}
	raw := map[string]string{}
	for k, s := range vals {
		if !utf8.ValidString(s) {
			ph := fmt.Sprintf("RAWVALUE%d", len(raw))
			raw[ph] = s
			s = ph
		}
		var v any = s
		if n, err := strconv.Atoi(s); err == nil && f.numbers[k] {
			v = n
		}
		if raw, ok := strings.CutPrefix(s, "json:"); ok {
			v = json.RawMessage(raw)
		}
		if first, rest, ok := strings.Cut(k, "."); ok {
			m, _ := obj[first].(map[string]any)
			if m == nil {
				m = map[string]any{}
				obj[first] = m
			}
			m[rest] = v
		} else {
			obj[k] = v
		}
	}
	b, err := json.Marshal(obj)
	if err != nil {
		panic(err)
	}
	for ph, s := range raw {
		b = bytes.ReplaceAll(b, []byte(ph), []byte(s))
	}
	return b, "application/json"
}

// hostileTally counts what the corpus found.
type hostileTally struct {
	requests, accepted, refused int
	serverErrors, altered       []string
	unexplained                 []string // refused without saying which field
	multiLine                   []string // a one-line field that kept a line break or control character
}

// submit sends one value in one field and checks what became of it.
func (h *hostileEnv) submit(pattern string, f *hostileForm, field hostileField, p hostilePayload, tally *hostileTally) {
	h.t.Helper()
	if f.fresh {
		h.freshPerson()
	}
	path := f.target(h)
	vals := h.values(f, field, p.Value)
	body, ct := encode(f, vals)
	r := h.send(f.who, f.verb(), path, ct, body)
	tally.requests++
	what := fmt.Sprintf("%s %s=%s", pattern, field.name, p.Name)
	if r.status >= 500 {
		tally.serverErrors = append(tally.serverErrors, fmt.Sprintf("%s: %d", what, r.status))
		return
	}
	if f.echo {
		return
	}
	if f.accepted(r) {
		tally.accepted++
		got, kept := f.stored(h, r, vals, field.name)
		if want := field.normal(p.Value); kept && got != want {
			tally.altered = append(tally.altered, fmt.Sprintf("%s: stored %d bytes %.80q, sent %d bytes %.80q", what, len(got), got, len(want), want))
		}
		if oneLineCorpus[p.Name] && !field.choice && !multiLineFields[pattern+" "+field.name] && kept {
			tally.multiLine = append(tally.multiLine, what)
		}
		return
	}
	tally.refused++
	if r.status < 400 {
		tally.unexplained = append(tally.unexplained, fmt.Sprintf("%s: status %d, neither done nor refused", what, r.status))
		return
	}
	if field.choice || r.status == http.StatusRequestEntityTooLarge {
		return // a choice, or more than the route takes: said so
	}
	if f.api {
		var prob web.Problem
		if err := json.Unmarshal([]byte(r.body), &prob); err != nil {
			tally.unexplained = append(tally.unexplained, fmt.Sprintf("%s: %d without problem details", what, r.status))
			return
		}
		for _, e := range prob.Errors {
			if e.Field == field.name || e.Field == field.errID {
				return
			}
		}
		// A body that is not UTF-8 is not JSON: refused as a whole.
		if !utf8.ValidString(p.Value) && strings.Contains(prob.Title, "not valid JSON") {
			return
		}
		tally.unexplained = append(tally.unexplained, fmt.Sprintf("%s: %d %q without the field (errors %+v)", what, r.status, prob.Title, prob.Errors))
		return
	}
	if strings.Contains(r.body, `id="`+field.errorID()+`"`) {
		return
	}
	if p.unstorable() && strings.Contains(r.body, "cannot be stored") {
		return
	}
	msg := errorRE.FindAllStringSubmatch(r.body, -1)
	tally.unexplained = append(tally.unexplained, fmt.Sprintf("%s: %d, no error at #%s (errors on the page: %q)", what, r.status, field.errorID(), msg))
}

// TestHostileInput sends the corpus through every field of every POST
// route on both databases, then (on SQLite, with Chromium) shows it on
// every page that displays those fields.
func TestHostileInput(t *testing.T) {
	payloads := hostilePayloads(t)
	for _, dbName := range []string{"sqlite", "postgres"} {
		t.Run(dbName, func(t *testing.T) {
			dbURL := "sqlite:" + filepath.Join(t.TempDir(), "w.db")
			if dbName == "postgres" {
				dbURL = testenv.PostgresDSN(t)
			}
			a := startHostileApp(t, dbURL)
			h := newHostileEnv(t, a)
			forms := hostileForms()
			t.Run("every field", func(t *testing.T) {
				h.t = t
				// What a store keeps of a value depends on its length,
				// its encoding, its control and special characters and
				// the spaces around it, not on the markup it holds: each
				// field gets the storage corpus one value at a time,
				// while the browser test below sends every payload
				// through every form.
				var corpus []hostilePayload
				for _, p := range payloads {
					if storageCorpus[p.Name] {
						corpus = append(corpus, p)
					}
				}
				if dbName == "postgres" {
					// What the two databases could keep differently:
					// SQLite keeps any bytes, PostgreSQL refuses some.
					corpus = nil
					for _, p := range payloads {
						if dbCorpus[p.Name] {
							corpus = append(corpus, p)
						}
					}
				}
				var tally hostileTally
				var routes []string
				for _, rt := range a.web.Routes() {
					if rt.Method == http.MethodGet || rt.Method == http.MethodHead {
						continue
					}
					f := forms[rt.Pattern()]
					if f == nil {
						t.Errorf("%s has no entry in hostileForms: say which fields a person types there, or why none", rt.Pattern())
						continue
					}
					routes = append(routes, rt.Pattern())
					if f.none != "" {
						continue
					}
					// The base values alone are accepted, so that a
					// refusal below is the payload's doing.
					if !f.echo {
						if f.fresh {
							h.freshPerson()
						}
						vals := h.values(f, hostileField{}, "")
						body, ct := encode(f, vals)
						if r := h.send(f.who, f.verb(), f.target(h), ct, body); !f.accepted(r) {
							t.Fatalf("%s refuses its base values: %d %.500s", rt.Pattern(), r.status, r.body)
						}
					}
					for _, field := range f.fields {
						for _, p := range corpus {
							if (field.code || field.choice || field.variant || f.short) && !codeCorpus[p.Name] {
								continue
							}
							h.submit(rt.Pattern(), f, field, p, &tally)
						}
					}
				}
				for pattern := range forms {
					if !slices.Contains(routes, pattern) {
						t.Errorf("hostileForms has %s, which is no route", pattern)
					}
				}
				t.Logf("%d requests on %d routes: %d stored, %d refused", tally.requests, len(routes), tally.accepted, tally.refused)
				for _, list := range []struct {
					what  string
					items []string
				}{{"server errors", tally.serverErrors}, {"values stored otherwise than sent", tally.altered},
					{"refusals that do not say which field", tally.unexplained},
					{"one-line fields that kept a line break or control character (a textarea goes in multiLineFields)", tally.multiLine}} {
					if len(list.items) > 0 {
						t.Errorf("%d %s:\n  %s", len(list.items), list.what, strings.Join(list.items, "\n  "))
					}
				}
			})
			if dbName == "sqlite" {
				t.Run("in the browser", func(t *testing.T) {
					h.t = t
					hostileInBrowser(t, h, payloads)
				})
			}
		})
	}
}

// hostileGroups joins the payloads a browser shows (all but the 100 KB
// one and what cannot be stored) into values of at most max characters,
// so that each page shows several: every piece must be inert wherever it
// lands, and each carries its own marker. A name, say, holds one group.
func hostileGroups(payloads []hostilePayload, max int) []hostilePayload {
	var out []hostilePayload
	var cur hostilePayload
	for _, p := range payloads {
		if p.unstorable() || p.Name == "long" {
			continue
		}
		p.Value = oneLine(p.Value)
		if cur.Value != "" && utf8.RuneCountInString(cur.Value)+1+utf8.RuneCountInString(p.Value) > max {
			out = append(out, cur)
			cur = hostilePayload{}
		}
		if cur.Value == "" {
			cur = p
		} else {
			cur.Name += "+" + p.Name
			cur.Value += " " + p.Value
		}
	}
	if cur.Value != "" {
		out = append(out, cur)
	}
	return out
}

// hostileShown is what the browser phase made of one payload: content
// that shows it in every field, and the pages that show them.
type hostileShown struct {
	p                    hostilePayload
	account              *hostilePerson // signed up with the payload as their name
	app, infoApp, member int64
	event                string // the slug of an event about it
	registration         int64  // the account's registration for it, with a visa letter asked for
	person, session      int64  // a speaker named with it, in a session about it
	submission           int64  // a case about it
	document             string // the slug of an outcome document about it, published in two versions
}

// post sends a form and fails the test unless accepted says yes.
func (h *hostileEnv) post(who, path string, vals map[string]string, accepted func(hostileResponse) bool) hostileResponse {
	h.t.Helper()
	body, ct := encode(&hostileForm{}, vals)
	r := h.send(who, "POST", path, ct, body)
	if !accepted(r) {
		msgs := errorRE.FindAllStringSubmatch(r.body, -1)
		h.t.Fatalf("POST %s as %s: %d, errors on the page %q\n%.300s", path, who, r.status, msgs, r.body)
	}
	return r
}

// show puts payload p in every field a page shows, through the forms.
func (h *hostileEnv) show(i int, p hostilePayload) *hostileShown {
	t := h.t
	t.Helper()
	sh := &hostileShown{p: p}
	acronym := p.Value
	if utf8.RuneCountInString(strings.TrimSpace(acronym)) > 20 {
		acronym = "HX"
	}
	website := "https://example.org/" + p.Value
	if _, err := url.Parse(website); err != nil {
		website = "https://example.org/?q=" + url.QueryEscape(p.Value)
	}
	// An account named with the payload, verified by its mail.
	email := fmt.Sprintf("shown-%d@example.org", i)
	h.post("anonymous", "/signup", map[string]string{"name": p.Value, "email": email, "password": "a long enough password"},
		func(r hostileResponse) bool {
			return r.status == http.StatusOK && !strings.Contains(r.body, `action="/signup"`)
		})
	link := h.a.mailLink(t, email)
	token := strings.SplitN(link, "token=", 2)[1]
	h.post("anonymous", "/verify", map[string]string{"token": token}, answered(http.StatusOK))
	u, err := h.a.users.ByEmail(h.ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	sh.account = h.person(u.Principal(), email)
	h.signIn(sh.account, "a long enough password")
	h.people["shown"] = sh.account

	apply := func() int64 {
		r := h.post("representative", "/members/apply", map[string]string{"kind": "organization", "name_en": p.Value,
			"name_zh_hans": p.Value, "name_zh_hant": p.Value, "acronym": acronym, "stakeholder_group": "technical_community",
			"country": "CN", "website": website, "description": p.Value, "contact_name": p.Value,
			"contact_email": fmt.Sprintf("contact-%d@example.org", i), "motivation": p.Value, "charter": "yes", "action": "submit"},
			redirectTo(`^/members/applications/\d+$`))
		id, _ := strconv.ParseInt(appIDRE.FindStringSubmatch(r.header.Get("Location"))[1], 10, 64)
		return id
	}
	// Applied, commented on and approved: a member, whose profile its
	// representative then writes.
	sh.app = apply()
	h.post("secretariat", fmt.Sprintf("/admin/applications/%d/comments", sh.app), map[string]string{"body": p.Value},
		redirectTo(`#comments$`))
	h.post("secretariat", fmt.Sprintf("/admin/applications/%d/decision", sh.app), map[string]string{"decision": "approve"},
		redirectTo(`^/admin/applications/\d+$`))
	sh.member = h.application(sh.app).MemberID
	h.post("representative", fmt.Sprintf("/members/manage/%d/edit", sh.member), map[string]string{"name_en": p.Value,
		"name_zh_hans": p.Value, "name_zh_hant": p.Value, "acronym": acronym, "website": website,
		"description_en": p.Value, "description_zh_hans": p.Value, "description_zh_hant": p.Value},
		redirectTo(`\?done=saved$`))
	// Suspended with the payload as the reason (in the audit log and the
	// mail), and reinstated.
	h.post("secretariat", fmt.Sprintf("/admin/members/%d/standing", sh.member), map[string]string{"action": "suspend", "reason": p.Value},
		redirectTo(`changed=1$`))
	h.post("secretariat", fmt.Sprintf("/admin/members/%d/standing", sh.member), map[string]string{"action": "reinstate"},
		redirectTo(`changed=1$`))
	// Another application, sent back with the payload as the question.
	sh.infoApp = apply()
	h.post("secretariat", fmt.Sprintf("/admin/applications/%d/decision", sh.infoApp), map[string]string{"decision": "request_info",
		"reason": p.Value}, redirectTo(`^/admin/applications/\d+$`))

	// An event about the payload, with a category named with it whose
	// consent text is it, published; an invitation labelled with it.
	sh.event = fmt.Sprintf("shown-%d", i)
	title := strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ").Replace(p.Value) // a title is one line
	h.post("secretariat", "/admin/events", map[string]string{"slug": sh.event, "kind": "dialogue", "title_en": title,
		"title_zh_hans": title, "theme_en": p.Value, "description_en": p.Value, "description_zh_hant": p.Value,
		"starts_at": "2031-06-01T09:00", "ends_at": "2031-06-01T17:00", "timezone": "Asia/Shanghai", "venue": p.Value,
		"country": "CN", "languages": "en", "interpretation": p.Value}, redirectTo(`^/admin/events/`+sh.event+`$`))
	catName := p.Value // at most 100 characters
	if utf8.RuneCountInString(catName) > 100 {
		catName = "Guests"
	}
	h.post("secretariat", "/admin/events/"+sh.event+"/categories", map[string]string{"code": "guests", "name_en": catName,
		"name_zh_hans": catName, "capacity": "10", "approval": "auto", "consent_en": p.Value}, redirectTo(`#categories$`))
	h.post("secretariat", "/admin/events/"+sh.event+"/status", map[string]string{"status": "published"}, redirectTo(`^/admin/events/`))
	h.post("secretariat", "/admin/events/"+h.event.slug+"/invitations", map[string]string{"category": "open", "seats": "1",
		"label": p.Value}, answered(http.StatusOK))
	// The account named with it registers for that event, its organisation
	// the payload too, and is one of the representative's delegation.
	r := h.post("shown", "/events/"+sh.event+"/register", map[string]string{"category": "guests", "name": p.Value,
		"name_latin": p.Value, "organization": p.Value, "country": "KE", "consent": "yes"}, redirectTo(`^/registrations/\d+$`))
	sh.registration, _ = strconv.ParseInt(strings.TrimPrefix(r.header.Get("Location"), "/registrations/"), 10, 64)
	h.post("representative", fmt.Sprintf("/events/%s/delegations/%d", h.event.slug, h.repOwned), map[string]string{
		"email": fmt.Sprintf("delegate-shown-%d@example.org", i), "name": p.Value, "name_latin": p.Value, "organization": p.Value,
		"country": "BR"}, redirectTo(`/delegations/\d+$`))
	// A visa letter asked for with it as the name and the embassy.
	h.post("shown", fmt.Sprintf("/registrations/%d/visa", sh.registration), map[string]string{"full_name": p.Value,
		"nationality": "KE", "number": "A1234567", "birth_date": "1990-01-01", "expiry": "2035-01-01", "embassy": p.Value,
		"arrival": "2031-05-31", "departure": "2031-06-02"}, redirectTo(`/visa$`))
	// A speaker named with it, in a session about it.
	// (A name is one line; the Latin one, Latin letters.)
	r = h.post("secretariat", "/admin/events/"+h.event.slug+"/programme/people/new", map[string]string{"name": title,
		"organization_en": p.Value, "bio_en": p.Value, "country": "KE"}, redirectTo(`/people/\d+$`))
	sh.person = lastID(location(r))
	r = h.post("secretariat", "/admin/events/"+h.event.slug+"/programme/sessions/new", map[string]string{"title_en": title,
		"description_en": p.Value, "room": title, "format": "panel", "starts_at": "2031-05-01T13:00", "ends_at": "2031-05-01T14:00",
		"person": strconv.FormatInt(sh.person, 10), "role": "speaker"}, redirectTo(`#s-\d+$`))
	sh.session = lastID(r.header.Get("Location"))
	// A case about it, with it as a partner and the author's organisation.
	r = h.post("author", "/calls/"+h.event.call.slug+"/submit", map[string]string{"title_en": p.Value, "summary_en": p.Value,
		"field": "infrastructure", "countries": "KE", "partner.0.name": p.Value, "partner.0.country": "KE", "author_country": "KE",
		"author_organization": p.Value, "action": "submit"}, redirectTo(`^/submissions/\d+`))
	sh.submission = lastID(location(r))
	// An outcome document about it: its title, summary, text and version
	// names, published twice (the second version changed around it).
	sh.document = fmt.Sprintf("shown-doc-%d", i)
	versionName := title // at most 120 characters
	if utf8.RuneCountInString(versionName) > 120 {
		versionName = "Final"
	}
	h.post("secretariat", "/admin/documents/new", map[string]string{"slug": sh.document, "kind": "report", "year": "2030",
		"source_lang": "en", "title_en": title, "title_zh_hant": title, "summary_en": p.Value}, redirectTo(`^/admin/documents/`+sh.document+`$`))
	for _, body := range []string{"# " + title + "\n\n" + p.Value, "# " + title + "\n\nRevised: " + p.Value + " (end)"} {
		r = h.post("secretariat", "/admin/documents/"+sh.document+"/versions", map[string]string{"lang": "en", "body": body, "name": versionName},
			redirectTo(`/versions/\d+$`))
		h.post("secretariat", location(r)+"/publish", map[string]string{}, redirectTo(`/versions/\d+$`))
	}
	// Its consultation, endorsement and vote (consultation_hostile_test.go).
	h.showConsultation(sh, p, title)
	return sh
}

// hostileBrowser watches a Chromium tab: calls of the binding the
// payloads call, CSP violations, answers ≥ 500, and exceptions.
type hostileBrowser struct {
	mu                       sync.Mutex
	page                     string // the page being looked at
	executions, csp, console []string
	serverErrors             []string
	injected                 []string
	pages                    int
}

func (b *hostileBrowser) add(list *[]string, s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	*list = append(*list, fmt.Sprintf("%s: %s", b.page, s))
}

// cspListener reports each CSP violation of a document to the binding.
const cspListener = `document.addEventListener('securitypolicyviolation', function (e) {
	__hostileCSP(JSON.stringify({directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample}));
}, true);`

// injectedJS lists markup no page of ours has and an injection would
// bring: inline scripts, event-handler and style attributes, script URLs,
// frames, objects, base and meta refresh elements, style elements.
const injectedJS = `(() => {
	const out = [];
	const bad = (el, why) => out.push(why + ': ' + el.outerHTML.slice(0, 160));
	for (const el of document.querySelectorAll('*')) {
		for (const a of el.attributes) {
			const n = a.name.toLowerCase();
			const v = a.value.replace(/[\u0000-\u0020]/g, '').toLowerCase();
			if (n.startsWith('on')) bad(el, 'handler attribute ' + n);
			if (n === 'style' || n === 'srcdoc') bad(el, n + ' attribute');
			if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster'].includes(n) &&
				(v.startsWith('javascript:') || v.startsWith('vbscript:') || v.startsWith('data:text/html'))) bad(el, 'script URL');
		}
		const tag = el.localName;
		if (tag === 'script' && el.getAttribute('type') === 'application/ld+json' && !el.hasAttribute('src')) {
			// A data block, never run: it must still be the one JSON
			// object the page wrote.
			try { JSON.parse(el.textContent); } catch (e) { bad(el, 'broken JSON-LD'); }
		} else if (tag === 'script' && !/^\/static\/[\w.\/-]+\.js$/.test(el.getAttribute('src') || '')) bad(el, 'script');
		if (['iframe', 'frame', 'object', 'embed', 'base', 'applet', 'style', 'template'].includes(tag)) bad(el, tag);
		if (tag === 'meta' && el.hasAttribute('http-equiv')) bad(el, 'meta http-equiv');
	}
	return {injected: out, text: document.body ? document.body.innerText : ''};
})()`

// hostileInBrowser fills the site with the payloads through its forms
// and looks at every page that shows them, and at every form sent back
// with them, in Chromium.
func hostileInBrowser(t *testing.T, h *hostileEnv, payloads []hostilePayload) {
	bctx := testenv.Browser(t)
	var shown []*hostileShown
	for i, p := range hostileGroups(payloads, 200) {
		shown = append(shown, h.show(i, p))
	}

	b := &hostileBrowser{}
	err := chromedp.Listen(bctx, func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventBindingCalled:
			switch e.Name {
			case "__hostile":
				b.add(&b.executions, e.Payload)
			case "__hostileCSP":
				b.add(&b.csp, e.Payload)
			}
		case *cdplog.EventEntryAdded:
			if strings.Contains(e.Entry.Text, "Content Security Policy") {
				b.add(&b.console, e.Entry.Text)
			}
		case *runtime.EventExceptionThrown:
			d := e.ExceptionDetails
			text := d.Text
			if d.Exception != nil {
				text += " " + d.Exception.Description
			}
			if strings.Contains(text, "__hostile") {
				b.add(&b.executions, "exception: "+text)
			}
		case *network.EventResponseReceived:
			if e.Response != nil && e.Response.Status >= 500 {
				b.add(&b.serverErrors, fmt.Sprintf("%d %s", e.Response.Status, e.Response.URL))
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(bctx, 10*time.Minute)
	defer cancel()
	err = chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		for _, name := range []string{"__hostile", "__hostileCSP"} {
			if _, err := cdp.Call(ctx, tg, runtime.AddBinding, runtime.AddBindingParams{Name: name}); err != nil {
				return err
			}
		}
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspListener})
		return err
	}))
	if err != nil {
		t.Fatal(err)
	}
	as := func(p *hostilePerson) {
		t.Helper()
		err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			if _, err := cdp.Call(ctx, tg, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
				return err
			}
			if p.session == "" {
				return nil
			}
			httpOnly := true
			_, err := cdp.Call(ctx, tg, network.SetCookie, network.SetCookieParams{Name: web.SessionCookie, Value: p.session,
				URL: h.a.ts.URL + "/", HTTPOnly: &httpOnly})
			return err
		}))
		if err != nil {
			t.Fatal(err)
		}
	}
	// scan looks for injected markup on the page now shown.
	scan := func() string {
		t.Helper()
		found, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
			Injected []string
			Text     string
		}](injectedJS))
		if err != nil {
			t.Fatalf("%s: %v", b.page, err)
		}
		for _, f := range found.Injected {
			b.add(&b.injected, f)
		}
		return found.Text
	}
	// open loads a page and scans it; it returns the page's text.
	open := func(path string) string {
		t.Helper()
		b.mu.Lock()
		b.page, b.pages = path, b.pages+1
		b.mu.Unlock()
		res, err := chromedp.Run(ctx, chromedp.NavigateResponse(h.a.ts.URL+path))
		if err != nil {
			t.Fatalf("open %s: %v", path, err)
		}
		if res.Status != http.StatusOK {
			t.Errorf("open %s: status %d at %s", path, res.Status, res.URL)
		}
		return scan()
	}
	// pages opens path and then up to three pages its pager leads to
	// (lists put the newest first; the first test filled them too).
	pages := func(path string) {
		t.Helper()
		for n := 0; path != "" && n < 4; n++ {
			open(path)
			next, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const a = document.querySelector('a[rel=next]'); return a ? a.getAttribute('href') : ''; })()`))
			if err != nil {
				t.Fatal(err)
			}
			if next == "" {
				return
			}
			base, _, _ := strings.Cut(path, "?")
			path = base + next
		}
	}
	collapse := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	// whole checks that a page's text shows the payload whole.
	whole := func(text string, sh *hostileShown) {
		t.Helper()
		if !strings.Contains(collapse(text), collapse(sh.p.Value)) {
			t.Errorf("%s does not show %s whole", b.page, sh.p.Name)
		}
	}

	// The harness sees faults: a call of the binding, an inline handler
	// that the CSP blocks, and the element that carries it.
	as(h.people["anonymous"])
	open("/about")
	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		__hostile('probe');
		document.querySelector('main').insertAdjacentHTML('beforeend', '<img src="/none.png" onerror="__hostile(1)">');
		return true;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	scan()
	for range 100 {
		b.mu.Lock()
		n := len(b.csp)
		b.mu.Unlock()
		if n > 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	b.mu.Lock()
	if len(b.executions) != 1 || !strings.HasSuffix(b.executions[0], "probe") || len(b.csp) == 0 || len(b.injected) != 1 {
		t.Fatalf("the harness missed a planted fault: executions %q, CSP %q, injected %q", b.executions, b.csp, b.injected)
	}
	b.executions, b.csp, b.console, b.injected, b.serverErrors = nil, nil, nil, nil, nil
	b.mu.Unlock()

	pages("/members")
	open("/")
	pages("/events")
	open("/events/" + h.event.slug + "/programme")
	open("/events/" + h.event.slug + "/speakers")
	for _, sh := range shown {
		whole(open(fmt.Sprintf("/members/%d", sh.member)), sh)
		whole(open("/events/"+sh.event), sh)
		whole(open(fmt.Sprintf("/events/%s/sessions/%d", h.event.slug, sh.session)), sh)
		whole(open(fmt.Sprintf("/speakers/%d", sh.person)), sh)
		open("/search?q=" + url.QueryEscape(sh.p.Value))
	}
	// The header's search box suggests as one types.
	open("/")
	suggested := 0
	for _, sh := range shown {
		_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
			const q = document.getElementById('site-q');
			q.value = `+mustJSON(sh.p.Value)+`;
			q.dispatchEvent(new Event('input'));
			return true;
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		// The script waits 180 ms before it asks; wait for its answer
		// (the box shows) or give up after a second.
		for range 50 {
			shows, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!document.getElementById('site-suggest').hidden`))
			if err != nil {
				t.Fatal(err)
			}
			if shows {
				suggested++
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		scan()
	}
	if suggested < len(shown)/2 {
		t.Errorf("the search box suggested something for only %d of %d payloads", suggested, len(shown))
	}

	as(h.people["representative"])
	open("/members/applications")
	for _, sh := range shown {
		whole(open(fmt.Sprintf("/members/applications/%d", sh.infoApp)), sh)
		open(fmt.Sprintf("/members/apply?id=%d", sh.infoApp))
		whole(open(fmt.Sprintf("/members/manage/%d", sh.member)), sh)
		open(fmt.Sprintf("/members/manage/%d/edit", sh.member))
	}
	open(fmt.Sprintf("/members/manage/%d/representatives", h.repOwned))
	delegation := open(fmt.Sprintf("/events/%s/delegations/%d", h.event.slug, h.repOwned))
	open("/registrations")

	as(h.people["secretariat"])
	open("/admin")
	for _, st := range []string{"submitted", "info_requested", "approved", "rejected", "draft"} {
		pages("/admin/applications?status=" + st)
	}
	pages("/admin/members")
	pages("/admin/members?standing=suspended")
	for _, sh := range shown {
		whole(open(fmt.Sprintf("/admin/applications/%d", sh.app)), sh)
		whole(open(fmt.Sprintf("/admin/members/%d", sh.member)), sh)
		whole(open("/admin/events/"+sh.event), sh)
		whole(open(fmt.Sprintf("/admin/visas/%d", sh.registration)), sh)
		whole(open(fmt.Sprintf("/admin/submissions/%d", sh.submission)), sh)
	}
	open("/admin/calls/" + h.event.call.slug)
	open("/admin/events/" + h.event.slug + "/programme")
	open("/admin/events/" + h.event.slug + "/visas")
	pages("/admin/events")
	proof := open("/admin/events/" + h.event.slug)
	pages("/admin/events/" + h.event.slug + "/registrations")
	open("/admin/events/" + h.event.slug + "/stats")
	open("/checkin/" + h.event.slug)
	for _, sh := range shown {
		if !strings.Contains(collapse(proof), collapse(sh.p.Value)) {
			t.Errorf("the proof event's page does not show the invitation labelled %s whole", sh.p.Name)
		}
		if !strings.Contains(collapse(delegation), collapse(sh.p.Value)) {
			t.Errorf("the delegation page does not show the delegate named %s whole", sh.p.Name)
		}
	}

	// The mail about each payload (the verification of the account named
	// with it, the question asked with it) as the outbox shows it.
	as(h.people["admin"])
	pages("/admin/outbox")
	pages("/admin/audit")
	pages("/admin/people")
	for _, sh := range shown {
		whole(open(fmt.Sprintf("/admin/people/%d", sh.account.p.ID)), sh)
	}
	msgs, _, err := mail.List(h.ctx, h.a.db, 100000, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, sh := range shown {
		opened := 0
		for _, m := range msgs {
			if opened < 2 && strings.Contains(m.Text, strings.TrimSpace(sh.p.Value)) {
				open(fmt.Sprintf("/admin/outbox/%d", m.ID))
				opened++
			}
		}
		if opened == 0 {
			t.Errorf("no mail shows %s", sh.p.Name)
		}
	}

	for _, sh := range shown {
		as(sh.account)
		text := open("/")
		if !strings.Contains(collapse(text), collapse(sh.p.Value)) {
			t.Errorf("the header does not show the name %s whole", sh.p.Name)
		}
		whole(open(fmt.Sprintf("/registrations/%d", sh.registration)), sh)
		whole(open("/account"), sh)
		open("/account/sessions")
		open("/account/tokens")
		open(fmt.Sprintf("/registrations/%d/visa", sh.registration))
		open("/events/" + sh.event + "/register")
	}
	as(h.people["author"])
	open("/submissions")
	for _, sh := range shown {
		whole(open(fmt.Sprintf("/submissions/%d", sh.submission)), sh)
	}
	// Outcome documents: the archive, each document's page, its plain
	// HTML and its comparison, as the public and as the secretariat.
	as(h.people["anonymous"])
	open("/documents")
	for _, sh := range shown {
		whole(open("/documents/"+sh.document), sh)
		whole(open("/documents/"+sh.document+".html"), sh)
		open("/documents/" + sh.document + "/compare")
	}
	as(h.people["secretariat"])
	open("/admin/documents")
	for _, sh := range shown {
		open("/admin/documents/" + sh.document)
		whole(open("/admin/documents/"+sh.document+"/versions/1"), sh)
		open("/admin/documents/" + sh.document + "/edit")
		open("/admin/documents/" + sh.document + "/compare?from=1&to=2")
	}
	// Consultation, endorsements and votes (consultation_hostile_test.go).
	hostileConsultationPages(h, shown, as, open, whole)

	// Every form sent back with the payloads in it: one value made of
	// them all (each form refuses it somewhere: too long, or not an
	// address). The 100 KB value comes back the same way; the first test
	// sent it through every field.
	var all strings.Builder
	for _, p := range payloads {
		if p.Name != "long" && utf8.ValidString(p.Value) {
			all.WriteString(p.Value + " ")
		}
	}
	forms := hostileForms()
	for _, person := range []string{"anonymous", "applicant", "representative", "secretariat", "author", "reviewer"} {
		as(h.people[person])
		open("/")
		var patterns []string
		for pattern, f := range forms {
			if f.who == person && f.none == "" && !f.api {
				patterns = append(patterns, pattern)
			}
		}
		sort.Strings(patterns)
		for _, pattern := range patterns {
			f := forms[pattern]
			for _, value := range []string{all.String()} {
				vals := map[string]string{}
				for k, v := range f.base {
					vals[k] = strings.ReplaceAll(v, "%n", "0")
				}
				for _, field := range f.fields {
					vals[field.name] = value
				}
				path := f.target(h)
				b.mu.Lock()
				b.page, b.pages = "POST "+path, b.pages+1
				b.mu.Unlock()
				// Sent from the page shown, which is one of the site's.
				_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
					const f = document.createElement('form');
					f.method = 'post';
					f.action = `+mustJSON(path)+`;
					for (const [k, v] of Object.entries(`+mustJSON(vals)+`)) {
						const i = document.createElement('input');
						i.type = 'hidden'; i.name = k; i.value = v;
						f.appendChild(i);
					}
					document.body.appendChild(f);
					window.__sent = true;
					f.submit();
					return true;
				})()`))
				if err != nil {
					t.Fatal(err)
				}
				// Wait for the answer to replace the page.
				for i := 0; ; i++ {
					done, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__sent === undefined && document.readyState === 'complete'`))
					if err == nil && done {
						break
					}
					if i > 300 {
						t.Fatalf("POST %s: no answer in the browser", path)
					}
					time.Sleep(20 * time.Millisecond)
				}
				b.mu.Lock()
				b.page = "POST " + path + " (answer)"
				b.mu.Unlock()
				scan()
			}
		}
	}

	time.Sleep(time.Second) // late events: images that fail, reports
	b.mu.Lock()
	defer b.mu.Unlock()
	t.Logf("%d pages and answers looked at for %d groups of payloads", b.pages, len(shown))
	for _, list := range []struct {
		what  string
		items []string
	}{{"script executions", b.executions}, {"CSP violations", b.csp}, {"CSP messages in the console", b.console},
		{"answers ≥ 500", b.serverErrors}, {"injected elements", b.injected}} {
		if len(list.items) > 0 {
			t.Errorf("%d %s:\n  %s", len(list.items), list.what, strings.Join(list.items, "\n  "))
		}
	}
	if b.pages < 10*len(shown) {
		t.Errorf("only %d pages for %d payloads", b.pages, len(shown))
	}
}

// tokenForm is the form (or API body) that makes a personal API token.
func tokenForm(api bool) *hostileForm {
	f := &hostileForm{who: "fresh", fresh: true, target: func(*hostileEnv) string { return "/account/tokens" },
		base:     map[string]string{"label": "Script %n", "expires_at": time.Now().AddDate(0, 1, 0).Format(time.DateOnly)},
		fields:   []hostileField{{name: "label"}, {name: "expires_at", code: true}},
		accepted: answered(http.StatusCreated),
		stored: func(h *hostileEnv, _ hostileResponse, _ map[string]string, field string) (string, bool) {
			list, err := h.a.users.Tokens(h.ctx, h.people["fresh"].p.ID)
			if err != nil || len(list) == 0 {
				h.t.Fatalf("tokens %v, %v", list, err)
			}
			return list[0].Label, field == "label"
		}}
	if api {
		f.api, f.target = true, func(*hostileEnv) string { return "/api/v1/me/tokens" }
	}
	return f
}
