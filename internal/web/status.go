package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
)

var errForbidden = errs.New(errs.Forbidden, "error.forbidden")

// Status maps an error code to its HTTP status: the one place that does.
func Status(code errs.Code) int {
	switch code {
	case errs.Invalid:
		return http.StatusUnprocessableEntity
	case errs.NotFound:
		return http.StatusNotFound
	case errs.Conflict:
		return http.StatusConflict
	case errs.Forbidden:
		return http.StatusForbidden
	case errs.Unauthorized:
		return http.StatusUnauthorized
	case errs.TooMany:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// Problem is an RFC 9457 problem details document.
type Problem struct {
	Type     string         `json:"type"`
	Title    string         `json:"title"`
	Status   int            `json:"status"`
	Detail   string         `json:"detail,omitempty"`
	Instance string         `json:"instance,omitempty"`
	Errors   []FieldProblem `json:"errors,omitempty"`
}

// FieldProblem is the error at one field of a request.
type FieldProblem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// renderError answers err: problem details on the API, an error page (or
// the sign-in page) elsewhere. Internal errors are logged, never shown.
func (s *Server) renderError(c *Ctx, err error) {
	if c.P == nil {
		c.P = i18n.For(i18n.En)
	}
	e, ok := errs.As(err)
	if !ok {
		if isMaxBytes(err) {
			e = errs.New(errs.Invalid, "error.too_large")
		} else {
			s.cfg.Logger.ErrorContext(c.Context(), "request failed", "err", err)
			e = errs.New(errs.Internal, "error.internal")
		}
	} else if e.Code == errs.Internal {
		s.cfg.Logger.ErrorContext(c.Context(), "request failed", "err", err)
	}
	status := Status(e.Code)
	if e.Code == errs.Invalid && isMaxBytes(err) {
		status = http.StatusRequestEntityTooLarge
	}
	key := e.Key
	if key == "" || !c.P.Has(key) {
		key = "error." + string(e.Code)
	}
	if c.route.IsAPI() {
		var p Problem
		if len(e.Args) > 0 && key == e.Key {
			p = s.problem(c.R, c.P, status, "error."+string(e.Code))
			p.Detail = c.P.T(key, e.Args...)
		} else {
			p = s.problem(c.R, c.P, status, key)
		}
		for _, f := range e.Fields {
			p.Errors = append(p.Errors, FieldProblem{Field: f.Name, Message: c.P.T(f.Key, f.Args...)})
		}
		writeProblem(c.W, p)
		return
	}
	if status == http.StatusUnauthorized {
		http.Redirect(c.W, c.R, "/login?next="+url.QueryEscape(c.R.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	msg := c.P.T(key)
	if len(e.Args) > 0 && key == e.Key {
		msg = c.P.T(key, e.Args...)
	}
	s.errorPage(c, status, msg)
}

// ErrorPage is the data of the site's error page.
type ErrorPage struct {
	Status  int
	Message string
	// SignIn offers the sign-in page: a 403 to someone not signed in.
	SignIn bool
}

// errorPage answers status with the site's own error page in the reader's
// language, with the way back (home, search); plain text only if the page
// itself cannot be drawn.
func (s *Server) errorPage(c *Ctx, status int, msg string) {
	if c.P == nil {
		c.P = i18n.For(i18n.En)
	}
	if c.Lang == "" {
		c.Lang = c.P.Lang
	}
	if s.cfg.Templates == nil {
		http.Error(c.W, msg, status)
		return
	}
	data := ErrorPage{Status: status, Message: msg, SignIn: status == http.StatusForbidden && c.User == nil}
	if err := c.Render(status, "web/error", data); err != nil {
		s.cfg.Logger.ErrorContext(c.Context(), "render error page", "err", err)
		http.Error(c.W, msg, status)
	}
}

// statusKeys are the catalog keys of statuses that have no errs.Code.
var statusKeys = map[int]string{
	http.StatusNotFound:         "error.not_found",
	http.StatusMethodNotAllowed: "error.method_not_allowed",
}

// renderStatus answers a request that reached no route: problem details
// under /api/, the error page elsewhere.
func (s *Server) renderStatus(c *Ctx, status int) {
	key := statusKeys[status]
	if c.route.IsAPI() {
		writeProblem(c.W, s.problem(c.R, c.P, status, key))
		return
	}
	s.errorPage(c, status, c.P.T(key))
}

// fail answers outside a route (cross-origin refusal, panic): problem
// details for the API and for clients that ask for JSON, plain text else.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, p *i18n.Printer, status int, key string) {
	page := !strings.HasPrefix(r.URL.Path, "/api/") && !strings.Contains(r.Header.Get("Accept"), "json")
	if page && s.cfg.Templates != nil && r.Method != http.MethodHead {
		// A page: the site's own, in the reader's language (as the
		// request asks it; the session is not read on a failing request).
		c := &Ctx{W: w, R: r, srv: s, route: Route{Method: r.Method, Path: r.URL.Path}, P: p}
		if p == nil {
			s.negotiate(c)
		} else {
			c.Lang = p.Lang
		}
		s.errorPage(c, status, c.P.T(key))
		return
	}
	if p == nil {
		p = i18n.For(i18n.Negotiate(r.Header.Get("Accept-Language")))
	}
	if strings.HasPrefix(r.URL.Path, "/api/") || strings.Contains(r.Header.Get("Accept"), "json") {
		writeProblem(w, s.problem(r, p, status, key))
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	w.Write([]byte(p.T(key) + "\n"))
}

func (s *Server) problem(r *http.Request, p *i18n.Printer, status int, key string) Problem {
	return Problem{
		Type:     "about:blank",
		Title:    p.T(key),
		Status:   status,
		Instance: r.URL.Path,
	}
}

func writeProblem(w http.ResponseWriter, p Problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	json.NewEncoder(w).Encode(p)
}

func isMaxBytes(err error) bool {
	var mb *http.MaxBytesError
	return errors.As(err, &mb)
}

// JSON writes v as JSON with status.
func (c *Ctx) JSON(status int, v any) error {
	c.W.Header().Set("Content-Type", "application/json; charset=utf-8")
	c.W.WriteHeader(status)
	return json.NewEncoder(c.W).Encode(v)
}

// DecodeJSON reads the request body as one JSON value into v, refusing
// unknown fields and anything after the value: a malformed body, or one
// that is not UTF-8 (RFC 8259; the decoder would put U+FFFD in place of
// what was sent), is an Invalid error; a string holding a NUL character
// (which PostgreSQL cannot store) is an Invalid error at its field, named
// by its JSON path ("name.en", "tags[2]").
func (c *Ctx) DecodeJSON(v any) error {
	body, err := io.ReadAll(c.R.Body)
	if err != nil {
		if isMaxBytes(err) {
			return errs.Wrap(errs.Invalid, "error.too_large", err)
		}
		return errs.Wrap(errs.Invalid, "error.bad_json", err)
	}
	if !utf8.Valid(body) {
		return errs.New(errs.Invalid, "error.bad_json")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errs.Wrap(errs.Invalid, "error.bad_json", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errs.New(errs.Invalid, "error.bad_json")
	}
	var fe errs.Fields
	nulStrings(reflect.ValueOf(v), "", &fe)
	if len(fe) > 0 {
		return &errs.Error{Code: errs.Invalid, Key: "error.unstorable_text", Fields: fe}
	}
	return nil
}

// nulStrings adds an error at every string within v that holds a NUL
// character, named by its JSON path from path.
func nulStrings(v reflect.Value, path string, fe *errs.Fields) {
	join := func(name string) string {
		if path == "" {
			return name
		}
		return path + "." + name
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			nulStrings(v.Elem(), path, fe)
		}
	case reflect.String:
		if strings.ContainsRune(v.String(), 0) && !fe.Has(path) {
			fe.Add(path, "error.unstorable_text")
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			sf := t.Field(i)
			if !sf.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
			switch {
			case name == "-":
				continue
			case sf.Anonymous && name == "":
				nulStrings(v.Field(i), path, fe)
				continue
			case name == "":
				name = sf.Name
			}
			nulStrings(v.Field(i), join(name), fe)
		}
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			return // []byte comes as base64
		}
		for i := range v.Len() {
			nulStrings(v.Index(i), fmt.Sprintf("%s[%d]", path, i), fe)
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			k := fmt.Sprint(iter.Key().Interface())
			if strings.ContainsRune(k, 0) {
				if !fe.Has(path) {
					fe.Add(path, "error.unstorable_text")
				}
				continue
			}
			nulStrings(iter.Value(), join(k), fe)
		}
	}
}

// Redirect answers 303 See Other to a local path.
func (c *Ctx) Redirect(path string) error {
	http.Redirect(c.W, c.R, path, http.StatusSeeOther)
	return nil
}

// NotFound is the error of a path that names nothing.
func NotFound() error { return errs.New(errs.NotFound, "error.not_found") }
