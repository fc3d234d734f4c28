package events

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/crypt"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/mail"
)

// Visa invitation letters: a registrant gives passport details, sealed at
// rest; the secretariat approves or refuses; an approved letter carries a
// code that anyone may check at /verify/{code}; the details are deleted a
// set number of days after the event.

// VisaStatus is where a visa letter request stands.
type VisaStatus string

// The states of a visa letter request. Stored, do not rename.
const (
	VisaRequested VisaStatus = "requested"
	VisaApproved  VisaStatus = "approved"
	VisaRefused   VisaStatus = "refused"
)

// Passport is what a registrant gives for a visa letter. It is stored
// sealed (internal/crypt) and shown only to the secretariat and to the
// registrant.
type Passport struct {
	FullName    string `json:"full_name"`   // as printed in the passport
	Nationality string `json:"nationality"` // ISO 3166-1 alpha-2
	Number      string `json:"number"`
	BirthDate   string `json:"birth_date"` // YYYY-MM-DD
	Expiry      string `json:"expiry"`     // YYYY-MM-DD
	Embassy     string `json:"embassy"`    // the embassy or consulate where the visa is applied for
	Arrival     string `json:"arrival"`    // YYYY-MM-DD
	Departure   string `json:"departure"`  // YYYY-MM-DD
}

var passportNumberRE = regexp.MustCompile(`^[A-Z0-9]{5,20}$`)

// validate checks p for a letter to event e, as of now.
func (p *Passport) validate(e *Event, now time.Time) error {
	var fe errs.Fields
	// One line as typed: spaces between words are made single below, but
	// a line break or a control character is refused, not made a space.
	fe.Line("full_name", strings.TrimSpace(p.FullName))
	p.FullName = strings.Join(strings.Fields(p.FullName), " ")
	switch {
	case fe.Has("full_name"):
	case p.FullName == "":
		fe.Add("full_name", "events.text_required")
	case utf8.RuneCountInString(p.FullName) > 200 || !clean(p.FullName):
		fe.Add("full_name", "events.text_invalid")
	}
	p.Nationality = strings.ToUpper(strings.TrimSpace(p.Nationality))
	if _, ok := geo.Lookup(p.Nationality); !ok {
		fe.Add("nationality", "events.country_required")
	}
	p.Number = strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(p.Number))
	if !passportNumberRE.MatchString(p.Number) {
		fe.Add("number", "events.visa.number_invalid")
	}
	p.Embassy = strings.TrimSpace(p.Embassy)
	if p.Embassy == "" {
		fe.Add("embassy", "events.text_required")
	} else if utf8.RuneCountInString(p.Embassy) > 200 || !clean(p.Embassy) {
		fe.Add("embassy", "events.text_invalid")
	}
	fe.Line("embassy", p.Embassy)
	loc := e.Location()
	date := func(name string, v *string) (time.Time, bool) {
		*v = strings.TrimSpace(*v)
		t, err := time.ParseInLocation(time.DateOnly, *v, loc)
		if err != nil {
			fe.Add(name, "events.visa.date_invalid")
			return t, false
		}
		return t, true
	}
	today := now.In(loc)
	if born, ok := date("birth_date", &p.BirthDate); ok && (born.After(today) || born.Year() < today.Year()-120) {
		fe.Add("birth_date", "events.visa.date_invalid")
	}
	arrival, okA := date("arrival", &p.Arrival)
	departure, okD := date("departure", &p.Departure)
	first := time.Date(e.Starts.In(loc).Year(), e.Starts.In(loc).Month(), e.Starts.In(loc).Day(), 0, 0, 0, 0, loc)
	if okA && (arrival.After(e.Ends) || arrival.Before(first.AddDate(0, 0, -30))) {
		fe.Add("arrival", "events.visa.stay_outside_event")
	}
	if okD && okA && departure.Before(arrival) {
		fe.Add("departure", "events.ends_before_start")
	} else if okD && (departure.Before(first) || departure.After(e.Ends.AddDate(0, 0, 30))) {
		fe.Add("departure", "events.visa.stay_outside_event")
	}
	if expiry, ok := date("expiry", &p.Expiry); ok && okD && !expiry.After(departure) {
		fe.Add("expiry", "events.visa.expires_before_departure")
	}
	return fe.Err()
}

