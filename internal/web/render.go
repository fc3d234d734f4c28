package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/zh"
)

// Templates holds every page, parsed at start-up once per language with the
// layout, so that a missing template or a syntax error fails at start.
type Templates struct {
	pages map[string]map[string]*template.Template // lang → page → set
}

// PageSource is one package's templates: files *.html at the root of FS
// become pages named Prefix/NAME (without .html). Each page defines the
// templates "title" and "content".
type PageSource struct {
	Prefix string
	FS     fs.FS
}

// ParseTemplates parses the shared layout with every page of every source.
func ParseTemplates(sources ...PageSource) (*Templates, error) {
	own, err := fs.Sub(templateFiles, "templates")
	if err != nil {
		return nil, err
	}
	sources = append([]PageSource{{Prefix: "web", FS: own}}, sources...)
	t := &Templates{pages: map[string]map[string]*template.Template{}}
	for _, lang := range i18n.Langs {
		base, err := template.New("layout").Funcs(funcs(i18n.For(lang))).ParseFS(templateFiles, "templates/layout/*.html")
		if err != nil {
			return nil, fmt.Errorf("web: layout: %w", err)
		}
		t.pages[lang] = map[string]*template.Template{}
		for _, src := range sources {
			names, err := fs.Glob(src.FS, "*.html")
			if err != nil {
				return nil, err
			}
			// Files whose names start with "_" are partials, parsed into
			// every page of their package.
			pkgBase := template.Must(base.Clone())
			partials, _ := fs.Glob(src.FS, "_*.html")
			if len(partials) > 0 {
				if _, err := pkgBase.ParseFS(src.FS, partials...); err != nil {
					return nil, fmt.Errorf("web: %s partials: %w", src.Prefix, err)
				}
			}
			for _, n := range names {
				if strings.HasPrefix(n, "_") {
					continue
				}
				b, err := fs.ReadFile(src.FS, n)
				if err != nil {
					return nil, err
				}
				set := template.Must(pkgBase.Clone())
				if _, err := set.New(n).Parse(string(b)); err != nil {
					return nil, fmt.Errorf("web: %s/%s: %w", src.Prefix, n, err)
				}
				t.pages[lang][src.Prefix+"/"+strings.TrimSuffix(n, ".html")] = set
			}
		}
	}
	return t, nil
}

