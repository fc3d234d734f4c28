package main

import (
	"context"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/db/dbtest"
	"github.com/wuzhen/wuzhen/internal/members"
)

func TestParseCrashOptions(t *testing.T) {
	o, err := parseOptions([]string{"crash", "--kills", "3"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if o.kills != 3 || o.members != 0 || o.killWithin <= 0 {
		t.Errorf("options = %+v", o)
	}
	if o, err = parseOptions([]string{"crash", "--members", "50"}, io.Discard); err != nil || o.members != 50 {
		t.Errorf("crash --members 50 = %+v, %v", o, err)
	}
	for _, args := range [][]string{{"crash", "--kills", "0"}, {"crash", "--kill-within", "1ms"}} {
		if _, err := parseOptions(args, io.Discard); err == nil {
			t.Errorf("parseOptions(%q) succeeded", args)
		}
	}
}

// TestSendClassifies checks the four outcomes a writer tells apart.
func TestSendClassifies(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /ok", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "/members/applications/42")
		w.WriteHeader(http.StatusSeeOther)
	})
	mux.HandleFunc("POST /bad", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", http.StatusUnprocessableEntity) })
	mux.HandleFunc("POST /broken", func(w http.ResponseWriter, r *http.Request) {
		// The connection dies before any answer, as under SIGKILL.
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	})
	ts := httptest.NewServer(mux)
	defer ts.Close()
	ack := func(status int, h http.Header, _ []byte) (int64, bool) {
		return 42, status == http.StatusSeeOther && h.Get("Location") == "/members/applications/42"
	}
	w := &crashWorker{Base: ts.URL, Client: crashClient(), life: func() int { return 3 }}
	ctx := context.Background()
	if a := w.send(ctx, &attempt{}, "/ok", "text/plain", []byte("x"), nil, ack); a.Outcome != acked || a.ID != 42 || a.Life != 3 {
		t.Errorf("ok: %+v", a)
	}
	if a := w.send(ctx, &attempt{}, "/bad", "text/plain", []byte("x"), nil, ack); a.Outcome != rejected || a.Status != 422 || !a.answered() {
		t.Errorf("bad: %+v", a)
	}
	if a := w.send(ctx, &attempt{}, "/broken", "text/plain", []byte("x"), nil, ack); a.Outcome != unknown || a.answered() {
		t.Errorf("broken: %+v", a)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	w.Base = closed
	if a := w.send(ctx, &attempt{}, "/ok", "text/plain", []byte("x"), nil, ack); a.Outcome != refused || !a.answered() {
		t.Errorf("refused: %+v", a)
	}
}

func testWant(name string) appWant {
	return appWant{ApplicantID: 7, Kind: "organization", NameEn: name, NameHans: "数字合作", Group: "business",
		Country: "KE", Description: "open\nnetwork 互联网", ContactName: "W", Email: "w@example.org", Motivation: "m"}
}

// TestCompareApplications checks that the verdict finds what it must: a
// missing or altered acknowledged write is lost, an unanswered attempt
// may have a row, and a row nobody sent (or sent and was refused) is a
// phantom.
func TestCompareApplications(t *testing.T) {
	row := func(id int64, w appWant) storedApp { return storedApp{ID: id, appWant: w, Status: "submitted"} }
	att := func(out outcome, id int64, w appWant, status int) *attempt {
		w.Route = "api"
		return &attempt{Outcome: out, ID: id, Want: w, Status: status}
	}
	altered := testWant("B")
	altered.Description = "open\nnetwork 互联" // cut short
	rows := []storedApp{
		row(1, testWant("A")), row(2, altered), row(4, testWant("D")), row(5, testWant("E")),
		row(6, testWant("F")), row(7, testWant("G")),
	}
	rows[3].Status = "draft"
	attempts := []*attempt{
		att(acked, 1, testWant("A"), 201),     // present
		att(acked, 2, testWant("B"), 201),     // stored otherwise: lost
		att(acked, 3, testWant("C"), 303),     // missing: lost
		att(acked, 5, testWant("E"), 201),     // wrong status: lost
		att(unknown, 0, testWant("D"), 0),     // in flight at a kill, committed: fine
		att(refused, 0, testWant("F"), 0),     // never reached the server, yet a row: phantom
		att(rejected, 0, testWant("X"), 500),  // unanswered, no row: fine
		att(rejected, 0, testWant("Y"), 422),  // answered, no row: fine
		att(unknown, 0, testWant("Z"), 0),     // in flight, no row: fine
		att(rejected, 0, testWant("G2"), 500), // a 5xx whose row differs would not explain G
	}
	v := compareApplications(rows, attempts)
	if v.Present != 1 || len(v.Lost) != 3 || v.Unanswered != 1 || len(v.Phantom) != 2 {
		t.Fatalf("verdict = %+v", v)
	}
	if !strings.Contains(v.Lost[0], "description") || !strings.Contains(v.Lost[1], "missing") || !strings.Contains(v.Lost[2], "status") {
		t.Errorf("lost = %q", v.Lost)
	}
	if !strings.Contains(v.Phantom[0], `"F"`) || !strings.Contains(v.Phantom[1], `"G"`) {
		t.Errorf("phantom = %q", v.Phantom)
	}
	// Nothing lost when everything is there.
	if v := compareApplications([]storedApp{row(1, testWant("A"))}, attempts[:1]); v.Present != 1 || len(v.Lost)+len(v.Phantom) != 0 {
		t.Errorf("clean verdict = %+v", v)
	}
}

// TestCheckApplications reads applications saved by the members store
// back with the scenario's query, on both databases.
func TestCheckApplications(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		store := &members.Store{DB: d, BaseURL: "http://127.0.0.1"}
		w := &crashWorker{N: 1, Account: crashAccount{ID: 7, Email: "crash-2@example.org", Name: "Crash Writer 2"},
			Rand: rand.New(rand.NewPCG(1, 2))}
		var attempts []*attempt
		for seq := range 3 {
			want := newAppWant(w, seq)
			app := &members.Application{Kind: members.Kind(want.Kind), Name: members.Names{En: want.NameEn, Hans: want.NameHans},
				Group: members.Group(want.Group), Country: want.Country, Description: want.Description,
				ContactName: want.ContactName, ContactEmail: want.Email, Motivation: want.Motivation, CharterAgreed: true}
			if err := store.Save(ctx, &actor.Actor{ID: 7, Email: want.Email}, app, true); err != nil {
				t.Fatal(err)
			}
			attempts = append(attempts, &attempt{Outcome: acked, ID: app.ID, Want: want})
		}
		// One more acknowledged write that never reached the database.
		attempts = append(attempts, &attempt{Outcome: acked, ID: 999, Want: newAppWant(w, 3)})
		v, err := checkApplications(ctx, d, attempts)
		if err != nil {
			t.Fatal(err)
		}
		if v.Present != 3 || len(v.Lost) != 1 || len(v.Phantom) != 0 {
			t.Errorf("verdict = %+v", v)
		}
	})
}

