package search

import (
	"embed"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

// Templates are the search pages.
var Templates = web.Pages("search", templates, "templates")

// Handlers serve /search and /api/v1/search.
type Handlers struct {
	DB *db.DB
}

// Routes is the search part of the route table. Results hold public
// content only, so anonymous pages are cached like the others.
func (h *Handlers) Routes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/search", Access: web.Public, Handle: h.page, Cache: true},
		{Method: "GET", Path: "/api/v1/search", Access: web.Public, Handle: h.api, Cache: true},
	}
}

// facetNames are the filters a query string may set.
var facetNames = []string{"country", "continent", "year"}

// request reads a search from the query string.
func request(c *web.Ctx, defPer int) (Request, int, int) {
	q := c.R.URL.Query()
	page := web.PageNumber(q)
	per, _ := strconv.Atoi(q.Get("per_page"))
	if per < 1 || per > MaxLimit {
		per = defPer
	}
	r := Request{Q: q.Get("q"), Type: q.Get("type"), Lang: c.Lang, Limit: per, Offset: (page - 1) * per}
	for _, f := range facetNames {
		if v := strings.TrimSpace(q.Get(f)); v != "" {
			if r.Facets == nil {
				r.Facets = map[string]string{}
			}
			r.Facets[f] = v
		}
	}
	return r, page, per
}

type pageData struct {
	Request     Request
	Result      Result
	Pager       web.Pager
	Suggestions []string
	Types       []string
	Query       url.Values
}

func (h *Handlers) page(c *web.Ctx) error {
	r, page, per := request(c, 20)
	res, err := Search(c.Context(), h.DB, r)
	if err != nil {
		return err
	}
	d := pageData{Request: r, Result: res, Pager: web.NewPager(c.R.URL.Query(), page, per, res.Total), Query: c.R.URL.Query()}
	for t := range res.ByType {
		d.Types = append(d.Types, t)
	}
	if res.Total == 0 && strings.TrimSpace(r.Q) != "" {
		if d.Suggestions, err = Suggestions(c.Context(), h.DB, r.Q); err != nil {
			return err
		}
	}
	return c.Render(http.StatusOK, "search/search", d)
}

// TypeURL is the address of the same search narrowed to type t ("" for all).
func (d pageData) TypeURL(t string) string {
	v := url.Values{}
	for k, vs := range d.Query {
		v[k] = vs
	}
	v.Del("page")
	v.Del("lang")
	if t == "" {
		v.Del("type")
	} else {
		v.Set("type", t)
	}
	return "/search?" + v.Encode()
}

// apiItem is one result of GET /api/v1/search.
type apiItem struct {
	Type    string `json:"type"`
	ID      int64  `json:"id"`
	Title   string `json:"title"`
	URL     string `json:"url"`
	Snippet string `json:"snippet"`
	Line    string `json:"line,omitempty"`
}

func (h *Handlers) api(c *web.Ctx) error {
	r, page, per := request(c, 20)
	res, err := Search(c.Context(), h.DB, r)
	if err != nil {
		return err
	}
	items := make([]apiItem, 0, len(res.Hits))
	for _, hit := range res.Hits {
		items = append(items, apiItem{Type: hit.Type, ID: hit.ID, Title: hit.Title, URL: c.BaseURL() + hit.URL, Snippet: string(hit.Snippet), Line: hit.Line})
	}
	byType := res.ByType
	if byType == nil {
		byType = map[string]int{}
	}
	return c.JSON(http.StatusOK, map[string]any{
		"items": items, "total": res.Total, "page": page, "per_page": per,
		"facets": map[string]any{"type": byType}, "count_limit": res.CountLimit,
	})
}
