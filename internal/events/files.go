package events

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
)

// Files registrants give: the answers to a category's questions of the
// kinds file (the secretariat says which types, PDF and/or image, and how
// large) and photo (the registrant's photo, for the badge and the check-in
// desk). Like speakers' photos (photo.go) they are checked by their
// content, never by their name or declared type: a PDF must start with
// %PDF-, an image is decoded and re-encoded as JPEG (a photo cropped to
// its centre square), which drops whatever else the file carried. They
// live in the database (event_registration_files), are shown only to the
// registrant and the secretariat (a photo also to check-in staff), and are
// deleted a set number of days after the event (PurgeFiles).

// The kinds of questions answered with a file. Stored, do not rename.
const (
	FileQuestion  QuestionKind = "file"
	PhotoQuestion QuestionKind = "photo"
)

// The types a file question may take. Stored, do not rename.
const (
	FilePDF   = "pdf"
	FileImage = "image"
)

// Limits on files.
const (
	MaxFileMB        = 10   // a file question's largest limit, in MB
	DefaultFileMB    = 5    // its limit when none is set
	FileImageSide    = 2000 // an image answer is scaled to fit FileImageSide × FileImageSide
	maxFileQuestions = 3    // file and photo questions of one category
	// MaxUploadBytes is the registration form's body limit: every file a
	// category may ask for, and the rest of the form.
	MaxUploadBytes = maxFileQuestions*MaxFileMB<<20 + 1<<20
)

// fileQuestion reports whether a question is answered with a file.
func (k QuestionKind) fileQuestion() bool { return k == FileQuestion || k == PhotoQuestion }

// limit is the largest file the question takes, in bytes.
func (q *Question) limit() int {
	if q.Kind == PhotoQuestion {
		return MaxPhotoBytes
	}
	mb := q.MaxMB
	if mb == 0 {
		mb = DefaultFileMB
	}
	return mb << 20
}

// limitText is the limit for messages ("5 MB").
func (q *Question) limitText() string { return fmt.Sprintf("%d MB", q.limit()>>20) }

// accepts reports whether the question takes files of type t.
func (q *Question) accepts(t string) bool {
	if q.Kind == PhotoQuestion {
		return t == FileImage
	}
	for _, x := range q.Types {
		if x == t {
			return true
		}
	}
	return false
}

// Formats names the formats a question takes, for hints and messages.
func (q Question) Formats() string {
	var f []string
	if q.accepts(FilePDF) {
		f = append(f, "PDF")
	}
	if q.accepts(FileImage) {
		f = append(f, "JPEG", "PNG")
	}
	return strings.Join(f, ", ")
}

// Accept is the accept attribute of the question's file input.
func (q Question) Accept() string {
	var f []string
	if q.accepts(FilePDF) {
		f = append(f, "application/pdf", ".pdf")
	}
	if q.accepts(FileImage) {
		f = append(f, "image/jpeg", "image/png")
	}
	return strings.Join(f, ",")
}

// LimitText is the question's size limit for hints ("5 MB").
func (q Question) LimitText() string { return q.limitText() }

// validFileQuestion checks a file or photo question's own settings.
func validFileQuestion(q Question) bool {
	if len(q.Options) > 0 {
		return false
	}
	if q.Kind == PhotoQuestion {
		return len(q.Types) == 0 && q.MaxMB == 0
	}
	if len(q.Types) == 0 || len(q.Types) > 2 || q.MaxMB < 0 || q.MaxMB > MaxFileMB {
		return false
	}
	seen := map[string]bool{}
	for _, t := range q.Types {
		if (t != FilePDF && t != FileImage) || seen[t] {
			return false
		}
		seen[t] = true
	}
	return true
}

// RegFile is a file given with a registration.
type RegFile struct {
	RegistrationID int64
	Question       string
	Kind           QuestionKind
	ContentType    string // application/pdf or image/jpeg
	Data           []byte // nil when listed
	Size           int
	Hash           string // hex SHA-256 of Data
	Created        time.Time
}

// Ext is the file's extension, by its type.
func (f *RegFile) Ext() string {
	if f.ContentType == "application/pdf" {
		return ".pdf"
	}
	return ".jpg"
}

// KB is the file's size in kilobytes, rounded up.
func (f *RegFile) KB() int { return (f.Size + 1023) / 1024 }

// fileType is the file's type as questions name them: pdf or image.
func (f *RegFile) fileType() string {
	if f.ContentType == "application/pdf" {
		return FilePDF
	}
	return FileImage
}

func fileError(field, key string, args ...any) error {
	var fe errs.Fields
	fe.Add(field, key, args...)
	return fe.Err()
}

