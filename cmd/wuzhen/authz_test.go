package main

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/calls"
	"github.com/wuzhen/wuzhen/internal/events"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/members"
	"github.com/wuzhen/wuzhen/internal/web"
)

var wildcard = regexp.MustCompile(`\{[^}]*\}`)

// outcome is what a person gets from a route: served (whatever the
// answer, short of a refusal), refused (401, 403, or sent to sign in), or
// hidden (404: the route hides what the person may not see).
type outcome string

const (
	served  outcome = "served"
	refused outcome = "refused"
	hidden  outcome = "hidden"
)

func outcomeOf(rt web.Route, r response) outcome {
	toLogin := r.StatusCode == http.StatusSeeOther && strings.HasPrefix(r.Header.Get("Location"), "/login?next=")
	switch {
	case r.StatusCode == http.StatusForbidden || toLogin || (rt.IsAPI() && r.StatusCode == http.StatusUnauthorized):
		return refused
	case r.StatusCode == http.StatusNotFound:
		return hidden
	}
	return served
}

// memberScope says whether a route acts for the member in its path, in
// which wildcard, and which permission lets staff act for any member: the
// member's representatives and such staff reach it; anyone else signed in
// finds nothing there (404), so that ids reveal nothing.
func memberScope(rt web.Route) (param, staff string, ok bool) {
	switch {
	case strings.HasPrefix(rt.Path, "/members/manage/{id}"):
		return "id", members.PermManage, true
	case strings.HasPrefix(rt.Path, "/events/{slug}/delegations/{member}"):
		return "member", events.PermManage, true
	}
	return "", "", false
}

