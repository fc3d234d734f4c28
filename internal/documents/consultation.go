package documents

// Consultation: the secretariat opens a version to public comment for a
// window that the server's clock enforces. Anyone signed in comments on a
// paragraph (by its stable id), replies in threads, or proposes an
// amendment (the paragraph's replacement text, with the comment as its
// reason). The secretariat answers, hides comments with a reason
// (audited; hidden comments are shown to the secretariat only), and
// accepts or declines each amendment; accepted amendments are carried
// into the next version with credit (CarryAmendments).

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/members"
	"github.com/wuzhen/wuzhen/internal/pagecache"
)

// Limits of consultations and comments, in characters.
const (
	maxComment      = 5000
	maxAmendment    = 20000
	maxReason       = 1000
	maxOrganisation = 200
	maxWindow       = 366 * 24 * time.Hour
)

// The decisions on an amendment. Stored, do not rename.
const (
	DecisionAccepted = "accepted"
	DecisionDeclined = "declined"
)

// Consultation is a version opened to comment for a window.
type Consultation struct {
	ID            int64
	DocumentID    int64
	VersionID     int64
	VersionNumber int
	OpensAt       time.Time
	ClosesAt      time.Time
	Timezone      string // IANA zone the window was set in
	Created       time.Time
}

// State is "upcoming", "open" or "closed" at now.
func (c *Consultation) State(now time.Time) string {
	switch {
	case now.Before(c.OpensAt):
		return "upcoming"
	case now.Before(c.ClosesAt):
		return "open"
	}
	return "closed"
}

// Open reports whether comments are taken at now.
func (c *Consultation) Open(now time.Time) bool { return c.State(now) == "open" }

// zoneOf loads an IANA zone, UTC when it cannot be loaded.
func zoneOf(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil && name != "" && name != "Local" {
		return loc
	}
	return time.UTC
}

// validZone reports whether name is an IANA zone the server knows.
func validZone(name string) bool {
	_, err := time.LoadLocation(name)
	return err == nil && name != "" && name != "Local"
}

// moment writes t in zone (an IANA name; UTC when not one) in p's
// language, the zone named.
func moment(p *i18n.Printer, t time.Time, zone string) string { return p.Moment(t, zoneOf(zone), nil) }

// windowError is the refusal of a comment or ballot outside its window:
// Invalid, naming the window.
func windowError(key string, opens, closes time.Time, zone string) error {
	loc := zoneOf(zone)
	return errs.Newf(errs.Invalid, key, i18n.At{T: opens, Loc: loc}, i18n.At{T: closes, Loc: loc})
}

// Comment is a comment, reply or amendment on a paragraph of a consulted
// version.
type Comment struct {
	ID             int64
	ConsultationID int64
	Paragraph      int   // the paragraph's stable id
	ParentID       int64 // 0 for a comment that starts a thread
	UserID         int64
	Name           string
	Organisation   string
	Country        string
	Group          string
	Body           string
	IsAmendment    bool
	Amendment      string // the proposed replacement text
	Staff          bool   // written by the secretariat
	Decision       string // amendments: "", accepted, declined
	DecisionNote   string
	DecidedAt      *time.Time
	Hidden         bool
	HiddenReason   string
	Created        time.Time
	// Replies are the thread's replies, oldest first, when loaded as a
	// thread.
	Replies []*Comment
	// CarriedIn is, for an accepted amendment, the first later version
	// whose paragraph reads as the amendment, 0 when none does yet.
	CarriedIn int
}

// CountryName is the commenter's country in lang, "" when none given.
func (c *Comment) CountryName(lang string) string {
	if co, ok := geo.Lookup(c.Country); ok {
		return co.Name(lang)
	}
	return ""
}

const consultationColumns = `c.id, c.document_id, c.version_id, v.number, c.opens_at, c.closes_at, c.timezone, c.created_at`

const consultationFrom = ` FROM document_consultations c JOIN document_versions v ON v.id = c.version_id`

func scanConsultation(r db.Scanner) (*Consultation, error) {
	c := &Consultation{}
	err := r.Scan(&c.ID, &c.DocumentID, &c.VersionID, &c.VersionNumber, &c.OpensAt, &c.ClosesAt, &c.Timezone, &c.Created)
	return c, err
}

