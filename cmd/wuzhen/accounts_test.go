package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/calls"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/documents"
	"github.com/wuzhen/wuzhen/internal/events"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/members"
)

// personToken makes an account with a password and an API client with
// its token.
func (a *testApp) personToken(t *testing.T, email, name, password string, roles ...string) (*actor.Actor, *apiClient) {
	t.Helper()
	ctx := context.Background()
	u, err := a.users.Create(ctx, email, name, password, roles...)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := a.users.CreateToken(ctx, email, "test")
	if err != nil {
		t.Fatal(err)
	}
	return u.Principal(), &apiClient{a.browser(t), tok}
}

// TestAccountsAPI: the administrators' accounts API, roles, and a
// disabled account's token refused at once.
func TestAccountsAPI(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		root, admin := a.personToken(t, "root@example.org", "Root", "root password 1", auth.RoleAdmin)
		lee, leeAPI := a.personToken(t, "lee@example.org", "Lee Wen", "lee password 1")
		var me auth.Me
		if st := leeAPI.call("GET", "/api/v1/me", "", &me); st != http.StatusOK {
			t.Fatalf("lee's token: %d", st)
		}
		var list auth.AccountList
		if st := admin.call("GET", "/api/v1/accounts?q=wen", "", &list); st != http.StatusOK || list.Total != 1 || list.Accounts[0].ID != lee.ID {
			t.Fatalf("search: %d %+v", st, list)
		}
		if st := leeAPI.call("GET", "/api/v1/accounts", "", nil); st != http.StatusForbidden {
			t.Errorf("a plain account lists accounts: %d", st)
		}
		var acc auth.Account
		if st := admin.call("POST", fmt.Sprintf("/api/v1/accounts/%d/roles", lee.ID), `{"role":"checkin","grant":true}`, &acc); st != http.StatusOK ||
			len(acc.Roles) != 1 || acc.Roles[0] != auth.RoleCheckIn {
			t.Fatalf("grant: %d %+v", st, acc)
		}
		if st := admin.call("GET", "/api/v1/accounts?role=checkin", "", &list); st != http.StatusOK || list.Total != 1 {
			t.Errorf("by role: %d %+v", st, list)
		}
		var p problem
		if st := admin.call("POST", fmt.Sprintf("/api/v1/accounts/%d/roles", root.ID), `{"role":"admin","grant":false}`, &p); st != http.StatusConflict {
			t.Errorf("the last administrator's role: %d %+v", st, p)
		}
		if st := admin.call("POST", fmt.Sprintf("/api/v1/accounts/%d/roles", lee.ID), `{"role":"emperor","grant":true}`, &p); st != http.StatusUnprocessableEntity ||
			len(p.Errors) != 1 || p.Errors[0].Field != "role" {
			t.Errorf("an unknown role: %d %+v", st, p)
		}
		// Disabled: the token is refused at once.
		if st := admin.call("POST", fmt.Sprintf("/api/v1/accounts/%d/disable", lee.ID), "", &acc); st != http.StatusOK || !acc.Disabled {
			t.Fatalf("disable: %d %+v", st, acc)
		}
		if st := leeAPI.call("GET", "/api/v1/me", "", nil); st != http.StatusUnauthorized {
			t.Errorf("a disabled account's token: %d, want 401", st)
		}
		b := a.browser(t)
		b.post("/login", url.Values{"email": {"lee@example.org"}, "password": {"lee password 1"}}).expect(t, http.StatusForbidden, "disabled")
		if st := admin.call("POST", "/api/v1/accounts/999999/disable", "", nil); st != http.StatusNotFound {
			t.Errorf("no such account: %d", st)
		}
	})
}

