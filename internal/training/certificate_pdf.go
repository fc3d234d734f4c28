package training

import (
	"unicode"

	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/pdf"
)

// verifyURL is the address a certificate's QR code carries: the public
// verification page with the signed statement, which an offline reader
// (wuzhen verify) checks with the public key alone.
func verifyURL(base string, c *Certificate) string {
	return base + "/verify/" + c.Code + "?t=" + c.Token
}

// renderCertificate draws the certificate in lang: org is the
// organisation's name in lang. The holder's name in their own script
// stands above the name in Latin letters; the QR code carries the signed
// statement, which is also in the document's keywords for wuzhen verify.
func renderCertificate(c *Certificate, org, lang, base string) ([]byte, error) {
	p := i18n.For(lang)
	pr := c.Programme
	d := pdf.New(p.T("training.certificate.title")+" · "+c.Holder, lang, pr.Starts())
	d.PDF().SetKeywords(c.Token, false)
	d.PDF().SetSubject(c.Code, false)
	d.AddPage()
	const cx, left, width = 105.0, 25.0, 160.0
	accent := "#1f5fa8"
	f := d.PDF()
	f.SetDrawColor(31, 95, 168)
	f.SetLineWidth(1.2)
	f.Rect(12, 12, 186, 273, "D")
	f.SetLineWidth(0.3)
	f.Rect(15, 15, 180, 267, "D")

	d.TextColour(accent)
	y := 36.0
	for _, l := range d.Wrap(org, width, 15, true) {
		d.Centre(cx, y, l, 15, true)
		y += 7
	}
	d.TextColour("#000000")
	y += 14
	d.Centre(cx, y, p.T("training.certificate.title"), 26, true)
	if lang != i18n.En {
		y += 9
		d.Centre(cx, y, i18n.For(i18n.En).T("training.certificate.title"), 12, false)
	}
	y += 20
	d.Centre(cx, y, p.T("training.certificate.certifies"), 11, false)
	y += 16
	if c.HolderNative != "" && c.HolderNative != c.Holder && !rightToLeft(c.HolderNative) {
		d.Centre(cx, y, c.HolderNative, d.Fit(c.HolderNative, width, 26, 12, true), true)
		y += 12
		d.Centre(cx, y, c.Holder, d.Fit(c.Holder, width, 16, 10, false), false)
	} else {
		d.Centre(cx, y, c.Holder, d.Fit(c.Holder, width, 26, 12, true), true)
	}
	y += 16
	d.Centre(cx, y, p.T("training.certificate.completed"), 11, false)
	y += 12
	title := pr.Title.For(lang)
	for _, l := range d.Wrap(title, width, 17, true) {
		d.Centre(cx, y, l, 17, true)
		y += 8
	}
	if en := pr.Title.For(i18n.En); en != title {
		for _, l := range d.Wrap(en, width, 11, false) {
			d.Centre(cx, y, l, 11, false)
			y += 5.5
		}
	}
	y += 6
	d.Centre(cx, y, p.T("training.certificate.dates", pr.StartsOn, pr.EndsOn), 11, false)
	if pr.Hours > 0 {
		y += 7
		d.Centre(cx, y, p.T("training.certificate.hours", pr.Hours), 11, false)
	}
	y += 7
	d.Centre(cx, y, p.T("training.certificate.issued", c.IssuedOn), 11, false)

	// Verification at the foot: the QR code (the signed statement) and
	// the code to type.
	const qr = 48.0
	qy := 297.0 - 30 - qr
	u := verifyURL(base, c)
	if err := d.QR(left, qy, qr, u); err != nil {
		return nil, err
	}
	d.Link(left, qy, qr, qr, base+"/verify/"+c.Code)
	tx := left + qr + 8
	d.Text(tx, qy+8, p.T("training.certificate.code"), 9, false)
	d.Text(tx, qy+16, c.Code, 14, true)
	d.Paragraph(tx, qy+24, width-qr-8, p.T("training.certificate.verify", base+"/verify/"+c.Code), 8.5, 4.5, false)
	return d.Bytes()
}

// rightToLeft reports whether s holds a right-to-left script, which
// internal/pdf draws neither shaped nor in its order: such a name is left
// to the signed statement and the verification page, which show it
// right, and the certificate shows the Latin name alone.
func rightToLeft(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Arabic, unicode.Hebrew, unicode.Syriac, unicode.Thaana, unicode.Nko) {
			return true
		}
	}
	return false
}
