// Package audit records every state-changing action: who, what, on which
// object, when, with details. Records are written in the transaction of the
// change they describe, so that one never exists without the other.
package audit

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"time"

	"github.com/wuzhen/wuzhen/internal/db"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations create the audit log.
var Migrations = db.MigrationsIn("audit", migrations, "migrations")

// Entry is one recorded action.
type Entry struct {
	ID      int64
	At      time.Time
	ActorID int64  // 0 for the system or an anonymous person
	Actor   string // the actor's email, or "system", kept as it was then
	Action  string // dotted verb, e.g. "user.signup"; stored, do not rename
	Object  string // e.g. "user:42"
	Details map[string]any
}

// Record writes e in tx, stamped with the database clock. Any caller that
// changes state calls it inside the same transaction.
func Record(ctx context.Context, tx *db.Tx, e Entry) error {
	if e.Actor == "" {
		e.Actor = "system"
	}
	details := "{}"
	if len(e.Details) > 0 {
		b, err := json.Marshal(e.Details)
		if err != nil {
			return fmt.Errorf("audit: %w", err)
		}
		details = string(b)
	}
	var actorID any
	if e.ActorID != 0 {
		actorID = e.ActorID
	}
	_, err := tx.Exec(ctx, `-- audit.Record
		INSERT INTO audit_log (at, actor_id, actor, action, object, details) VALUES (?, ?, ?, ?, ?, ?)`,
		tx.Now(), actorID, e.Actor, e.Action, e.Object, details)
	if err != nil {
		return fmt.Errorf("audit: record %s: %w", e.Action, err)
	}
	return nil
}

// List returns entries newest first, with the total count. For admins.
func List(ctx context.Context, q db.Querier, limit, offset int) ([]Entry, int, error) {
	var total int
	if err := q.QueryRow(ctx, "SELECT count(*) FROM audit_log").Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("audit: count: %w", err)
	}
	rows, err := q.Query(ctx, `-- audit.List
		SELECT id, at, COALESCE(actor_id, 0), actor, action, object, details
		FROM audit_log ORDER BY id DESC LIMIT ? OFFSET ?`, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("audit: list: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var details string
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.Actor, &e.Action, &e.Object, &details); err != nil {
			return nil, 0, fmt.Errorf("audit: scan: %w", err)
		}
		json.Unmarshal([]byte(details), &e.Details)
		out = append(out, e)
	}
	return out, total, rows.Err()
}