// Masked is the passport number with all but its last three characters
// hidden, for pages that only need to recognise it.
func (p *Passport) Masked() string {
	if len(p.Number) <= 3 {
		return p.Number
	}
	return strings.Repeat("•", len(p.Number)-3) + p.Number[len(p.Number)-3:]
}

// VisaLetter is a registration's visa letter request.
type VisaLetter struct {
	RegistrationID int64
	EventID        int64
	Status         VisaStatus
	Passport       *Passport // opened; nil once purged
	Code           string    // verification code, once approved
	Reason         string    // why it was refused
	Requested      time.Time
	Updated        time.Time
	Decided        *time.Time
	DecidedBy      string
	Revoked        *time.Time
	RevokedBy      string
	Purged         *time.Time

	Registration *Registration // filled by pages
	Event        *Event        // filled by pages
}

// Valid reports whether the letter is approved and not revoked.
func (v *VisaLetter) Valid() bool { return v.Status == VisaApproved && v.Revoked == nil }

// State is where the letter stands as people read it: "revoked" for an
// approved letter since revoked, else its status.
func (v *VisaLetter) State() string {
	if v.Status == VisaApproved && v.Revoked != nil {
		return "revoked"
	}
	return string(v.Status)
}

// Editable reports whether the registrant may still change the details:
// before approval, after a refusal, or after a revocation.
func (v *VisaLetter) Editable() bool {
	return v == nil || v.Status != VisaApproved || v.Revoked != nil
}

const visaColumns = `registration_id, event_id, status, details, COALESCE(code, ''), reason, requested_at, updated_at,
	decided_at, decided_by, revoked_at, revoked_by, purged_at`

func visaContext(regID int64) string { return fmt.Sprintf("visa:%d", regID) }

// scanVisa reads a letter and opens its details with keys.
func scanVisa(keys *crypt.Keys) func(db.Scanner) (*VisaLetter, error) {
	return func(row db.Scanner) (*VisaLetter, error) {
		v := &VisaLetter{}
		var sealed []byte
		err := row.Scan(&v.RegistrationID, &v.EventID, &v.Status, &sealed, &v.Code, &v.Reason, &v.Requested, &v.Updated,
			&v.Decided, &v.DecidedBy, &v.Revoked, &v.RevokedBy, &v.Purged)
		if err != nil || sealed == nil {
			return v, err
		}
		if keys == nil {
			return nil, fmt.Errorf("events: visa letter %d: no secret key to open it", v.RegistrationID)
		}
		plain, err := keys.Open(sealed, visaContext(v.RegistrationID))
		if err != nil {
			return nil, fmt.Errorf("events: visa letter %d: %w", v.RegistrationID, err)
		}
		v.Passport = &Passport{}
		return v, json.Unmarshal(plain, v.Passport)
	}
}

func (s *Store) visa(ctx context.Context, q db.Querier, regID int64, lock string) (*VisaLetter, error) {
	v, err := scanVisa(s.Keys)(q.QueryRow(ctx, "SELECT "+visaColumns+" FROM event_visa_letters WHERE registration_id = ?"+lock, regID))
	if db.IsNotFound(err) {
		return nil, nil
	}
	return v, err
}

// Visa returns a registration's visa letter request (nil when there is
// none) with the registration and its event: to its registrant, or to
// staff. Anyone else gets NotFound.
func (s *Store) Visa(ctx context.Context, regID, userID int64, staff bool) (*Registration, *VisaLetter, error) {
	r, err := s.Registration(ctx, regID, userID, staff)
	if err != nil {
		return nil, nil, err
	}
	v, err := s.visa(ctx, s.DB, regID, "")
	if v != nil {
		v.Registration, v.Event = r, r.Event
	}
	return r, v, err
}

