// Package mail is the platform's outgoing mail. Every message goes into an
// outbox table in the same transaction as the change that causes it, with a
// job ("mail.send") that delivers it: over SMTP when it is configured, and
// otherwise by keeping it in the outbox, logged, so that a new install works
// end to end and staff can read the mail in the admin pages.
//
// Delivery is at least once: a process that dies after the SMTP server took a
// message but before the outbox says so sends it again on the retry (with the
// same Message-ID, so that mail clients can tell).
package mail

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	netmail "net/mail"
	"strings"
	"time"

	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/jobs"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations creates the outbox table. The jobs Migrations must run too.
var Migrations = db.MigrationsIn("mail", migrationFiles, "migrations")

// JobKind is the kind of the job that delivers a message; its handler is
// Sender.Handle.
const JobKind = "mail.send"

// maxSendAttempts is how many times a message is tried: the job's max
// attempts, and the number of failed sends after which the outbox marks the
// message failed.
const maxSendAttempts = jobs.DefaultMaxAttempts

// Limits of a message's fields, in bytes.
const (
	maxSubject = 998 // one header line (RFC 5322), before encoding
	maxBody    = 1 << 20
)

// Status is where a message is in the outbox.
type Status string

// The message statuses; stored, do not rename.
const (
	Queued Status = "queued" // waiting for its job (or for a retry)
	Sent   Status = "sent"   // taken by the SMTP server
	Kept   Status = "kept"   // no SMTP configured: kept in the outbox
	Failed Status = "failed" // every attempt failed; LastError says why
)

// Message is a mail to send: Text is the plain-text body, HTML an optional
// alternative.
type Message struct {
	To      string // one address, optionally with a name: "Li Wei <li@example.org>"
	Subject string
	Text    string
	HTML    string
	// Kind says what the message is about, for the outbox's filter
	// (one of Kinds; "" for none of them).
	Kind string
}

// The kinds of messages. Stored, do not rename.
const (
	KindRegistration = "registration"
	KindVisa         = "visa"
	KindMembership   = "membership"
	KindCalls        = "calls"
	KindAccount      = "account"
)

// Kinds lists the kinds of messages in the order the filter offers them.
var Kinds = []string{KindRegistration, KindVisa, KindMembership, KindCalls, KindAccount}

// Stored is a message in the outbox.
type Stored struct {
	ID int64
	Message
	Status    Status
	Attempts  int    // SMTP sends tried
	LastError string // the last send's error, if it failed
	CreatedAt time.Time
	SentAt    time.Time // zero unless Status is Sent
}

// payload is the "mail.send" job's payload.
type payload struct {
	ID int64 `json:"id"`
}

// validate checks m, returning an Invalid error with the fields at fault.
func (m Message) validate() error {
	var fe errs.Fields
	if a, err := netmail.ParseAddress(m.To); err != nil || a.Address == "" {
		fe.Add("to", "mail.to_invalid")
	}
	switch {
	case strings.TrimSpace(m.Subject) == "":
		fe.Add("subject", "mail.subject_required")
	case len(m.Subject) > maxSubject || strings.ContainsAny(m.Subject, "\r\n"):
		fe.Add("subject", "mail.subject_invalid")
	}
	switch {
	case strings.TrimSpace(m.Text) == "":
		fe.Add("text", "mail.text_required")
	case len(m.Text) > maxBody:
		fe.Add("text", "mail.too_long")
	}
	if len(m.HTML) > maxBody {
		fe.Add("html", "mail.too_long")
	}
	return fe.Err()
}

// Send puts m in the outbox and enqueues its delivery, both in tx: the mail
// goes out only if tx commits. Any code that writes may call it. A bad
// address, an empty subject or body is an errs.Invalid error (fields "to",
// "subject", "text", "html"); otherwise it returns the database's error. It
// returns the message's id.
func Send(ctx context.Context, tx *db.Tx, m Message) (int64, error) {
	m.To = strings.TrimSpace(m.To)
	if err := m.validate(); err != nil {
		return 0, err
	}
	var id int64
	err := tx.QueryRow(ctx, `-- mail.Send
		INSERT INTO mail_messages (to_addr, subject, body_text, body_html, status, attempts, last_error, created_at, kind)
		VALUES (?, ?, ?, ?, 'queued', 0, '', ?, ?)
		RETURNING id`,
		m.To, m.Subject, m.Text, m.HTML, tx.Now(), m.Kind).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("mail: send: %w", err)
	}
	if _, err := jobs.Enqueue(ctx, tx, JobKind, payload{ID: id}, jobs.MaxAttempts(maxSendAttempts)); err != nil {
		return 0, fmt.Errorf("mail: send: %w", err)
	}
	return id, nil
}

