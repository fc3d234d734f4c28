package events

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/pdf"
)

// Badges: a printable badge per confirmed registration, whose QR code
// carries a signed token (the registration id and the badge's generation,
// with an HMAC-SHA256 under the installation's secret) that the check-in
// desk accepts in place of a typed registration number.

// badgePurpose binds badge signatures to badges.
const badgePurpose = "badge"

// badgeVersion is the first byte of a badge token.
const badgeVersion = 1

// BadgeToken is the signed token a badge's QR code carries: base64url of
// version, registration id and generation (uvarints), then the first 16
// bytes of the HMAC.
func (s *Store) BadgeToken(regID int64, generation int) string {
	msg := binary.AppendUvarint([]byte{badgeVersion}, uint64(regID))
	msg = binary.AppendUvarint(msg, uint64(generation))
	return base64.RawURLEncoding.EncodeToString(append(msg, s.Keys.Sign(badgePurpose, msg)[:16]...))
}

// parseBadgeToken returns the registration id and generation of a token
// whose signature holds.
func (s *Store) parseBadgeToken(token string) (id int64, generation int, ok bool) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimSpace(token))
	if err != nil || len(b) < 1+2+16 || b[0] != badgeVersion || s.Keys == nil {
		return 0, 0, false
	}
	msg, mac := b[:len(b)-16], b[len(b)-16:]
	if !s.Keys.Verify(badgePurpose, msg, mac) {
		return 0, 0, false
	}
	rid, n := binary.Uvarint(msg[1:])
	if n <= 0 {
		return 0, 0, false
	}
	gen, m := binary.Uvarint(msg[1+n:])
	if m <= 0 || 1+n+m != len(msg) || rid == 0 || rid > 1<<62 || gen > 1<<30 {
		return 0, 0, false
	}
	return int64(rid), int(gen), true
}

// badgeState is a registration's badge: its generation and last revocation.
type badgeState struct {
	Generation int
	RevokedAt  *time.Time
	RevokedBy  string
}

func badgeOf(ctx context.Context, q db.Querier, regID int64) (badgeState, error) {
	var b badgeState
	err := q.QueryRow(ctx, "SELECT badge_generation, badge_revoked_at, badge_revoked_by FROM event_registrations WHERE id = ?", regID).
		Scan(&b.Generation, &b.RevokedAt, &b.RevokedBy)
	if db.IsNotFound(err) {
		return b, errs.New(errs.NotFound, "error.not_found")
	}
	return b, err
}

// SetBadge revokes a registration's badge (lost, stolen, misused), or
// gives a new one after a revocation: the new badge has the next
// generation, so that the revoked one stays refused at the desk. For the
// secretariat.
func (s *Store) SetBadge(ctx context.Context, by *actor.Actor, regID int64, revoke bool) (*Registration, error) {
	var r *Registration
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if r, err = s.registration(ctx, tx, regID, tx.ForUpdate()); err != nil {
			return err
		}
		if r.BadgeRevoked == revoke {
			return errs.New(errs.Conflict, "events.badge.no_change")
		}
		now := tx.Now()
		action := "badge.revoked"
		if revoke {
			_, err = tx.Exec(ctx, `UPDATE event_registrations SET badge_revoked = ?, badge_revoked_at = ?, badge_revoked_by = ?,
				updated_at = ? WHERE id = ?`, true, now, by.Email, now, regID)
		} else {
			action = "badge.reissued"
			_, err = tx.Exec(ctx, `UPDATE event_registrations SET badge_revoked = ?, badge_generation = badge_generation + 1,
				updated_at = ? WHERE id = ?`, false, now, regID)
		}
		if err != nil {
			return err
		}
		r.BadgeRevoked = revoke
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: action, Object: regObject(regID)})
	})
	return r, err
}

// Badge is one badge to print.
type Badge struct {
	R        *Registration
	Category *Category
	Token    string
	Photo    []byte // the registrant's photo (a square JPEG), nil for none
}