// TestAuthorisationMatrix requests every route of the route table as every
// kind of person and checks the answer against the route's declared access
// and the policy: nobody reaches what the table does not allow, and
// everybody reaches what it does. The people are anonymous, a plain
// account, the representative of a member, and each role. Routes that act
// for a member are requested for the representative's own member and for
// another one: only the member's representatives and the secretariat are
// served there.
func TestAuthorisationMatrix(t *testing.T) {
	a := startApp(t, "sqlite:"+filepath.Join(t.TempDir(), "w.db"))
	ctx := context.Background()
	people := map[string]*actor.Actor{"anonymous": nil}
	browsers := map[string]*browser{"anonymous": a.browser(t)}
	tokens := map[string]string{}
	signUp := func(name, email string, roles ...string) *actor.Actor {
		u, err := a.users.Create(ctx, email, name, "matrix-password", roles...)
		if err != nil {
			t.Fatal(err)
		}
		people[name] = u.Principal()
		b := a.browser(t)
		b.post("/login", url.Values{"email": {email}, "password": {"matrix-password"}}).expect(t, http.StatusSeeOther)
		browsers[name] = b
		if tokens[name], err = a.users.CreateToken(ctx, email, "matrix"); err != nil {
			t.Fatal(err)
		}
		return people[name]
	}
	signUp("plain", "plain@example.org")
	for _, role := range auth.Roles {
		signUp(role, role+"@example.org", role)
	}
	// The representative's member: their application, approved, makes
	// them its primary representative. The other member has a
	// representative of its own.
	rep := signUp("representative", "rep@example.org")
	other, err := a.users.Create(ctx, "other-rep@example.org", "Other Representative", "matrix-password")
	if err != nil {
		t.Fatal(err)
	}
	admitted := func(p *actor.Actor, name string) int64 {
		app := &members.Application{Kind: members.Organization, Name: members.Names{En: name}, Group: members.CivilSociety,
			Country: "KE", ContactEmail: p.Email, Motivation: "To take part.", CharterAgreed: true}
		if err := a.members.Save(ctx, &actor.Actor{ID: p.ID, Email: p.Email}, app, true); err != nil {
			t.Fatal(err)
		}
		decided, err := a.members.Decide(ctx, &actor.Actor{ID: people[auth.RoleSecretariat].ID, Email: "secretariat@example.org"},
			app.ID, members.Approve, "")
		if err != nil {
			t.Fatal(err)
		}
		return decided.MemberID
	}
	own, others := admitted(rep, "Representative's Member"), admitted(other.Principal(), "Another Member")
	if _, ok, err := a.members.Represents(ctx, rep.ID, own); err != nil || !ok {
		t.Fatalf("the representative does not represent member %d: %v", own, err)
	}
	// An event, so that its routes find something; both members have a
	// delegation to it.
	pe := newProofEvent(t, a, people[auth.RoleAdmin], own, others)

	routes := a.web.Routes()
	// Signing out ends the session the other requests need: do it last.
	sort.SliceStable(routes, func(i, j int) bool { return routes[j].Pattern() == "POST /logout" })
	if len(routes) < 15 {
		t.Fatalf("only %d routes in the table", len(routes))
	}
	scoped := 0
	for _, rt := range routes {
		// Member-scoped routes are requested for both members; {user}
		// is the member's primary representative, so that a removal or
		// a hand-over changes nothing (the primary cannot be removed;
		// handing over to the primary is a no-op).
		targets := []int64{0}
		param, staffPerm, isScoped := memberScope(rt)
		if isScoped {
			targets = []int64{own, others}
			scoped++
		}
		primaryOf := map[int64]int64{own: rep.ID, others: other.ID}
		for _, member := range targets {
			r := rt
			if member != 0 {
				r.Path = strings.ReplaceAll(r.Path, "{"+param+"}", strconv.FormatInt(member, 10))
				r.Path = strings.ReplaceAll(r.Path, "{user}", strconv.FormatInt(primaryOf[member], 10))
			}
			path := pe.path(r, 0)
			for who, p := range people {
				var header []string
				if rt.IsAPI() && tokens[who] != "" {
					header = []string{"Authorization", "Bearer " + tokens[who]}
				}
				var form url.Values
				if rt.Method != http.MethodGet {
					form = url.Values{}
				}
				r := browsers[who].do(rt.Method, path, form, header...)
				got := outcomeOf(rt, r)
				want := served
				if rt.Access.NeedsSignIn() && p == nil {
					want = refused
				}
				if perm := rt.Access.Permission(); perm != "" && !auth.Can(p, perm) {
					want = refused
				}
				if want == served && member != 0 {
					// Only the member's representatives and the
					// secretariat act for it.
					if _, represents, err := a.members.Represents(ctx, p.ID, member); err != nil {
						t.Fatal(err)
					} else if !represents && !auth.Can(p, staffPerm) {
						want = hidden
					}
				}
				// Elsewhere a 404 is no refusal: the path's "1" may
				// name nothing.
				if got != want && !(member == 0 && want == served && got == hidden) {
					t.Errorf("%s as %s: %s (status %d, Location %q), want %s",
						strings.Replace(rt.Pattern(), rt.Path, path, 1), who, got, r.StatusCode, r.Header.Get("Location"), want)
				}
			}
		}
	}
	if scoped < 9 {
		t.Errorf("only %d routes act for a member", scoped)
	}
}

// proofEvent is a published event with what the routes that act on one
// need: an open category and one the secretariat approves, a pending
// registration, an invitation, delegation quotas for members, a session
// and a speaker in its programme; and a call for cases, open, with a
// submission and its review.
type proofEvent struct {
	slug         string
	id           int64
	registration int64 // pending, in the category "vetted"
	invitation   int64
	session      int64
	person       int64
	call         *proofCall
}

// proofCall is a published call with a submitted case and a review of it.
type proofCall struct {
	slug       string
	id         int64
	submission int64
	reviewer   int64 // in the call's pool
	review     int64
	author     *actor.Actor
	rev        *actor.Actor
}

// The proof event's times, fixed so that forms can give them back.
const (
	proofStarts = "2031-05-01T09:00"
	proofEnds   = "2031-05-01T17:00"
)

