package events

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
)

// Invitation is an invitation code: a number of seats in a category held
// for guests who bring the code (ministers, keynote speakers, partners).
// The seats are taken out of the category when the invitation is made, so
// that the capacity holds whatever happens; revoking gives the unused ones
// back (to the waitlist first).
type Invitation struct {
	ID         int64
	EventID    int64
	CategoryID int64
	Label      string
	Seats      int
	Used       int
	Revoked    bool
	Created    time.Time
	Category   *Category
}

const invitationColumns = "id, event_id, category_id, label, seats, used, revoked, created_at"

func scanInvitation(row db.Scanner) (*Invitation, error) {
	i := &Invitation{}
	err := row.Scan(&i.ID, &i.EventID, &i.CategoryID, &i.Label, &i.Seats, &i.Used, &i.Revoked, &i.Created)
	return i, err
}

// newCode makes an invitation code people can read out and type:
// WZ-XXXX-XXXX-XXXX in base32 letters and digits (60 random bits).
func newCode() string {
	b := make([]byte, 8)
	rand.Read(b)
	s := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)[:12]
	return "WZ-" + s[:4] + "-" + s[4:8] + "-" + s[8:12]
}

// codeHash is what is stored of a code; case, spaces and dashes do not count.
func codeHash(code string) string {
	code = strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(code)))
	sum := sha256.Sum256([]byte(code))
	return hex.EncodeToString(sum[:])
}

// CreateInvitation holds seats in the category with code for an
// invitation and returns the code, shown once.
func (s *Store) CreateInvitation(ctx context.Context, by *actor.Actor, slug, category string, seats int, label string) (string, error) {
	label = strings.TrimSpace(label)
	var fe errs.Fields
	if seats < 1 || seats > 10000 {
		fe.Add("seats", "events.capacity_invalid")
	}
	if !clean(label) || utf8.RuneCountInString(label) > 200 {
		fe.Add("label", "events.text_invalid")
	}
	fe.Line("label", label)
	if err := fe.Err(); err != nil {
		return "", err
	}
	code := newCode()
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		e, err := s.bySlug(ctx, tx, slug, "")
		if err != nil {
			return err
		}
		c, err := lockCategoryByCode(ctx, tx, e.ID, category)
		if err != nil {
			return err
		}
		if c.Left() < seats {
			return errs.Fields{{Name: "seats", Key: "events.not_enough_seats", Args: []any{c.Left()}}}.Err()
		}
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO event_invitations (event_id, category_id, code_hash, label, seats, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, e.ID, c.ID, codeHash(code), label, seats, by.ID, tx.Now()).Scan(&id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE event_categories SET reserved = reserved + ? WHERE id = ?", seats, c.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "event.invitation_created",
			Object: eventObject(e.ID), Details: map[string]any{"invitation": id, "category": category, "seats": seats, "label": label}})
	})
	if err != nil {
		return "", err
	}
	return code, nil
}

// useInvitation takes one seat of a valid invitation for the locked
// category c, returning the invitation's id; a code that is unknown, for
// another category, revoked or used up is an error at the field
// "invitation".
func useInvitation(ctx context.Context, tx *db.Tx, c *Category, code string) (int64, error) {
	inv, err := scanInvitation(tx.QueryRow(ctx, "SELECT "+invitationColumns+" FROM event_invitations WHERE code_hash = ?"+tx.ForUpdate(), codeHash(code)))
	if db.IsNotFound(err) || err == nil && (inv.CategoryID != c.ID || inv.Revoked) {
		return 0, errs.Fields{{Name: "invitation", Key: "events.invitation_invalid"}}.Err()
	}
	if err != nil {
		return 0, err
	}
	if inv.Used >= inv.Seats {
		return 0, errs.Fields{{Name: "invitation", Key: "events.invitation_used"}}.Err()
	}
	_, err = tx.Exec(ctx, "UPDATE event_invitations SET used = used + 1 WHERE id = ?", inv.ID)
	return inv.ID, err
}

// RevokeInvitation ends an invitation: its unused seats go back to the
// category, and so to the first people on the waitlist.
func (s *Store) RevokeInvitation(ctx context.Context, by *actor.Actor, id int64) (*Invitation, error) {
	var inv *Invitation
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		var catID int64
		if err := tx.QueryRow(ctx, "SELECT category_id FROM event_invitations WHERE id = ?", id).Scan(&catID); db.IsNotFound(err) {
			return errs.New(errs.NotFound, "error.not_found")
		} else if err != nil {
			return err
		}
		c, err := lockCategory(ctx, tx, catID)
		if err != nil {
			return err
		}
		if inv, err = scanInvitation(tx.QueryRow(ctx, "SELECT "+invitationColumns+" FROM event_invitations WHERE id = ?"+tx.ForUpdate(), id)); err != nil {
			return err
		}
		if inv.Revoked {
			return errs.New(errs.Conflict, "events.invitation_invalid")
		}
		unused := inv.Seats - inv.Used
		if _, err := tx.Exec(ctx, "UPDATE event_invitations SET revoked = true WHERE id = ?", id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE event_categories SET reserved = reserved - ? WHERE id = ?", unused, c.ID); err != nil {
			return err
		}
		c.Reserved -= unused
		inv.Revoked = true
		if err := s.fill(ctx, tx, c); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "event.invitation_revoked",
			Object: eventObject(inv.EventID), Details: map[string]any{"invitation": id}})
	})
	return inv, err
}

// Invitations lists an event's invitations, the newest first.
func (s *Store) Invitations(ctx context.Context, eventID int64) ([]*Invitation, error) {
	return db.All(ctx, s.DB, "events: invitations", scanInvitation,
		"SELECT "+invitationColumns+" FROM event_invitations WHERE event_id = ? ORDER BY id DESC", eventID)
}

// Remaining is the number of seats the invitation still holds.
func (i *Invitation) Remaining() int {
	if i.Revoked {
		return 0
	}
	return i.Seats - i.Used
}
