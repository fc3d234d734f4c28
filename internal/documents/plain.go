package documents

import (
	"html/template"
	"sync"

	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/web"
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
			plainTemplates.sets[lang] = template.Must(template.New("plain").Funcs(web.Funcs(i18n.For(lang))).ParseFS(templates, "templates/_markup.html", "templates/_hooks.html", "templates/plain/*.html"))
		}
	})
	return plainTemplates.sets[c.Lang]
}

// plainCSP is the plain download's Content-Security-Policy: it has no
// script, no style and no form; nothing else may load.
const plainCSP = "default-src 'none'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
