package main

import (
	"context"
	"fmt"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/events"
	"github.com/wuzhen/wuzhen/internal/members"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/demo"
)

// TestDemo loads the demo content, signs in with a printed credential and
// reads the organisation in all three languages: the Traditional Chinese
// page shows the Simplified content converted to the reader's script.
func TestDemo(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		ctx := context.Background()
		deps := a.demoDeps()
		creds, loaded, err := demo.Load(ctx, deps)
		if err != nil || !loaded || len(creds) != 4 { // staff, and a member's representative
			t.Fatalf("load: %v %v %v", creds, loaded, err)
		}
		if _, again, err := demo.Load(ctx, deps); err != nil || again {
			t.Fatalf("second load touched a database with accounts: %v %v", again, err)
		}
		b := a.browser(t)
		b.get("/").expect(t, http.StatusOK, "Global Internet Cooperation Forum (demo)", "Demo content")
		b.get("/?lang=zh-Hans").expect(t, http.StatusOK, "全球互联网合作论坛（演示）", "演示内容")
		b.get("/?lang=zh-Hant").expect(t, http.StatusOK, "全球互聯網合作論壇（演示）", "示範內容")
		b.get("/about").expect(t, http.StatusOK, "虛構的國際組織")
		summits, _, err := a.events.List(ctx, events.Filter{Kind: events.Summit}, 1, 0)
		if err != nil || len(summits) != 1 {
			t.Fatalf("newest summit: %v %v", summits, err)
		}
		newest := summits[0].Slug
		a.browser(t).get("/events/"+newest).expect(t, http.StatusOK, "Participants from 120 countries and regions")
		for _, c := range creds {
			s := a.browser(t)
			s.post("/login", url.Values{"email": {c.Email}, "password": {c.Password}}).expect(t, http.StatusSeeOther)
			if c.Role == "representative" {
				// The demo representative votes on the open resolution.
				s.get("/votes/1").expect(t, http.StatusOK, `action="/votes/1/ballot"`)
				continue
			}
			if c.Role == auth.RoleCheckIn {
				s.get("/admin").expect(t, http.StatusForbidden)
			} else {
				s.get("/admin").expect(t, http.StatusOK)
			}
			s.get("/checkin/"+newest).expect(t, http.StatusOK)
		}
		// Consultation: the closed one with about 60 comments, endorsed
		// by a third of the members; an open one and an open vote.
		year := time.Now().UTC().Year()
		_, closed, err := a.docs.Consultation(ctx, fmt.Sprintf("concept-data-flows-%d", year-1), 0)
		if err != nil || closed.Open(time.Now()) {
			t.Fatalf("closed consultation: %+v %v", closed, err)
		}
		if counts, err := a.docs.CommentCounts(ctx, closed); err != nil || sum(counts) < 55 {
			t.Errorf("closed consultation: %v comments, %v", counts, err)
		}
		var doc struct {
			Endorsements struct {
				Count int `json:"count"`
			} `json:"endorsements"`
		}
		apiCall(t, a, "", "GET", fmt.Sprintf("/api/v1/documents/concept-data-flows-%d", year-1), nil, &doc)
		_, counts, _, err := a.members.Memberships(ctx, members.MembershipFilter{}, 1, 0)
		if err != nil || doc.Endorsements.Count != counts[members.Active]/3 {
			t.Errorf("%d endorsements of %d active members", doc.Endorsements.Count, counts[members.Active])
		}
		if _, open, err := a.docs.Consultation(ctx, fmt.Sprintf("annual-meeting-resolution-%d", year), 0); err != nil || !open.Open(time.Now()) {
			t.Errorf("open consultation: %+v %v", open, err)
		}
		var vote struct {
			State   string `json:"state"`
			Results any    `json:"results"`
		}
		if apiCall(t, a, "", "GET", "/api/v1/votes/1", nil, &vote); vote.State != "open" || vote.Results != nil {
			t.Errorf("the demo vote: %+v", vote)
		}
	})
}

func sum(m map[int]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