func (s *Store) consultation(ctx context.Context, q db.Querier, where string, args ...any) (*Consultation, error) {
	c, err := scanConsultation(q.QueryRow(ctx, "-- documents.consultation\nSELECT "+consultationColumns+consultationFrom+" WHERE "+where, args...))
	if db.IsNotFound(err) {
		return nil, errs.NotFoundError()
	}
	if err != nil {
		return nil, fmt.Errorf("documents: consultation: %w", err)
	}
	return c, nil
}

// ConsultationInput opens a version to comment.
type ConsultationInput struct {
	Version  int
	OpensAt  time.Time
	ClosesAt time.Time
	Timezone string // IANA zone; "" is UTC
}

// OpenConsultation opens version in.Version of document slug to comment
// from OpensAt until ClosesAt, for the secretariat. Invalid at "version"
// (none given), "closes_at" (not after the opening, or a window over a
// year), "timezone"; NotFound without the document or version; Conflict
// when the version already has a consultation. Audited.
func (s *Store) OpenConsultation(ctx context.Context, by *actor.Actor, slug string, in ConsultationInput) (*Consultation, error) {
	if in.Timezone == "" {
		in.Timezone = "UTC"
	}
	var fe errs.Fields
	if in.Version <= 0 {
		fe.Add("version", "documents.version_required")
	}
	if in.OpensAt.IsZero() {
		fe.Add("opens_at", "consultation.time_required")
	}
	if in.ClosesAt.IsZero() {
		fe.Add("closes_at", "consultation.time_required")
	} else if !in.ClosesAt.After(in.OpensAt) {
		fe.Add("closes_at", "consultation.closes_before_opens")
	} else if in.ClosesAt.Sub(in.OpensAt) > maxWindow {
		fe.Add("closes_at", "consultation.window_too_long")
	}
	if !validZone(in.Timezone) {
		fe.Add("timezone", "consultation.timezone_invalid")
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	var c *Consultation
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		d, err := s.document(ctx, tx, "slug = ?", slug)
		if err != nil {
			return err
		}
		var versionID int64
		if err := tx.QueryRow(ctx, `-- documents.OpenConsultation
			SELECT id FROM document_versions WHERE document_id = ? AND number = ?`, d.ID, in.Version).Scan(&versionID); db.IsNotFound(err) {
			var fe errs.Fields
			fe.Add("version", "consultation.version_missing")
			return fe.Err()
		} else if err != nil {
			return err
		}
		c = &Consultation{DocumentID: d.ID, VersionID: versionID, VersionNumber: in.Version, OpensAt: in.OpensAt.UTC(),
			ClosesAt: in.ClosesAt.UTC(), Timezone: in.Timezone, Created: tx.Now()}
		err = tx.QueryRow(ctx, `-- documents.OpenConsultation
			INSERT INTO document_consultations (document_id, version_id, opens_at, closes_at, timezone, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			d.ID, versionID, c.OpensAt, c.ClosesAt, c.Timezone, by.ID, c.Created).Scan(&c.ID)
		if db.IsUnique(err) {
			return errs.New(errs.Conflict, "consultation.exists")
		}
		if err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "document.consultation.open",
			Object: documentObject(d.ID), Details: map[string]any{"version": in.Version, "opens_at": c.OpensAt, "closes_at": c.ClosesAt}}); err != nil {
			return err
		}
		return pagecache.Bump(ctx, tx)
	})
	if err != nil {
		return nil, fmt.Errorf("documents: open consultation on %s: %w", slug, err)
	}
	return c, nil
}

// Consultation returns the consultation on version number of document
// slug, or with number 0 the latest opened one. NotFound when there is
// none.
func (s *Store) Consultation(ctx context.Context, slug string, number int) (*Document, *Consultation, error) {
	d, err := s.Document(ctx, slug)
	if err != nil {
		return nil, nil, err
	}
	var c *Consultation
	if number > 0 {
		c, err = s.consultation(ctx, s.DB, "c.document_id = ? AND v.number = ?", d.ID, number)
	} else {
		c, err = s.consultation(ctx, s.DB, "c.document_id = ? ORDER BY c.opens_at DESC, c.id DESC LIMIT 1", d.ID)
	}
	if err != nil {
		return nil, nil, err
	}
	return d, c, nil
}

// Consultations lists the consultations of a document, latest first.
func (s *Store) Consultations(ctx context.Context, documentID int64) ([]*Consultation, error) {
	return db.All(ctx, s.DB, "documents: consultations", scanConsultation, "-- documents.Consultations\nSELECT "+consultationColumns+
		consultationFrom+" WHERE c.document_id = ? ORDER BY c.opens_at DESC, c.id DESC", documentID)
}

// CommentInput is a comment, reply or amendment.
type CommentInput struct {
	Version      int
	Paragraph    int   // the paragraph's stable id; a reply may leave it 0
	Parent       int64 // the comment replied to, 0 for a new thread
	Text         string
	Amendment    *string // the replacement text of the paragraph, nil for a plain comment
	Organisation string
	Country      string
	Group        string
}

// AddComment adds a comment on a paragraph of version in.Version of
// document slug, for anyone signed in. Comments are taken only while the
// consultation is open by the server's clock: outside it, Invalid with
// consultation.window_closed (or window_upcoming) whose arguments name the
// window; the secretariat may still answer (reply) after the close.
// Invalid at "version" (no consultation on it), "paragraph" (not in the
// version), "parent" (no such visible comment in this consultation),
// "text", "amendment" (one paragraph, not on a reply), "organisation",
// "country", "stakeholder_group". Audited.
func (s *Store) AddComment(ctx context.Context, by *actor.Actor, slug string, in CommentInput) (*Comment, error) {
	if !by.Signed() {
		return nil, errs.New(errs.Unauthorized, "error.unauthorized")
	}
	in.Text, in.Organisation = strings.TrimSpace(in.Text), strings.TrimSpace(in.Organisation)
	in.Country, in.Group = strings.ToUpper(strings.TrimSpace(in.Country)), strings.TrimSpace(in.Group)
	var fe errs.Fields
	if in.Version <= 0 {
		fe.Add("version", "documents.version_required")
	}
	if in.Text == "" {
		fe.Add("text", "consultation.text_required")
	} else if utf8.RuneCountInString(in.Text) > maxComment {
		fe.Add("text", "documents.too_long", maxComment)
	}
	var amendment string
	if in.Amendment != nil {
		amendment = strings.Join(SplitBlocks(*in.Amendment), "\n\n")
		switch {
		case in.Parent != 0:
			fe.Add("amendment", "consultation.amendment_on_reply")
		case amendment == "":
			fe.Add("amendment", "consultation.amendment_required")
		case strings.Contains(amendment, "\n\n"):
			fe.Add("amendment", "consultation.amendment_one_paragraph")
		case utf8.RuneCountInString(amendment) > maxAmendment:
			fe.Add("amendment", "documents.too_long", maxAmendment)
		}
	}
	if utf8.RuneCountInString(in.Organisation) > maxOrganisation {
		fe.Add("organisation", "documents.too_long", maxOrganisation)
	}
	fe.Line("organisation", in.Organisation)
	if in.Country != "" {
		if co, ok := geo.Lookup(in.Country); ok {
			in.Country = co.Code
		} else {
			fe.Add("country", "consultation.country_invalid")
		}
	}
	if in.Group != "" && !members.ValidGroup(members.Group(in.Group)) {
		fe.Add("stakeholder_group", "consultation.group_invalid")
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	staff := auth.Can(by, PermManage)
	name := strings.TrimSpace(by.Name)
	if name == "" {
		name, _, _ = strings.Cut(by.Email, "@")
	}
	cm := &Comment{UserID: by.ID, Name: name, Organisation: in.Organisation, Country: in.Country, Group: in.Group, Body: in.Text,
		IsAmendment: in.Amendment != nil, Amendment: amendment, Staff: staff, ParentID: in.Parent}
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		d, err := s.document(ctx, tx, "slug = ?", slug)
		if err != nil {
			return err
		}
		c, err := s.consultation(ctx, tx, "c.document_id = ? AND v.number = ?", d.ID, in.Version)
		if errs.CodeOf(err) == errs.NotFound {
			var fe errs.Fields
			fe.Add("version", "consultation.none")
			return fe.Err()
		}
		if err != nil {
			return err
		}
		now := tx.Now()
		switch c.State(now) {
		case "upcoming":
			return windowError("consultation.window_upcoming", c.OpensAt, c.ClosesAt, c.Timezone)
		case "closed":
			if !(staff && in.Parent != 0) {
				return windowError("consultation.window_closed", c.OpensAt, c.ClosesAt, c.Timezone)
			}
		}
		if in.Parent != 0 {
			var pid int
			err := tx.QueryRow(ctx, `-- documents.AddComment
				SELECT pid FROM document_comments WHERE id = ? AND consultation_id = ? AND hidden_at IS NULL`, in.Parent, c.ID).Scan(&pid)
			if db.IsNotFound(err) || (err == nil && in.Paragraph != 0 && in.Paragraph != pid) {
				var fe errs.Fields
				fe.Add("parent", "consultation.parent_missing")
				return fe.Err()
			}
			if err != nil {
				return err
			}
			in.Paragraph = pid
		}
		var n int
		if err := tx.QueryRow(ctx, `-- documents.AddComment
			SELECT COUNT(*) FROM document_paragraphs WHERE version_id = ? AND pid = ?`, c.VersionID, in.Paragraph).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			var fe errs.Fields
			fe.Add("paragraph", "consultation.paragraph_missing")
			return fe.Err()
		}
		cm.ConsultationID, cm.Paragraph, cm.Created = c.ID, in.Paragraph, now
		var parent, amend any
		if in.Parent != 0 {
			parent = in.Parent
		}
		if cm.IsAmendment {
			amend = cm.Amendment
		}
		if err := tx.QueryRow(ctx, `-- documents.AddComment
			INSERT INTO document_comments (consultation_id, pid, parent_id, user_id, author_name, organisation, country, stakeholder_group,
				body, amendment, staff, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			c.ID, cm.Paragraph, parent, by.ID, cm.Name, cm.Organisation, cm.Country, cm.Group, cm.Body, amend, staff, now).Scan(&cm.ID); err != nil {
			return err
		}
		action := "document.comment"
		if cm.IsAmendment {
			action = "document.amendment"
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: action, Object: commentObject(cm.ID),
			Details: map[string]any{"document": d.Slug, "version": in.Version, "paragraph": cm.Paragraph}})
	})
	if err != nil {
		return nil, fmt.Errorf("documents: comment on %s: %w", slug, err)
	}
	return cm, nil
}

