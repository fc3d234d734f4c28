package events

import (
	"time"

	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/pdf"
)

// longDate writes a date for a letter: "8 November 2026", "2026年11月8日".
func longDate(t time.Time, lang string) string {
	return i18n.For(lang).DateRange(t, t)
}

// isoDate reads a stored YYYY-MM-DD date and writes it as longDate does.
func isoDate(s, lang string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return longDate(t, lang)
}

// Signer is who signs printed letters: the organisation's signatory and
// their title (its settings); an empty Name signs for the secretariat.
type Signer struct{ Name, Title string }

// renderLetter writes an approved visa letter on the organisation's
// letterhead, in lang: org is the organisation's name in lang, verifyURL
// the public page its QR code carries, issued its date of approval.
func renderLetter(v *VisaLetter, org, lang, verifyURL string, issued time.Time, signer Signer) ([]byte, error) {
	p := i18n.For(lang)
	e, r, pp := v.Event, v.Registration, v.Passport
	d := pdf.New(p.T("events.letter.title")+" · "+pp.FullName, lang, issued)
	d.AddPage()
	const left, width = 25.0, 160.0
	accent := "#1f5fa8"

	// Letterhead: the organisation's name, a rule, the reference.
	d.TextColour(accent)
	y := 26.0
	for _, l := range d.Wrap(org, width, 17, true) {
		d.Text(left, y, l, 17, true)
		y += 7.5
	}
	d.Fill(left, y-3, width, 0.8, accent)
	d.TextColour("#000000")
	y += 6
	country := func(code string) string {
		if c, ok := geo.Lookup(code); ok {
			return c.Name(lang)
		}
		return code
	}
	loc := e.Location()
	d.Text(left, y, p.T("events.letter.date", longDate(issued.In(loc), lang)), 10, false)
	ref := p.T("events.letter.ref", v.Code)
	d.Text(left+width-d.Width(ref, 10, false), y, ref, 10, false)
	y += 12

	d.Text(left, y, p.T("events.letter.to", pp.Embassy), 11, false)
	y += 12
	d.Centre(105, y, p.T("events.letter.title"), 15, true)
	y += 12
	d.Text(left, y, p.T("events.letter.salutation"), 11, false)
	y += 8
	place := e.Venue
	if e.Country != "" {
		if place != "" {
			place += ", "
		}
		place += country(e.Country)
	}
	body := p.T("events.letter.body", org, pp.FullName, country(pp.Nationality), pp.Number, e.Title.For(lang), place, e.Dates(lang))
	y = d.Paragraph(left, y, width, body, 11, 6, false) + 2
	y = d.Paragraph(left, y, width, p.T("events.letter.stay", isoDate(pp.Arrival, lang), isoDate(pp.Departure, lang)), 11, 6, false) + 2
	y = d.Paragraph(left, y, width, p.T("events.letter.purpose"), 11, 6, false) + 4

	// The facts an embassy checks, as a table.
	d.Text(left, y, p.T("events.letter.details"), 11, true)
	y += 3
	rows := [][2]string{
		{p.T("events.visa.full_name"), pp.FullName},
		{p.T("events.visa.nationality"), country(pp.Nationality)},
		{p.T("events.visa.number"), pp.Number},
		{p.T("events.visa.birth_date"), isoDate(pp.BirthDate, lang)},
		{p.T("events.visa.expiry"), isoDate(pp.Expiry, lang)},
		{p.T("events.field.event"), e.Title.For(lang)},
		{p.T("events.letter.dates"), e.Dates(lang)},
		{p.T("events.field.venue"), place},
		{p.T("events.letter.registration"), r.Number()},
	}
	f := d.PDF()
	f.SetDrawColor(190, 190, 190)
	f.SetLineWidth(0.2)
	const labelW = 52.0
	for _, row := range rows {
		lines := d.Wrap(row[1], width-labelW-4, 10, row[0] == p.T("events.visa.full_name"))
		h := 2 + 5*float64(len(lines))
		f.Line(left, y, left+width, y)
		d.Text(left+1, y+5.2, row[0], 9, false)
		for i, l := range lines {
			d.Text(left+labelW, y+5.5+5*float64(i), l, 10, row[0] == p.T("events.visa.full_name"))
		}
		y += h + 1
	}
	f.Line(left, y, left+width, y)
	// Verification, at the foot: the QR code and the code as text. A
	// letter too long for one page signs off on the next.
	const qr = 30.0
	qy := 297 - 22 - qr
	closing := d.Wrap(p.T("events.letter.closing"), width, 11, false)
	if y+10+6*float64(len(closing))+1+6 > qy+3 {
		d.AddPage()
		y = 20
	}
	y = d.Paragraph(left, y+10, width, p.T("events.letter.closing"), 11, 6, false) + 1
	if signer.Name != "" {
		// The organisation's signatory (its settings), then the title.
		d.Text(left, y, signer.Name, 11, true)
		if signer.Title != "" {
			y += 6
			d.Text(left, y, signer.Title, 11, false)
		}
	} else {
		d.Text(left, y, p.T("events.letter.signature"), 11, true)
	}
	y += 6
	d.Text(left, y, org, 11, false)

	if err := d.QR(left+width-qr, qy, qr, verifyURL); err != nil {
		return nil, err
	}
	d.Link(left+width-qr, qy, qr, qr, verifyURL)
	ty := qy + 8
	d.Text(left, ty, p.T("events.letter.code"), 9, false)
	d.Text(left, ty+7, v.Code, 14, true)
	d.Paragraph(left, ty+14, width-qr-6, p.T("events.letter.verify", verifyURL), 8.5, 4.5, false)
	return d.Bytes()
}
