package web

import (
	"bytes"
	"mime"
	"net/http"
	"time"
)

// Download answers a file a person uploaded (a registration's file, a
// submission's attachment): always as a download named name, of its own
// content type, never sniffed, never rendered in the site's origin, never
// kept by a shared cache. A name that cannot be written in the header is
// left out.
func (c *Ctx) Download(name, contentType string, data []byte, modified time.Time) error {
	disp := mime.FormatMediaType("attachment", map[string]string{"filename": name})
	if disp == "" {
		disp = "attachment"
	}
	hd := c.W.Header()
	hd.Set("Content-Type", contentType)
	hd.Set("Content-Disposition", disp)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	hd.Set("Cache-Control", "private, no-store")
	hd.Del("Content-Language")
	http.ServeContent(c.W, c.R, "", modified, bytes.NewReader(data))
	return nil
}