func commentObject(id int64) string { return fmt.Sprintf("document_comment:%d", id) }

const commentColumns = `id, consultation_id, pid, parent_id, user_id, author_name, organisation, country, stakeholder_group, body,
	amendment, staff, decision, decision_note, decided_at, hidden_at, hidden_reason, created_at`

func scanComment(r db.Scanner) (*Comment, error) {
	c := &Comment{}
	var parent sql.NullInt64
	var amend sql.NullString
	var decided, hidden sql.NullTime
	if err := r.Scan(&c.ID, &c.ConsultationID, &c.Paragraph, &parent, &c.UserID, &c.Name, &c.Organisation, &c.Country, &c.Group,
		&c.Body, &amend, &c.Staff, &c.Decision, &c.DecisionNote, &decided, &hidden, &c.HiddenReason, &c.Created); err != nil {
		return nil, err
	}
	c.ParentID, c.IsAmendment, c.Amendment, c.Hidden = parent.Int64, amend.Valid, amend.String, hidden.Valid
	if decided.Valid {
		t := decided.Time
		c.DecidedAt = &t
	}
	return c, nil
}

// CommentByID returns one comment, for the secretariat's pages.
func (s *Store) CommentByID(ctx context.Context, id int64) (*Comment, error) {
	c, err := scanComment(s.DB.QueryRow(ctx, "-- documents.CommentByID\nSELECT "+commentColumns+" FROM document_comments WHERE id = ?", id))
	if db.IsNotFound(err) {
		return nil, errs.NotFoundError()
	}
	return c, err
}

