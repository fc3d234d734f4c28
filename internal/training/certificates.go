package training

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/crypt"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/pagecache"
)

// CertificatePurpose binds a certificate's signature to certificates.
const CertificatePurpose = "wuzhen certificate v1"

// Statement is what a certificate says, signed with the platform's key
// and carried whole by its QR code, so that it verifies without the
// server. Field names are part of the signed format: do not rename.
type Statement struct {
	Code         string `json:"code"`
	Holder       string `json:"holder"`
	HolderNative string `json:"holder_native,omitempty"`
	Programme    string `json:"programme"` // slug
	Title        string `json:"title"`     // in English
	TitleZh      string `json:"title_zh,omitempty"`
	StartsOn     string `json:"starts_on"`
	EndsOn       string `json:"ends_on"`
	Hours        int    `json:"hours"`
	IssuedOn     string `json:"issued_on"`
	Issuer       string `json:"issuer"` // the platform's address
}

// Token is a signed statement as text: "wzc1." then the statement's JSON
// and its Ed25519 signature, each in unpadded base64url.
func signToken(k *crypt.Keys, st Statement) string {
	b, err := json.Marshal(st)
	if err != nil {
		panic(err)
	}
	return "wzc1." + base64.RawURLEncoding.EncodeToString(b) + "." + base64.RawURLEncoding.EncodeToString(k.SignStatement(CertificatePurpose, b))
}

// TokenRE finds a token in text (a PDF, a scanned address).
var TokenRE = regexp.MustCompile(`wzc1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+`)

// ErrBadToken is a token that does not verify: altered, or signed with
// another key, or not a token at all.
var ErrBadToken = errors.New("training: the certificate's signature does not verify (altered, or another key)")

// VerifyToken checks a token's signature under pub and returns its
// statement: no server, no database.
func VerifyToken(pub ed25519.PublicKey, token string) (*Statement, error) {
	parts := strings.Split(strings.TrimSpace(token), ".")
	if len(parts) != 3 || parts[0] != "wzc1" {
		return nil, ErrBadToken
	}
	msg, err1 := base64.RawURLEncoding.DecodeString(parts[1])
	sig, err2 := base64.RawURLEncoding.DecodeString(parts[2])
	if err1 != nil || err2 != nil || !crypt.VerifyStatement(pub, CertificatePurpose, msg, sig) {
		return nil, ErrBadToken
	}
	var st Statement
	if err := json.Unmarshal(msg, &st); err != nil {
		return nil, ErrBadToken
	}
	return &st, nil
}

// Certificate is an issued certificate.
type Certificate struct {
	ID           int64
	Code         string
	ProgrammeID  int64
	Application  int64
	UserID       int64
	Holder       string
	HolderNative string
	IssuedOn     string
	Token        string
	RevokedAt    *time.Time
	Reason       string
	Programme    *Programme
}

const certificateColumns = "id, code, programme_id, application_id, user_id, holder, holder_native, issued_on, token, revoked_at, reason"

func scanCertificate(r db.Scanner) (*Certificate, error) {
	c := &Certificate{}
	return c, r.Scan(&c.ID, &c.Code, &c.ProgrammeID, &c.Application, &c.UserID, &c.Holder, &c.HolderNative, &c.IssuedOn, &c.Token,
		&c.RevokedAt, &c.Reason)
}

// codeAlphabet is Crockford's base 32, as the visa letters' codes.
const codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// newCertificateCode is WZC- and 60 random bits, XXXX-XXXX-XXXX: the
// prefix tells it apart from a visa letter's code at /verify/{code}.
func newCertificateCode() string {
	b := make([]byte, 12)
	rand.Read(b)
	var out strings.Builder
	out.WriteString("WZC")
	for i, c := range b {
		if i%4 == 0 {
			out.WriteByte('-')
		}
		out.WriteByte(codeAlphabet[int(c)%32])
	}
	return out.String()
}

// NormaliseCode reads a certificate code as a person may type it (any
// case, with or without dashes and spaces, O for 0, I or L for 1); ""
// when it is not one.
func NormaliseCode(s string) string {
	s = strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(s)))
	if !strings.HasPrefix(s, "WZC") {
		return ""
	}
	s = strings.NewReplacer("O", "0", "I", "1", "L", "1").Replace(s[3:])
	if len(s) != 12 || strings.Trim(s, codeAlphabet) != "" {
		return ""
	}
	return "WZC-" + s[:4] + "-" + s[4:8] + "-" + s[8:]
}

// IsCertificateCode reports whether code names a certificate rather
// than another document verified at /verify/{code}.
func IsCertificateCode(code string) bool { return NormaliseCode(code) != "" }

