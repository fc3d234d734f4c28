package members

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/crypt"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/db/dbtest"
	"github.com/wuzhen/wuzhen/internal/errs"
)

var invitationLink = regexp.MustCompile(`/members/invitations/accept\?token=([A-Za-z0-9_-]+)`)

// primaries returns the primary representatives of a member.
func (e *lcEnv) primaries(memberID int64) []int64 {
	e.t.Helper()
	rows, err := e.d.Query(context.Background(), "SELECT user_id FROM member_representatives WHERE member_id = ? AND is_primary", memberID)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		out = append(out, id)
	}
	return out
}

func TestRepresentatives(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newLCEnv(t, d)
		prim := e.user("primary@example.org", "Amina Otieno", "en")
		rep := e.user("rep@example.org", "Li Wei", "zh-Hans")
		outsider := e.user("outsider@example.org", "Outsider", "")
		m := e.member(&Member{Name: Names{En: "Nairobi Internet Exchange Trust"}, Acronym: "NIXT", Country: "KE",
			Group: TechnicalCommunity, JoinedOn: "2029-03-01"}, prim, rep)

		t.Run("who represents", func(t *testing.T) {
			for _, tc := range []struct {
				p                *actor.Actor
				primary, present bool
			}{{prim, true, true}, {rep, false, true}, {outsider, false, false}} {
				primary, ok, err := e.s.Represents(ctx, tc.p.ID, m.ID)
				if err != nil || primary != tc.primary || ok != tc.present {
					t.Errorf("%s: primary %v, ok %v, %v", tc.p.Email, primary, ok, err)
				}
			}
			if _, _, err := e.s.Managed(ctx, outsider, m.ID); errs.CodeOf(err) != errs.NotFound {
				t.Errorf("an outsider manages the member: %v", err)
			}
			if _, primary, err := e.s.Managed(ctx, e.sec, m.ID); err != nil || !primary {
				t.Errorf("the secretariat: %v %v", primary, err)
			}
			list, err := e.s.Represented(ctx, rep.ID)
			if err != nil || len(list) != 1 || list[0].ID != m.ID {
				t.Errorf("represented %v %v", list, err)
			}
			reps, err := e.s.Representatives(ctx, m.ID)
			if err != nil || len(reps) != 2 || !reps[0].Primary || reps[0].Email != "primary@example.org" || reps[1].Name != "Li Wei" {
				t.Errorf("representatives %+v %v", reps, err)
			}
		})

		t.Run("edit the profile", func(t *testing.T) {
			p := &Profile{Name: Names{En: "Nairobi Internet Exchange Trust", Hant: "內羅畢網際網路交換信託"}, Acronym: "NIXT",
				Website: "nixt.example.org", Description: Names{En: "We run the exchange.", Hans: "我们运营交换中心。"}}
			if err := e.s.UpdateProfile(ctx, outsider, m.ID, p); errs.CodeOf(err) != errs.NotFound {
				t.Errorf("an outsider edited: %v", err)
			}
			if err := e.s.UpdateProfile(ctx, rep, m.ID, &Profile{Website: "ftp://x", Acronym: strings.Repeat("A", 21)}); !fields(err)["name"] ||
				!fields(err)["website"] || !fields(err)["acronym"] {
				t.Errorf("bad profile: %v", err)
			}
			if err := e.s.UpdateProfile(ctx, rep, m.ID, p); err != nil {
				t.Fatal(err)
			}
			got := e.standing(m.ID)
			if got.Name.Hant != "內羅畢網際網路交換信託" || got.Website != "https://nixt.example.org" || got.Description.Hans != "我们运营交换中心。" ||
				got.Country != "KE" || got.Group != TechnicalCommunity {
				t.Errorf("stored %+v", got)
			}
			var search, sort string
			d.QueryRow(ctx, "SELECT search, sort_name FROM members WHERE id = ?", m.ID).Scan(&search, &sort)
			if search != searchText(p.Name, "NIXT") || sort != sortName(p.Name) {
				t.Errorf("search %q, sort %q", search, sort)
			}
			list, _, _ := e.s.Directory(ctx, Filter{Query: "内罗毕网际"}, 10, 0) // Simplified finds the Traditional name
			if len(list) != 1 || list[0].ID != m.ID {
				t.Errorf("directory search after the edit: %v", list)
			}
			entries := e.audited("member.profile_update", memberObject(m.ID))
			if len(entries) != 1 || entries[0].Actor != "rep@example.org" {
				t.Errorf("profile entries %+v", entries)
			}
			// Saving the same again changes and records nothing.
			if err := e.s.UpdateProfile(ctx, rep, m.ID, p); err != nil || len(e.audited("member.profile_update", memberObject(m.ID))) != 1 {
				t.Errorf("unchanged save: %v", err)
			}
		})

		var token string
		t.Run("invite", func(t *testing.T) {
			if err := e.s.Invite(ctx, outsider, m.ID, "new@example.org", "en"); errs.CodeOf(err) != errs.NotFound {
				t.Errorf("an outsider invited: %v", err)
			}
			if err := e.s.Invite(ctx, rep, m.ID, "not an address", "en"); !fields(err)["email"] {
				t.Errorf("bad address: %v", err)
			}
			if err := e.s.Invite(ctx, rep, m.ID, "Primary@Example.org", "en"); !fields(err)["email"] {
				t.Errorf("invited a representative: %v", err)
			}
			if err := e.s.Invite(ctx, rep, m.ID, " New@Example.org ", "zh-Hans"); err != nil {
				t.Fatal(err)
			}
			ms := e.mails("new@example.org")
			if len(ms) != 1 || ms[0].Subject != "邀请您担任 内罗毕网际网路交换信托 的代表" || !strings.Contains(ms[0].Text, "Li Wei") ||
				!strings.Contains(ms[0].Text, "14 天") {
				t.Fatalf("invitation mail %+v", ms)
			}
			match := invitationLink.FindStringSubmatch(ms[0].Text)
			if match == nil || !strings.Contains(ms[0].Text, "https://wic.example/members/invitations/accept?token=") {
				t.Fatalf("no link in %q", ms[0].Text)
			}
			token = match[1]
			var stored int
			d.QueryRow(ctx, "SELECT count(*) FROM member_invitations WHERE token_hash = ? OR token_hash = ?", token, crypt.HashToken(token)).Scan(&stored)
			if stored != 1 {
				t.Errorf("%d rows hold the token or its hash", stored)
			}
			var raw int
			d.QueryRow(ctx, "SELECT count(*) FROM member_invitations WHERE token_hash = ?", token).Scan(&raw)
			if raw != 0 {
				t.Error("the token is stored in clear")
			}
			invs, err := e.s.Invitations(ctx, m.ID)
			if err != nil || len(invs) != 1 || invs[0].Email != "new@example.org" || !invs[0].Expires.Equal(e.clock.now().Add(InvitationLife)) {
				t.Errorf("pending %+v %v", invs, err)
			}
			if len(e.audited("member.representative_invite", memberObject(m.ID))) != 1 {
				t.Error("invitation not audited")
			}
		})

		newcomer := e.user("new@example.org", "Newcomer", "zh-Hant")
		t.Run("accept once", func(t *testing.T) {
			inv, err := e.s.InvitationByToken(ctx, token)
			if err != nil || inv.MemberID != m.ID || inv.Member.En != "Nairobi Internet Exchange Trust" {
				t.Fatalf("invitation %+v %v", inv, err)
			}
			id, err := e.s.Accept(ctx, newcomer, token)
			if err != nil || id != m.ID {
				t.Fatalf("accept: %d %v", id, err)
			}
			if primary, ok, _ := e.s.Represents(ctx, newcomer.ID, m.ID); !ok || primary {
				t.Errorf("after accepting: primary %v, ok %v", primary, ok)
			}
			if _, err := e.s.Accept(ctx, outsider, token); errs.CodeOf(err) != errs.Invalid {
				t.Errorf("a spent invitation accepted again: %v", err)
			}
			if _, ok, _ := e.s.Represents(ctx, outsider.ID, m.ID); ok {
				t.Error("the outsider became a representative")
			}
			if _, err := e.s.InvitationByToken(ctx, token); errs.CodeOf(err) != errs.Invalid {
				t.Errorf("a spent invitation is shown: %v", err)
			}
			if _, err := e.s.Accept(ctx, outsider, "made-up"); errs.CodeOf(err) != errs.Invalid {
				t.Errorf("a made-up token: %v", err)
			}
			entries := e.audited("member.representative_add", memberObject(m.ID))
			if len(entries) != 1 || entries[0].Actor != "new@example.org" || entries[0].Details["primary"] != false {
				t.Errorf("accept entries %+v", entries)
			}
		})

		t.Run("invitations expire", func(t *testing.T) {
			tok, err := e.s.invite(ctx, prim, m.ID, "late@example.org", "en")
			if err != nil {
				t.Fatal(err)
			}
			e.clock.add(InvitationLife - time.Minute)
			if _, err := e.s.InvitationByToken(ctx, tok); err != nil {
				t.Errorf("expired early: %v", err)
			}
			e.clock.add(2 * time.Minute)
			if _, err := e.s.InvitationByToken(ctx, tok); errs.CodeOf(err) != errs.Invalid {
				t.Errorf("expired invitation shown: %v", err)
			}
			if _, err := e.s.Accept(ctx, outsider, tok); errs.CodeOf(err) != errs.Invalid {
				t.Errorf("expired invitation accepted: %v", err)
			}
			if invs, _ := e.s.Invitations(ctx, m.ID); len(invs) != 0 {
				t.Errorf("expired invitations listed as pending: %v", invs)
			}
		})

		t.Run("only the primary removes and hands over", func(t *testing.T) {
			if err := e.s.HandOver(ctx, rep, m.ID, rep.ID); errs.CodeOf(err) != errs.Forbidden {
				t.Errorf("a non-primary handed over: %v", err)
			}
			if err := e.s.RemoveRepresentative(ctx, rep, m.ID, newcomer.ID); errs.CodeOf(err) != errs.Forbidden {
				t.Errorf("a non-primary removed: %v", err)
			}
			if err := e.s.HandOver(ctx, outsider, m.ID, outsider.ID); errs.CodeOf(err) != errs.NotFound {
				t.Errorf("an outsider handed over: %v", err)
			}
			if err := e.s.RemoveRepresentative(ctx, outsider, m.ID, rep.ID); errs.CodeOf(err) != errs.NotFound {
				t.Errorf("an outsider removed: %v", err)
			}
			if err := e.s.HandOver(ctx, prim, m.ID, outsider.ID); errs.CodeOf(err) != errs.NotFound {
				t.Errorf("handed over to a non-representative: %v", err)
			}
			if err := e.s.RemoveRepresentative(ctx, prim, m.ID, prim.ID); errs.CodeOf(err) != errs.Conflict {
				t.Errorf("the primary removed itself: %v", err)
			}
			if got := e.primaries(m.ID); len(got) != 1 || got[0] != prim.ID {
				t.Errorf("primaries %v", got)
			}
		})

		t.Run("hand over", func(t *testing.T) {
			if err := e.s.HandOver(ctx, prim, m.ID, newcomer.ID); err != nil {
				t.Fatal(err)
			}
			if got := e.primaries(m.ID); len(got) != 1 || got[0] != newcomer.ID {
				t.Errorf("primaries %v", got)
			}
			ms := e.mails("new@example.org")
			if len(ms) == 0 || ms[0].Subject != "您已成為主要代表" {
				t.Errorf("hand-over mail %+v", ms)
			}
			if err := e.s.HandOver(ctx, prim, m.ID, prim.ID); errs.CodeOf(err) != errs.Forbidden {
				t.Errorf("the former primary took it back: %v", err)
			}
			if err := e.s.RemoveRepresentative(ctx, newcomer, m.ID, rep.ID); err != nil {
				t.Fatal(err)
			}
			if _, ok, _ := e.s.Represents(ctx, rep.ID, m.ID); ok {
				t.Error("still a representative after removal")
			}
			if err := e.s.HandOver(ctx, e.sec, m.ID, prim.ID); err != nil {
				t.Errorf("the secretariat hands over: %v", err)
			}
			if got := e.primaries(m.ID); len(got) != 1 || got[0] != prim.ID {
				t.Errorf("primaries %v", got)
			}
			for _, action := range []string{"member.primary_handover", "member.representative_remove"} {
				if len(e.audited(action, memberObject(m.ID))) == 0 {
					t.Errorf("no %s in the audit log", action)
				}
			}
			// The database refuses a second primary whatever the code does.
			_, err := d.Exec(ctx, "UPDATE member_representatives SET is_primary = true WHERE member_id = ? AND user_id = ?", m.ID, newcomer.ID)
			if !db.IsUnique(err) {
				t.Errorf("a second primary was stored: %v", err)
			}
		})

		t.Run("individual members and members without representatives", func(t *testing.T) {
			self := e.user("self@example.org", "Amina Self", "en")
			ind := e.member(&Member{Kind: Individual, Name: Names{En: "Amina Self"}, Group: IndividualGroup}, self)
			if err := e.s.UpdateProfile(ctx, self, ind.ID, &Profile{Name: Names{En: "Amina Self-Otieno"}}); err != nil {
				t.Errorf("an individual edits their profile: %v", err)
			}
			if err := e.s.Invite(ctx, self, ind.ID, "friend@example.org", "en"); errs.CodeOf(err) != errs.Conflict {
				t.Errorf("an individual invited a representative: %v", err)
			}
			imported := e.member(&Member{Name: Names{En: "Imported"}}, nil)
			tok, err := e.s.invite(ctx, e.sec, imported.ID, "boss@example.org", "en")
			if err != nil {
				t.Fatal(err)
			}
			boss := e.user("boss@example.org", "Boss", "")
			if _, err := e.s.Accept(ctx, boss, tok); err != nil {
				t.Fatal(err)
			}
			if got := e.primaries(imported.ID); len(got) != 1 || got[0] != boss.ID {
				t.Errorf("the first representative of a member is not its primary: %v", got)
			}
		})

		t.Run("a withdrawn member is left to the secretariat", func(t *testing.T) {
			if _, err := e.s.ChangeStanding(ctx, e.sec, m.ID, ActWithdraw, "Closed.", ""); err != nil {
				t.Fatal(err)
			}
			if err := e.s.UpdateProfile(ctx, prim, m.ID, &Profile{Name: Names{En: "Renamed"}}); errs.CodeOf(err) != errs.Conflict {
				t.Errorf("a withdrawn member's profile edited: %v", err)
			}
			if err := e.s.Invite(ctx, prim, m.ID, "x@example.org", "en"); errs.CodeOf(err) != errs.Conflict {
				t.Errorf("a withdrawn member invited: %v", err)
			}
			if err := e.s.UpdateProfile(ctx, e.sec, m.ID, &Profile{Name: Names{En: "Renamed"}}); err != nil {
				t.Errorf("the secretariat edits a withdrawn member: %v", err)
			}
		})
	})
}