// Comments returns the comments of consultation c as threads (comments
// that start one, oldest first, each with its replies), with hidden
// comments only when withHidden (the secretariat). A hidden comment's
// replies go with it. Accepted amendments say which later version
// carried them.
func (s *Store) Comments(ctx context.Context, c *Consultation, withHidden bool) ([]*Comment, error) {
	where := ""
	if !withHidden {
		where = " AND hidden_at IS NULL"
	}
	all, err := db.All(ctx, s.DB, "documents: comments", scanComment, "-- documents.Comments\nSELECT "+commentColumns+
		" FROM document_comments WHERE consultation_id = ?"+where+" ORDER BY id", c.ID)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*Comment{}
	var threads []*Comment
	for _, cm := range all {
		byID[cm.ID] = cm
		if cm.ParentID == 0 {
			threads = append(threads, cm)
		} else if p := byID[cm.ParentID]; p != nil {
			p.Replies = append(p.Replies, cm)
		}
	}
	if err := s.carried(ctx, c, all); err != nil {
		return nil, err
	}
	return threads, nil
}

// carried sets CarriedIn on the accepted amendments among list: the first
// version in the consulted version's language after it that has a
// paragraph reading as the amendment (its stable id may have changed when
// the amendment rewrote the paragraph entirely).
func (s *Store) carried(ctx context.Context, c *Consultation, list []*Comment) error {
	for _, cm := range list {
		if !cm.IsAmendment || cm.Decision != DecisionAccepted {
			continue
		}
		err := s.DB.QueryRow(ctx, `-- documents.carried
			SELECT v.number FROM document_paragraphs p JOIN document_versions v ON v.id = p.version_id
			JOIN document_versions cv ON cv.id = ?
			WHERE p.document_id = ? AND p.text = ? AND v.lang = cv.lang AND v.number > cv.number
			ORDER BY v.number LIMIT 1`, c.VersionID, c.DocumentID, cm.Amendment).Scan(&cm.CarriedIn)
		if err != nil && !db.IsNotFound(err) {
			return fmt.Errorf("documents: carried: %w", err)
		}
	}
	return nil
}

