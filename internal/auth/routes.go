package auth

import "github.com/wuzhen/wuzhen/internal/web"

// Routes is the account part of the route table.
func (h *Handlers) Routes() []web.Route {
	people := web.Perm(PermManageUsers)
	return []web.Route{
		// Public: sign-up, sign-in, reset, and the link that confirms a
		// new address (opened from the mail, maybe in another browser).
		{Method: "GET", Path: "/signup", Access: web.Public, Handle: h.signupForm},
		{Method: "POST", Path: "/signup", Access: web.Public, Handle: h.signup},
		{Method: "GET", Path: "/verify", Access: web.Public, Handle: h.verifyForm},
		{Method: "POST", Path: "/verify", Access: web.Public, Handle: h.verify},
		{Method: "GET", Path: "/login", Access: web.Public, Handle: h.loginForm},
		{Method: "POST", Path: "/login", Access: web.Public, Handle: h.login},
		{Method: "GET", Path: "/logout", Access: web.Public, Handle: h.logoutForm},
		{Method: "POST", Path: "/logout", Access: web.Public, Handle: h.logout},
		{Method: "GET", Path: "/password/reset", Access: web.Public, Handle: h.resetRequestForm},
		{Method: "POST", Path: "/password/reset", Access: web.Public, Handle: h.resetRequest},
		{Method: "GET", Path: "/password/reset/confirm", Access: web.Public, Handle: h.resetForm},
		{Method: "POST", Path: "/password/reset/confirm", Access: web.Public, Handle: h.reset},
		{Method: "GET", Path: "/account/email/confirm", Access: web.Public, Handle: h.emailConfirmForm},
		{Method: "POST", Path: "/account/email/confirm", Access: web.Public, Handle: h.emailConfirm},

		// The signed-in person's own account.
		{Method: "GET", Path: "/account", Access: web.SignedIn, Handle: h.account},
		{Method: "POST", Path: "/account/profile", Access: web.SignedIn, Handle: h.saveProfile},
		{Method: "GET", Path: "/account/email", Access: web.SignedIn, Handle: h.emailForm},
		{Method: "POST", Path: "/account/email", Access: web.SignedIn, Handle: h.changeEmail},
		{Method: "GET", Path: "/account/password", Access: web.SignedIn, Handle: h.passwordForm},
		{Method: "POST", Path: "/account/password", Access: web.SignedIn, Handle: h.changePassword},
		{Method: "GET", Path: "/account/tokens", Access: web.SignedIn, Handle: h.tokens},
		{Method: "POST", Path: "/account/tokens", Access: web.SignedIn, Handle: h.newToken},
		{Method: "POST", Path: "/account/tokens/{id}/revoke", Access: web.SignedIn, Handle: h.revokeToken},
		{Method: "GET", Path: "/account/sessions", Access: web.SignedIn, Handle: h.sessions},
		{Method: "POST", Path: "/account/sessions/end", Access: web.SignedIn, Handle: h.endOtherSessions},
		{Method: "POST", Path: "/account/sessions/{id}/end", Access: web.SignedIn, Handle: h.endSession},
		{Method: "GET", Path: "/account/export", Access: web.SignedIn, Handle: h.export},
		{Method: "GET", Path: "/account/delete", Access: web.SignedIn, Handle: h.deleteForm},
		{Method: "POST", Path: "/account/delete", Access: web.SignedIn, Handle: h.deleteAccount},

		// Administrators: people.
		{Method: "GET", Path: "/admin/people", Access: people, Handle: h.people},
		{Method: "GET", Path: "/admin/people/{id}", Access: people, Handle: h.person},
		{Method: "POST", Path: "/admin/people/{id}/roles", Access: people, Handle: h.setRole},
		{Method: "POST", Path: "/admin/people/{id}/disable", Access: people, Handle: h.disable},
		{Method: "POST", Path: "/admin/people/{id}/enable", Access: people, Handle: h.enable},
		{Method: "POST", Path: "/admin/people/{id}/reset", Access: people, Handle: h.sendReset},

		// API.
		{Method: "GET", Path: "/api/v1/me", Access: web.SignedIn, Handle: h.me},
		{Method: "DELETE", Path: "/api/v1/me", Access: web.SignedIn, Handle: h.apiDelete},
		{Method: "GET", Path: "/api/v1/me/tokens", Access: web.SignedIn, Handle: h.apiTokens},
		{Method: "POST", Path: "/api/v1/me/tokens", Access: web.SignedIn, Handle: h.apiNewToken},
		{Method: "DELETE", Path: "/api/v1/me/tokens/{id}", Access: web.SignedIn, Handle: h.apiRevokeToken},
		{Method: "GET", Path: "/api/v1/me/export", Access: web.SignedIn, Handle: h.apiExport},
		{Method: "GET", Path: "/api/v1/accounts", Access: people, Handle: h.apiAccounts},
		{Method: "POST", Path: "/api/v1/accounts/{id}/roles", Access: people, Handle: h.apiSetRole},
		{Method: "POST", Path: "/api/v1/accounts/{id}/disable", Access: people, Handle: h.apiDisable},
	}
}
