package main

import (
	"context"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/events"
	"net/http"
	"net/url"
	"testing"

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
		if err != nil || !loaded || len(creds) != 3 {
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
			if c.Role == auth.RoleCheckIn {
				s.get("/admin").expect(t, http.StatusForbidden)
			} else {
				s.get("/admin").expect(t, http.StatusOK)
			}
			s.get("/checkin/"+newest).expect(t, http.StatusOK)
		}
	})
}