// CommentCounts counts the visible comments (replies and amendments
// included) on each paragraph of consultation c, by stable id.
func (s *Store) CommentCounts(ctx context.Context, c *Consultation) (map[int]int, error) {
	rows, err := s.DB.Query(ctx, `-- documents.CommentCounts
		SELECT pid, COUNT(*) FROM document_comments WHERE consultation_id = ? AND hidden_at IS NULL GROUP BY pid`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("documents: comment counts: %w", err)
	}
	defer rows.Close()
	out := map[int]int{}
	for rows.Next() {
		var pid, n int
		if err := rows.Scan(&pid, &n); err != nil {
			return nil, err
		}
		out[pid] = n
	}
	return out, rows.Err()
}

// HideComment hides comment id from everyone but the secretariat, with a
// reason (Invalid at "reason" without one), for the secretariat. Hiding a
// hidden comment again changes nothing. NotFound when there is none.
// Audited with the reason.
func (s *Store) HideComment(ctx context.Context, by *actor.Actor, id int64, reason string) error {
	reason = strings.TrimSpace(reason)
	var fe errs.Fields
	if reason == "" {
		fe.Add("reason", "consultation.reason_required")
	} else if utf8.RuneCountInString(reason) > maxReason {
		fe.Add("reason", "documents.too_long", maxReason)
	}
	if err := fe.Err(); err != nil {
		return err
	}
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `-- documents.HideComment
			UPDATE document_comments SET hidden_at = ?, hidden_by = ?, hidden_reason = ? WHERE id = ? AND hidden_at IS NULL`,
			tx.Now(), by.ID, reason, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var x int64
			if err := tx.QueryRow(ctx, "-- documents.HideComment\nSELECT id FROM document_comments WHERE id = ?", id).Scan(&x); db.IsNotFound(err) {
				return errs.NotFoundError()
			} else if err != nil {
				return err
			}
			return nil
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "document.comment.hide", Object: commentObject(id),
			Details: map[string]any{"reason": reason}})
	})
	if err != nil {
		return fmt.Errorf("documents: hide comment %d: %w", id, err)
	}
	return nil
}