// checkFile checks an upload for question q by its content: a PDF (it
// starts with %PDF-) is kept as it is; an image is decoded and re-encoded
// as JPEG, a photo cropped to its centre square. Every refusal is an
// Invalid error at the question's field.
func checkFile(ctx context.Context, q Question, data []byte) (*RegFile, error) {
	if len(data) == 0 {
		return nil, fileError(q.Code, "events.file.missing")
	}
	if len(data) > q.limit() {
		return nil, fileError(q.Code, "events.file.too_large", q.limitText())
	}
	t := ""
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		t = FilePDF
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")), bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		t = FileImage
	}
	if t == "" || !q.accepts(t) {
		return nil, fileError(q.Code, "events.file.type", q.Formats())
	}
	f := &RegFile{Question: q.Code, Kind: q.Kind}
	if t == FilePDF {
		f.ContentType, f.Data = "application/pdf", data
	} else {
		select {
		case photoSlot <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		side, square := FileImageSide, false
		if q.Kind == PhotoQuestion {
			side, square = PhotoSide, true
		}
		ph, err := checkImage(data, q.limit(), q.limitText(), side, square)
		<-photoSlot
		if err != nil {
			if e, ok := errs.As(err); ok {
				for i := range e.Fields {
					e.Fields[i].Name = q.Code
				}
			}
			return nil, err
		}
		f.ContentType, f.Data = "image/jpeg", ph.JPEG
	}
	sum := sha256.Sum256(f.Data)
	f.Size, f.Hash = len(f.Data), hex.EncodeToString(sum[:])
	return f, nil
}