// TestIntegrity checks a database left with a write-ahead log, its
// snapshot, and a damaged copy.
func TestIntegrity(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "wuzhen.db")
	d, err := db.Open(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Migrate(ctx, migrations...); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(ctx, "CREATE TABLE t (x TEXT)"); err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		if _, err := d.Exec(ctx, "INSERT INTO t (x) VALUES (?)", strings.Repeat("x", i*10)); err != nil {
			t.Fatal(err)
		}
	}
	if st, err := os.Stat(path + "-wal"); err != nil || st.Size() == 0 {
		t.Fatalf("no write-ahead log to copy: %v", err)
	}
	// The open database's files, as a kill would leave them.
	snap, err := snapshot(path, filepath.Join(dir, "snap"))
	if err != nil {
		t.Fatal(err)
	}
	if got := integrity(ctx, snap); got != "ok" {
		t.Errorf("snapshot: %s", got)
	}
	s, err := db.Open(ctx, "sqlite:"+snap)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.QueryRow(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil || n != 200 {
		t.Errorf("snapshot holds %d rows (%v), want 200", n, err)
	}
	s.Close()

	// Damage a copy in the middle of its pages.
	if _, err := d.Exec(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := 4096 * 3; i < len(b)-4096; i += 4096 {
		copy(b[i+100:], strings.Repeat("\xff", 200))
	}
	bad := filepath.Join(dir, "bad.db")
	if err := os.WriteFile(bad, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if got := integrity(ctx, bad); got == "ok" {
		t.Error("a damaged database passed the integrity check")
	}
}

// TestCompareRegistrations checks the row-by-row verdict on registrations.
func TestCompareRegistrations(t *testing.T) {
	w := func(user int64, status string) regWant {
		return regWant{UserID: user, Slug: "crash-summit-01", Country: "KE", Status: status}
	}
	att := func(out outcome, id int64, want regWant, status int) *attempt {
		return &attempt{Outcome: out, ID: id, Want: &want, Status: status}
	}
	rows := []storedReg{
		{ID: 1, Seq: 1, regWant: w(10, "confirmed")},
		{ID: 2, Seq: 2, regWant: w(11, "waitlisted")}, // acknowledged as confirmed: a seat taken back
		{ID: 4, Seq: 4, regWant: w(13, "confirmed")},  // in flight at a kill
		{ID: 5, Seq: 5, regWant: w(14, "confirmed")},  // never reached the server
	}
	attempts := []*attempt{
		att(acked, 1, w(10, "confirmed"), 201),  // present
		att(acked, 2, w(11, "confirmed"), 201),  // stored otherwise: lost
		att(acked, 3, w(12, "waitlisted"), 201), // missing: lost
		att(unknown, 0, w(13, ""), 0),           // committed before the kill: fine
		att(refused, 0, w(14, ""), 0),           // refused, yet a row: phantom
		att(rejected, 0, w(15, ""), 422),        // answered, no row: fine
	}
	v := compareRegistrations(rows, attempts)
	if v.Present != 1 || len(v.Lost) != 2 || v.Unanswered != 1 || len(v.Phantom) != 1 {
		t.Fatalf("verdict = %+v", v)
	}
}
