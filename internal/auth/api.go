package auth

import (
	"net/http"
	"time"

	"github.com/wuzhen/wuzhen/internal/web"
)

// Me is the answer of GET /api/v1/me.
type Me struct {
	Email  string   `json:"email"`
	Name   string   `json:"name"`
	Roles  []string `json:"roles"`
	Locale string   `json:"locale"`
}

func (h *Handlers) me(c *web.Ctx) error {
	roles := c.User.Roles
	if roles == nil {
		roles = []string{}
	}
	locale := c.User.Locale
	if locale == "" {
		locale = c.Lang
	}
	return c.JSON(http.StatusOK, Me{Email: c.User.Email, Name: c.User.Name, Roles: roles, Locale: locale})
}

// TokenList is the answer of GET /api/v1/me/tokens.
type TokenList struct {
	Tokens []APIToken `json:"tokens"`
}

func (h *Handlers) apiTokens(c *web.Ctx) error {
	list, err := h.Store.Tokens(c.Context(), c.User.ID)
	if err != nil {
		return err
	}
	if list == nil {
		list = []APIToken{}
	}
	return c.JSON(http.StatusOK, TokenList{Tokens: list})
}

// TokenRequest is the body of POST /api/v1/me/tokens. The expiry is an
// RFC 3339 time or a date (the end of that day, UTC); "" for the default.
type TokenRequest struct {
	Label   string `json:"label"`
	Expires string `json:"expires_at"`
}

// NewTokenAnswer is the answer of POST /api/v1/me/tokens: the token,
// shown this once.
type NewTokenAnswer struct {
	APIToken
	Token string `json:"token"`
}

func (h *Handlers) apiNewToken(c *web.Ctx) error {
	var req TokenRequest
	if err := c.DecodeJSON(&req); err != nil {
		return err
	}
	var expires *time.Time
	if req.Expires != "" {
		if e, err := time.Parse(time.RFC3339, req.Expires); err == nil {
			expires = &e
		} else if e, ok := dateEnd(req.Expires); ok {
			expires = e
		} else {
			return fieldErr("expires_at", "account.token_expiry_invalid")
		}
	}
	t, token, err := h.Store.NewToken(c.Context(), c.User, req.Label, expires)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, NewTokenAnswer{APIToken: t, Token: token})
}

func (h *Handlers) apiRevokeToken(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := h.Store.RevokeToken(c.Context(), c.User, id); err != nil {
		return err
	}
	c.W.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handlers) apiExport(c *web.Ctx) error {
	data, err := h.Store.Export(c.Context(), c.User)
	if err != nil {
		return err
	}
	c.W.Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, data)
}

// PasswordRequest is the body of DELETE /api/v1/me.
type PasswordRequest struct {
	Password string `json:"password"`
}

// Done is the answer of an action that returns nothing else.
type Done struct {
	OK bool `json:"ok"`
}

func (h *Handlers) apiDelete(c *web.Ctx) error {
	var req PasswordRequest
	if err := c.DecodeJSON(&req); err != nil {
		return err
	}
	if err := h.Store.Delete(c.Context(), c.User, req.Password); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, Done{OK: true})
}

// Account is an account in the administrators' API.
type Account struct {
	ID        int64      `json:"id"`
	Email     string     `json:"email"`
	Name      string     `json:"name"`
	Roles     []string   `json:"roles"`
	Verified  bool       `json:"verified"`
	Disabled  bool       `json:"disabled"`
	Created   time.Time  `json:"created_at"`
	LastLogin *time.Time `json:"last_login_at"`
}

func accountOf(u *User) Account {
	roles := u.Roles
	if roles == nil {
		roles = []string{}
	}
	return Account{ID: u.ID, Email: u.Email, Name: u.Name, Roles: roles, Verified: u.Verified, Disabled: u.Disabled != nil,
		Created: u.Created, LastLogin: u.LastLogin}
}

// AccountList is the answer of GET /api/v1/accounts.
type AccountList struct {
	Accounts []Account `json:"accounts"`
	Total    int       `json:"total"`
	Page     int       `json:"page"`
	PerPage  int       `json:"per_page"`
}

func (h *Handlers) apiAccounts(c *web.Ctx) error {
	q := c.R.URL.Query()
	page := web.PageNumber(q)
	list, total, err := h.Store.People(c.Context(), filterOf(q), PeoplePerPage, (page-1)*PeoplePerPage)
	if err != nil {
		return err
	}
	out := AccountList{Accounts: []Account{}, Total: total, Page: page, PerPage: PeoplePerPage}
	for _, u := range list {
		out.Accounts = append(out.Accounts, accountOf(u))
	}
	return c.JSON(http.StatusOK, out)
}

// RoleRequest is the body of POST /api/v1/accounts/{id}/roles.
type RoleRequest struct {
	Role  string `json:"role"`
	Grant bool   `json:"grant"`
}

func (h *Handlers) apiSetRole(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var req RoleRequest
	if err := c.DecodeJSON(&req); err != nil {
		return err
	}
	if err := h.Store.SetRole(c.Context(), c.User, id, req.Role, req.Grant); err != nil {
		return err
	}
	return h.apiAccount(c, id)
}

func (h *Handlers) apiAccount(c *web.Ctx, id int64) error {
	u, err := h.Store.Person(c.Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, accountOf(u))
}

func (h *Handlers) apiDisable(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := h.Store.SetDisabled(c.Context(), c.User, id, true); err != nil {
		return err
	}
	return h.apiAccount(c, id)
}
