package documents

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/members"
	"github.com/wuzhen/wuzhen/internal/pagecache"
)

// Store keeps documents, their versions and paragraphs.
type Store struct {
	DB *db.DB
	// Members answers which member organisations an account represents
	// (endorsements, votes, the comment form's defaults) and who to ask
	// to endorse; nil in tests that need none of it.
	Members *members.Store
}

func documentObject(id int64) string { return fmt.Sprintf("document:%d", id) }

// Hash is the content hash of a body: SHA-256 of its normalised text, hex.
func Hash(body string) string {
	sum := sha256.Sum256([]byte(body))
	return hex.EncodeToString(sum[:])
}

const documentColumns = `id, slug, kind, year, topics, title_en, title_zh_hans, title_zh_hant, summary_en, summary_zh_hans,
	summary_zh_hant, source_lang, published_version_id, published_at, created_at, updated_at`

func scanDocument(r db.Scanner) (*Document, error) {
	d := &Document{}
	var topics string
	var pub sql.NullInt64
	var pubAt sql.NullTime
	if err := r.Scan(&d.ID, &d.Slug, &d.Kind, &d.Year, &topics, &d.Title.En, &d.Title.Hans, &d.Title.Hant, &d.Summary.En,
		&d.Summary.Hans, &d.Summary.Hant, &d.SourceLang, &pub, &pubAt, &d.Created, &d.Updated); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(topics), &d.Topics); err != nil {
		return nil, fmt.Errorf("documents: topics of %s: %w", d.Slug, err)
	}
	d.PublishedVersionID = pub.Int64
	if pubAt.Valid {
		t := pubAt.Time
		d.PublishedAt = &t
	}
	return d, nil
}

// document reads one document by a condition, in q.
func (s *Store) document(ctx context.Context, q db.Querier, where string, args ...any) (*Document, error) {
	d, err := scanDocument(q.QueryRow(ctx, "-- documents.document\nSELECT "+documentColumns+" FROM documents WHERE "+where, args...))
	if db.IsNotFound(err) {
		return nil, errs.NotFoundError()
	}
	if err != nil {
		return nil, fmt.Errorf("documents: read: %w", err)
	}
	return d, nil
}

// Document returns the document slug, published or not (for the
// secretariat, and for handlers that check Published). NotFound when
// there is none.
func (s *Store) Document(ctx context.Context, slug string) (*Document, error) {
	return s.document(ctx, s.DB, "slug = ?", slug)
}

// Filter narrows a list of documents.
type Filter struct {
	Year          int  // 0: every year
	Kind          Kind // "": every kind
	PublishedOnly bool
}

// Documents lists documents, newest year first, then by kind's order and
// title.
func (s *Store) Documents(ctx context.Context, f Filter) ([]*Document, error) {
	where, args := []string{"1 = 1"}, []any{}
	if f.Year != 0 {
		where, args = append(where, "year = ?"), append(args, f.Year)
	}
	if f.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, f.Kind)
	}
	if f.PublishedOnly {
		where = append(where, "published_version_id IS NOT NULL")
	}
	list, err := db.All(ctx, s.DB, "documents: list", scanDocument, "-- documents.Documents\nSELECT "+documentColumns+
		" FROM documents WHERE "+strings.Join(where, " AND ")+" ORDER BY year DESC, id DESC", args...)
	if err != nil {
		return nil, fmt.Errorf("documents: list: %w", err)
	}
	return list, nil
}

