package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
)

// Cookie names.
const (
	SessionCookie = "wz_session"
	LangCookie    = "wz_lang"
)

// Server is the HTTP handler of the whole site.
type Server struct {
	cfg     Config
	base    string
	secure  bool
	mux     *http.ServeMux
	routes  []Route
	handler http.Handler

	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

// New returns a Server with the platform's own routes (/healthz, /readyz,
// /metrics, /static/) and no others yet.
func New(cfg Config) *Server {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{
		cfg:  cfg,
		base: strings.TrimRight(cfg.BaseURL, "/"),
		mux:  http.NewServeMux(),
		reg:  prometheus.NewRegistry(),
	}
	if u, err := url.Parse(s.base); err == nil && u.Scheme == "https" {
		s.secure = true
	}
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "wuzhen_http_requests_total", Help: "HTTP requests by route pattern, method and status code.",
	}, []string{"route", "code"})
	s.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "wuzhen_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"route"})
	s.reg.MustRegister(s.requests, s.latency,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	s.mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if cfg.Ready != nil {
			if err := cfg.Ready(ctx); err != nil {
				cfg.Logger.ErrorContext(r.Context(), "not ready", "err", err)
				http.Error(w, "not ready", http.StatusServiceUnavailable)
				return
			}
		}
		w.Write([]byte("ready\n"))
	})
	s.mux.Handle("GET /metrics", s.metricsForAdmin())
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", staticHandler()))

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, nil, http.StatusForbidden, "error.cross_origin")
	}))
	s.handler = s.requestID(s.recoverer(s.headers(compress(cop.Handler(http.HandlerFunc(s.dispatch))))))
	return s
}

// dispatch hands the request to the route that matches it; a path that no
// route matches (404) or a method that its routes do not take (405, with
// Allow) gets the site's own error page in the reader's language, or
// problem details under /api/, instead of ServeMux's plain text.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request) {
	h, pattern := s.mux.Handler(r)
	if pattern != "" {
		s.mux.ServeHTTP(w, r)
		return
	}
	// ServeMux's own answer says which of the two it is, and what Allow is.
	probe := &headerProbe{header: http.Header{}, code: http.StatusOK}
	h.ServeHTTP(probe, r)
	status := probe.code
	if status != http.StatusMethodNotAllowed {
		status = http.StatusNotFound
	}
	if allow := probe.header.Get("Allow"); allow != "" {
		w.Header().Set("Allow", allow)
	}
	c := &Ctx{W: w, R: r, srv: s, route: Route{Method: r.Method, Path: r.URL.Path}}
	s.identify(c)
	s.negotiate(c)
	s.renderStatus(c, status)
	s.requests.WithLabelValues("unmatched", strconv.Itoa(status)).Inc()
}

// headerProbe records the status and header of an answer and drops its body.
type headerProbe struct {
	header http.Header
	code   int
}

func (p *headerProbe) Header() http.Header         { return p.header }
func (p *headerProbe) WriteHeader(code int)        { p.code = code }
func (p *headerProbe) Write(b []byte) (int, error) { return len(b), nil }

// PermMetrics is the permission to read /metrics on the site's own
// address (an API token of an account holding it); see MetricsHandler.
const PermMetrics = "metrics.read"

// MetricsHandler answers the Prometheus metrics to anyone who reaches it:
// serve mounts it on a listener of its own (--metrics-addr), for an
// address that only the monitoring can reach.
func (s *Server) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))
	return mux
}