// TestConcurrentHandOver runs hand-overs of the same member at once, by its
// primary to two different representatives and by the secretariat: each
// time exactly one primary remains, and the primary's second hand-over is
// refused because it no longer holds the role.
func TestConcurrentHandOver(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newLCEnv(t, d)
		a := e.user("a@example.org", "A", "")
		b := e.user("b@example.org", "B", "")
		c := e.user("c@example.org", "C", "")
		for round := 0; round < 8; round++ {
			m := e.member(&Member{}, a, b, c)
			var wg sync.WaitGroup
			results := make([]error, 4)
			start := make(chan struct{})
			for i, h := range []struct {
				by *actor.Actor
				to int64
			}{{a, b.ID}, {a, c.ID}, {e.sec, b.ID}, {e.sec, c.ID}} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					results[i] = e.s.HandOver(ctx, h.by, m.ID, h.to)
				}()
			}
			close(start)
			wg.Wait()
			if got := e.primaries(m.ID); len(got) != 1 {
				t.Fatalf("round %d: primaries %v (results %v)", round, got, results)
			}
			if results[0] == nil && results[1] == nil {
				t.Errorf("round %d: A handed the role over twice", round)
			}
			for i, err := range results {
				if err != nil && errs.CodeOf(err) != errs.Forbidden {
					t.Errorf("round %d: hand-over %d: %v", round, i, err)
				}
			}
			if results[2] != nil || results[3] != nil {
				t.Errorf("round %d: the secretariat was refused: %v", round, results)
			}
		}
	})
}