// CreateDocument creates d, for the secretariat. Invalid with the fields
// at fault (slug taken: "slug"). Audited.
func (s *Store) CreateDocument(ctx context.Context, by *actor.Actor, d *Document) error {
	if err := d.validate(); err != nil {
		return err
	}
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		now := tx.Now()
		d.Created, d.Updated = now, now
		err := tx.QueryRow(ctx, `-- documents.CreateDocument
			INSERT INTO documents (slug, kind, year, topics, title_en, title_zh_hans, title_zh_hant, summary_en, summary_zh_hans,
				summary_zh_hant, source_lang, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			d.Slug, d.Kind, d.Year, db.JSON(d.Topics), d.Title.En, d.Title.Hans, d.Title.Hant, d.Summary.En, d.Summary.Hans,
			d.Summary.Hant, d.SourceLang, now, now).Scan(&d.ID)
		if db.IsUnique(err) {
			var fe errs.Fields
			fe.Add("slug", "documents.slug_taken")
			return fe.Err()
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "document.create", Object: documentObject(d.ID)})
	})
	if err != nil {
		return fmt.Errorf("documents: create: %w", err)
	}
	return nil
}

// UpdateDocument replaces the kind, year, topics, title and summary of
// document slug, for the secretariat; the slug stays, and so does the
// source language once a version exists. Audited; a published document's
// pages and search entry change with it.
func (s *Store) UpdateDocument(ctx context.Context, by *actor.Actor, slug string, d *Document) error {
	d.Slug = slug
	if err := d.validate(); err != nil {
		return err
	}
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		old, err := s.document(ctx, tx, "slug = ?"+tx.ForUpdate(), slug)
		if err != nil {
			return err
		}
		var versions int
		if err := tx.QueryRow(ctx, `-- documents.UpdateDocument
			SELECT COUNT(*) FROM document_versions WHERE document_id = ?`, old.ID).Scan(&versions); err != nil {
			return err
		}
		if versions > 0 && d.SourceLang != old.SourceLang {
			var fe errs.Fields
			fe.Add("source_lang", "documents.source_lang_fixed")
			return fe.Err()
		}
		d.ID, d.PublishedVersionID, d.PublishedAt, d.Created, d.Updated = old.ID, old.PublishedVersionID, old.PublishedAt, old.Created, tx.Now()
		if _, err := tx.Exec(ctx, `-- documents.UpdateDocument
			UPDATE documents SET kind = ?, year = ?, topics = ?, title_en = ?, title_zh_hans = ?, title_zh_hant = ?, summary_en = ?,
				summary_zh_hans = ?, summary_zh_hant = ?, source_lang = ?, updated_at = ?
			WHERE id = ?`,
			d.Kind, d.Year, db.JSON(d.Topics), d.Title.En, d.Title.Hans, d.Title.Hant, d.Summary.En, d.Summary.Hans,
			d.Summary.Hant, d.SourceLang, d.Updated, d.ID); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "document.update", Object: documentObject(d.ID)}); err != nil {
			return err
		}
		return s.changed(ctx, tx, d.ID)
	})
	if err != nil {
		return fmt.Errorf("documents: update %s: %w", slug, err)
	}
	return nil
}

const versionColumns = `v.id, v.document_id, v.number, v.lang, v.source_version_id, COALESCE(sv.number, 0), v.body, v.hash, v.name,
	v.note, v.published, v.published_at, v.created_by, v.created_at`

const versionFrom = ` FROM document_versions v LEFT JOIN document_versions sv ON sv.id = v.source_version_id`

func scanVersion(r db.Scanner) (*Version, error) {
	v := &Version{}
	var src, by sql.NullInt64
	var pubAt sql.NullTime
	if err := r.Scan(&v.ID, &v.DocumentID, &v.Number, &v.Lang, &src, &v.SourceNumber, &v.Body, &v.Hash, &v.Name, &v.Note,
		&v.Published, &pubAt, &by, &v.Created); err != nil {
		return nil, err
	}
	v.SourceID, v.CreatedBy = src.Int64, by.Int64
	if pubAt.Valid {
		t := pubAt.Time
		v.PublishedAt = &t
	}
	return v, nil
}

// version reads one version by a condition, with its paragraphs.
func (s *Store) version(ctx context.Context, q db.Querier, where string, args ...any) (*Version, error) {
	v, err := scanVersion(q.QueryRow(ctx, "-- documents.version\nSELECT "+versionColumns+versionFrom+" WHERE "+where, args...))
	if db.IsNotFound(err) {
		return nil, errs.NotFoundError()
	}
	if err != nil {
		return nil, fmt.Errorf("documents: read version: %w", err)
	}
	if v.Paragraphs, err = s.paragraphs(ctx, q, v.ID); err != nil {
		return nil, err
	}
	return v, nil
}

func scanParagraph(r db.Scanner) (Paragraph, error) {
	var p Paragraph
	err := r.Scan(&p.ID, &p.Position, &p.Number, &p.Kind, &p.Text)
	return p, err
}

// paragraphs reads a version's paragraphs in order.
func (s *Store) paragraphs(ctx context.Context, q db.Querier, versionID int64) ([]Paragraph, error) {
	ps, err := db.All(ctx, q, "documents: paragraphs", scanParagraph, `-- documents.paragraphs
		SELECT pid, position, number, kind, text FROM document_paragraphs WHERE version_id = ? ORDER BY position`, versionID)
	if err != nil {
		return nil, fmt.Errorf("documents: paragraphs of version %d: %w", versionID, err)
	}
	return ps, nil
}

// Version returns version number of document slug with its paragraphs.
// NotFound when either is not there. It does not check publication:
// handlers for the public use PublishedVersion.
func (s *Store) Version(ctx context.Context, slug string, number int) (*Document, *Version, error) {
	d, err := s.Document(ctx, slug)
	if err != nil {
		return nil, nil, err
	}
	v, err := s.version(ctx, s.DB, "v.document_id = ? AND v.number = ?", d.ID, number)
	if err != nil {
		return nil, nil, err
	}
	return d, v, nil
}

// VersionByID returns a version with its paragraphs, by its row id (for
// packages and files that keep version ids: consultation, endorsements).
func (s *Store) VersionByID(ctx context.Context, id int64) (*Version, error) {
	return s.version(ctx, s.DB, "v.id = ?", id)
}

// Versions lists a document's versions, newest first, without their
// paragraphs.
func (s *Store) Versions(ctx context.Context, documentID int64) ([]*Version, error) {
	list, err := db.All(ctx, s.DB, "documents: versions", scanVersion, "-- documents.Versions\nSELECT "+versionColumns+versionFrom+
		" WHERE v.document_id = ? ORDER BY v.number DESC", documentID)
	if err != nil {
		return nil, fmt.Errorf("documents: versions: %w", err)
	}
	return list, nil
}

// latest returns the latest version of a document in lang (published
// only, if published), nil when there is none.
func (s *Store) latest(ctx context.Context, q db.Querier, documentID int64, lang string, published bool) (*Version, error) {
	where := "v.document_id = ? AND v.lang = ?"
	if published {
		where += " AND v.published"
	}
	v, err := s.version(ctx, q, where+" ORDER BY v.number DESC LIMIT 1", documentID, lang)
	if errs.CodeOf(err) == errs.NotFound {
		return nil, nil
	}
	return v, err
}

// VersionInput is a text to save as a new version.
type VersionInput struct {
	Lang string // "" means the document's source language
	Body string
	Name string
	Note string
	// Source is, for a translation, the number of the source version it
	// translates; 0 means the latest source version.
	Source int
}

// SaveVersion saves a new version of document slug, for the secretariat:
// every save is a version. A version in the source language gets its
// paragraphs' ids by matching the previous source version's (see ids.go);
// a translation must have as many blocks as the source version it
// translates, and its paragraphs take their ids. Invalid at "body" (see
// parseBody, and documents.translation_blocks), "lang", "source" (no such
// source version, or none yet), "name", "note". Audited.
func (s *Store) SaveVersion(ctx context.Context, by *actor.Actor, slug string, in VersionInput) (*Version, error) {
	in.Name, in.Note = strings.TrimSpace(in.Name), strings.TrimSpace(in.Note)
	var fe errs.Fields
	if in.Lang != "" && !validLang(in.Lang) {
		fe.Add("lang", "documents.lang_invalid")
	}
	if len([]rune(in.Name)) > maxName {
		fe.Add("name", "documents.too_long", maxName)
	}
	fe.Line("name", in.Name)
	if len([]rune(in.Note)) > maxNote {
		fe.Add("note", "documents.too_long", maxNote)
	}
	p, err := parseBody(in.Body)
	if e, ok := errs.As(err); ok {
		fe = append(fe, e.Fields...)
	}
	if len(fe) > 0 {
		return nil, fe.Err()
	}
	var v *Version
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		d, err := s.document(ctx, tx, "slug = ?"+tx.ForUpdate(), slug)
		if err != nil {
			return err
		}
		lang := in.Lang
		if lang == "" {
			lang = d.SourceLang
		}
		body := strings.Join(p.src, "\n\n")
		v = &Version{DocumentID: d.ID, Lang: lang, Body: body, Hash: Hash(body), Name: in.Name, Note: in.Note, CreatedBy: by.ID, Created: tx.Now()}
		var nextPID int
		if err := tx.QueryRow(ctx, `-- documents.SaveVersion
			SELECT next_pid, (SELECT COALESCE(MAX(number), 0) + 1 FROM document_versions WHERE document_id = ?) FROM documents WHERE id = ?`,
			d.ID, d.ID).Scan(&nextPID, &v.Number); err != nil {
			return err
		}
		kinds := make([]string, len(p.blocks))
		for i, b := range p.blocks {
			kinds[i] = b.Kind
		}
		nums := numbers(p.blocks)
		var ids []int
		if lang == d.SourceLang {
			prev, err := s.latest(ctx, tx, d.ID, lang, false)
			if err != nil {
				return err
			}
			var old []Paragraph
			if prev != nil {
				old = prev.Paragraphs
			}
			ids = assignIDs(old, p.src, kinds, &nextPID)
		} else {
			var src *Version
			if in.Source != 0 {
				src, err = s.version(ctx, tx, "v.document_id = ? AND v.number = ? AND v.lang = ?", d.ID, in.Source, d.SourceLang)
			} else if src, err = s.latest(ctx, tx, d.ID, d.SourceLang, false); err == nil && src == nil {
				err = errs.NotFoundError()
			}
			if errs.CodeOf(err) == errs.NotFound {
				var fe errs.Fields
				fe.Add("source", "documents.source_missing")
				return fe.Err()
			}
			if err != nil {
				return err
			}
			if len(src.Paragraphs) != len(p.blocks) {
				var fe errs.Fields
				fe.Add("body", "documents.translation_blocks", len(src.Paragraphs), len(p.blocks))
				return fe.Err()
			}
			v.SourceID, v.SourceNumber = src.ID, src.Number
			for _, sp := range src.Paragraphs {
				ids = append(ids, sp.ID)
			}
			for i := range nums {
				nums[i] = src.Paragraphs[i].Number
			}
		}
		var srcID any
		if v.SourceID != 0 {
			srcID = v.SourceID
		}
		if err := tx.QueryRow(ctx, `-- documents.SaveVersion
			INSERT INTO document_versions (document_id, number, lang, source_version_id, body, hash, name, note, published, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, false, ?, ?) RETURNING id`,
			d.ID, v.Number, v.Lang, srcID, v.Body, v.Hash, v.Name, v.Note, by.ID, v.Created).Scan(&v.ID); err != nil {
			return err
		}
		for i, src := range p.src {
			pa := Paragraph{ID: ids[i], Number: nums[i], Position: i + 1, Kind: kinds[i], Text: src}
			v.Paragraphs = append(v.Paragraphs, pa)
			if _, err := tx.Exec(ctx, `-- documents.SaveVersion
				INSERT INTO document_paragraphs (version_id, document_id, pid, position, number, kind, text) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				v.ID, d.ID, pa.ID, pa.Position, pa.Number, pa.Kind, pa.Text); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `-- documents.SaveVersion
			UPDATE documents SET next_pid = ?, updated_at = ? WHERE id = ?`, nextPID, v.Created, d.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "document.version.save", Object: documentObject(d.ID),
			Details: map[string]any{"version": v.Number, "lang": v.Lang, "hash": v.Hash}})
	})
	if err != nil {
		return nil, fmt.Errorf("documents: save version of %s: %w", slug, err)
	}
	return v, nil
}

