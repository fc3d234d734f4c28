package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed templates static
var templateFiles embed.FS

// static maps a file's plain name to its checksummed name and back.
var static = func() struct{ hashed, plain map[string]string } {
	s := struct{ hashed, plain map[string]string }{map[string]string{}, map[string]string{}}
	fs.WalkDir(templateFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := templateFiles.ReadFile(p)
		sum := sha256.Sum256(b)
		name := strings.TrimPrefix(p, "static/")
		ext := path.Ext(name)
		h := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:6]) + ext
		s.hashed[name], s.plain[h] = h, name
		return nil
	})
	return s
}()

// StaticURL returns the checksummed URL of an embedded static file, which
// may be cached forever.
func StaticURL(name string) string {
	if h, ok := static.hashed[name]; ok {
		return "/static/" + h
	}
	return "/static/" + name
}

func staticHandler() http.Handler {
	sub, _ := fs.Sub(templateFiles, "static")
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "" || strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r) // no listings
			return
		}
		if plain, ok := static.plain[r.URL.Path]; ok {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
			r.URL.Path = plain
		} else {
			w.Header().Set("Cache-Control", "public, max-age=300")
		}
		files.ServeHTTP(w, r)
	})
}