func TestRepresentativePages(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		e := newLCEnv(t, d)
		prim := e.user("primary@example.org", "Amina Otieno", "en")
		rep := e.user("rep@example.org", "Li Wei", "")
		outsider := e.user("outsider@example.org", "Outsider", "")
		newcomer := e.user("new@example.org", "Newcomer", "")
		m := e.member(&Member{Name: Names{En: "Andes Data Trust"}, Acronym: "ADT"}, prim, rep)
		s := newLCServer(t, e, lcIdentity{"prim": prim, "rep": rep, "out": outsider, "new": newcomer, "sec": e.sec})
		base := fmt.Sprintf("/members/manage/%d", m.ID)

		for _, tc := range []struct {
			who, path string
			status    int
			want      string
		}{
			{"prim", base, 200, "Andes Data Trust"},
			{"rep", base + "?lang=zh-Hans", 200, "管理会员资格"},
			{"rep", base + "/edit?lang=zh-Hant", 200, "繁體中文簡介"},
			{"prim", base + "/representatives", 200, "Make primary"},
			{"rep", base + "/representatives", 200, "Only the primary representative"},
			{"sec", base + "/representatives", 200, "Li Wei"},
			{"out", base, 404, ""},
			{"out", base + "/edit", 404, ""},
			{"out", base + "/representatives", 404, ""},
			{"", base, 303, ""},
			{"", "/members/invitations/accept?token=nope", 404, "invalid, already used or expired"},
		} {
			res, body := s.do(tc.who, "GET", tc.path, nil)
			if res.StatusCode != tc.status || !strings.Contains(body, tc.want) {
				t.Errorf("GET %s as %q: %d, want %d with %q", tc.path, tc.who, res.StatusCode, tc.status, tc.want)
			}
		}

		edit := url.Values{"name_en": {"Andes Data Trust"}, "name_zh_hans": {"安第斯数据信托"}, "acronym": {"ADT"},
			"website": {"ftp://bad"}, "description_en": {"Open data."}}
		res, body := s.do("rep", "POST", base+"/edit", edit)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "安第斯数据信托") || !strings.Contains(body, `id="e-website"`) {
			t.Errorf("bad edit: %d", res.StatusCode)
		}
		edit.Set("website", "andes.example.org")
		if res, _ = s.do("rep", "POST", base+"/edit", edit); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != base+"?done=saved" {
			t.Errorf("edit: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if _, body = s.do("rep", "GET", base+"?done=saved", nil); !strings.Contains(body, "The profile is saved.") || !strings.Contains(body, "安第斯数据信托") {
			t.Error("the saved profile is not shown")
		}
		if res, _ = s.do("out", "POST", base+"/edit", edit); res.StatusCode != http.StatusNotFound {
			t.Errorf("an outsider's edit: %d", res.StatusCode)
		}

		if res, _ = s.do("out", "POST", base+"/representatives/invite", url.Values{"email": {"new@example.org"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("an outsider's invitation: %d", res.StatusCode)
		}
		if res, body = s.do("rep", "POST", base+"/representatives/invite", url.Values{"email": {"nope"}}); res.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, `id="e-email"`) {
			t.Errorf("a bad address: %d", res.StatusCode)
		}
		if res, _ = s.do("rep", "POST", base+"/representatives/invite", url.Values{"email": {"new@example.org"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("invite: %d", res.StatusCode)
		}
		if _, body = s.do("rep", "GET", base+"/representatives?done=invited", nil); !strings.Contains(body, "new@example.org") {
			t.Error("the pending invitation is not listed")
		}
		ms := e.mails("new@example.org")
		match := invitationLink.FindStringSubmatch(ms[0].Text)
		if match == nil {
			t.Fatalf("no link in %q", ms[0].Text)
		}
		accept := "/members/invitations/accept?token=" + match[1]
		if _, body = s.do("", "GET", accept, nil); !strings.Contains(body, "/login?next=") || !strings.Contains(body, "Andes Data Trust") {
			t.Error("an anonymous visitor is not asked to sign in")
		}
		if _, body = s.do("new", "GET", accept, nil); !strings.Contains(body, "Accept the invitation") || !strings.Contains(body, "new@example.org") {
			t.Error("the signed-in invitee sees no form")
		}
		if res, _ = s.do("", "POST", "/members/invitations/accept", url.Values{"token": {match[1]}}); res.StatusCode != http.StatusSeeOther ||
			!strings.HasPrefix(res.Header.Get("Location"), "/login") {
			t.Errorf("accepted anonymously: %d", res.StatusCode)
		}
		res, _ = s.do("new", "POST", "/members/invitations/accept", url.Values{"token": {match[1]}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != base+"?done=welcome" {
			t.Fatalf("accept: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if res, body = s.do("out", "POST", "/members/invitations/accept", url.Values{"token": {match[1]}}); res.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "invalid, already used or expired") {
			t.Errorf("accepted twice: %d", res.StatusCode)
		}

		handOver := fmt.Sprintf("%s/representatives/%d/primary", base, newcomer.ID)
		if res, body = s.do("rep", "POST", handOver, url.Values{}); res.StatusCode != http.StatusForbidden || !strings.Contains(body, "Only the primary representative can do this.") {
			t.Errorf("a non-primary's hand-over: %d", res.StatusCode)
		}
		if res, _ = s.do("prim", "POST", handOver, url.Values{}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("hand-over: %d", res.StatusCode)
		}
		remove := fmt.Sprintf("%s/representatives/%d/remove", base, newcomer.ID)
		if res, body = s.do("new", "POST", remove, url.Values{}); res.StatusCode != http.StatusConflict || !strings.Contains(body, "cannot be removed") {
			t.Errorf("the primary removed itself: %d", res.StatusCode)
		}
		remove = fmt.Sprintf("%s/representatives/%d/remove", base, rep.ID)
		if res, _ = s.do("new", "POST", remove, url.Values{}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("remove: %d", res.StatusCode)
		}
		if res, _ = s.do("rep", "GET", base, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("a removed representative still manages: %d", res.StatusCode)
		}
	})
}