// NameVersion sets the name and note of version number of document slug,
// for the secretariat; its text and hash stay. Audited.
func (s *Store) NameVersion(ctx context.Context, by *actor.Actor, slug string, number int, name, note string) error {
	name, note = strings.TrimSpace(name), strings.TrimSpace(note)
	var fe errs.Fields
	if len([]rune(name)) > maxName {
		fe.Add("name", "documents.too_long", maxName)
	}
	fe.Line("name", name)
	if len([]rune(note)) > maxNote {
		fe.Add("note", "documents.too_long", maxNote)
	}
	if len(fe) > 0 {
		return fe.Err()
	}
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		d, err := s.document(ctx, tx, "slug = ?", slug)
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `-- documents.NameVersion
			UPDATE document_versions SET name = ?, note = ? WHERE document_id = ? AND number = ?`, name, note, d.ID, number)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFoundError()
		}
		if err := audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "document.version.name", Object: documentObject(d.ID),
			Details: map[string]any{"version": number, "name": name}}); err != nil {
			return err
		}
		return s.changed(ctx, tx, d.ID)
	})
	if err != nil {
		return fmt.Errorf("documents: name version %d of %s: %w", number, slug, err)
	}
	return nil
}

// Publish publishes version number of document slug, for the secretariat:
// its text and hash never change after (versions are never rewritten),
// and the public page, the archive, search and the feed show it. A source
// version becomes the document's published text if it is the newest
// published one; a translation is shown to readers of its language beside
// the source version it translates. Publishing a published version again
// changes nothing. NotFound when there is no such version. Audited.
func (s *Store) Publish(ctx context.Context, by *actor.Actor, slug string, number int) (*Version, error) {
	var v *Version
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		d, err := s.document(ctx, tx, "slug = ?"+tx.ForUpdate(), slug)
		if err != nil {
			return err
		}
		if v, err = s.version(ctx, tx, "v.document_id = ? AND v.number = ?", d.ID, number); err != nil {
			return err
		}
		if v.Published {
			return nil
		}
		now := tx.Now()
		v.Published, v.PublishedAt = true, &now
		if _, err := tx.Exec(ctx, `-- documents.Publish
			UPDATE document_versions SET published = true, published_at = ? WHERE id = ?`, now, v.ID); err != nil {
			return err
		}
		if v.Lang == d.SourceLang {
			if _, err := tx.Exec(ctx, `-- documents.Publish
				UPDATE documents SET published_version_id = (SELECT id FROM document_versions
					WHERE document_id = ? AND lang = ? AND published ORDER BY number DESC LIMIT 1),
					published_at = COALESCE(published_at, ?), updated_at = ?
				WHERE id = ?`, d.ID, d.SourceLang, now, now, d.ID); err != nil {
				return err
			}
		}
		if err := audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "document.publish", Object: documentObject(d.ID),
			Details: map[string]any{"version": v.Number, "lang": v.Lang, "hash": v.Hash}}); err != nil {
			return err
		}
		return s.changed(ctx, tx, d.ID)
	})
	if err != nil {
		return nil, fmt.Errorf("documents: publish version %d of %s: %w", number, slug, err)
	}
	return v, nil
}

