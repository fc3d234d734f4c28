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

	// Consultation, endorsements and votes (consultation.go, endorsements.go, votes.go).
	rs = append(rs,
		web.Route{Method: "POST", Path: "/api/v1/documents/{slug}/consultation", Access: manage, Handle: h.apiOpenConsultation},
		web.Route{Method: "GET", Path: "/api/v1/documents/{slug}/consultation", Access: web.Public, Handle: h.apiConsultation},
		web.Route{Method: "POST", Path: "/api/v1/documents/{slug}/comments", Access: web.SignedIn, Handle: h.apiComment},
		web.Route{Method: "POST", Path: "/api/v1/comments/{id}/hide", Access: manage, Handle: h.apiHide},
		web.Route{Method: "POST", Path: "/api/v1/comments/{id}/decision", Access: manage, Handle: h.apiDecide},
		web.Route{Method: "POST", Path: "/api/v1/documents/{slug}/endorsements/request", Access: manage, Handle: h.apiAskEndorsement},
		web.Route{Method: "POST", Path: "/api/v1/documents/{slug}/endorsements", Access: web.SignedIn, Handle: h.apiEndorse},
		web.Route{Method: "POST", Path: "/api/v1/votes", Access: manage, Handle: h.apiCreateVote},
		web.Route{Method: "GET", Path: "/api/v1/votes/{id}", Access: web.Public, Handle: h.apiVote},
		web.Route{Method: "POST", Path: "/api/v1/votes/{id}/ballots", Access: web.SignedIn, Handle: h.apiBallot},

		web.Route{Method: "GET", Path: "/documents/{slug}/consultation", Access: web.Public, Handle: h.consultationPage},
		web.Route{Method: "GET", Path: "/documents/{slug}/consultation/comment", Access: web.SignedIn, Handle: h.commentForm},
		web.Route{Method: "POST", Path: "/documents/{slug}/consultation/comment", Access: web.SignedIn, Handle: h.commentPost},
		web.Route{Method: "GET", Path: "/documents/{slug}/endorse", Access: web.SignedIn, Handle: h.endorseForm},
		web.Route{Method: "POST", Path: "/documents/{slug}/endorse", Access: web.SignedIn, Handle: h.endorsePost},
		web.Route{Method: "GET", Path: "/votes/{id}", Access: web.Public, Handle: h.votePage},
		web.Route{Method: "GET", Path: "/votes/{id}/results", Access: web.Public, Handle: h.voteResultsPage},
		web.Route{Method: "POST", Path: "/votes/{id}/ballot", Access: web.SignedIn, Handle: h.ballotPost},

		web.Route{Method: "GET", Path: "/admin/consultations", Access: manage, Handle: h.adminConsultations},
		web.Route{Method: "GET", Path: "/admin/documents/{slug}/consultation", Access: manage, Handle: h.moderation},
		web.Route{Method: "POST", Path: "/admin/documents/{slug}/consultation", Access: manage, Handle: h.openPost},
		web.Route{Method: "POST", Path: "/admin/documents/{slug}/consultation/carry", Access: manage, Handle: h.carryPost},
		web.Route{Method: "GET", Path: "/admin/documents/{slug}/consultation/comments.csv", Access: manage, Handle: h.exportCSV},
		web.Route{Method: "GET", Path: "/admin/documents/{slug}/consultation/comments.xlsx", Access: manage, Handle: h.exportXLSX},
		web.Route{Method: "POST", Path: "/admin/documents/{slug}/endorsements/ask", Access: manage, Handle: h.askPost},
		web.Route{Method: "POST", Path: "/admin/comments/{id}/hide", Access: manage, Handle: h.hidePost},
		web.Route{Method: "POST", Path: "/admin/comments/{id}/decision", Access: manage, Handle: h.decidePost},
		web.Route{Method: "GET", Path: "/admin/votes", Access: manage, Handle: h.adminVotes},
		web.Route{Method: "POST", Path: "/admin/votes", Access: manage, Handle: h.adminVotePost},
	)

	return rs
}