// metricsForAdmin is /metrics on the site's address: per-route counts
// (visa pages, check-ins, failed sign-ins) are not public, so it answers
// only a Bearer token whose account holds PermMetrics; without one 401,
// with another 403, both as problem details.
func (s *Server) metricsForAdmin() http.Handler {
	h := promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p *Principal
		if scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Bearer") && s.cfg.Identity != nil {
			p, _ = s.cfg.Identity.Bearer(r.Context(), strings.TrimSpace(tok))
		}
		lp := i18n.For(i18n.Negotiate(r.Header.Get("Accept-Language")))
		switch {
		case p == nil:
			w.Header().Set("WWW-Authenticate", `Bearer realm="wuzhen"`)
			writeProblem(w, s.problem(r, lp, http.StatusUnauthorized, "error.unauthorized"))
		case s.cfg.Policy == nil || !s.cfg.Policy(p, PermMetrics):
			writeProblem(w, s.problem(r, lp, http.StatusForbidden, "error.forbidden"))
		default:
			w.Header().Set("Cache-Control", "no-store")
			h.ServeHTTP(w, r)
		}
	})
}

// Handle adds routes to the table. It panics on a pattern that ServeMux
// rejects or that is already taken: both are programming errors.
func (s *Server) Handle(routes ...Route) {
	for _, rt := range routes {
		s.routes = append(s.routes, rt)
		s.mux.Handle(rt.Pattern(), s.wrap(rt))
	}
}

// Routes returns the route table, for the authorisation test and the
// OpenAPI check.
func (s *Server) Routes() []Route { return append([]Route(nil), s.routes...) }

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// wrap turns a route into an http.Handler: body limit, language, identity,
// access check, the handler, error rendering, metrics.
func (s *Server) wrap(rt Route) http.Handler {
	pattern := rt.Pattern()
	max := rt.bodyLimit()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		r.Body = http.MaxBytesReader(sw, r.Body, max)
		c := &Ctx{W: sw, R: r, srv: s, route: rt}
		s.serve(c)
		s.requests.WithLabelValues(pattern, strconv.Itoa(sw.code)).Inc()
		s.latency.WithLabelValues(pattern).Observe(time.Since(start).Seconds())
	})
}

// formUpload reports whether the request is a page's form with a file
// (multipart), which the upload handlers answer at the field when too large.
func formUpload(c *Ctx) bool {
	if c.route.IsAPI() {
		return false
	}
	mt, _, _ := mime.ParseMediaType(c.R.Header.Get("Content-Type"))
	return mt == "multipart/form-data"
}

func (s *Server) serve(c *Ctx) {
	r := c.R
	err := s.identify(c)
	s.negotiate(c)
	if err == nil {
		err = checkQuery(r.URL)
	}
	if err == nil && r.ContentLength > c.route.bodyLimit() && !formUpload(c) {
		// Refused before any handler looks at the path or the body: a
		// declared length over the route's limit is 413, but for a form's
		// file upload, whose handler reads up to the limit and says so at
		// the field, with the rest of the form still filled in.
		err = errs.Wrap(errs.Invalid, "error.too_large", &http.MaxBytesError{Limit: c.route.bodyLimit()})
	}
	if err != nil {
		s.renderError(c, err)
		return
	}
	if c.route.Access.NeedsSignIn() && c.User == nil {
		if c.route.IsAPI() {
			c.W.Header().Set("WWW-Authenticate", `Bearer realm="wuzhen"`)
			s.fail(c.W, r, c.P, http.StatusUnauthorized, "error.unauthorized")
			return
		}
		next := r.URL.RequestURI()
		http.Redirect(c.W, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
		return
	}
	if p := c.route.Access.Permission(); p != "" && !s.cfg.Policy(c.User, p) {
		s.renderError(c, errForbidden)
		return
	}
	if c.route.Cache && c.User == nil && s.cfg.Cache != nil && r.Method == http.MethodGet {
		s.servePage(c)
		return
	}
	if err := c.route.Handle(c); err != nil {
		s.renderError(c, err)
	}
}

// identify sets who the request acts for: the bearer token's account on
// the API, the session cookie's elsewhere.
func (s *Server) identify(c *Ctx) error {
	r := c.R
	ctx := r.Context()
	var err error
	if c.route.IsAPI() {
		if scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Bearer") {
			c.User, err = s.cfg.Identity.Bearer(ctx, strings.TrimSpace(tok))
		}
	} else if ck, e := r.Cookie(SessionCookie); e == nil && ck.Value != "" {
		c.User, err = s.cfg.Identity.Session(ctx, ck.Value)
		if c.User != nil {
			c.SessionToken = ck.Value
		}
	}
	return err
}

