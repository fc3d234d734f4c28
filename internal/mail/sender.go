package mail

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/wuzhen/wuzhen/internal/db"
)

// smtpTimeout bounds connecting to the SMTP server and each exchange with it.
const smtpTimeout = 30 * time.Second

// maxErrorLen bounds the error text kept in last_error, in bytes.
const maxErrorLen = 2000

// Sender delivers outbox messages: the handler of the "mail.send" job.
type Sender struct {
	d      *db.DB
	log    *slog.Logger
	srv    *server // nil: no SMTP, messages are kept
	cfgErr error   // a Config that ParseConfig would have refused

	// From returns the sender's name and address from the organisation's
	// settings; "" leaves that part to the Config's From. Nil: the Config's.
	From func(ctx context.Context) (name, address string)
}

// sender is the From of a message: the server's --mail-from, with the
// name and address of the organisation's settings (From) where they give
// them.
func (s *Sender) sender(ctx context.Context) *netmail.Address {
	from := *s.srv.from
	if s.From != nil {
		name, addr := s.From(ctx)
		if name != "" {
			from.Name = name
		}
		if a, err := netmail.ParseAddress(addr); addr != "" && err == nil {
			from.Address = a.Address
		}
	}
	return &from
}

// NewSender returns the sender for cfg, which should come from ParseConfig;
// main wires it. With a Config that ParseConfig refuses, every Handle fails
// with that error (and the messages stay queued). log may be nil for
// slog.Default().
func NewSender(cfg Config, d *db.DB, log *slog.Logger) *Sender {
	if log == nil {
		log = slog.Default()
	}
	srv, err := cfg.server()
	return &Sender{d: d, log: log, srv: srv, cfgErr: err}
}

// Handle is the jobs.Handler of JobKind: it delivers the queued message
// named by payload. Without SMTP it marks the message kept and logs it at
// INFO, body included, so that an operator without SMTP can follow the
// links in it. With SMTP it sends it and marks it sent; when sending fails it
// records the error on the message (failed after the last attempt) and
// returns it, so that the job retries. A message no longer queued (already
// sent, say, before a crash) is left alone. Only the jobs worker calls it.
func (s *Sender) Handle(ctx context.Context, raw json.RawMessage) error {
	id, err := decodePayload(raw)
	if err != nil {
		return err
	}
	m, err := Get(ctx, s.d, id)
	if err != nil {
		return err
	}
	if m.Status != Queued {
		s.log.Debug("mail: message already handled", "id", id, "status", m.Status)
		return nil
	}
	if s.cfgErr != nil {
		return s.failed(ctx, m, s.cfgErr)
	}
	if s.srv == nil {
		return s.keep(ctx, m)
	}
	if err := s.send(ctx, m); err != nil {
		return s.failed(ctx, m, err)
	}
	if _, err := s.d.Exec(ctx, `-- mail.Sender.Handle: sent
		UPDATE mail_messages SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = ''
		WHERE id = ?`, s.d.Now(), m.ID); err != nil {
		// The server has it; the retry will send it again.
		return fmt.Errorf("mail: mark message %d sent: %w", m.ID, err)
	}
	s.log.Info("mail: sent", "id", m.ID, "to", m.To, "subject", m.Subject)
	return nil
}

// keep marks m kept in the outbox and logs it.
func (s *Sender) keep(ctx context.Context, m Stored) error {
	if _, err := s.d.Exec(ctx, `-- mail.Sender.keep
		UPDATE mail_messages SET status = 'kept' WHERE id = ? AND status = 'queued'`, m.ID); err != nil {
		return fmt.Errorf("mail: keep message %d: %w", m.ID, err)
	}
	s.log.Info("mail: no SMTP configured, message kept in the outbox",
		"id", m.ID, "to", m.To, "subject", m.Subject, "text", m.Text)
	return nil
}

// failed records a failed send of m and returns the error for the job.
func (s *Sender) failed(ctx context.Context, m Stored, sendErr error) error {
	msg := sendErr.Error()
	if len(msg) > maxErrorLen {
		msg = strings.ToValidUTF8(msg[:maxErrorLen], "")
	}
	_, err := s.d.Exec(ctx, `-- mail.Sender.failed
		UPDATE mail_messages
		SET attempts = attempts + 1, last_error = ?,
			status = CASE WHEN attempts + 1 >= ? THEN 'failed' ELSE status END
		WHERE id = ? AND status = 'queued'`, msg, maxSendAttempts, m.ID)
	if err != nil {
		s.log.Error("mail: record failed send", "id", m.ID, "err", err)
	}
	s.log.Warn("mail: send failed", "id", m.ID, "to", m.To, "attempt", m.Attempts+1, "err", sendErr)
	return fmt.Errorf("mail: send message %d: %w", m.ID, sendErr)
}

// send delivers m over SMTP.
func (s *Sender) send(ctx context.Context, m Stored) error {
	msg := gomail.NewMsg() // UTF-8, quoted-printable
	from := s.sender(ctx)
	msg.FromMailAddress(from)
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("recipient %q: %w", m.To, err)
	}
	msg.Subject(m.Subject)
	msg.SetDateWithValue(m.CreatedAt)
	// The same Message-ID on every attempt, so that a message sent twice
	// (a crash between the send and its record) can be told apart.
	domain := from.Address[strings.LastIndexByte(from.Address, '@')+1:]
	msg.SetMessageIDWithValue(fmt.Sprintf("wuzhen.%d.%d@%s", m.ID, m.CreatedAt.UnixNano(), domain))
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}

	opts := []gomail.Option{gomail.WithPort(s.srv.port), gomail.WithTimeout(smtpTimeout)}
	switch {
	case s.srv.implicit:
		opts = append(opts, gomail.WithSSL())
	case s.srv.plaintext:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.srv.user != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.srv.user), gomail.WithPassword(s.srv.pass))
	}
	client, err := gomail.NewClient(s.srv.host, opts...)
	if err != nil {
		return err
	}
	return client.DialAndSendWithContext(ctx, msg)
}
