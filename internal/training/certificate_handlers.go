package training

import (
	"net/http"

	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/web"
)

func (h *Handlers) org(c *web.Ctx, lang string) string {
	if h.Org != nil {
		return h.Org(c.Context(), lang)
	}
	return "Wuzhen"
}

// certificatePDF is the certificate's PDF, for its holder and the
// secretariat (NotFound for anyone else).
func (h *Handlers) certificatePDF(c *web.Ctx) error {
	cert, err := h.Store.Certificate(c.Context(), c.R.PathValue("code"))
	if err != nil {
		return err
	}
	if cert.UserID != c.User.ID && !c.Can(PermManage) {
		return web.NotFound()
	}
	b, err := renderCertificate(cert, h.org(c, c.Lang), c.Lang, c.BaseURL())
	if err != nil {
		return err
	}
	c.W.Header().Set("Cache-Control", "no-store")
	return c.Download(cert.Code+".pdf", "application/pdf", b, cert.Programme.Starts())
}

// VerifyCheck is what the verification page says of a certificate.
type VerifyCheck struct {
	Code        string
	Certificate *Certificate // nil: no certificate has this code
	Signed      *Statement   // the statement of the token given, when it verifies
	BadToken    bool         // a token was given and does not verify
}

type verifyPage struct {
	View
	Check VerifyCheck
}

// VerifyPage is the public verification page of a certificate at
// /verify/{code} (a route shared with the visa letters, told apart by the
// code: IsCertificateCode). With ?t= (the QR code's signed statement) it
// also says whether the signature holds.
func (h *Handlers) VerifyPage(c *web.Ctx) error {
	c.W.Header().Set("X-Robots-Tag", "noindex")
	c.W.Header().Set("Cache-Control", "no-store")
	chk := VerifyCheck{Code: NormaliseCode(c.R.PathValue("code"))}
	cert, err := h.Store.Certificate(c.Context(), chk.Code)
	status := http.StatusOK
	switch {
	case errs.CodeOf(err) == errs.NotFound:
		status = http.StatusNotFound
	case err != nil:
		return err
	default:
		chk.Certificate = cert
	}
	if t := c.R.URL.Query().Get("t"); t != "" && h.Store.Keys != nil {
		st, err := VerifyToken(h.Store.Keys.PublicKey(), t)
		if err != nil || st.Code != chk.Code {
			chk.BadToken = true
		} else {
			chk.Signed = st
		}
	}
	return c.Render(status, "training/verify", verifyPage{viewFor(c), chk})
}

func (h *Handlers) adminIssue(c *web.Ctx) error {
	if _, err := h.Store.Issue(c.Context(), c.User, c.R.PathValue("slug")); err != nil {
		return err
	}
	return c.Redirect("/admin/training/" + c.R.PathValue("slug") + "#certificates")
}

func (h *Handlers) adminRevoke(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	cert, err := h.Store.Revoke(c.Context(), c.User, c.R.PathValue("code"), f.Get("reason"))
	if err != nil {
		if errs.CodeOf(err) == errs.Invalid {
			existing, err2 := h.Store.Certificate(c.Context(), c.R.PathValue("code"))
			if err2 != nil {
				return err2
			}
			c.R.SetPathValue("slug", existing.Programme.Slug)
			return h.adminPage(c, c.Fail(f, err), f)
		}
		return err
	}
	return c.Redirect("/admin/training/" + cert.Programme.Slug + "#certificates")
}

// CertificateJSON is a certificate in the lists of the API.
type CertificateJSON struct {
	Code     string `json:"code"`
	Holder   string `json:"holder"`
	IssuedOn string `json:"issued_on"`
	URL      string `json:"url"`
	Revoked  bool   `json:"revoked"`
}

func certificateItems(c *web.Ctx, list []*Certificate) []CertificateJSON {
	items := []CertificateJSON{}
	for _, x := range list {
		items = append(items, CertificateJSON{Code: x.Code, Holder: x.Holder, IssuedOn: x.IssuedOn,
			URL: c.BaseURL() + "/verify/" + x.Code, Revoked: x.RevokedAt != nil})
	}
	return items
}

func (h *Handlers) apiIssue(c *web.Ctx) error {
	n, err := h.Store.Issue(c.Context(), c.User, c.R.PathValue("slug"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"issued": n})
}

func (h *Handlers) apiCertificates(c *web.Ctx) error {
	_, list, err := h.Store.Certificates(c.Context(), c.User, c.R.PathValue("slug"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": certificateItems(c, list)})
}

func (h *Handlers) apiMyCertificates(c *web.Ctx) error {
	list, err := h.Store.MyCertificates(c.Context(), c.User)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": certificateItems(c, list)})
}

// CheckJSON is the public answer about a certificate.
type CheckJSON struct {
	Valid     bool   `json:"valid"`
	Code      string `json:"code"`
	Holder    string `json:"holder"`
	Programme string `json:"programme"`
	IssuedOn  string `json:"issued_on"`
	Revoked   bool   `json:"revoked"`
	Reason    string `json:"reason,omitempty"`
}

func checkJSON(c *web.Ctx, x *Certificate) CheckJSON {
	holder := x.Holder
	if x.HolderNative != "" && x.HolderNative != x.Holder {
		holder = x.HolderNative + " (" + x.Holder + ")"
	}
	return CheckJSON{Valid: x.RevokedAt == nil, Code: x.Code, Holder: holder, Programme: x.Programme.Title.For(c.Lang),
		IssuedOn: x.IssuedOn, Revoked: x.RevokedAt != nil, Reason: x.Reason}
}

func (h *Handlers) apiCheck(c *web.Ctx) error {
	x, err := h.Store.Certificate(c.Context(), c.R.PathValue("code"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, checkJSON(c, x))
}

// revokeRequest is the body of POST /api/v1/certificates/{code}/revoke.
type revokeRequest struct {
	Reason string `json:"reason"`
}

func (h *Handlers) apiRevoke(c *web.Ctx) error {
	var r revokeRequest
	if err := c.DecodeJSON(&r); err != nil {
		return err
	}
	x, err := h.Store.Revoke(c.Context(), c.User, c.R.PathValue("code"), r.Reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, checkJSON(c, x))
}