// checkQuery refuses a query string with a name or value that is not
// UTF-8 or holds a NUL character: handlers pass query values to the
// database, which PostgreSQL refuses with an error, and browsers send
// neither.
func checkQuery(u *url.URL) error {
	if u.RawQuery == "" {
		return nil
	}
	for k, vs := range u.Query() {
		ok := storable(k)
		for _, v := range vs {
			ok = ok && storable(v)
		}
		if !ok {
			return errs.New(errs.Invalid, "error.bad_query")
		}
	}
	return nil
}

// negotiate sets the request's language: ?lang= (remembered in a cookie and,
// when signed in, on the account), else the cookie, else the account's
// preference, else Accept-Language.
func (s *Server) negotiate(c *Ctx) {
	r := c.R
	if q := r.URL.Query().Get("lang"); q != "" {
		if l := i18n.Match(q); l != "" {
			c.Lang = l
			http.SetCookie(c.W, &http.Cookie{Name: LangCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
				HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
			if c.User != nil && c.User.Locale != l {
				if err := s.cfg.Identity.SetLocale(r.Context(), c.User.ID, l); err != nil {
					s.cfg.Logger.ErrorContext(r.Context(), "store locale", "err", err)
				}
				c.User.Locale = l
			}
		}
	}
	if c.Lang == "" {
		if ck, err := r.Cookie(LangCookie); err == nil {
			c.Lang = i18n.Match(ck.Value)
		}
	}
	if c.Lang == "" && c.User != nil {
		c.Lang = i18n.Match(c.User.Locale)
	}
	if c.Lang == "" {
		def := i18n.En
		if s.cfg.DefaultLang != nil {
			def = s.cfg.DefaultLang()
		}
		c.Lang = i18n.NegotiateOr(r.Header.Get("Accept-Language"), def)
	}
	c.P = i18n.For(c.Lang)
	c.W.Header().Set("Content-Language", c.Lang)
	c.W.Header().Add("Vary", "Accept-Language, Cookie")
}

// SetSession sets or (with an empty token) clears the session cookie.
func (c *Ctx) SetSession(token string, expires time.Time) {
	ck := &http.Cookie{Name: SessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: c.srv.secure, SameSite: http.SameSiteLaxMode}
	if token == "" {
		ck.MaxAge = -1
	} else {
		ck.Expires = expires
	}
	http.SetCookie(c.W, ck)
}

type statusWriter struct {
	http.ResponseWriter
	code    int
	written bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.written {
		w.code, w.written = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.written = true
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

type ctxKey int

const requestIDKey ctxKey = 1

var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// RequestID returns the request ID carried by ctx, "" when none.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

func (s *Server) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if !validRequestID.MatchString(id) {
			var b [8]byte
			rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-ID", id)
		ctx := context.WithValue(r.Context(), requestIDKey, id)
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(sw, r.WithContext(ctx))
		s.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "request", slog.String("method", r.Method),
			slog.String("path", r.URL.Path), slog.Int("status", sw.code),
			slog.Duration("took", time.Since(start)))
	})
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.cfg.Logger.ErrorContext(r.Context(), "panic", "panic", p)
				s.fail(w, r, nil, http.StatusInternalServerError, "error.internal")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// csp allows nothing inline and nothing from elsewhere.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'"

func (s *Server) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if s.secure {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// LogHandler is a slog.Handler that adds the request ID of the context to
// every record.
type LogHandler struct{ slog.Handler }

// Handle adds request_id and passes the record on.
func (h LogHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

// WithAttrs keeps the wrapper.
func (h LogHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return LogHandler{h.Handler.WithAttrs(as)}
}

// WithGroup keeps the wrapper.
func (h LogHandler) WithGroup(name string) slog.Handler { return LogHandler{h.Handler.WithGroup(name)} }