// newProofEvent makes the event as the staff account by, with a quota of
// 1,000 in the category "open" for each member, and the proof call.
func newProofEvent(t *testing.T, a *testApp, by *actor.Actor, memberIDs ...int64) *proofEvent {
	t.Helper()
	ctx := context.Background()
	starts, _ := time.Parse("2006-01-02T15:04", proofStarts)
	ends, _ := time.Parse("2006-01-02T15:04", proofEnds)
	e := &events.Event{Slug: "proof-summit", Kind: events.Summit, Title: i18n.Text{En: "Proof Summit"}, Starts: starts,
		Ends: ends, TimeZone: "UTC", Venue: "Wuzhen", Country: "CN", Languages: []string{i18n.En}}
	if err := a.events.Save(ctx, by, e, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := a.events.SetStatus(ctx, by, e.Slug, events.Published); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*events.Category{
		{Code: "open", Name: i18n.Text{En: "Open"}, Capacity: 100000, Approval: events.Auto},
		{Code: "vetted", Name: i18n.Text{En: "Vetted"}, Capacity: 100000, Approval: events.Manual,
			Consent: i18n.Text{En: "My name may appear on my badge."}},
	} {
		if err := a.events.SaveCategory(ctx, by, e.Slug, c); err != nil {
			t.Fatal(err)
		}
	}
	pe := &proofEvent{slug: e.Slug, id: e.ID}
	u, err := a.users.Create(ctx, "registrant@example.org", "Registrant", "registrant-password")
	if err != nil {
		t.Fatal(err)
	}
	r, err := a.events.Register(ctx, u.Principal(), e.Slug, "vetted",
		events.Answers{"name": "Registrant", "country": "KE", "consent": "yes"})
	if err != nil {
		t.Fatal(err)
	}
	pe.registration = r.ID
	if _, err := a.events.CreateInvitation(ctx, by, e.Slug, "open", 5, "Guests"); err != nil {
		t.Fatal(err)
	}
	invs, err := a.events.Invitations(ctx, e.ID)
	if err != nil || len(invs) != 1 {
		t.Fatalf("invitations %v, %v", invs, err)
	}
	pe.invitation = invs[0].ID
	for _, m := range memberIDs {
		if err := a.events.SetQuota(ctx, by, e.Slug, m, "open", 1000); err != nil {
			t.Fatal(err)
		}
	}
	person := &events.Person{Name: "Proof Speaker", Country: "KE", Organization: i18n.Text{En: "Proof Institute"}}
	if err := a.events.SavePerson(ctx, by, person); err != nil {
		t.Fatal(err)
	}
	pe.person = person.ID
	x := &events.Session{Title: i18n.Text{En: "Proof Session"}, Starts: starts.Add(time.Hour), Ends: starts.Add(2 * time.Hour),
		Format: events.Panel, Room: "Hall 1"}
	if err := a.events.SaveSession(ctx, by, e.Slug, x, []events.Cast{{PersonID: person.ID, Role: events.Speaker}}); err != nil {
		t.Fatal(err)
	}
	pe.session = x.ID
	pe.call = newProofCall(t, a, by)
	return pe
}

// proofCriteria are the proof call's criteria.
var proofCriteria = []calls.Criterion{{Code: "impact", Name: i18n.Text{En: "Impact"}, Weight: 1, Max: 10}}

// newProofCall makes a published call for cases, open until 2031, with a
// case submitted by a new account and a review of it by another.
func newProofCall(t *testing.T, a *testApp, by *actor.Actor) *proofCall {
	t.Helper()
	ctx := context.Background()
	opens, _ := time.Parse(time.DateOnly, "2026-01-01")
	closes, _ := time.Parse(time.DateOnly, "2031-01-01")
	c := &calls.Call{Slug: "proof-cases", Kind: calls.KindCase, Title: i18n.Text{En: "Proof Cases"},
		Description: i18n.Text{En: "Cases for the proof."}, OpensAt: opens, ClosesAt: closes, Timezone: "UTC", Year: 2030,
		Fields: calls.Fields, ReviewsPerSubmission: 1, Blind: true, Criteria: proofCriteria, Languages: []string{i18n.En},
		MaxCoauthors: 10, MinCountries: 1}
	if err := a.calls.CreateCall(ctx, by, c); err != nil {
		t.Fatal(err)
	}
	if _, err := a.calls.PublishCall(ctx, by, c.Slug); err != nil {
		t.Fatal(err)
	}
	pc := &proofCall{slug: c.Slug, id: c.ID}
	author, err := a.users.Create(ctx, "author@example.org", "Case Author", "author-password")
	if err != nil {
		t.Fatal(err)
	}
	rev, err := a.users.Create(ctx, "reviewer@example.org", "Case Reviewer", "reviewer-password")
	if err != nil {
		t.Fatal(err)
	}
	pc.author, pc.rev = author.Principal(), rev.Principal()
	pc.submission = pc.submit(t, a)
	if _, err := a.calls.AddReviewer(ctx, by, c.Slug, &calls.Reviewer{Email: rev.Email, Name: rev.Name, Country: "FR",
		Organization: "Proof University", Fields: calls.Fields, Languages: []string{i18n.En}}, i18n.En); err != nil {
		t.Fatal(err)
	}
	pool, err := a.calls.Reviewers(ctx, c.ID)
	if err != nil || len(pool) != 1 {
		t.Fatalf("reviewers %v, %v", pool, err)
	}
	pc.reviewer = pool[0].ID
	pc.review = pc.assign(t, a, by, pc.submission)
	return pc
}

// submit makes another submitted case by the call's author.
func (pc *proofCall) submit(t *testing.T, a *testApp) int64 {
	t.Helper()
	sub := &calls.Submission{Title: i18n.Text{En: "Proof Case"}, Summary: i18n.Text{En: "A case for the proof."},
		Field: calls.Fields[0], Countries: []string{"KE", "BR"}, Partners: []calls.Partner{{Name: "Partner A", Country: "KE"}}}
	if err := a.calls.SaveSubmission(context.Background(), pc.author, pc.slug, sub,
		calls.SubmitterInfo{Country: "KE", Organization: "Proof Org"}, true); err != nil {
		t.Fatal(err)
	}
	return sub.ID
}

// assign gives submission sub to the pool's reviewer and returns the
// review.
func (pc *proofCall) assign(t *testing.T, a *testApp, by *actor.Actor, sub int64) int64 {
	t.Helper()
	ctx := context.Background()
	if err := a.calls.AssignReviewer(ctx, by, sub, pc.reviewer); err != nil {
		t.Fatal(err)
	}
	items, err := a.calls.MyReviews(ctx, pc.rev.ID, i18n.En)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.SubmissionID == sub {
			return it.ID
		}
	}
	t.Fatalf("no review of submission %d", sub)
	return 0
}

