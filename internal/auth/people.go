package auth

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
)

// Filter selects accounts for the administrators' list of people.
type Filter struct {
	Query    string // part of a name, a name in another script or an address
	Role     string // a role, "staff" for any, "" for all
	Verified string // "yes", "no" or "" for all
	Signed   string // last sign-in: "week", "month", "older" (over 90 days), "never", or "" for all
}

// Last sign-in choices of Filter.Signed.
var SignedChoices = []string{"week", "month", "older", "never"}

// where returns the filter's SQL condition and arguments; deleted
// accounts are never listed.
func (f Filter) where(now time.Time) (string, []any) {
	conds := []string{"u.deleted_at IS NULL"}
	var args []any
	if q := strings.ToLower(strings.TrimSpace(f.Query)); q != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(q) + "%"
		conds = append(conds, `(lower(u.email) LIKE ? ESCAPE '\' OR lower(u.name) LIKE ? ESCAPE '\' OR lower(u.other_names) LIKE ? ESCAPE '\')`)
		args = append(args, like, like, like)
	}
	switch {
	case f.Role == "staff":
		conds = append(conds, "EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id)")
	case validRole(f.Role):
		conds = append(conds, "EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = ?)")
		args = append(args, f.Role)
	}
	switch f.Verified {
	case "yes":
		conds = append(conds, "u.verified_at IS NOT NULL")
	case "no":
		conds = append(conds, "u.verified_at IS NULL")
	}
	switch f.Signed {
	case "week":
		conds, args = append(conds, "u.last_login_at > ?"), append(args, now.AddDate(0, 0, -7))
	case "month":
		conds, args = append(conds, "u.last_login_at > ?"), append(args, now.AddDate(0, 0, -30))
	case "older":
		conds, args = append(conds, "u.last_login_at <= ?"), append(args, now.AddDate(0, 0, -90))
	case "never":
		conds = append(conds, "u.last_login_at IS NULL")
	}
	return strings.Join(conds, " AND "), args
}