// DecideAmendment accepts or declines amendment id (decision "accepted"
// or "declined", or the API's "accept"/"decline"), with an optional note,
// for the secretariat; the decision may change until it is carried.
// Invalid at "decision"; NotFound when there is no such amendment
// (comments that are not amendments included); Conflict when the
// amendment is hidden. Audited.
func (s *Store) DecideAmendment(ctx context.Context, by *actor.Actor, id int64, decision, note string) (*Comment, error) {
	switch decision {
	case "accept":
		decision = DecisionAccepted
	case "decline":
		decision = DecisionDeclined
	}
	note = strings.TrimSpace(note)
	var fe errs.Fields
	if decision != DecisionAccepted && decision != DecisionDeclined {
		fe.Add("decision", "consultation.decision_invalid")
	}
	if utf8.RuneCountInString(note) > maxReason {
		fe.Add("note", "documents.too_long", maxReason)
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	var cm *Comment
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		var err error
		cm, err = scanComment(tx.QueryRow(ctx, "-- documents.DecideAmendment\nSELECT "+commentColumns+" FROM document_comments WHERE id = ?"+tx.ForUpdate(), id))
		if db.IsNotFound(err) || (err == nil && !cm.IsAmendment) {
			return errs.NotFoundError()
		}
		if err != nil {
			return err
		}
		if cm.Hidden {
			return errs.New(errs.Conflict, "consultation.hidden")
		}
		now := tx.Now()
		cm.Decision, cm.DecisionNote, cm.DecidedAt = decision, note, &now
		if _, err := tx.Exec(ctx, `-- documents.DecideAmendment
			UPDATE document_comments SET decision = ?, decision_note = ?, decided_by = ?, decided_at = ? WHERE id = ?`,
			decision, note, by.ID, now, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "document.amendment." + decision,
			Object: commentObject(id)})
	})
	if err != nil {
		return nil, fmt.Errorf("documents: decide amendment %d: %w", id, err)
	}
	return cm, nil
}

// Credit is an accepted amendment carried into a new version.
type Credit struct {
	CommentID    int64
	Paragraph    int
	Name         string
	Organisation string
}

// AmendedBody is the latest source-language version of the document of
// consultation c with the consultation's accepted amendments put in place
// of their paragraphs (paragraphs that version no longer has are left
// out), and the credits for them: what the drafting form offers as the
// next version.
func (s *Store) AmendedBody(ctx context.Context, d *Document, c *Consultation) (string, []Credit, error) {
	latest, err := s.latest(ctx, s.DB, d.ID, d.SourceLang, false)
	if err != nil {
		return "", nil, err
	}
	if latest == nil {
		return "", nil, errs.NotFoundError()
	}
	threads, err := s.Comments(ctx, c, false)
	if err != nil {
		return "", nil, err
	}
	repl := map[int]*Comment{}
	for _, cm := range threads {
		if cm.IsAmendment && cm.Decision == DecisionAccepted {
			if prev := repl[cm.Paragraph]; prev == nil || cm.DecidedAt.After(*prev.DecidedAt) {
				repl[cm.Paragraph] = cm
			}
		}
	}
	blocks := make([]string, len(latest.Paragraphs))
	var credits []Credit
	for i, p := range latest.Paragraphs {
		blocks[i] = p.Text
		if cm := repl[p.ID]; cm != nil {
			blocks[i] = cm.Amendment
			if cm.Amendment != p.Text {
				credits = append(credits, Credit{CommentID: cm.ID, Paragraph: p.ID, Name: cm.Name, Organisation: cm.Organisation})
			}
		}
	}
	return strings.Join(blocks, "\n\n"), credits, nil
}