// path fills a route's wildcards: the event's or the call's slug, the
// registration, invitation, session, speaker, submission or review the
// route acts on, the member given, and 1 for anything else.
func (pe *proofEvent) path(rt web.Route, member int64) string {
	p := rt.Path
	slug := pe.slug
	if strings.HasPrefix(p, "/calls/") || strings.HasPrefix(p, "/admin/calls/") || strings.HasPrefix(p, "/api/v1/calls/") {
		slug = pe.call.slug
	}
	p = strings.ReplaceAll(p, "{slug}", slug)
	id := func(n int64) { p = strings.ReplaceAll(p, "{id}", strconv.FormatInt(n, 10)) }
	switch {
	// An account the administrators act on (disable, roles, reset): the
	// case author, whom no one in the matrix signs in as; a token or a
	// session of one's own that does not exist, so that no one revokes
	// the token or ends the session the matrix signs in with.
	case strings.HasPrefix(p, "/admin/people/{id}") || strings.HasPrefix(p, "/api/v1/accounts/{id}"):
		id(pe.call.author.ID)
	case strings.HasPrefix(p, "/account/tokens/{id}") || strings.HasPrefix(p, "/api/v1/me/tokens/{id}"):
		id(999999)
	case strings.Contains(p, "/invitations/{id}"):
		id(pe.invitation)
	case strings.Contains(p, "registrations/{id}") || strings.HasPrefix(p, "/admin/visas/{id}"):
		id(pe.registration)
	case strings.Contains(p, "/sessions/{id}"):
		id(pe.session)
	case strings.Contains(p, "/people/{id}") || strings.HasPrefix(p, "/speakers/{id}") || strings.HasPrefix(p, "/api/v1/speakers/{id}"):
		id(pe.person)
	case strings.Contains(p, "submissions/{id}"):
		id(pe.call.submission)
	case strings.Contains(p, "reviews/{id}"):
		id(pe.call.review)
	}
	if member != 0 {
		p = strings.ReplaceAll(p, "{member}", strconv.FormatInt(member, 10))
	}
	p = strings.ReplaceAll(wildcard.ReplaceAllString(p, "1"), "/1$", "/")
	return strings.TrimSuffix(p, "{$}")
}