// Badges returns the badges of an event's confirmed registrations whose
// badge stands, in the category given by code ("" for all), by category
// and name. For the secretariat.
func (s *Store) Badges(ctx context.Context, e *Event, code string) ([]Badge, error) {
	cats, err := s.Categories(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*Category{}
	var ids []any
	for _, c := range cats {
		if code == "" || c.Code == code {
			byID[c.ID] = c
			ids = append(ids, c.ID)
		}
	}
	if len(ids) == 0 {
		return nil, errs.Fields{{Name: "category", Key: "events.category_invalid"}}.Err()
	}
	type row struct {
		r   *Registration
		gen int
	}
	list, err := db.All(ctx, s.DB, "events: badges", func(sc db.Scanner) (row, error) {
		var x row
		var err error
		x.r, err = scanRegistration(rowWithGeneration{sc, &x.gen})
		return x, err
	}, "SELECT "+registrationColumns+", badge_generation FROM event_registrations WHERE event_id = ? AND status = 'confirmed'"+
		" AND NOT badge_revoked AND category_id IN (?"+strings.Repeat(", ?", len(ids)-1)+") ORDER BY category_id, name, id",
		append([]any{e.ID}, ids...)...)
	if err != nil {
		return nil, err
	}
	pos := map[int64]int{}
	for _, c := range cats {
		pos[c.ID] = c.Position
	}
	photos, err := s.photos(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	out := make([]Badge, 0, len(list))
	for _, x := range list {
		x.r.Event = e
		out = append(out, Badge{R: x.r, Category: byID[x.r.CategoryID], Token: s.BadgeToken(x.r.ID, x.gen), Photo: photos[x.r.ID]})
	}
	// The categories' own order, not their ids'.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && pos[out[j].R.CategoryID] < pos[out[j-1].R.CategoryID]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out, nil
}

// rowWithGeneration scans a registration followed by its badge generation.
type rowWithGeneration struct {
	db.Scanner
	gen *int
}

func (r rowWithGeneration) Scan(dest ...any) error { return r.Scanner.Scan(append(dest, r.gen)...) }

// PersonBadge returns the badge of one registration: to its registrant
// while it is confirmed and its badge stands, or to staff (who may print
// a revoked one's replacement only after giving it back).
func (s *Store) PersonBadge(ctx context.Context, regID, userID int64, staff bool) (*Badge, error) {
	r, err := s.Registration(ctx, regID, userID, staff)
	if err != nil {
		return nil, err
	}
	if r.Status != Confirmed {
		return nil, errs.New(errs.Conflict, "events.not_confirmed")
	}
	if r.BadgeRevoked {
		return nil, errs.New(errs.Conflict, "events.badge_revoked")
	}
	b, err := badgeOf(ctx, s.DB, regID)
	if err != nil {
		return nil, err
	}
	out := &Badge{R: r, Category: r.Category, Token: s.BadgeToken(r.ID, b.Generation)}
	if ph, err := s.RegistrationPhoto(ctx, regID); err == nil {
		out.Photo = ph.Data
	} else if errs.CodeOf(err) != errs.NotFound {
		return nil, err
	}
	return out, nil
}

// CheckInCode checks in the registration a desk code names, for the event
// with id eventID: a signed badge token, or a registration number as
// typed or printed (R-000042, r000042 or 42). A forged token, a badge revoked or replaced, a
// registration of another event, and a second check-in are refused, naming
// who did what when where that is known.
func (s *Store) CheckInCode(ctx context.Context, by *actor.Actor, eventID int64, code string) (*Registration, error) {
	code = strings.TrimSpace(code)
	var id int64
	gen := 0
	number := strings.TrimPrefix(strings.TrimPrefix(strings.ToUpper(code), "R"), "-")
	if n, err := strconv.ParseInt(number, 10, 64); err == nil && n > 0 && len(code) <= 14 {
		id = n
	} else if rid, g, ok := s.parseBadgeToken(code); ok {
		id, gen = rid, g
	} else if len(code) >= 20 {
		return nil, errs.Fields{{Name: "code", Key: "events.badge_forged"}}.Err()
	}
	if id <= 0 {
		return nil, errs.Fields{{Name: "code", Key: "events.code_unknown"}}.Err()
	}
	r, err := s.registration(ctx, s.DB, id, "")
	if errs.CodeOf(err) == errs.NotFound {
		return nil, errs.Fields{{Name: "code", Key: "events.code_unknown"}}.Err()
	}
	if err != nil {
		return nil, err
	}
	if r.EventID != eventID {
		return nil, errs.Fields{{Name: "code", Key: "events.code_other_event"}}.Err()
	}
	b, err := badgeOf(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	e, err := s.byID(ctx, s.DB, eventID, "")
	if err != nil {
		return nil, err
	}
	at := func(t *time.Time) any {
		if t == nil {
			return ""
		}
		return i18n.At{T: *t, Loc: e.Location()}
	}
	r.Event = e
	switch {
	case r.BadgeRevoked:
		return r, errs.Newf(errs.Conflict, "events.badge_revoked_at", at(b.RevokedAt), b.RevokedBy)
	case gen != 0 && gen != b.Generation:
		return r, errs.Newf(errs.Conflict, "events.badge_replaced", at(b.RevokedAt), b.RevokedBy)
	}
	return s.CheckIn(ctx, by, id)
}

// Badge sheet: A4 portrait, two columns by four rows of 95 × 65 mm badges
// with 6 mm gutters and cut marks at every corner.
const (
	badgeW, badgeH = 95.0, 65.0
	badgeCols      = 2
	badgeRows      = 4
	badgeGutter    = 6.0
	badgePhoto     = 22.0 // the side of the photo's square
)

// renderBadges writes the badges on A4 sheets, labels in lang, with org
// (the organisation's name) in small print.
func renderBadges(e *Event, org, lang string, list []Badge, now time.Time) ([]byte, error) {
	p := i18n.For(lang)
	d := pdf.New(e.Title.For(lang)+" · "+p.T("events.badge.title"), lang, now)
	pw, ph := 210.0, 297.0
	left := (pw - badgeCols*badgeW - (badgeCols-1)*badgeGutter) / 2
	top := (ph - badgeRows*badgeH - (badgeRows-1)*badgeGutter) / 2
	for i, b := range list {
		k := i % (badgeCols * badgeRows)
		if k == 0 {
			d.AddPage()
		}
		x := left + float64(k%badgeCols)*(badgeW+badgeGutter)
		y := top + float64(k/badgeCols)*(badgeH+badgeGutter)
		if err := drawBadge(d, e, org, lang, b, x, y); err != nil {
			return nil, err
		}
		d.CutMarks(x, y, badgeW, badgeH, 2)
	}
	if len(list) == 0 {
		d.AddPage()
		d.Text(20, 30, p.T("events.badge.none"), 12, false)
	}
	return d.Bytes()
}

// drawBadge draws one badge with its top left corner at x, y.
func drawBadge(d *pdf.Doc, e *Event, org, lang string, b Badge, x, y float64) error {
	const pad = 5.0
	colour := b.Category.Colour
	if colour == "" {
		colour = Colours[0]
	}
	f := d.PDF()
	// A thin frame to see the badge on screen; the cut marks guide the knife.
	f.SetDrawColor(200, 200, 200)
	f.SetLineWidth(0.1)
	f.Rect(x, y, badgeW, badgeH, "D")
	// The category's band at the top, and a strip at the foot, so that the
	// colour shows whichever way the badge hangs.
	d.Fill(x, y, badgeW, 15, colour)
	d.Fill(x, y+badgeH-3, badgeW, 3, colour)
	d.TextColour(textOn(colour))
	title := e.Title.For(lang)
	d.Text(x+pad, y+5.5, title, d.Fit(title, badgeW-2*pad, 7.5, 5, false), false)
	cat := b.Category.Name.For(lang)
	d.Text(x+pad, y+12, cat, d.Fit(cat, badgeW-2*pad, 12, 7, true), true)
	d.TextColour("#000000")

	r := b.R
	// With a photo, a square at the left under the band, and the text in
	// a column at its right.
	tx := x + pad
	if len(b.Photo) > 0 {
		if err := d.JPEG(fmt.Sprintf("photo-%d", r.ID), b.Photo, x+pad, y+15+3, badgePhoto, badgePhoto); err != nil {
			return err
		}
		f.SetDrawColor(200, 200, 200)
		f.Rect(x+pad, y+15+3, badgePhoto, badgePhoto, "D")
		tx += badgePhoto + 3
	}
	w := x + badgeW - pad - tx
	name := strings.TrimSpace(r.Name)
	size := d.Fit(name, w, 20, 9, true)
	ny := y + 15 + 10
	d.Text(tx, ny, name, size, true)
	latin := strings.TrimSpace(r.NameLatin)
	if latin != "" && latin != name {
		ny += 6.5
		d.Text(tx, ny, latin, d.Fit(latin, w, 12, 7, false), false)
	}
	// Organisation and country at the left of the QR code.
	const qr = 24.0
	qx, qy := x+badgeW-pad-qr+2, y+badgeH-3-qr-1
	tw := qx - tx - 2
	ty := ny + 7
	if o := strings.TrimSpace(r.Organization); o != "" {
		for i, l := range d.Wrap(o, tw, 9, false) {
			if i == 2 {
				break
			}
			d.Text(tx, ty, l, 9, false)
			ty += 4.2
		}
	}
	if c, ok := geo.Lookup(r.Country); ok {
		d.Text(tx, ty+0.5, c.Name(lang), d.Fit(c.Name(lang), tw, 9, 6, true), true)
	}
	tw = qx - x - pad - 2 // the foot runs under the photo
	d.TextColour("#555555")
	foot := r.Number() + " · " + org
	d.Text(x+pad, y+badgeH-5.5, foot, d.Fit(foot, tw, 6.5, 4.5, false), false)
	d.TextColour("#000000")
	return d.QR(qx, qy, qr, b.Token)
}

// textOn picks black or white text for a background colour, by its
// relative luminance (WCAG 2.x).
func textOn(bg string) string {
	r, g, b := pdf.Colour(bg)
	lin := func(c int) float64 {
		v := float64(c) / 255
		if v <= 0.03928 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	l := 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
	// Contrast with white (1.05/(l+0.05)) against black ((l+0.05)/0.05).
	if 1.05/(l+0.05) >= (l+0.05)/0.05 {
		return "#ffffff"
	}
	return "#000000"
}