// CheckFiles checks the uploads of a registration form for the category
// with code of the event with slug, by the category's questions: uploads
// maps a question's code to the bytes sent. An upload for a question the
// category does not ask with a file is refused at its field. All the
// refusals come together.
func (s *Store) CheckFiles(ctx context.Context, slug, code string, uploads map[string][]byte) (map[string]*RegFile, error) {
	out := map[string]*RegFile{}
	if len(uploads) == 0 {
		return out, nil
	}
	e, err := s.Event(ctx, slug, false)
	if err != nil {
		return nil, err
	}
	cats, err := s.Categories(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	var cat *Category
	for _, c := range cats {
		if c.Code == code {
			cat = c
		}
	}
	if cat == nil { // Register says so at the field "category"
		return out, nil
	}
	var fe errs.Fields
	for name, data := range uploads {
		q := cat.question(name)
		if q == nil || !q.Kind.fileQuestion() {
			fe.Add(name, "events.question_unknown")
			continue
		}
		f, err := checkFile(ctx, *q, data)
		if e, ok := errs.As(err); ok && e.Code == errs.Invalid {
			fe = append(fe, e.Fields...)
			continue
		}
		if err != nil {
			return nil, err
		}
		out[name] = f
	}
	return out, fe.Err()
}

// CheckAnswers checks a registration form's answers and files against
// the category with code of the event with slug, as RegisterWith does,
// without registering: so that a form whose files were refused also
// shows what else needs fixing. An unknown category is no error here.
func (s *Store) CheckAnswers(ctx context.Context, slug, code string, a Answers, accountName string, files map[string]*RegFile) error {
	e, err := s.Event(ctx, slug, false)
	if err != nil {
		return err
	}
	cats, err := s.Categories(ctx, e.ID)
	if err != nil {
		return err
	}
	for _, c := range cats {
		if c.Code == code {
			b := Answers{}
			for k, v := range a {
				b[k] = v
			}
			return c.check(b, accountName, files, false)
		}
	}
	return nil
}

// question returns the category's question with code, nil for none (or
// no category).
func (c *Category) question(code string) *Question {
	if c == nil {
		return nil
	}
	for i := range c.Questions {
		if c.Questions[i].Code == code {
			return &c.Questions[i]
		}
	}
	return nil
}

// saveFile stores f as the answer of registration regID to its question,
// in place of any earlier one.
func saveFile(ctx context.Context, tx *db.Tx, regID int64, f *RegFile) error {
	f.RegistrationID, f.Created = regID, tx.Now()
	if _, err := tx.Exec(ctx, "DELETE FROM event_registration_files WHERE registration_id = ? AND question = ?", regID, f.Question); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `-- events.saveFile
		INSERT INTO event_registration_files (registration_id, question, kind, content_type, data, size, hash, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, regID, f.Question, f.Kind, f.ContentType, f.Data, f.Size, f.Hash, f.Created)
	if err != nil {
		return fmt.Errorf("events: store file: %w", err)
	}
	return nil
}

// SetFile checks an upload (checkFile) and stores it as the answer of
// registration regID to its file or photo question, in place of any
// earlier one: for the registrant, while the registration is live. An
// unknown question, or one not answered with a file, is NotFound.
func (s *Store) SetFile(ctx context.Context, by *actor.Actor, regID int64, question string, data []byte) (*RegFile, error) {
	r, err := s.Registration(ctx, regID, by.ID, false)
	if err != nil {
		return nil, err
	}
	q := r.Category.question(question)
	if q == nil || !q.Kind.fileQuestion() {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	if !r.Status.Live() {
		return nil, errs.New(errs.Conflict, "events.not_live")
	}
	f, err := checkFile(ctx, *q, data)
	if err != nil {
		return nil, err
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := saveFile(ctx, tx, regID, f); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "registration.file_uploaded",
			Object: regObject(regID), Details: map[string]any{"question": question, "type": f.ContentType, "size": f.Size}})
	})
	return f, err
}

const fileColumns = "registration_id, question, kind, content_type, size, hash, created_at"

func scanFile(row db.Scanner, data bool) (*RegFile, error) {
	f := &RegFile{}
	dest := []any{&f.RegistrationID, &f.Question, &f.Kind, &f.ContentType, &f.Size, &f.Hash, &f.Created}
	if data {
		dest = append(dest, &f.Data)
	}
	return f, row.Scan(dest...)
}

// Files lists the files of registration regID, without their bytes, in
// the order of the category's questions (then by code). The caller checks
// who may see them.
func (s *Store) Files(ctx context.Context, regID int64) ([]*RegFile, error) {
	return db.All(ctx, s.DB, "events: files", func(sc db.Scanner) (*RegFile, error) { return scanFile(sc, false) },
		"SELECT "+fileColumns+" FROM event_registration_files WHERE registration_id = ? ORDER BY question", regID)
}

// File returns a registration's file answering question: to the
// registrant, or staff (the secretariat). Anyone else, and a file that is
// not there, is NotFound.
func (s *Store) File(ctx context.Context, regID int64, question string, userID int64, staff bool) (*RegFile, *Registration, error) {
	r, err := s.Registration(ctx, regID, userID, staff)
	if err != nil {
		return nil, nil, err
	}
	f, err := scanFile(s.DB.QueryRow(ctx, "SELECT "+fileColumns+", data FROM event_registration_files WHERE registration_id = ? AND question = ?",
		regID, question), true)
	if db.IsNotFound(err) {
		return nil, nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("events: file %d %s: %w", regID, question, err)
	}
	return f, r, nil
}

// RegistrationPhoto returns the photo of registration regID (the answer to
// its category's photo question); NotFound when there is none. The
// caller checks who may see it (check-in staff and the secretariat).
func (s *Store) RegistrationPhoto(ctx context.Context, regID int64) (*RegFile, error) {
	f, err := scanFile(s.DB.QueryRow(ctx, "SELECT "+fileColumns+", data FROM event_registration_files WHERE registration_id = ? AND kind = ?"+
		" ORDER BY question LIMIT 1", regID, PhotoQuestion), true)
	if db.IsNotFound(err) {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("events: photo of registration %d: %w", regID, err)
	}
	return f, nil
}

// HasPhoto reports whether registration regID has a photo.
func (s *Store) HasPhoto(ctx context.Context, regID int64) (bool, error) {
	var n int
	err := s.DB.QueryRow(ctx, "SELECT COUNT(*) FROM event_registration_files WHERE registration_id = ? AND kind = ?", regID, PhotoQuestion).Scan(&n)
	return n > 0, err
}

// photos returns the photos of an event's registrations, by registration
// id, for its badges.
func (s *Store) photos(ctx context.Context, eventID int64) (map[int64][]byte, error) {
	type row struct {
		id   int64
		jpeg []byte
	}
	list, err := db.All(ctx, s.DB, "events: badge photos", func(sc db.Scanner) (row, error) {
		var x row
		return x, sc.Scan(&x.id, &x.jpeg)
	}, `SELECT f.registration_id, f.data FROM event_registration_files f JOIN event_registrations r ON r.id = f.registration_id
		WHERE r.event_id = ? AND r.status = 'confirmed' AND f.kind = ?`, eventID, PhotoQuestion)
	if err != nil {
		return nil, err
	}
	out := make(map[int64][]byte, len(list))
	for _, x := range list {
		if _, ok := out[x.id]; !ok {
			out[x.id] = x.jpeg
		}
	}
	return out, nil
}

// MissingFiles returns the codes of the required file and photo questions
// registration r has not answered yet (a registration made through the
// API, whose files come after it).
func (s *Store) MissingFiles(ctx context.Context, r *Registration) ([]string, error) {
	missing := []string{}
	if r.Category == nil {
		return missing, nil
	}
	have := map[string]bool{}
	list, err := s.Files(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	for _, f := range list {
		have[f.Question] = true
	}
	for _, q := range r.Category.Questions {
		if q.Kind.fileQuestion() && q.Required && !have[q.Code] {
			missing = append(missing, q.Code)
		}
	}
	return missing, nil
}

// PurgeFiles deletes the files of every registration whose event ended
// more than days ago, as PurgeVisas deletes passport details, and returns
// how many were deleted. Safe on several instances at once.
func (s *Store) PurgeFiles(ctx context.Context, days int) (int, error) {
	var n int
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		before := tx.Now().AddDate(0, 0, -days)
		res, err := tx.Exec(ctx, `-- events.PurgeFiles
			DELETE FROM event_registration_files WHERE registration_id IN (SELECT r.id FROM event_registrations r
				JOIN events e ON e.id = r.event_id WHERE e.ends_at < ?)`, before)
		if err != nil {
			return err
		}
		rows, err := res.RowsAffected()
		if err != nil || rows == 0 {
			return err
		}
		n = int(rows)
		return audit.Record(ctx, tx, audit.Entry{Actor: "system", Action: "registration.files_purged", Object: "registration_files",
			Details: map[string]any{"count": n, "retention_days": days}})
	})
	return n, err
}
