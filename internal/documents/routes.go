package documents

import "github.com/wuzhen/wuzhen/internal/web"

// Routes is the documents part of the route table: the public archive and
// pages, the secretariat's drafting pages, and the API.
func (h *Handlers) Routes() []web.Route {
	manage := web.Perm(PermManage)
	rs := []web.Route{
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
