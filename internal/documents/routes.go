package documents

import "github.com/wuzhen/wuzhen/internal/web"

// Routes is the documents part of the route table: the public archive and
// pages, the secretariat's drafting pages, and the API.
func (h *Handlers) Routes() []web.Route {
	manage := web.Perm(PermManage)
	rs := []web.Route{
		// The public: the archive, a document's page (with {slug}.pdf and
		// {slug}.html, its downloads), comparisons of published versions,
		// the feed of publications.
		{Method: "GET", Path: "/documents", Access: web.Public, Handle: h.archive, Cache: true},
		{Method: "GET", Path: "/documents/feed.atom", Access: web.Public, Handle: h.feed, Cache: true},
		{Method: "GET", Path: "/documents/{slug}", Access: web.Public, Handle: h.document, Cache: true},
		{Method: "GET", Path: "/documents/{slug}/compare", Access: web.Public, Handle: h.comparePage, Cache: true},

		// The secretariat drafts.
		{Method: "GET", Path: "/admin/documents", Access: manage, Handle: h.adminList},
		{Method: "GET", Path: "/admin/documents/new", Access: manage, Handle: h.newForm},
		{Method: "POST", Path: "/admin/documents/new", Access: manage, Handle: h.create},
		{Method: "GET", Path: "/admin/documents/{slug}", Access: manage, Handle: h.adminDocument},
		{Method: "GET", Path: "/admin/documents/{slug}/edit", Access: manage, Handle: h.editForm},
		{Method: "POST", Path: "/admin/documents/{slug}/edit", Access: manage, Handle: h.edit},
		{Method: "POST", Path: "/admin/documents/{slug}/versions", Access: manage, Handle: h.saveVersion, MaxBody: 2 << 20},
		{Method: "GET", Path: "/admin/documents/{slug}/versions/{number}", Access: manage, Handle: h.adminVersion},
		{Method: "POST", Path: "/admin/documents/{slug}/versions/{number}/name", Access: manage, Handle: h.nameVersion},
		{Method: "POST", Path: "/admin/documents/{slug}/versions/{number}/publish", Access: manage, Handle: h.publishVersion},
		{Method: "GET", Path: "/admin/documents/{slug}/compare", Access: manage, Handle: h.adminCompare},

		// The API.
		{Method: "POST", Path: "/api/v1/documents", Access: manage, Handle: h.apiCreate},
		{Method: "GET", Path: "/api/v1/documents", Access: web.Public, Handle: h.apiList, Cache: true},
		{Method: "GET", Path: "/api/v1/documents/{slug}", Access: web.Public, Handle: h.apiRead, Cache: true},
		{Method: "POST", Path: "/api/v1/documents/{slug}/versions", Access: manage, Handle: h.apiSaveVersion, MaxBody: 2 << 20},
		{Method: "GET", Path: "/api/v1/documents/{slug}/diff", Access: web.Public, Handle: h.apiDiff},
		{Method: "POST", Path: "/api/v1/documents/{slug}/publish", Access: manage, Handle: h.apiPublish},
	}

	// Consultation, endorsements and votes: consultation.go, endorsements.go, votes.go (added by the consultation work)
	// Their routes are appended here, e.g.
	//   rs = append(rs, h.consultationRoutes()...)
	//   rs = append(rs, h.endorsementRoutes()...)
	//   rs = append(rs, h.voteRoutes()...)

	return rs
}
