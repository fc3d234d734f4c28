package main

import (
	"context"
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
		if err != nil || !loaded || len(creds) != 2 {
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
		for _, c := range creds {
			s := a.browser(t)
			s.post("/login", url.Values{"email": {c.Email}, "password": {c.Password}}).expect(t, http.StatusSeeOther)
			s.get("/admin").expect(t, http.StatusOK)
		}
	})
}
