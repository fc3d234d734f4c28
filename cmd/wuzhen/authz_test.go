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

	"github.com/wuzhen/wuzhen/internal/auth"
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
	people := map[string]*web.Principal{"anonymous": nil}
	browsers := map[string]*browser{"anonymous": a.browser(t)}
	tokens := map[string]string{}
	signUp := func(name, email string, roles ...string) *web.Principal {
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
	admitted := func(p *web.Principal, name string) int64 {
		app := &members.Application{Kind: members.Organization, Name: members.Names{En: name}, Group: members.CivilSociety,
			Country: "KE", ContactEmail: p.Email, Motivation: "To take part.", CharterAgreed: true}
		if err := a.members.Save(ctx, members.Actor{ID: p.UserID, Email: p.Email}, app, true); err != nil {
			t.Fatal(err)
		}
		decided, err := a.members.Decide(ctx, members.Actor{ID: people[auth.RoleSecretariat].UserID, Email: "secretariat@example.org"},
			app.ID, members.Approve, "")
		if err != nil {
			t.Fatal(err)
		}
		return decided.MemberID
	}
	own, others := admitted(rep, "Representative's Member"), admitted(other.Principal(), "Another Member")
	if _, ok, err := a.members.Represents(ctx, rep.UserID, own); err != nil || !ok {
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
		primaryOf := map[int64]int64{own: rep.UserID, others: other.ID}
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
					if _, represents, err := a.members.Represents(ctx, p.UserID, member); err != nil {
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
// registration, an invitation, and delegation quotas for members.
type proofEvent struct {
	slug         string
	id           int64
	registration int64 // pending, in the category "vetted"
	invitation   int64
}

// newProofEvent makes the event as the staff account by, with a quota of
// 1,000 in the category "open" for each member.
func newProofEvent(t *testing.T, a *testApp, by *web.Principal, memberIDs ...int64) *proofEvent {
	t.Helper()
	ctx := context.Background()
	actor := events.ActorOf(by)
	starts := time.Now().UTC().Add(30 * 24 * time.Hour).Truncate(time.Hour)
	e := &events.Event{Slug: "proof-summit", Kind: events.Summit, Title: i18n.Text{En: "Proof Summit"}, Starts: starts,
		Ends: starts.Add(8 * time.Hour), TimeZone: "UTC", Venue: "Wuzhen", Country: "CN", Languages: []string{i18n.En}}
	if err := a.events.Save(ctx, actor, e, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := a.events.SetStatus(ctx, actor, e.Slug, events.Published); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*events.Category{
		{Code: "open", Name: i18n.Text{En: "Open"}, Capacity: 100000, Approval: events.Auto},
		{Code: "vetted", Name: i18n.Text{En: "Vetted"}, Capacity: 100000, Approval: events.Manual,
			Consent: i18n.Text{En: "My name may appear on my badge."}},
	} {
		if err := a.events.SaveCategory(ctx, actor, e.Slug, c); err != nil {
			t.Fatal(err)
		}
	}
	pe := &proofEvent{slug: e.Slug, id: e.ID}
	u, err := a.users.Create(ctx, "registrant@example.org", "Registrant", "registrant-password")
	if err != nil {
		t.Fatal(err)
	}
	r, err := a.events.Register(ctx, events.ActorOf(u.Principal()), e.Slug, "vetted",
		events.Answers{"name": "Registrant", "country": "KE", "consent": "yes"})
	if err != nil {
		t.Fatal(err)
	}
	pe.registration = r.ID
	if _, err := a.events.CreateInvitation(ctx, actor, e.Slug, "open", 5, "Guests"); err != nil {
		t.Fatal(err)
	}
	invs, err := a.events.Invitations(ctx, e.ID)
	if err != nil || len(invs) != 1 {
		t.Fatalf("invitations %v, %v", invs, err)
	}
	pe.invitation = invs[0].ID
	for _, m := range memberIDs {
		if err := a.events.SetQuota(ctx, actor, e.Slug, m, "open", 1000); err != nil {
			t.Fatal(err)
		}
	}
	return pe
}

// path fills a route's wildcards: the event's slug, its registration or
// invitation, the member given, and 1 for anything else.
func (pe *proofEvent) path(rt web.Route, member int64) string {
	p := strings.ReplaceAll(rt.Path, "{slug}", pe.slug)
	switch {
	case strings.Contains(p, "/invitations/{id}"):
		p = strings.ReplaceAll(p, "{id}", strconv.FormatInt(pe.invitation, 10))
	case strings.Contains(p, "registrations/{id}"):
		p = strings.ReplaceAll(p, "{id}", strconv.FormatInt(pe.registration, 10))
	}
	if member != 0 {
		p = strings.ReplaceAll(p, "{member}", strconv.FormatInt(member, 10))
	}
	p = strings.ReplaceAll(wildcard.ReplaceAllString(p, "1"), "/1$", "/")
	return strings.TrimSuffix(p, "{$}")
}
