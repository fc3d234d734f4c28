package documents

import (
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"sync"

	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/web"
	"github.com/wuzhen/wuzhen/internal/zh"
)

// plainTemplates are the plain HTML download's templates, one set per
// language, parsed at first use; a broken template panics then (a build
// defect the tests meet).
var plainTemplates struct {
	once sync.Once
	sets map[string]*template.Template
}

func (h *Handlers) plain(c *web.Ctx) *template.Template {
	plainTemplates.once.Do(func() {
		plainTemplates.sets = map[string]*template.Template{}
		for _, lang := range i18n.Langs {
			p := i18n.For(lang)
			fm := template.FuncMap{"plainCSS": func() template.CSS { return template.CSS(plainCSS) }, "t": p.T, "n": p.N, "zh": func(s string) string { return zh.ForLang(lang, s) }}
			plainTemplates.sets[lang] = template.Must(template.New("plain").Funcs(fm).ParseFS(templates, "templates/_markup.html", "templates/plain/*.html"))
		}
	})
	return plainTemplates.sets[c.Lang]
}

// plainCSS is the plain download's own style, allowed by its hash in the
// download's Content-Security-Policy (nothing else inline is).
const plainCSS = `
body { font-family: system-ui, "Noto Sans", "PingFang SC", "PingFang TC", "Microsoft YaHei", sans-serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.6; color: #1b1f24; }
.para { display: grid; grid-template-columns: 2.5rem 1fr; } .para-number { color: #4a5360; } .para p { margin: 0 0 1rem; }
.para-note, .meta { color: #4a5360; font-size: .9rem; } code { overflow-wrap: anywhere; } .visually-hidden { position: absolute; left: -9999px; }
`

// plainCSP is the plain download's Content-Security-Policy: its style and
// nothing else.
var plainCSP = func() string {
	sum := sha256.Sum256([]byte(plainCSS))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}()