// Issue issues a certificate to every participant of the programme of
// slug who completes it now and has none yet, and returns how many it
// issued. For the secretariat.
func (s *Store) Issue(ctx context.Context, by *actor.Actor, slug string) (int, error) {
	if !manages(by) {
		return 0, errs.New(errs.Forbidden, "error.forbidden")
	}
	if s.Keys == nil {
		return 0, errors.New("training: no signing key")
	}
	p, err := s.programme(ctx, s.DB, "slug = ?", slug)
	if err != nil {
		return 0, err
	}
	co, err := s.cohort(ctx, p, 0)
	if err != nil {
		return 0, err
	}
	n := 0
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		now := tx.Now()
		for _, pt := range co.Participants {
			if !pt.Complete {
				continue
			}
			a := pt.Application
			var have int
			if err := tx.QueryRow(ctx, "-- training.Issue\nSELECT COUNT(*) FROM training_certificates WHERE application_id = ?", a.ID).Scan(&have); err != nil {
				return err
			}
			if have > 0 {
				continue
			}
			st := Statement{Code: newCertificateCode(), Holder: a.Name, HolderNative: a.NameNative, Programme: p.Slug,
				Title: p.Title.For("en"), TitleZh: p.Title.For("zh-Hans"), StartsOn: p.StartsOn, EndsOn: p.EndsOn, Hours: p.Hours,
				IssuedOn: now.UTC().Format(time.DateOnly), Issuer: s.BaseURL}
			if st.TitleZh == st.Title {
				st.TitleZh = ""
			}
			if _, err := tx.Exec(ctx, `-- training.Issue
				INSERT INTO training_certificates (code, programme_id, application_id, user_id, holder, holder_native, issued_on, token, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, st.Code, p.ID, a.ID, a.UserID, st.Holder, st.HolderNative, st.IssuedOn,
				signToken(s.Keys, st), now); err != nil {
				return err
			}
			n++
		}
		if n == 0 {
			return nil
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "programme.certificates", Object: programmeObject(p.ID),
			Details: map[string]any{"issued": n}})
	})
	if err != nil {
		return 0, fmt.Errorf("training: issue: %w", err)
	}
	return n, nil
}

// Certificates lists the programme's certificates, for the secretariat.
func (s *Store) Certificates(ctx context.Context, by *actor.Actor, slug string) (*Programme, []*Certificate, error) {
	if !manages(by) {
		return nil, nil, errs.New(errs.Forbidden, "error.forbidden")
	}
	p, err := s.programme(ctx, s.DB, "slug = ?", slug)
	if err != nil {
		return nil, nil, err
	}
	list, err := db.All(ctx, s.DB, "training: certificates", scanCertificate, "-- training.Certificates\nSELECT "+certificateColumns+
		" FROM training_certificates WHERE programme_id = ? ORDER BY holder, id", p.ID)
	for _, c := range list {
		c.Programme = p
	}
	return p, list, err
}

// MyCertificates lists by's certificates with their programmes.
func (s *Store) MyCertificates(ctx context.Context, by *actor.Actor) ([]*Certificate, error) {
	list, err := db.All(ctx, s.DB, "training: my certificates", scanCertificate, "-- training.MyCertificates\nSELECT "+certificateColumns+
		" FROM training_certificates WHERE user_id = ? ORDER BY issued_on DESC, id DESC", by.ID)
	if err != nil {
		return nil, err
	}
	for _, c := range list {
		if c.Programme, err = s.programme(ctx, s.DB, "id = ?", c.ProgrammeID); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// Certificate returns the certificate of code with its programme:
// anyone may check one (NotFound when there is none).
func (s *Store) Certificate(ctx context.Context, code string) (*Certificate, error) {
	code = NormaliseCode(code)
	if code == "" {
		return nil, errs.NotFoundError()
	}
	c, err := scanCertificate(s.DB.QueryRow(ctx, "-- training.Certificate\nSELECT "+certificateColumns+" FROM training_certificates WHERE code = ?", code))
	if db.IsNotFound(err) {
		return nil, errs.NotFoundError()
	}
	if err != nil {
		return nil, fmt.Errorf("training: certificate: %w", err)
	}
	if c.Programme, err = s.programme(ctx, s.DB, "id = ?", c.ProgrammeID); err != nil {
		return nil, err
	}
	return c, nil
}

// Revoke revokes the certificate of code for reason (required, at
// "reason"); verification then says so. For the secretariat. Revoking
// twice keeps the first reason.
func (s *Store) Revoke(ctx context.Context, by *actor.Actor, code, reason string) (*Certificate, error) {
	if !manages(by) {
		return nil, errs.New(errs.Forbidden, "error.forbidden")
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 1000 {
		var fe errs.Fields
		fe.Add("reason", "training.certificate.reason_required", 1000)
		return nil, fe.Err()
	}
	c, err := s.Certificate(ctx, code)
	if err != nil {
		return nil, err
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		now := tx.Now()
		res, err := tx.Exec(ctx, `-- training.Revoke
			UPDATE training_certificates SET revoked_at = ?, reason = ? WHERE id = ? AND revoked_at IS NULL`, now, reason, c.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		c.RevokedAt, c.Reason = &now, reason
		if err := pagecache.Bump(ctx, tx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "certificate.revoke",
			Object: fmt.Sprintf("training_certificate:%d", c.ID), Details: map[string]any{"reason": reason}})
	})
	if err != nil {
		return nil, fmt.Errorf("training: revoke: %w", err)
	}
	return s.Certificate(ctx, code)
}