// RequestVisa stores the registrant's passport details for a letter and
// (again) asks the secretariat for it. Only the registrant may, for a
// confirmed or pending registration of an event that has not ended, and
// not while an approved letter stands (ask the secretariat to revoke it).
func (s *Store) RequestVisa(ctx context.Context, by *actor.Actor, regID int64, p Passport) (*VisaLetter, error) {
	if s.Keys == nil {
		return nil, fmt.Errorf("events: no secret key to seal passport details")
	}
	var v *VisaLetter
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		r, err := s.registration(ctx, tx, regID, tx.ForUpdate())
		if err != nil {
			return err
		}
		if r.UserID == 0 || r.UserID != by.ID {
			return errs.New(errs.NotFound, "error.not_found")
		}
		if r.Status != Confirmed && r.Status != Pending {
			return errs.New(errs.Conflict, "events.visa.not_registered")
		}
		e, err := s.byID(ctx, tx, r.EventID, "")
		if err != nil {
			return err
		}
		now := tx.Now()
		if !now.Before(e.Ends) {
			return errs.New(errs.Conflict, "events.registration_closed")
		}
		old, err := s.visa(ctx, tx, regID, tx.ForUpdate())
		if err != nil {
			return err
		}
		if !old.Editable() {
			return errs.New(errs.Conflict, "events.visa.already_approved")
		}
		if err := p.validate(e, now); err != nil {
			return err
		}
		plain, err := json.Marshal(p)
		if err != nil {
			return err
		}
		sealed := s.Keys.Seal(plain, visaContext(regID))
		if old == nil {
			_, err = tx.Exec(ctx, `-- events.RequestVisa new
				INSERT INTO event_visa_letters (registration_id, event_id, status, details, requested_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?)`, regID, r.EventID, VisaRequested, sealed, now, now)
		} else {
			_, err = tx.Exec(ctx, `-- events.RequestVisa again
				UPDATE event_visa_letters SET status = ?, details = ?, reason = '', requested_at = ?, updated_at = ?,
					decided_at = NULL, decided_by = '', purged_at = NULL
				WHERE registration_id = ?`, VisaRequested, sealed, now, now, regID)
		}
		if err != nil {
			return err
		}
		if v, err = s.visa(ctx, tx, regID, ""); err != nil {
			return err
		}
		v.Registration, v.Event = r, e
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "visa.requested", Object: regObject(regID)})
	})
	return v, err
}

// VisaFilter selects visa letter requests for the secretariat's list.
type VisaFilter struct {
	Status VisaStatus // "" for all
}

