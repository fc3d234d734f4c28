package web

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strings"
	"sync"

	"github.com/wuzhen/wuzhen/internal/pagecache"
)

var gzipPool = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression)
	return w
}}

// compressible reports whether a Content-Type gains from gzip.
func compressible(ct string) bool {
	for _, p := range []string{"text/", "application/json", "application/problem+json", "image/svg+xml", "application/javascript"} {
		if strings.HasPrefix(ct, p) {
			return true
		}
	}
	return false
}

func acceptsGzip(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept-Encoding"), "gzip")
}

// compress gzips text responses for clients that accept it, unless the
// handler already encoded them (cached pages are stored compressed).
func compress(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding")
		if !acceptsGzip(r) || r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		gw := &gzipWriter{ResponseWriter: w}
		defer gw.close()
		next.ServeHTTP(gw, r)
	})
}

type gzipWriter struct {
	http.ResponseWriter
	decided bool
	gz      *gzip.Writer
}

func (g *gzipWriter) decide() {
	if g.decided {
		return
	}
	g.decided = true
	h := g.Header()
	if h.Get("Content-Encoding") == "" && compressible(h.Get("Content-Type")) {
		h.Set("Content-Encoding", "gzip")
		h.Del("Content-Length")
		g.gz = gzipPool.Get().(*gzip.Writer)
		g.gz.Reset(g.ResponseWriter)
	}
}

func (g *gzipWriter) WriteHeader(code int) {
	if code != http.StatusNoContent && code != http.StatusNotModified && code >= 200 {
		g.decide()
	} else {
		g.decided = true
	}
	g.ResponseWriter.WriteHeader(code)
}

func (g *gzipWriter) Write(b []byte) (int, error) {
	g.decide()
	if g.gz != nil {
		return g.gz.Write(b)
	}
	return g.ResponseWriter.Write(b)
}

func (g *gzipWriter) Unwrap() http.ResponseWriter { return g.ResponseWriter }

func (g *gzipWriter) close() {
	if g.gz != nil {
		g.gz.Close()
		gzipPool.Put(g.gz)
	}
}

// recorder captures a response to cache it.
type recorder struct {
	header http.Header
	status int
	buf    bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.buf.Write(b) }
func (r *recorder) WriteHeader(code int)        { r.status = code }

// servePage serves a cached route to an anonymous reader: from the page
// cache when the current generation has it, else by rendering it and
// keeping it when it succeeded.
func (s *Server) servePage(c *Ctx) {
	ctx := c.Context()
	gen, err := s.cfg.Cache.Generation(ctx)
	if err != nil {
		s.renderError(c, err)
		return
	}
	key := c.Lang + " " + c.R.URL.RequestURI()
	if e, ok := s.cfg.Cache.Get(key, gen); ok {
		writeEntry(c, e, "hit")
		return
	}
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	w := c.W
	c.W = rec
	err = c.route.Handle(c)
	c.W = w
	if err != nil {
		s.renderError(c, err)
		return
	}
	h := rec.header.Clone()
	h.Del("Set-Cookie")
	if rec.status != http.StatusOK || strings.Contains(h.Get("Cache-Control"), "no-store") {
		copyHeader(w.Header(), h)
		w.WriteHeader(rec.status)
		w.Write(rec.buf.Bytes())
		return
	}
	writeEntry(c, s.cfg.Cache.Put(key, gen, rec.status, h, rec.buf.Bytes()), "miss")
}

func writeEntry(c *Ctx, e *pagecache.Entry, how string) {
	h := c.W.Header()
	copyHeader(h, e.Header)
	h.Set("X-Page-Cache", how)
	body := e.Body
	if acceptsGzip(c.R) {
		h.Set("Content-Encoding", "gzip")
		body = e.Gzip
	}
	c.W.WriteHeader(e.Status)
	c.W.Write(body)
}

func copyHeader(dst, src http.Header) {
	for k, vs := range src {
		dst[k] = append([]string(nil), vs...)
	}
}