// TestMyTokensAPI: a person makes, lists, uses and revokes their tokens.
func TestMyTokensAPI(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		_, api := a.personToken(t, "tok@example.org", "Tok", "tok password 1")
		expires := a.db.Now().Add(30 * 24 * time.Hour).UTC().Format(time.RFC3339)
		var made auth.NewTokenAnswer
		if st := api.call("POST", "/api/v1/me/tokens", `{"label":"export script","expires_at":"`+expires+`"}`, &made); st != http.StatusCreated ||
			!strings.HasPrefix(made.Token, "wz_") || made.Label != "export script" || made.Expires == nil {
			t.Fatalf("make: %d %+v", st, made)
		}
		second := &apiClient{a.browser(t), made.Token}
		if st := second.call("GET", "/api/v1/me", "", nil); st != http.StatusOK {
			t.Fatalf("the new token: %d", st)
		}
		var list auth.TokenList
		if st := api.call("GET", "/api/v1/me/tokens", "", &list); st != http.StatusOK || len(list.Tokens) != 2 {
			t.Fatalf("list: %d %+v", st, list)
		}
		for _, tk := range list.Tokens {
			if tk.ID == made.ID && tk.LastUsed == nil {
				t.Error("the new token's last use is not shown")
			}
		}
		var p problem
		if st := api.call("POST", "/api/v1/me/tokens", `{"label":"","expires_at":"2001-01-01T00:00:00Z"}`, &p); st != http.StatusUnprocessableEntity || len(p.Errors) != 2 {
			t.Errorf("bad token: %d %+v", st, p)
		}
		if st := api.call("DELETE", "/api/v1/me/tokens/"+strconv.FormatInt(made.ID, 10), "", nil); st != http.StatusNoContent {
			t.Fatalf("revoke: %d", st)
		}
		if st := second.call("GET", "/api/v1/me", "", nil); st != http.StatusUnauthorized {
			t.Errorf("a revoked token: %d", st)
		}
		if st := api.call("DELETE", "/api/v1/me/tokens/"+strconv.FormatInt(made.ID, 10), "", nil); st != http.StatusNotFound {
			t.Errorf("revoked twice: %d", st)
		}
	})
}

// TestPasswordChangeRevokesEverything: changing the password on the
// account page ends the other sessions and revokes every token; the
// page says so beforehand.
func TestPasswordChangeRevokesEverything(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		_, api := a.personToken(t, "pat@example.org", "Pat", "pat password 1")
		here, there := a.browser(t), a.browser(t)
		for _, b := range []*browser{here, there} {
			b.post("/login", url.Values{"email": {"pat@example.org"}, "password": {"pat password 1"}}).expect(t, http.StatusSeeOther)
		}
		here.get("/account/password").expect(t, http.StatusOK, "revokes every API token")
		here.post("/account/password", url.Values{"password": {"wrong"}, "new_password": {"pat password 2"}}).
			expect(t, http.StatusUnprocessableEntity, `id="e-password"`)
		r := here.post("/account/password", url.Values{"password": {"pat password 1"}, "new_password": {"pat password 2"}})
		r.expect(t, http.StatusSeeOther)
		here.get("/account").expect(t, http.StatusOK, "pat@example.org")
		if r := there.get("/account"); r.StatusCode != http.StatusSeeOther {
			t.Errorf("another session survived the change: %d", r.StatusCode)
		}
		if st := api.call("GET", "/api/v1/me", "", nil); st != http.StatusUnauthorized {
			t.Errorf("a token survived the change: %d", st)
		}
	})
}

// TestKnownDeviceSignsIn: failures for an account from the same address
// (the venue's one address) do not keep its owner out of a browser that
// signed in before.
func TestKnownDeviceSignsIn(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		if _, err := a.users.Create(context.Background(), "desk@example.org", "Desk", "the desk password", auth.RoleCheckIn); err != nil {
			t.Fatal(err)
		}
		owner, attacker := a.browser(t), a.browser(t)
		login := func(b *browser, pw string) response {
			return b.post("/login", url.Values{"email": {"desk@example.org"}, "password": {pw}})
		}
		login(owner, "the desk password").expect(t, http.StatusSeeOther)
		owner.post("/logout", url.Values{}).expect(t, http.StatusSeeOther)
		for i := 0; i < auth.LimitPerAccount; i++ {
			login(attacker, "a guess").expect(t, http.StatusUnauthorized)
		}
		login(attacker, "the desk password").expect(t, http.StatusTooManyRequests)
		login(owner, "the desk password").expect(t, http.StatusSeeOther)
		owner.get("/account").expect(t, http.StatusOK, "Desk")
	})
}