// changed is called in the transaction of every change the public may
// see: the page cache drops its pages, and search gets the document as it
// now is.
func (s *Store) changed(ctx context.Context, tx *db.Tx, id int64) error {
	if err := pagecache.Bump(ctx, tx); err != nil {
		return err
	}
	return s.index(ctx, tx, id)
}

// Comparison is two versions of a document in one language compared per
// paragraph.
type Comparison struct {
	Doc      *Document
	From, To *Version // From has Number 0 and no paragraphs when To is the first version
	Changes  []Change
}

// Compare compares versions from and to of document slug. Either may be 0:
// to then is the latest version in lang (the source language when lang
// is ""), and from the version before to in its language. Both must be in
// one language: Invalid at "to" otherwise, and at "lang" when lang names
// another. With publishedOnly (readers who may not see drafts), versions
// that are not published are NotFound.
func (s *Store) Compare(ctx context.Context, slug, lang string, from, to int, publishedOnly bool) (*Comparison, error) {
	var fe errs.Fields
	if lang != "" && !validLang(lang) {
		fe.Add("lang", "documents.lang_invalid")
		return nil, fe.Err()
	}
	d, err := s.Document(ctx, slug)
	if err != nil {
		return nil, err
	}
	pub := ""
	if publishedOnly {
		pub = " AND v.published"
	}
	c := &Comparison{Doc: d}
	switch {
	case to != 0:
		c.To, err = s.version(ctx, s.DB, "v.document_id = ? AND v.number = ?"+pub, d.ID, to)
	case from != 0:
		var f *Version
		if f, err = s.version(ctx, s.DB, "v.document_id = ? AND v.number = ?"+pub, d.ID, from); err == nil {
			c.To, err = s.version(ctx, s.DB, "v.document_id = ? AND v.lang = ?"+pub+" ORDER BY v.number DESC LIMIT 1", d.ID, f.Lang)
		}
	default:
		l := lang
		if l == "" {
			l = d.SourceLang
		}
		c.To, err = s.version(ctx, s.DB, "v.document_id = ? AND v.lang = ?"+pub+" ORDER BY v.number DESC LIMIT 1", d.ID, l)
	}
	if err != nil {
		return nil, err
	}
	if from != 0 {
		c.From, err = s.version(ctx, s.DB, "v.document_id = ? AND v.number = ?"+pub, d.ID, from)
	} else {
		c.From, err = s.version(ctx, s.DB, "v.document_id = ? AND v.lang = ? AND v.number < ?"+pub+" ORDER BY v.number DESC LIMIT 1",
			d.ID, c.To.Lang, c.To.Number)
		if errs.CodeOf(err) == errs.NotFound {
			c.From, err = &Version{Lang: c.To.Lang}, nil
		}
	}
	if err != nil {
		return nil, err
	}
	if c.From.Lang != c.To.Lang {
		fe.Add("to", "documents.diff_languages")
	} else if lang != "" && lang != c.To.Lang {
		fe.Add("lang", "documents.diff_languages")
	}
	if len(fe) > 0 {
		return nil, fe.Err()
	}
	c.Changes = Diff(c.From.Paragraphs, c.To.Paragraphs)
	return c, nil
}

