package events

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/crypt"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
)

// A personal agenda: the sessions a signed-in person has chosen, and a
// secret address at which calendar apps, which carry no cookie, fetch
// them. Only the SHA-256 of the address's token is stored: the token is
// shown once, and replacing it ends the old address.

// AddToAgenda adds a session the public may see to the agenda of account
// userID; adding it twice changes nothing. Any signed-in person, for
// themselves; a session the public may not see is NotFound.
func (s *Store) AddToAgenda(ctx context.Context, userID, sessionID int64) error {
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, err := s.session(ctx, tx, sessionID, false); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO programme_agenda (user_id, session_id, added_at) VALUES (?, ?, ?)
			ON CONFLICT (user_id, session_id) DO NOTHING`, userID, sessionID, tx.Now())
		if err != nil {
			return fmt.Errorf("events: add to agenda: %w", err)
		}
		return nil
	})
}

// RemoveFromAgenda takes a session out of the agenda of account userID;
// one that is not there is no error. Any signed-in person, for themselves.
func (s *Store) RemoveFromAgenda(ctx context.Context, userID, sessionID int64) error {
	_, err := s.DB.Exec(ctx, "DELETE FROM programme_agenda WHERE user_id = ? AND session_id = ?", userID, sessionID)
	if err != nil {
		return fmt.Errorf("events: remove from agenda: %w", err)
	}
	return nil
}

// Agenda returns the sessions in the agenda of account userID that the
// public may see, the earliest first.
func (s *Store) Agenda(ctx context.Context, userID int64) ([]*Session, error) {
	return s.sessionsWhere(ctx, s.DB, "s.id IN (SELECT session_id FROM programme_agenda WHERE user_id = ?) AND "+publicEvent, userID)
}

// AgendaIDs returns which sessions are in the agenda of account userID.
func (s *Store) AgendaIDs(ctx context.Context, userID int64) (map[int64]bool, error) {
	ids, err := db.All(ctx, s.DB, "events: agenda", scanID, "SELECT session_id FROM programme_agenda WHERE user_id = ?", userID)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// NewFeed makes a new secret address for the agenda feed of the actor,
// replacing any, and returns its token, which is not kept: the caller
// shows it once.
func (s *Store) NewFeed(ctx context.Context, by *actor.Actor) (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO programme_feeds (user_id, token_hash, created_at) VALUES (?, ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at`,
			by.ID, crypt.HashToken(token), tx.Now())
		if err != nil {
			return fmt.Errorf("events: agenda feed: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "agenda.feed_created",
			Object: fmt.Sprintf("user:%d", by.ID)})
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// Feed returns when the agenda feed address of account userID was made,
// nil when it has none.
func (s *Store) Feed(ctx context.Context, userID int64) (*time.Time, error) {
	var at time.Time
	err := s.DB.QueryRow(ctx, "SELECT created_at FROM programme_feeds WHERE user_id = ?", userID).Scan(&at)
	if db.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("events: agenda feed: %w", err)
	}
	return &at, nil
}

// FeedOwner returns the account whose agenda feed token is token; anyone
// may call it. An unknown token is NotFound.
func (s *Store) FeedOwner(ctx context.Context, token string) (int64, error) {
	token = strings.TrimSpace(token)
	if token == "" || len(token) > 100 {
		return 0, errs.New(errs.NotFound, "error.not_found")
	}
	var id int64
	err := s.DB.QueryRow(ctx, "SELECT user_id FROM programme_feeds WHERE token_hash = ?", crypt.HashToken(token)).Scan(&id)
	if db.IsNotFound(err) {
		return 0, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return 0, fmt.Errorf("events: agenda feed: %w", err)
	}
	return id, nil
}
