package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
)

// PersonalData is what a capability holds about a person, for their data
// download, their account page, the administrators' view of an account
// and the account's deletion. Platform packages never import a
// capability: each capability implements this in a small file of its own
// (personal.go), and cmd/wuzhen hands them to the Store (Store.Personal).
type PersonalData interface {
	// Area names the capability: the key of its part of the download.
	Area() string
	// Export returns everything the capability holds about account u,
	// ready to be written as JSON.
	Export(ctx context.Context, u *actor.Actor) (any, error)
	// Summary lists account u's items (applications and memberships,
	// registrations, submissions, reviews), titles in lang's script.
	Summary(ctx context.Context, u *actor.Actor, lang string) ([]Item, error)
	// Erase deletes, in tx, what the capability holds about account u,
	// and empties every personal field of what must be kept (a confirmed
	// registration of a past event, a submitted case): after it no row
	// names u's address or name. u still has them.
	Erase(ctx context.Context, tx *db.Tx, u *actor.Actor) error
}

// The kinds of Item, each a section of the account page. Stored in no
// table.
const (
	ItemOrganisation = "organisations"
	ItemRegistration = "registrations"
	ItemSubmission   = "submissions"
	ItemReview       = "reviews"
)

// ItemKinds lists the kinds of Item in the account page's order, with the
// page that lists each in full.
var ItemKinds = []struct{ Kind, Path string }{
	{ItemOrganisation, "/members/applications"},
	{ItemRegistration, "/registrations"},
	{ItemSubmission, "/submissions"},
	{ItemReview, "/reviews"},
}

// Item is one thing of a person's in a capability, for lists.
type Item struct {
	Kind      string // ItemOrganisation, …
	Title     string // in the reader's script
	Status    string // a catalogue key
	Path      string // the person's own page of it, "" when none
	AdminPath string // the staff's page of it, "" when none
}

// Summary gathers account u's items from every capability.
func (s *Store) Summary(ctx context.Context, u *actor.Actor, lang string) ([]Item, error) {
	var out []Item
	for _, p := range s.Personal {
		items, err := p.Summary(ctx, u, lang)
		if err != nil {
			return nil, fmt.Errorf("auth: summary of %s: %w", p.Area(), err)
		}
		out = append(out, items...)
	}
	return out, nil
}

// exportAccount is the account's own part of a data download.
type exportAccount struct {
	ID         int64      `json:"id"`
	Email      string     `json:"email"`
	Name       string     `json:"name"`
	OtherNames string     `json:"other_names"`
	Locale     string     `json:"locale"`
	TimeZone   string     `json:"timezone"`
	Roles      []string   `json:"roles"`
	Verified   bool       `json:"verified"`
	Created    time.Time  `json:"created_at"`
	LastLogin  *time.Time `json:"last_login_at"`
}

// exportMail is a message the platform sent the person.
type exportMail struct {
	To      string    `json:"to"`
	Subject string    `json:"subject"`
	Status  string    `json:"status"`
	Created time.Time `json:"created_at"`
}

// exportAudit is an entry of the audit log about or by the person.
type exportAudit struct {
	At      time.Time       `json:"at"`
	Action  string          `json:"action"`
	Object  string          `json:"object"`
	Details json.RawMessage `json:"details"`
}

// Export returns everything the platform holds about account u: the
// account, its sessions and tokens (never the secrets), its mail, the
// audit entries by or about it, and each capability's part under its
// Area. For the person themself.
func (s *Store) Export(ctx context.Context, u *actor.Actor) (map[string]any, error) {
	acc, err := s.user(ctx, s.DB, "id = ? AND deleted_at IS NULL", u.ID)
	if err != nil {
		return nil, err
	}
	roles := acc.Roles
	if roles == nil {
		roles = []string{}
	}
	out := map[string]any{
		"exported_at": s.DB.Now().UTC(),
		"account": exportAccount{ID: acc.ID, Email: acc.Email, Name: acc.Name, OtherNames: acc.OtherNames, Locale: acc.Locale,
			TimeZone: acc.TimeZone, Roles: roles, Verified: acc.Verified, Created: acc.Created, LastLogin: acc.LastLogin},
	}
	if out["sessions"], err = s.Sessions(ctx, u.ID, ""); err != nil {
		return nil, err
	}
	if out["api_tokens"], err = s.Tokens(ctx, u.ID); err != nil {
		return nil, err
	}
	if out["mail"], err = db.All(ctx, s.DB, "auth: export mail", func(r db.Scanner) (exportMail, error) {
		var m exportMail
		return m, r.Scan(&m.To, &m.Subject, &m.Status, &m.Created)
	}, "-- auth.Export mail\nSELECT to_addr, subject, status, created_at FROM mail_messages WHERE to_addr = ? ORDER BY id", acc.Email); err != nil {
		return nil, err
	}
	if out["audit"], err = db.All(ctx, s.DB, "auth: export audit", func(r db.Scanner) (exportAudit, error) {
		var a exportAudit
		var details string
		err := r.Scan(&a.At, &a.Action, &a.Object, &details)
		a.Details = json.RawMessage(details)
		if !json.Valid(a.Details) {
			a.Details = json.RawMessage("{}")
		}
		return a, err
	}, "-- auth.Export audit\nSELECT at, action, object, details FROM audit_log WHERE actor_id = ? OR object = ? ORDER BY id", u.ID, object(u.ID)); err != nil {
		return nil, err
	}
	for _, p := range s.Personal {
		v, err := p.Export(ctx, &actor.Actor{ID: acc.ID, Email: acc.Email, Name: acc.Name})
		if err != nil {
			return nil, fmt.Errorf("auth: export %s: %w", p.Area(), err)
		}
		out[p.Area()] = v
	}
	return out, nil
}