// People lists the accounts that f selects, by name, limit from offset,
// with how many there are in all. For administrators.
func (s *Store) People(ctx context.Context, f Filter, limit, offset int) ([]*User, int, error) {
	where, args := f.where(s.DB.Now())
	var total int
	if err := s.DB.QueryRow(ctx, "-- auth.People count\nSELECT count(*) FROM users u WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("auth: people: %w", err)
	}
	list, err := db.All(ctx, s.DB, "auth: people", func(r db.Scanner) (*User, error) {
		u := &User{}
		var verified *time.Time
		err := r.Scan(&u.ID, &u.Email, &u.Name, &u.Locale, &verified, &u.Created, &u.OtherNames, &u.TimeZone, &u.LastLogin, &u.Disabled, &u.Deleted)
		u.Verified = verified != nil
		return u, err
	}, "-- auth.People\nSELECT "+prefixed(userColumns, "u.")+" FROM users u WHERE "+where+" ORDER BY lower(u.name), u.id LIMIT ? OFFSET ?",
		append(args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	if len(list) == 0 {
		return list, total, nil
	}
	byID := map[int64]*User{}
	ids := make([]any, len(list))
	for i, u := range list {
		byID[u.ID], ids[i] = u, u.ID
	}
	rows, err := s.DB.Query(ctx, "-- auth.People roles\nSELECT user_id, role FROM user_roles WHERE user_id IN (?"+
		strings.Repeat(", ?", len(ids)-1)+") ORDER BY role", ids...)
	if err != nil {
		return nil, 0, fmt.Errorf("auth: people: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var role string
		if err := rows.Scan(&id, &role); err != nil {
			return nil, 0, err
		}
		byID[id].Roles = append(byID[id].Roles, role)
	}
	return list, total, rows.Err()
}

func prefixed(cols, p string) string {
	parts := strings.Split(cols, ", ")
	for i := range parts {
		parts[i] = p + parts[i]
	}
	return strings.Join(parts, ", ")
}

// Person returns account id for administrators: NotFound when there is
// none (deleted accounts too).
func (s *Store) Person(ctx context.Context, id int64) (*User, error) {
	return s.user(ctx, s.DB, "id = ? AND deleted_at IS NULL", id)
}

// activeAdmins counts the administrators who can still sign in.
func activeAdmins(ctx context.Context, tx *db.Tx) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `-- auth.activeAdmins
		SELECT count(*) FROM user_roles r JOIN users u ON u.id = r.user_id
		WHERE r.role = 'admin' AND u.disabled_at IS NULL AND u.deleted_at IS NULL`).Scan(&n)
	return n, err
}

// lastAdmin refuses with Conflict when account id is the only
// administrator who can still sign in: the platform would have none. The
// caller holds the "admins" lock.
func lastAdmin(ctx context.Context, tx *db.Tx, id int64) error {
	var is int
	if err := tx.QueryRow(ctx, "-- auth.lastAdmin\nSELECT count(*) FROM user_roles WHERE user_id = ? AND role = 'admin'", id).Scan(&is); err != nil {
		return err
	}
	if is == 0 {
		return nil
	}
	n, err := activeAdmins(ctx, tx)
	if err != nil {
		return err
	}
	if n <= 1 {
		return errs.New(errs.Conflict, "account.last_admin")
	}
	return nil
}

// SetRole grants or revokes a staff role of account id, for
// administrators (by). An unknown role is Invalid at "role"; revoking the
// admin role of the last administrator is a Conflict. Audited.
func (s *Store) SetRole(ctx context.Context, by *actor.Actor, id int64, role string, grant bool) error {
	if !validRole(role) {
		var fe errs.Fields
		fe.Add("role", "auth.role_invalid")
		return fe.Err()
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.Lock(ctx, "admins"); err != nil {
			return err
		}
		if _, err := s.user(ctx, tx, "id = ? AND deleted_at IS NULL", id); err != nil {
			return err
		}
		var err error
		if grant {
			_, err = tx.Exec(ctx, "-- auth.SetRole grant\nINSERT INTO user_roles (user_id, role) VALUES (?, ?) ON CONFLICT DO NOTHING", id, role)
		} else {
			if role == RoleAdmin {
				if err := lastAdmin(ctx, tx, id); err != nil {
					return err
				}
			}
			_, err = tx.Exec(ctx, "-- auth.SetRole revoke\nDELETE FROM user_roles WHERE user_id = ? AND role = ?", id, role)
		}
		if err != nil {
			return err
		}
		action := "user.role_granted"
		if !grant {
			action = "user.role_revoked"
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: action, Object: object(id),
			Details: map[string]any{"role": role}})
	})
}

// SetDisabled disables account id (its sessions end and its API tokens
// are revoked at once; it cannot sign in) or enables it again, for
// administrators (by). Nobody disables their own account, nor the last
// administrator (Conflict). Audited.
func (s *Store) SetDisabled(ctx context.Context, by *actor.Actor, id int64, disabled bool) error {
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.Lock(ctx, "admins"); err != nil {
			return err
		}
		if _, err := s.user(ctx, tx, "id = ? AND deleted_at IS NULL", id); err != nil {
			return err
		}
		action := "user.enabled"
		if disabled {
			if id == by.ID {
				return errs.New(errs.Conflict, "account.disable_self")
			}
			if err := lastAdmin(ctx, tx, id); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "-- auth.SetDisabled\nUPDATE users SET disabled_at = COALESCE(disabled_at, ?) WHERE id = ?", tx.Now(), id); err != nil {
				return err
			}
			if err := revokeAll(ctx, tx, id); err != nil {
				return err
			}
			action = "user.disabled"
		} else if _, err := tx.Exec(ctx, "-- auth.SetDisabled enable\nUPDATE users SET disabled_at = NULL WHERE id = ?", id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: action, Object: object(id)})
	})
}

// SendReset mails account id a link to choose a new password, for
// administrators (by). Audited.
func (s *Store) SendReset(ctx context.Context, by *actor.Actor, id int64) error {
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		u, err := s.user(ctx, tx, "id = ? AND deleted_at IS NULL", id)
		if err != nil {
			return err
		}
		if err := s.mailToken(ctx, tx, u, "reset", ResetLife); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "user.reset_sent", Object: object(id)})
	})
}