// Visas returns an event's visa letter requests with their details and
// registrations, the oldest request first: for the secretariat only.
func (s *Store) Visas(ctx context.Context, eventID int64, f VisaFilter) ([]*VisaLetter, error) {
	where, args := "event_id = ?", []any{eventID}
	if f.Status != "" {
		where, args = where+" AND status = ?", append(args, f.Status)
	}
	list, err := db.All(ctx, s.DB, "events: visas", scanVisa(s.Keys),
		"SELECT "+visaColumns+" FROM event_visa_letters WHERE "+where+" ORDER BY requested_at, registration_id", args...)
	if err != nil {
		return nil, err
	}
	for _, v := range list {
		if v.Registration, err = s.registration(ctx, s.DB, v.RegistrationID, ""); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// VisaDecision is what the secretariat does with a request.
type VisaDecision string

// The decisions.
const (
	ApproveVisa VisaDecision = "approve"
	RefuseVisa  VisaDecision = "refuse"
	RevokeVisa  VisaDecision = "revoke"
)

// DecideVisa approves a requested letter (giving it its verification
// code), refuses it (with a reason, required), or revokes an approved one:
// for the secretariat. The registrant is told by mail, in their language,
// with a link to the letter page; never with the passport details.
func (s *Store) DecideVisa(ctx context.Context, by *actor.Actor, regID int64, d VisaDecision, reason string) (*VisaLetter, error) {
	reason = strings.TrimSpace(reason)
	var v *VisaLetter
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if v, err = s.visa(ctx, tx, regID, tx.ForUpdate()); err != nil {
			return err
		}
		if v == nil {
			return errs.New(errs.NotFound, "error.not_found")
		}
		now := tx.Now()
		switch {
		case d == ApproveVisa && v.Status == VisaRequested:
			if v.Passport == nil {
				return errs.New(errs.Conflict, "events.visa.purged")
			}
			var st RegStatus
			if err := tx.QueryRow(ctx, "SELECT status FROM event_registrations WHERE id = ?", regID).Scan(&st); err != nil {
				return err
			}
			if st != Confirmed && st != Pending {
				return errs.New(errs.Conflict, "events.visa.not_registered")
			}
			v.Code = newVisaCode()
			v.Status, v.Decided, v.DecidedBy, v.Revoked, v.RevokedBy = VisaApproved, &now, by.Email, nil, ""
			_, err = tx.Exec(ctx, `UPDATE event_visa_letters SET status = ?, code = ?, decided_at = ?, decided_by = ?,
				revoked_at = NULL, revoked_by = '', reason = '', updated_at = ? WHERE registration_id = ?`,
				VisaApproved, v.Code, now, by.Email, now, regID)
		case d == RefuseVisa && v.Status == VisaRequested:
			if reason == "" || utf8.RuneCountInString(reason) > 2000 || !clean(reason) {
				return errs.Fields{{Name: "reason", Key: "events.visa.reason_required"}}.Err()
			}
			if !errs.OneLine(reason) {
				return errs.Fields{{Name: "reason", Key: errs.OneLineKey}}.Err()
			}
			v.Status, v.Reason, v.Decided, v.DecidedBy = VisaRefused, reason, &now, by.Email
			_, err = tx.Exec(ctx, `UPDATE event_visa_letters SET status = ?, reason = ?, decided_at = ?, decided_by = ?,
				updated_at = ? WHERE registration_id = ?`, VisaRefused, reason, now, by.Email, now, regID)
		case d == RevokeVisa && v.Valid():
			v.Revoked, v.RevokedBy, v.Reason = &now, by.Email, reason
			_, err = tx.Exec(ctx, `UPDATE event_visa_letters SET revoked_at = ?, revoked_by = ?, reason = ?, updated_at = ?
				WHERE registration_id = ?`, now, by.Email, reason, now, regID)
		default:
			return errs.New(errs.Conflict, "events.visa.not_allowed")
		}
		if err != nil {
			return err
		}
		if v.Registration, err = s.registration(ctx, tx, regID, ""); err != nil {
			return err
		}
		if v.Event, err = s.byID(ctx, tx, v.EventID, ""); err != nil {
			return err
		}
		if err := s.mailVisa(ctx, tx, v, d); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "visa." + string(d) + "d",
			Object: regObject(regID), Details: map[string]any{"reason": reason}})
	})
	return v, err
}

// mailVisa tells the registrant of a decision on their letter.
func (s *Store) mailVisa(ctx context.Context, tx *db.Tx, v *VisaLetter, d VisaDecision) error {
	r := v.Registration
	if r.UserID == 0 {
		return nil
	}
	u, err := auth.Lookup(ctx, tx, r.UserID)
	if err != nil {
		return err
	}
	lang := i18n.En
	if l := i18n.Match(u.Locale); l != "" {
		lang = l
	}
	p := i18n.For(lang)
	link := fmt.Sprintf("%s/registrations/%d/visa", strings.TrimRight(s.BaseURL, "/"), r.ID)
	key := "mail.visa." + string(d)
	args := []any{r.Name, v.Event.Title.For(lang), link, v.Reason}
	_, err = mail.Send(ctx, tx, mail.Message{To: u.Email, Subject: p.T(key+".subject", args...), Text: p.T(key+".body", args...),
		Kind: mail.KindVisa})
	return err
}

// codeAlphabet is Crockford's base 32: no I, L, O or U to misread.
const codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// newVisaCode is a random verification code of 60 bits, written
// XXXX-XXXX-XXXX.
func newVisaCode() string {
	b := make([]byte, 12)
	rand.Read(b)
	var out strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			out.WriteByte('-')
		}
		out.WriteByte(codeAlphabet[int(c)%32])
	}
	return out.String()
}