const storedColumns = `id, to_addr, subject, body_text, body_html, status, attempts, last_error, created_at, sent_at, kind`

type scanner interface{ Scan(dest ...any) error }

func scanStored(r scanner) (Stored, error) {
	var s Stored
	var sent *time.Time
	err := r.Scan(&s.ID, &s.To, &s.Subject, &s.Text, &s.HTML, &s.Status, &s.Attempts, &s.LastError, &s.CreatedAt, &sent, &s.Kind)
	if sent != nil {
		s.SentAt = *sent
	}
	return s, err
}

// Filter selects messages of the outbox: To, part of the recipient's
// address (any case); Kind, one kind ("" for all).
type Filter struct {
	To   string
	Kind string
}

// List returns a page of the outbox, the newest first, and how many
// messages it holds. For the staff's outbox pages and tests.
func List(ctx context.Context, q db.Querier, limit, offset int) ([]Stored, int, error) {
	return ListWhere(ctx, q, Filter{}, limit, offset)
}

// ListWhere is List of the messages f selects.
func ListWhere(ctx context.Context, q db.Querier, f Filter, limit, offset int) ([]Stored, int, error) {
	where, args := "1 = 1", []any{}
	if to := strings.ToLower(strings.TrimSpace(f.To)); to != "" {
		where += " AND lower(to_addr) LIKE ? ESCAPE '\\'"
		args = append(args, "%"+likeEscape(to)+"%")
	}
	if f.Kind != "" {
		where += " AND kind = ?"
		args = append(args, f.Kind)
	}
	var total int
	if err := q.QueryRow(ctx, `-- mail.List: count
		SELECT count(*) FROM mail_messages WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("mail: list: %w", err)
	}
	if limit <= 0 {
		return nil, total, nil
	}
	rows, err := q.Query(ctx, `-- mail.List
		SELECT `+storedColumns+` FROM mail_messages WHERE `+where+`
		ORDER BY created_at DESC, id DESC
		LIMIT ? OFFSET ?`, append(args, limit, max(offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("mail: list: %w", err)
	}
	defer rows.Close()
	var out []Stored
	for rows.Next() {
		s, err := scanStored(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("mail: list: %w", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("mail: list: %w", err)
	}
	return out, total, nil
}

// likeEscape escapes LIKE's wildcards in s (with backslash).
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}

// Get returns the outbox message id. Staff pages and the sender call it. An
// unknown id is an errs.NotFound error; otherwise it returns the database's
// error.
func Get(ctx context.Context, q db.Querier, id int64) (Stored, error) {
	s, err := scanStored(q.QueryRow(ctx, `-- mail.Get
		SELECT `+storedColumns+` FROM mail_messages WHERE id = ?`, id))
	if db.IsNotFound(err) {
		return Stored{}, errs.Wrap(errs.NotFound, "error.not_found", fmt.Errorf("mail: message %d: %w", id, err))
	}
	if err != nil {
		return Stored{}, fmt.Errorf("mail: get %d: %w", id, err)
	}
	return s, nil
}

// decodePayload reads a "mail.send" job's payload.
func decodePayload(raw json.RawMessage) (int64, error) {
	var p payload
	if err := json.Unmarshal(raw, &p); err != nil {
		return 0, fmt.Errorf("mail: job payload: %w", err)
	}
	if p.ID <= 0 {
		return 0, fmt.Errorf("mail: job payload %s has no message id", raw)
	}
	return p.ID, nil
}

// KeepQueued marks every queued message kept in the outbox without
// sending or logging it, and returns how many it marked: for the demo,
// whose made-up addresses must get no mail and whose hundreds of messages
// would otherwise fill the log (serve prints one line instead). Their jobs
// then find them handled and end.
func KeepQueued(ctx context.Context, d *db.DB) (int64, error) {
	res, err := d.Exec(ctx, `-- mail.KeepQueued
		UPDATE mail_messages SET status = 'kept' WHERE status = 'queued'`)
	if err != nil {
		return 0, fmt.Errorf("mail: keep queued: %w", err)
	}
	return res.RowsAffected()
}
