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

	"github.com/wuzhen/wuzhen/internal/auth"
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

// memberScoped reports whether a route acts for the member in its path:
// its representatives and the secretariat reach it; anyone else signed
// in finds nothing there (404), so that ids reveal nothing.
func memberScoped(rt web.Route) bool { return strings.HasPrefix(rt.Path, "/members/manage/{id}") }

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
		if memberScoped(rt) {
			targets = []int64{own, others}
			scoped++
		}
		primaryOf := map[int64]int64{own: rep.UserID, others: other.ID}
		for _, member := range targets {
			path := rt.Path
			if member != 0 {
				path = strings.ReplaceAll(path, "{id}", strconv.FormatInt(member, 10))
				path = strings.ReplaceAll(path, "{user}", strconv.FormatInt(primaryOf[member], 10))
			}
			path = strings.ReplaceAll(wildcard.ReplaceAllString(path, "1"), "/1$", "/")
			if strings.HasSuffix(rt.Path, "{$}") {
				path = strings.TrimSuffix(rt.Path, "{$}")
			}
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
					} else if !represents && !auth.Can(p, members.PermManage) {
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
	if scoped < 7 {
		t.Errorf("only %d routes act for a member", scoped)
	}
}
