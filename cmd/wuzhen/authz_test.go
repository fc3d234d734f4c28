package main

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/web"
)

var wildcard = regexp.MustCompile(`\{[^}]*\}`)

// TestAuthorisationMatrix requests every route of the route table as every
// kind of person and checks the answer against the route's declared access
// and the policy: nobody reaches what the table does not allow, and
// everybody reaches what it does.
func TestAuthorisationMatrix(t *testing.T) {
	a := startApp(t, "sqlite:"+filepath.Join(t.TempDir(), "w.db"))
	ctx := context.Background()
	people := map[string]*web.Principal{"anonymous": nil}
	browsers := map[string]*browser{"anonymous": a.browser(t)}
	tokens := map[string]string{}
	for _, role := range append([]string{""}, auth.Roles...) {
		name, email := "member", "plain@example.org"
		if role != "" {
			name, email = role, role+"@example.org"
		}
		var roles []string
		if role != "" {
			roles = []string{role}
		}
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
	}
	routes := a.web.Routes()
	// Signing out ends the session the other requests need: do it last.
	sort.SliceStable(routes, func(i, j int) bool { return routes[j].Pattern() == "POST /logout" })
	if len(routes) < 15 {
		t.Fatalf("only %d routes in the table", len(routes))
	}
	for _, rt := range routes {
		path := strings.ReplaceAll(wildcard.ReplaceAllString(rt.Path, "1"), "/1$", "/")
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
			toLogin := r.StatusCode == http.StatusSeeOther && strings.HasPrefix(r.Header.Get("Location"), "/login?next=")
			denied := r.StatusCode == http.StatusForbidden || toLogin || (rt.IsAPI() && r.StatusCode == http.StatusUnauthorized)
			allowed := true
			if rt.Access.NeedsSignIn() && p == nil {
				allowed = false
			}
			if perm := rt.Access.Permission(); perm != "" && !auth.Can(p, perm) {
				allowed = false
			}
			if allowed == denied {
				t.Errorf("%s as %s: status %d (Location %q); allowed by the table: %v",
					rt.Pattern(), who, r.StatusCode, r.Header.Get("Location"), allowed)
			}
		}
	}
}
