package site

import (
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/web"
)

// Sections are the parts of the site named in the navigation, in order.
var Sections = []string{"members", "events", "cases", "documents", "training"}

// Routes is the site's part of the route table: the public pages, first-run
// setup and the organisation's settings (administrators).
func (h *Handlers) Routes() []web.Route {
	rs := []web.Route{
		{Method: "GET", Path: "/{$}", Access: web.Public, Handle: h.home, Cache: true},
		{Method: "GET", Path: "/about", Access: web.Public, Handle: h.about, Cache: true},
		{Method: "GET", Path: "/charter", Access: web.Public, Handle: h.text("charter"), Cache: true},
		{Method: "GET", Path: "/privacy", Access: web.Public, Handle: h.text("privacy"), Cache: true},

		{Method: "GET", Path: "/setup", Access: web.Public, Handle: h.setupForm},
		{Method: "POST", Path: "/setup", Access: web.Public, Handle: h.setup},

		{Method: "GET", Path: "/admin/settings", Access: web.Perm(auth.PermSettings), Handle: h.settingsForm},
		{Method: "POST", Path: "/admin/settings", Access: web.Perm(auth.PermSettings), Handle: h.saveSettings, MaxBody: 1 << 20},
		{Method: "POST", Path: "/admin/settings/logo", Access: web.Perm(auth.PermSettings), Handle: h.uploadLogo, MaxBody: 3 << 20},
		{Method: "POST", Path: "/admin/settings/logo/remove", Access: web.Perm(auth.PermSettings), Handle: h.removeLogo},
		{Method: "GET", Path: "/logo.png", Access: web.Public, Handle: h.logo},
		{Method: "GET", Path: "/api/v1/settings", Access: web.Perm(auth.PermSettings), Handle: h.apiSettings},
		{Method: "PUT", Path: "/api/v1/settings", Access: web.Perm(auth.PermSettings), Handle: h.apiSaveSettings, MaxBody: 1 << 20},
	}
	for _, s := range h.Placeholders {
		rs = append(rs, web.Route{Method: "GET", Path: "/" + s, Access: web.Public, Handle: h.section(s), Cache: true})
	}
	return rs
}