// Delete deletes the account of u after checking its password: every
// capability erases what it holds (Erase), the account's sessions,
// tokens, roles and devices go, its mail is emptied and other mail and
// the audit log no longer name it, and the account row stays emptied (an
// address that can receive nothing, no name, no password) for the rows
// that point at it. The last administrator cannot delete their account
// (Conflict); a wrong password is Invalid at "password". Audited without
// personal data.
func (s *Store) Delete(ctx context.Context, u *actor.Actor, password string) error {
	if err := s.checkPassword(ctx, u.ID, "password", password); err != nil {
		return err
	}
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.Lock(ctx, "admins"); err != nil {
			return err
		}
		acc, err := s.user(ctx, tx, "id = ? AND deleted_at IS NULL", u.ID)
		if err != nil {
			return err
		}
		if err := lastAdmin(ctx, tx, acc.ID); err != nil {
			return err
		}
		who := &actor.Actor{ID: acc.ID, Email: acc.Email, Name: acc.Name, Roles: acc.Roles}
		for _, p := range s.Personal {
			if err := p.Erase(ctx, tx, who); err != nil {
				return fmt.Errorf("erase %s: %w", p.Area(), err)
			}
		}
		return s.erase(ctx, tx, acc)
	})
	if err != nil {
		if _, ok := errs.As(err); ok {
			return err
		}
		return fmt.Errorf("auth: delete: %w", err)
	}
	return nil
}

// Deleted is the address a deleted account keeps: it names no one and
// can receive nothing (.invalid is reserved).
func Deleted(id int64) string { return fmt.Sprintf("deleted-%d@account.invalid", id) }

// erase removes the platform's own data of account acc (see Delete).
func (s *Store) erase(ctx context.Context, tx *db.Tx, acc *User) error {
	id := acc.ID
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{"-- auth.erase sessions\nDELETE FROM sessions WHERE user_id = ?", []any{id}},
		{"-- auth.erase tokens\nDELETE FROM api_tokens WHERE user_id = ?", []any{id}},
		{"-- auth.erase links\nDELETE FROM auth_tokens WHERE user_id = ?", []any{id}},
		{"-- auth.erase roles\nDELETE FROM user_roles WHERE user_id = ?", []any{id}},
		{"-- auth.erase devices\nDELETE FROM login_devices WHERE user_id = ?", []any{id}},
		{"-- auth.erase failures\nDELETE FROM login_failures WHERE email = ?", []any{acc.Email}},
		{"-- auth.erase limits\nDELETE FROM rate_events WHERE key = ?", []any{acc.Email}},
		// The person's mail is emptied rather than deleted, so that its
		// job finds it; one still queued is not sent.
		{`-- auth.erase mail
			UPDATE mail_messages SET to_addr = ?, subject = '', body_text = '', body_html = '',
			status = CASE WHEN status = 'queued' THEN 'failed' ELSE status END WHERE to_addr = ?`, []any{Deleted(id), acc.Email}},
		{"-- auth.erase audit actor\nUPDATE audit_log SET actor = ? WHERE actor_id = ? OR actor = ?", []any{Deleted(id), id, acc.Email}},
		{`-- auth.erase account
			UPDATE users SET email = ?, name = '', other_names = '', password_hash = '', locale = '', timezone = '',
			deleted_at = ?, disabled_at = COALESCE(disabled_at, ?) WHERE id = ?`, []any{Deleted(id), tx.Now(), tx.Now(), id}},
	} {
		if _, err := tx.Exec(ctx, q.sql, q.args...); err != nil {
			return err
		}
	}
	// What others' mail and the audit log's details say of the person:
	// the address and the name as JSON strings in details, and as text
	// in mail kept for others. A % or _ in a value only widens the LIKE,
	// which selects the rows; REPLACE changes exact text alone.
	for _, v := range []string{acc.Email, acc.Name} {
		if strings.TrimSpace(v) == "" {
			continue
		}
		quoted, _ := json.Marshal(v)
		if _, err := tx.Exec(ctx, `-- auth.erase audit details
			UPDATE audit_log SET details = REPLACE(details, ?, '"-"') WHERE details LIKE ?`,
			string(quoted), "%"+string(quoted)+"%"); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `-- auth.erase others' mail
			UPDATE mail_messages SET subject = REPLACE(subject, ?, '-'), body_text = REPLACE(body_text, ?, '-'), body_html = REPLACE(body_html, ?, '-')
			WHERE subject LIKE ? OR body_text LIKE ? OR body_html LIKE ?`,
			v, v, v, "%"+v+"%", "%"+v+"%", "%"+v+"%"); err != nil {
			return err
		}
	}
	return audit.Record(ctx, tx, audit.Entry{ActorID: id, Actor: Deleted(id), Action: "user.deleted", Object: object(id)})
}
