package training

import "github.com/wuzhen/wuzhen/internal/web"

// Routes is the training part of the route table. Routes a trainer uses
// are open to anyone signed in; the store serves only the secretariat
// and the programme's own trainers (NotFound for everyone else).
func (h *Handlers) Routes() []web.Route {
	manage := web.Perm(PermManage)
	return []web.Route{
		{Method: "GET", Path: "/training", Access: web.Public, Handle: h.list, Cache: true},
		{Method: "GET", Path: "/training/{slug}", Access: web.Public, Handle: h.page, Cache: true},
		{Method: "GET", Path: "/training/{slug}/apply", Access: web.SignedIn, Handle: h.applyForm},
		{Method: "POST", Path: "/training/{slug}/apply", Access: web.SignedIn, Handle: h.apply},
		{Method: "GET", Path: "/training/applications", Access: web.SignedIn, Handle: h.mine},
		{Method: "POST", Path: "/training/applications/{id}/accept", Access: web.SignedIn, Handle: h.accept},
		{Method: "POST", Path: "/training/applications/{id}/decline", Access: web.SignedIn, Handle: h.decline},
		{Method: "GET", Path: "/training/{slug}/cohort", Access: web.SignedIn, Handle: h.cohort},
		{Method: "GET", Path: "/training-reviews", Access: web.SignedIn, Handle: h.reviewQueue},
		{Method: "GET", Path: "/training-reviews/{id}", Access: web.SignedIn, Handle: h.reviewForm},
		{Method: "POST", Path: "/training-reviews/{id}", Access: web.SignedIn, Handle: h.saveReview},
		{Method: "POST", Path: "/training/{slug}/cohort/sessions", Access: web.SignedIn, Handle: h.addSession},
		{Method: "POST", Path: "/training/{slug}/cohort/sessions/{id}/attendance", Access: web.SignedIn, Handle: h.attend},

		{Method: "GET", Path: "/admin/training", Access: manage, Handle: h.adminList},
		{Method: "GET", Path: "/admin/training/new", Access: manage, Handle: h.newForm},
		{Method: "POST", Path: "/admin/training/new", Access: manage, Handle: h.create},
		{Method: "GET", Path: "/admin/training/{slug}", Access: manage, Handle: h.adminProgramme},
		{Method: "GET", Path: "/admin/training/reach", Access: manage, Handle: h.reach},
		{Method: "GET", Path: "/admin/training/reach.csv", Access: manage, Handle: h.reachCSV},
		{Method: "GET", Path: "/admin/training/reach.xlsx", Access: manage, Handle: h.reachXLSX},
		{Method: "POST", Path: "/admin/training/{slug}/publish", Access: manage, Handle: h.adminPublish},
		{Method: "POST", Path: "/admin/training/{slug}/offers", Access: manage, Handle: h.adminOffer},
		{Method: "POST", Path: "/admin/training/{slug}/trainers", Access: manage, Handle: h.adminTrainer},
		{Method: "POST", Path: "/admin/training/{slug}/reviewers", Access: manage, Handle: h.adminReviewer},
		{Method: "GET", Path: "/admin/training/{slug}/ranking", Access: manage, Handle: h.ranking},
		{Method: "POST", Path: "/admin/training/{slug}/certificates", Access: manage, Handle: h.adminIssue},
		{Method: "POST", Path: "/admin/training/certificates/{code}/revoke", Access: manage, Handle: h.adminRevoke},
		{Method: "GET", Path: "/certificates/{code}/pdf", Access: web.SignedIn, Handle: h.certificatePDF},

		{Method: "POST", Path: "/api/v1/programmes", Access: manage, Handle: h.apiCreate},
		{Method: "GET", Path: "/api/v1/programmes", Access: web.Public, Handle: h.apiList},
		{Method: "POST", Path: "/api/v1/programmes/{slug}/publish", Access: manage, Handle: h.apiPublish},
		{Method: "GET", Path: "/api/v1/programmes/{slug}/eligibility", Access: web.Public, Handle: h.apiEligibility},
		{Method: "POST", Path: "/api/v1/programmes/{slug}/applications", Access: web.SignedIn, Handle: h.apiApply},
		{Method: "GET", Path: "/api/v1/programme-applications/{id}", Access: web.SignedIn, Handle: h.apiApplication},
		{Method: "POST", Path: "/api/v1/programmes/{slug}/offers", Access: manage, Handle: h.apiOffer},
		{Method: "POST", Path: "/api/v1/programme-applications/{id}/accept", Access: web.SignedIn, Handle: h.apiAccept},
		{Method: "POST", Path: "/api/v1/programme-applications/{id}/decline", Access: web.SignedIn, Handle: h.apiDecline},
		{Method: "POST", Path: "/api/v1/programmes/{slug}/sessions", Access: web.SignedIn, Handle: h.apiAddSession},
		{Method: "POST", Path: "/api/v1/programmes/{slug}/sessions/{id}/attendance", Access: web.SignedIn, Handle: h.apiAttend},
		{Method: "GET", Path: "/api/v1/programmes/{slug}/participants", Access: web.SignedIn, Handle: h.apiParticipants},
		{Method: "POST", Path: "/api/v1/programmes/{slug}/certificates", Access: manage, Handle: h.apiIssue},
		{Method: "GET", Path: "/api/v1/programmes/{slug}/certificates", Access: manage, Handle: h.apiCertificates},
		{Method: "GET", Path: "/api/v1/me/certificates", Access: web.SignedIn, Handle: h.apiMyCertificates},
		{Method: "GET", Path: "/api/v1/certificates/{code}", Access: web.Public, Handle: h.apiCheck},
		{Method: "POST", Path: "/api/v1/certificates/{code}/revoke", Access: manage, Handle: h.apiRevoke},
	}
}