// TranslationState is where one language's translation stands against
// the latest source version.
type TranslationState struct {
	Lang   string
	Latest *Version // the latest translation into Lang, nil when none
	// SourceNumber is the latest source version's number; Changed and
	// Added list the paragraphs changed and added since the source
	// version Latest translates.
	SourceNumber int
	Changed      []int
	Added        []int
	// Refs name the changed and added paragraphs in the latest source
	// version's order and numbering ("¶3", or a heading's text).
	Refs []string
}

// OutOfDate reports whether the translation misses changes of the source.
func (t TranslationState) OutOfDate() bool { return len(t.Changed)+len(t.Added) > 0 }

// Behind lists the paragraphs changed and added since, in that order.
func (t TranslationState) Behind() []int { return append(append([]int(nil), t.Changed...), t.Added...) }

// Translations says, for each language but the source language, where its
// translation stands against the latest source version (drafts
// included), for the secretariat.
func (s *Store) Translations(ctx context.Context, d *Document) ([]TranslationState, error) {
	src, err := s.latest(ctx, s.DB, d.ID, d.SourceLang, false)
	if err != nil || src == nil {
		return nil, err
	}
	var out []TranslationState
	for _, lang := range otherLangs(d.SourceLang) {
		st := TranslationState{Lang: lang, SourceNumber: src.Number}
		if st.Latest, err = s.latest(ctx, s.DB, d.ID, lang, false); err != nil {
			return nil, err
		}
		if st.Latest != nil && st.Latest.SourceID != src.ID {
			old, err := s.version(ctx, s.DB, "v.id = ?", st.Latest.SourceID)
			if err != nil {
				return nil, err
			}
			for _, c := range Diff(old.Paragraphs, src.Paragraphs) {
				switch c.Change {
				case Changed:
					st.Changed = append(st.Changed, c.ID)
				case Added:
					st.Added = append(st.Added, c.ID)
				}
			}
			behind := st.Behind()
			for _, p := range src.Paragraphs {
				if slices.Contains(behind, p.ID) {
					st.Refs = append(st.Refs, refOf(src.Paragraphs, p.ID))
				}
			}
		}
		out = append(out, st)
	}
	return out, nil
}