// Pages lists the page names, sorted.
func (t *Templates) Pages() []string {
	var out []string
	for p := range t.pages[i18n.En] {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Funcs are the template functions of pages in p's language (t, n, zh,
// when, day, …), for a package that renders a document of its own outside
// the layout, so that it writes texts, dates and times as pages do.
func Funcs(p *i18n.Printer) template.FuncMap { return funcs(p) }

func funcs(p *i18n.Printer) template.FuncMap {
	return template.FuncMap{
		"t": p.T,
		"n": p.N,
		// zh shows Chinese content in the reader's script.
		"zh":     func(s string) string { return zh.ForLang(p.Lang, s) },
		"han":    zh.HasHan,
		"static": StaticURL,
		"field":  field,
		"dict":   dict,
		// when writes an instant with its zone named, in the home zone
		// (i18n.Home) or, as whenIn, in the IANA zone given.
		"when":   func(t any) string { return when(p, t, "") },
		"whenIn": func(t any, zone string) string { return when(p, t, zone) },
		// dates writes a span of days, each a date ("2027-03-08") or an
		// instant: "8 March – 31 May 2027", "2027年3月8日至5月31日".
		"dates": func(a, b any) string {
			from, ok1 := day(a)
			to, ok2 := day(b)
			if !ok1 || !ok2 {
				return ""
			}
			return p.DateRange(from, to)
		},
		// day writes the date of an instant in the home zone, without a
		// time: "Tue 19 January 2027", "2027年1月19日 星期二".
		"day": func(t any) string {
			if at, ok := instant(t); ok {
				return p.Date(at.In(i18n.Home))
			}
			return ""
		},
		"iso": iso,
		// weekdays and months name days and months for the local-time script.
		"weekdays": p.Weekdays,
		"months":   p.Months,
	}
}

// when formats t (a time.Time or *time.Time; nil gives "") in zone, or
// the home zone when zone is "" or unknown.
func when(p *i18n.Printer, t any, zone string) string {
	at, ok := instant(t)
	if !ok {
		return ""
	}
	loc := i18n.Home
	if l, err := time.LoadLocation(zone); err == nil && zone != "" {
		loc = l
	}
	return p.Moment(at, loc, nil)
}

// iso writes t as RFC 3339 for <time datetime>.
func iso(t any) string {
	if at, ok := instant(t); ok {
		return at.Format(time.RFC3339)
	}
	return ""
}

// day reads a date ("2006-01-02") or an instant (in the home zone).
func day(v any) (time.Time, bool) {
	if s, ok := v.(string); ok {
		t, err := time.Parse(time.DateOnly, s)
		return t, err == nil
	}
	t, ok := instant(v)
	return t.In(i18n.Home), ok
}

func instant(t any) (time.Time, bool) {
	switch v := t.(type) {
	case time.Time:
		return v, !v.IsZero()
	case *time.Time:
		if v != nil && !v.IsZero() {
			return *v, true
		}
	}
	return time.Time{}, false
}

// LangLink is one entry of the language switcher.
type LangLink struct {
	Tag, Name, URL string
	Current        bool
}

// Page is what every template receives.
type Page struct {
	Lang   string
	Langs  []LangLink
	User   *Principal
	Staff  bool // may open the admin area
	Brand  string
	Path   string
	Form   *Form
	Data   any
	Status int
}

// Render writes page with data in the shared layout.
func (c *Ctx) Render(status int, page string, data any) error {
	return c.RenderForm(status, page, nil, data)
}

// RenderForm writes page with a form (values and field errors) and data.
func (c *Ctx) RenderForm(status int, page string, f *Form, data any) error {
	set := c.srv.cfg.Templates.pages[c.Lang][page]
	if set == nil {
		return fmt.Errorf("web: no page %q", page)
	}
	if f == nil {
		f = &Form{Values: url.Values{}}
	}
	pg := Page{
		Lang: c.Lang, User: c.User, Path: c.R.URL.Path, Form: f, Data: data, Status: status,
		Staff: c.Can(PermAdmin),
	}
	if c.srv.cfg.Brand != nil {
		pg.Brand = c.srv.cfg.Brand(c.Context(), c.Lang)
	}
	for _, l := range i18n.Langs {
		q := c.R.URL.Query()
		q.Set("lang", l)
		pg.Langs = append(pg.Langs, LangLink{Tag: l, Name: i18n.Native[l], URL: c.R.URL.Path + "?" + q.Encode(), Current: l == c.Lang})
	}
	var buf bytes.Buffer
	if err := set.ExecuteTemplate(&buf, "layout", pg); err != nil {
		return fmt.Errorf("web: render %s: %w", page, err)
	}
	h := c.W.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	if c.User != nil || c.R.Method != http.MethodGet {
		h.Set("Cache-Control", "no-store")
	}
	c.W.WriteHeader(status)
	_, err := c.W.Write(buf.Bytes())
	return err
}

// dict makes a map of key, value pairs, to pass several values to a
// partial template.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// Field is what the "input" template needs to draw one labelled input.
type Field struct {
	Name, Label, Type, Autocomplete, Value, Error, Hint string
	Required                                            bool
}

// field builds a Field from a form; type "password" never echoes its value.
func field(f *Form, name, label, typ, autocomplete string, hint ...string) Field {
	fl := Field{Name: name, Label: label, Type: typ, Autocomplete: autocomplete, Required: true}
	if f != nil {
		fl.Error = f.Err(name)
		if typ != "password" {
			fl.Value = f.Get(name)
		}
	}
	if len(hint) > 0 {
		fl.Hint = hint[0]
	}
	return fl
}

// PermAdmin is the permission to open the admin area; the layout links to it.
const PermAdmin = "admin.view"

// Form is a submitted form on its way back to the reader: the values as
// typed and the error at each field, in the reader's language.
type Form struct {
	Values  url.Values
	Errors  map[string]string
	Message string // an error about the whole form
}

// Form returns the posted form values for re-display. A body that cannot
// be parsed (too large, malformed) is an Invalid error for the whole form,
// and so is one with a name or value that could not be stored whole: not
// UTF-8, or holding a NUL character (which PostgreSQL refuses, and which
// browsers do not send); its Fields name them.
func (c *Ctx) Form() (*Form, error) {
	if err := c.R.ParseForm(); err != nil {
		key := "error.invalid"
		if isMaxBytes(err) {
			key = "error.too_large"
		}
		return nil, errs.Wrap(errs.Invalid, key, err)
	}
	var fe errs.Fields
	for k, vs := range c.R.PostForm {
		bad := !storable(k)
		for _, v := range vs {
			bad = bad || !storable(v)
		}
		if bad {
			fe.Add(strings.ToValidUTF8(strings.ReplaceAll(k, "\x00", ""), "\uFFFD"), "error.unstorable_text")
		}
	}
	if len(fe) > 0 {
		sort.Slice(fe, func(i, j int) bool { return fe[i].Name < fe[j].Name })
		return nil, &errs.Error{Code: errs.Invalid, Key: "error.unstorable_text", Fields: fe}
	}
	return &Form{Values: c.R.PostForm}, nil
}

// storable reports whether s can be stored as it is in both databases:
// UTF-8 without NUL characters.
func storable(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// Get returns the submitted value of field name.
func (f *Form) Get(name string) string { return f.Values.Get(name) }

// Err returns the error at field name, "" when none.
func (f *Form) Err(name string) string { return f.Errors[name] }

// Fail records err on the form in the reader's language and returns the
// status to answer with: the fields of an Invalid error at their fields,
// anything else as the form's message. Internal errors are not shown.
func (c *Ctx) Fail(f *Form, err error) int {
	e, ok := errs.As(err)
	if !ok || e.Code == errs.Internal {
		c.Logger().ErrorContext(c.Context(), "form failed", "err", err)
		f.Message = c.P.T("error.internal")
		return http.StatusInternalServerError
	}
	if f.Errors == nil {
		f.Errors = map[string]string{}
	}
	for _, fe := range e.Fields {
		f.Errors[fe.Name] = c.P.T(fe.Key, fe.Args...)
	}
	if len(e.Fields) == 0 {
		f.Message = c.P.T(e.Key, e.Args...)
	} else {
		f.Message = c.P.T("error.invalid")
	}
	return Status(e.Code)
}

// LocalPath returns p if it is a path on this site, else "/": for
// redirects after sign-in that must not leave the site.
func LocalPath(p string) string {
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(p, "/") ||
		strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n") {
		return "/"
	}
	return p
}

// Pages returns the page source of a package whose templates are in the
// folder dir of f (embedded). It panics when dir is not there: a build
// defect.
func Pages(prefix string, f fs.FS, dir string) PageSource {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(fmt.Sprintf("web: pages of %s: %v", prefix, err))
	}
	return PageSource{Prefix: prefix, FS: sub}
}

// Pager is the data of the layout's "pager" template: the page, the
// number of pages, and the links to the pages before and after ("" at
// the ends), which keep the rest of the query.
type Pager struct {
	Page, Pages int
	Prev, Next  string
}

// MaxPage is the highest page number PageNumber returns: beyond any list
// the site shows, and low enough that page × per-page never overflows.
const MaxPage = 1_000_000

// PageNumber reads ?page= (1-based): 1 when absent or not a number, at
// most MaxPage.
func PageNumber(q url.Values) int {
	p, _ := strconv.Atoi(q.Get("page")) // out of range: the largest or smallest int
	if p < 1 {
		return 1
	}
	return min(p, MaxPage)
}

// NewPager returns the pager of page (1-based) of total items, per on a
// page, with links that keep the query q but for its page and lang.
func NewPager(q url.Values, page, per, total int) Pager {
	p := Pager{Page: page, Pages: max(1, (total+per-1)/per)}
	link := func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(n))
		v.Del("lang")
		return "?" + v.Encode()
	}
	if page > 1 {
		p.Prev = link(page - 1)
	}
	if page < p.Pages {
		p.Next = link(page + 1)
	}
	return p
}