// TestDeleteAccountLeavesNoPersonalData: a person with a membership
// application, a registration and a submission downloads their data,
// which holds them, then deletes the account; afterwards no table of the
// database holds their address or their name.
func TestDeleteAccountLeavesNoPersonalData(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		ctx := context.Background()
		root, _ := a.personToken(t, "root@example.org", "Root", "root password 1", auth.RoleAdmin, auth.RoleSecretariat)
		pe := newProofEvent(t, a, root)
		const email, name = "zuzanna.q@example.org", "Zuzanna Quillfeather"
		me, api := a.personToken(t, email, name, "zuzanna password")
		b := a.browser(t)
		b.post("/login", url.Values{"email": {email}, "password": {"zuzanna password"}}).expect(t, http.StatusSeeOther)

		app := &members.Application{Kind: members.Organization, Name: members.Names{En: "Quillfeather Institute"}, Group: members.CivilSociety,
			Country: "PL", ContactName: name, ContactEmail: email, Motivation: "To take part.", CharterAgreed: true}
		if err := a.members.Save(ctx, me, app, true); err != nil {
			t.Fatal(err)
		}
		reg, err := a.events.Register(ctx, me, pe.slug, "open", events.Answers{"name": name, "country": "PL"})
		if err != nil {
			t.Fatal(err)
		}
		sub := &calls.Submission{Title: i18n.Text{En: "Quillfeather Case"}, Summary: i18n.Text{En: "A case."}, Field: calls.Fields[0],
			Countries: []string{"PL"}, Partners: []calls.Partner{{Name: "Partner Q", Country: "PL"}}}
		if err := a.calls.SaveSubmission(ctx, me, pe.call.slug, sub, calls.SubmitterInfo{Country: "PL", Organization: "Quillfeather Institute"}, true); err != nil {
			t.Fatal(err)
		}
		// A comment with an amendment in a consultation, under the
		// person's name and organisation.
		if err := a.docs.CreateDocument(ctx, root, &documents.Document{Slug: "quill-concept", Kind: documents.KindConceptPaper, Year: 2030,
			Title: i18n.Text{En: "Concept"}}); err != nil {
			t.Fatal(err)
		}
		v, err := a.docs.SaveVersion(ctx, root, "quill-concept", documents.VersionInput{Body: "# Aim\n\nThe first paragraph."})
		if err != nil {
			t.Fatal(err)
		}
		now := a.db.Now()
		if _, err := a.docs.OpenConsultation(ctx, root, "quill-concept", documents.ConsultationInput{Version: v.Number,
			OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		amend := "The first paragraph, amended."
		if _, err := a.docs.AddComment(ctx, me, "quill-concept", documents.CommentInput{Version: v.Number,
			Paragraph: v.Paragraphs[len(v.Paragraphs)-1].ID, Text: "Say more.", Amendment: &amend,
			Organisation: "Quillfeather Institute"}); err != nil {
			t.Fatal(err)
		}
		// The secretariat comments on the application, naming the person.
		if err := a.members.AddComment(ctx, root, app.ID, "Spoke with "+name+" ("+email+")."); err != nil {
			t.Fatal(err)
		}

		// The account page gathers them; the download holds them.
		b.get("/account").expect(t, http.StatusOK, "Quillfeather Institute", "Proof Summit", "Quillfeather Case")
		r := b.get("/account/export")
		r.expect(t, http.StatusOK, email, "Quillfeather Case", `"registrations"`)
		if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
			t.Errorf("Content-Disposition %q", cd)
		}
		var data map[string]any
		if st := api.call("GET", "/api/v1/me/export", "", &data); st != http.StatusOK {
			t.Fatalf("export: %d", st)
		}
		regs := data["events"].(map[string]any)["registrations"].([]any)
		subs := data["calls"].(map[string]any)["submissions"].([]any)
		apps := data["members"].(map[string]any)["applications"].([]any)
		if comments := data["documents"].(map[string]any)["comments"].([]any); len(comments) != 1 {
			t.Fatalf("export: comments %v", comments)
		}
		if len(regs) != 1 || regs[0].(map[string]any)["id"].(float64) != float64(reg.ID) || len(subs) != 1 || len(apps) != 1 {
			t.Fatalf("export: registrations %v, submissions %v, applications %v", regs, subs, apps)
		}

		// The page says what is kept before confirming; the password is
		// required.
		b.get("/account/delete").expect(t, http.StatusOK, "audit log", "confirmed registrations of past events")
		b.post("/account/delete", url.Values{"confirm": {"yes"}, "password": {"wrong"}}).expect(t, http.StatusUnprocessableEntity)
		var p problem
		if st := api.call("DELETE", "/api/v1/me", `{"password":"wrong"}`, &p); st != http.StatusUnprocessableEntity {
			t.Fatalf("delete with a wrong password: %d", st)
		}
		var done auth.Done
		if st := api.call("DELETE", "/api/v1/me", `{"password":"zuzanna password"}`, &done); st != http.StatusOK || !done.OK {
			t.Fatalf("delete: %d %+v", st, done)
		}
		if st := api.call("GET", "/api/v1/me", "", nil); st != http.StatusUnauthorized {
			t.Errorf("the deleted account's token: %d", st)
		}
		if r := b.get("/account"); r.StatusCode != http.StatusSeeOther {
			t.Errorf("the deleted account's session: %d", r.StatusCode)
		}

		// What is kept stays, anonymised: the registration (for the
		// figures; cancelled, since the event is ahead, its seat given
		// back) and the submitted case.
		var status, country string
		if err := a.db.QueryRow(ctx, "SELECT status, country FROM event_registrations WHERE id = ?", reg.ID).Scan(&status, &country); err != nil ||
			country != "PL" || status != string(events.Withdrawn) {
			t.Errorf("the registration: %q %q %v", status, country, err)
		}
		var taken int
		if err := a.db.QueryRow(ctx, "SELECT confirmed FROM event_categories WHERE id = ?", reg.CategoryID).Scan(&taken); err != nil || taken != 0 {
			t.Errorf("the category still counts %d confirmed (%v)", taken, err)
		}
		var subs2 int
		a.db.QueryRow(ctx, "SELECT count(*) FROM call_submissions WHERE id = ?", sub.ID).Scan(&subs2)
		if subs2 != 1 {
			t.Error("the submitted case is gone")
		}

		// Every table, every column: neither the address nor the name.
		tables := tablesOf(t, a.db)
		if len(tables) < 30 {
			t.Fatalf("only %d tables: %v", len(tables), tables)
		}
		for _, table := range tables {
			for _, hit := range find(t, a.db, table, strings.ToLower(email), strings.ToLower(name), "quillfeather@") {
				t.Errorf("%s still holds the person: %s", table, hit)
			}
		}
		// The address no longer signs in (this attempt is itself noted,
		// for the sign-in limits, and swept after a day).
		b.post("/login", url.Values{"email": {email}, "password": {"zuzanna password"}}).expect(t, http.StatusUnauthorized)
	})
}

// tablesOf lists every table of the database.
func tablesOf(t *testing.T, d *db.DB) []string {
	t.Helper()
	q := "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
	if d.Dialect() == db.Postgres {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
	}
	list, err := db.All(context.Background(), d, "tables", func(r db.Scanner) (string, error) {
		var s string
		return s, r.Scan(&s)
	}, q)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// find returns the cells of table that hold any of the needles (lower
// case), as "column: value".
func find(t *testing.T, d *db.DB, table string, needles ...string) []string {
	t.Helper()
	rows, err := d.Query(context.Background(), `SELECT * FROM "`+table+`"`)
	if err != nil {
		t.Fatalf("%s: %v", table, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var hits []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		for i, v := range vals {
			var s string
			switch x := v.(type) {
			case string:
				s = x
			case []byte:
				s = string(x)
			case sql.RawBytes:
				s = string(x)
			default:
				continue
			}
			s = strings.ToLower(s)
			for _, n := range needles {
				if strings.Contains(s, n) {
					hits = append(hits, fmt.Sprintf("%s: %.200q", cols[i], s))
				}
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", table, err)
	}
	return hits
}