// creditNote is the note of a version that carries accepted amendments:
// who proposed which paragraph's new text.
func creditNote(prefix string, credits []Credit) string {
	var parts []string
	for _, c := range credits {
		who := c.Name
		if c.Organisation != "" {
			who += " (" + c.Organisation + ")"
		}
		parts = append(parts, fmt.Sprintf("¶%d: %s", c.Paragraph, who))
	}
	note := prefix + " " + strings.Join(parts, "; ")
	if utf8.RuneCountInString(note) > maxNote {
		note = string([]rune(note)[:maxNote-1]) + "…"
	}
	return note
}

// CarryAmendments saves the next source-language version of document
// slug with the accepted amendments of its consultation on version
// number in place, its note crediting their authors (creditPrefix starts
// the note, in the secretariat's language), for the secretariat.
// Conflict with consultation.nothing_to_carry when no accepted amendment
// changes the latest text.
func (s *Store) CarryAmendments(ctx context.Context, by *actor.Actor, slug string, number int, creditPrefix string) (*Version, []Credit, error) {
	d, c, err := s.Consultation(ctx, slug, number)
	if err != nil {
		return nil, nil, err
	}
	body, credits, err := s.AmendedBody(ctx, d, c)
	if err != nil {
		return nil, nil, err
	}
	if len(credits) == 0 {
		return nil, nil, errs.New(errs.Conflict, "consultation.nothing_to_carry")
	}
	v, err := s.SaveVersion(ctx, by, slug, VersionInput{Body: body, Note: creditNote(creditPrefix, credits)})
	return v, credits, err
}

// ExportRow is one comment in the secretariat's export.
type ExportRow struct {
	Comment *Comment
	Number  int // the paragraph's printed number, 0 for headings
	Email   string
}

// ExportComments returns every comment of consultation c, hidden ones
// included, in order, with their paragraph numbers: for the secretariat's
// CSV and XLSX.
func (s *Store) ExportComments(ctx context.Context, c *Consultation) ([]ExportRow, error) {
	all, err := db.All(ctx, s.DB, "documents: export comments", scanComment, "-- documents.ExportComments\nSELECT "+commentColumns+
		" FROM document_comments WHERE consultation_id = ? ORDER BY pid, id", c.ID)
	if err != nil {
		return nil, err
	}
	ps, err := s.paragraphs(ctx, s.DB, c.VersionID)
	if err != nil {
		return nil, err
	}
	nums := map[int]int{}
	for _, p := range ps {
		nums[p.ID] = p.Number
	}
	if err := s.carried(ctx, c, all); err != nil {
		return nil, err
	}
	out := make([]ExportRow, 0, len(all))
	for _, cm := range all {
		row := ExportRow{Comment: cm, Number: nums[cm.Paragraph]}
		if u, err := auth.Lookup(ctx, s.DB, cm.UserID); err == nil {
			row.Email = u.Email
		}
		out = append(out, row)
	}
	return out, nil
}

// CommenterDefaults are what the comment form offers a person: the
// organisation, country and stakeholder group of the active member they
// represent, when they represent one.
func (s *Store) CommenterDefaults(ctx context.Context, userID int64) (organisation, country, group string) {
	if s.Members == nil {
		return "", "", ""
	}
	list, err := s.Members.Represented(ctx, userID)
	if err != nil {
		return "", "", ""
	}
	i := slices.IndexFunc(list, func(m *members.ManagedMember) bool { return m.Standing == members.Active })
	if i < 0 {
		return "", "", ""
	}
	m := list[i]
	return firstOf(m.Name.En, m.Name.Hant, m.Name.Hans), m.Country, string(m.Group)
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// consultationOf returns the document slug and version number of
// consultation id.
func (s *Store) consultationOf(ctx context.Context, id int64) (string, int, error) {
	var slug string
	var number int
	err := s.DB.QueryRow(ctx, `-- documents.consultationOf
		SELECT d.slug, v.number FROM document_consultations c JOIN documents d ON d.id = c.document_id
		JOIN document_versions v ON v.id = c.version_id WHERE c.id = ?`, id).Scan(&slug, &number)
	if db.IsNotFound(err) {
		return "", 0, errs.NotFoundError()
	}
	return slug, number, err
}
