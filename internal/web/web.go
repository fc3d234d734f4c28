// Package web is the HTTP surface shared by every capability: one route table
// in which each route states who may reach it, per-request language and
// identity, rendering of pages in the shared layout, JSON and RFC 9457 problem
// details, security headers, request IDs, logs and metrics.
//
// Capabilities hand their routes to Server.Handle; handlers take a *Ctx and
// return an error, which is mapped to an HTTP status in one place (status.go).
package web

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/pagecache"
)

// Principal is the signed-in person a request acts for: the platform's one
// actor type, so that handlers hand it to stores as it is.
type Principal = actor.Actor

// Identity resolves who a request acts for. Implemented by package auth.
type Identity interface {
	// Session returns the principal of a session cookie's value, or nil.
	Session(ctx context.Context, token string) (*Principal, error)
	// Bearer returns the principal of a personal API token, or nil.
	Bearer(ctx context.Context, token string) (*Principal, error)
	// SetLocale stores a signed-in person's language choice.
	SetLocale(ctx context.Context, userID int64, lang string) error
}

// Policy decides whether p may do perm. It is the one place where
// permissions are decided (package auth builds it).
type Policy func(p *Principal, perm string) bool

// Access says who may reach a route.
type Access struct {
	signedIn bool
	perm     string
}

// The access levels of routes.
var (
	Public   = Access{}
	SignedIn = Access{signedIn: true}
)

// Perm is the access of a route that needs permission perm.
func Perm(perm string) Access { return Access{signedIn: true, perm: perm} }

// Permission returns the permission the access needs ("" for none).
func (a Access) Permission() string { return a.perm }

// NeedsSignIn reports whether the access needs a signed-in person.
func (a Access) NeedsSignIn() bool { return a.signedIn }

// HandlerFunc handles one request; a returned error is rendered by the server.
type HandlerFunc func(c *Ctx) error

// Route is one entry of the route table. Paths under /api/ answer JSON and
// problem details and authenticate by bearer token; other paths by session.
type Route struct {
	Method string // GET, POST, …
	Path   string // a net/http ServeMux path pattern
	Access Access
	Handle HandlerFunc
	// MaxBody limits the request body in bytes (default 1 MiB).
	MaxBody int64
	// Cache keeps the page rendered for anonymous readers until public
	// content changes (see package pagecache). Only for GET pages that
	// show nothing personal.
	Cache bool
}

// bodyLimit is the route's request body limit in bytes.
func (r Route) bodyLimit() int64 {
	if r.MaxBody > 0 {
		return r.MaxBody
	}
	return 1 << 20
}

// Pattern is the ServeMux pattern of the route.
func (r Route) Pattern() string { return r.Method + " " + r.Path }

// IsAPI reports whether the route belongs to the JSON API.
func (r Route) IsAPI() bool { return strings.HasPrefix(r.Path, "/api/") }

// Config holds what a Server depends on.
type Config struct {
	Logger   *slog.Logger
	Identity Identity
	Policy   Policy
	// BaseURL is the public address, used for links and to decide whether
	// cookies are Secure.
	BaseURL string
	// Brand returns the organisation's name in a language, for the layout.
	Brand func(ctx context.Context, lang string) string
	// DefaultLang returns the language of readers who state none that the
	// site speaks (no ?lang=, cookie, account choice or usable
	// Accept-Language); nil or "" is English. Called on such requests:
	// keep it cheap.
	DefaultLang func() string
	// Ready reports whether the server can serve (the database answers).
	Ready func(ctx context.Context) error
	// Templates renders pages.
	Templates *Templates
	// Now is the clock.
	Now func() time.Time
	// Cache keeps rendered public pages; nil caches nothing.
	Cache *pagecache.Cache
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client; requests from anywhere else are taken at their word.
	TrustedProxies []netip.Prefix
}

// Ctx is one request on its way through a handler.
type Ctx struct {
	W    http.ResponseWriter
	R    *http.Request
	User *Principal // nil when nobody is signed in
	Lang string     // negotiated interface language
	P    *i18n.Printer
	// SessionToken is the session cookie's value, "" when none.
	SessionToken string

	srv   *Server
	route Route
}

// Context returns the request's context.
func (c *Ctx) Context() context.Context { return c.R.Context() }

// Logger returns the server's logger.
func (c *Ctx) Logger() *slog.Logger { return c.srv.cfg.Logger }

// Can reports whether the signed-in person has permission perm.
func (c *Ctx) Can(perm string) bool { return c.User != nil && c.srv.cfg.Policy(c.User, perm) }

// ClientAddr is the client's IP address: the connection's peer, or, when
// the peer is a trusted proxy, the nearest untrusted address in
// X-Forwarded-For. Login and mail limits count per this address.
func (c *Ctx) ClientAddr() string {
	peer := c.R.RemoteAddr
	if host, _, err := net.SplitHostPort(peer); err == nil {
		peer = host
	}
	trusted := func(s string) bool {
		a, err := netip.ParseAddr(strings.TrimSpace(s))
		if err != nil {
			return false
		}
		for _, p := range c.srv.cfg.TrustedProxies {
			if p.Contains(a.Unmap()) {
				return true
			}
		}
		return false
	}
	if !trusted(peer) {
		return peer
	}
	hops := strings.Split(c.R.Header.Get("X-Forwarded-For"), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		h := strings.TrimSpace(hops[i])
		if h == "" {
			continue
		}
		if !trusted(h) {
			if _, err := netip.ParseAddr(h); err == nil {
				return h
			}
			return peer
		}
	}
	return peer
}

// Local reports whether the request comes from this machine: the client's
// address (ClientAddr) is a loopback address. A loopback peer that is not
// a trusted proxy but sends forwarding headers is a proxy on this machine
// passing on someone else's request, so it does not count.
func (c *Ctx) Local() bool {
	a, err := netip.ParseAddr(c.ClientAddr())
	if err != nil || !a.Unmap().IsLoopback() {
		return false
	}
	peer := c.R.RemoteAddr
	if host, _, err := net.SplitHostPort(peer); err == nil {
		peer = host
	}
	if pa, err := netip.ParseAddr(peer); err == nil && slices.ContainsFunc(c.srv.cfg.TrustedProxies, func(p netip.Prefix) bool { return p.Contains(pa.Unmap()) }) {
		return true
	}
	h := c.R.Header
	return h.Get("X-Forwarded-For") == "" && h.Get("Forwarded") == "" && h.Get("X-Real-IP") == ""
}

// Private keeps the page being answered out of the page cache (and any
// shared cache): for a public page that shows this reader something the
// next one must not see.
func (c *Ctx) Private() { c.W.Header().Set("Cache-Control", "private, no-store") }

// BaseURL is the public address of the site, without a trailing slash.
func (c *Ctx) BaseURL() string { return c.srv.base }

// Now is the server's clock (the database's, so that every instance agrees).
func (c *Ctx) Now() time.Time {
	if c.srv.cfg.Now != nil {
		return c.srv.cfg.Now()
	}
	return time.Now()
}