// normaliseCode reads a code as a person may type it: any case, with or
// without dashes and spaces, O for 0 and I or L for 1.
func normaliseCode(s string) string {
	s = strings.ToUpper(strings.NewReplacer("-", "", " ", "", "O", "0", "I", "1", "L", "1").Replace(s))
	if len(s) != 12 || strings.Trim(s, codeAlphabet) != "" {
		return ""
	}
	return s[:4] + "-" + s[4:8] + "-" + s[8:]
}

// LetterCheck is what the public verification page may show of a letter:
// never the passport number.
type LetterCheck struct {
	Code     string
	Valid    bool
	Name     string // as in the passport; "" once the details are deleted
	Event    *Event
	Issued   *time.Time
	Revoked  *time.Time // the letter, or the registration it was for, ended then
	Purged   *time.Time
	Complete bool // the event has ended
}

// CheckLetter looks up a letter by its verification code, for anyone. A
// letter stops being valid when the secretariat revokes it or when its
// registration is cancelled or rejected. An unknown code is NotFound.
func (s *Store) CheckLetter(ctx context.Context, code string) (*LetterCheck, error) {
	code = normaliseCode(code)
	if code == "" {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	v, err := scanVisa(s.Keys)(s.DB.QueryRow(ctx, "SELECT "+visaColumns+" FROM event_visa_letters WHERE code = ?", code))
	if db.IsNotFound(err) {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, err
	}
	r, err := s.registration(ctx, s.DB, v.RegistrationID, "")
	if err != nil {
		return nil, err
	}
	e, err := s.byID(ctx, s.DB, v.EventID, "")
	if err != nil {
		return nil, err
	}
	c := &LetterCheck{Code: code, Event: e, Revoked: v.Revoked, Purged: v.Purged, Complete: !s.DB.Now().Before(e.Ends)}
	c.Issued = v.Decided
	if v.Passport != nil {
		c.Name = v.Passport.FullName
	}
	if c.Revoked == nil && (r.Status == Withdrawn || r.Status == Rejected) {
		c.Revoked = &r.Updated
	}
	if c.Revoked == nil && e.Status == Cancelled {
		c.Revoked = &e.Updated
	}
	c.Valid = v.Status == VisaApproved && c.Revoked == nil
	return c, nil
}

// PurgeVisas deletes the passport details of every letter request whose
// event ended more than days ago, keeping the rest of the row (status,
// code, dates) so that the verification page can still answer. It
// returns how many were deleted. Safe on several instances at once.
func (s *Store) PurgeVisas(ctx context.Context, days int) (int, error) {
	var n int
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		now := tx.Now()
		before := now.AddDate(0, 0, -days)
		res, err := tx.Exec(ctx, `-- events.PurgeVisas
			UPDATE event_visa_letters SET details = NULL, purged_at = ?, updated_at = ?
			WHERE details IS NOT NULL AND event_id IN (SELECT id FROM events WHERE ends_at < ?)`, now, now, before)
		if err != nil {
			return err
		}
		rows, err := res.RowsAffected()
		if err != nil || rows == 0 {
			return err
		}
		n = int(rows)
		return audit.Record(ctx, tx, audit.Entry{Actor: "system", Action: "visa.purged", Object: "visa_letters",
			Details: map[string]any{"count": n, "retention_days": days}})
	})
	return n, err
}

// CheckKey opens one sealed value, if there is one, to tell at start-up
// that the secret key is the one the data were sealed with (several
// instances must share one).
func (s *Store) CheckKey(ctx context.Context) error {
	var id int64
	var sealed []byte
	err := s.DB.QueryRow(ctx, "SELECT registration_id, details FROM event_visa_letters WHERE details IS NOT NULL LIMIT 1").Scan(&id, &sealed)
	if db.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if s.Keys == nil {
		return fmt.Errorf("events: no secret key")
	}
	if _, err := s.Keys.Open(sealed, visaContext(id)); err != nil {
		return fmt.Errorf("events: the secret key is not the one the passport details were sealed with (every instance needs the same WUZHEN_SECRET_KEY): %w", err)
	}
	return nil
}
