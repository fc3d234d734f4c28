package db_test

import (
	"context"
	"errors"
	"testing"
	"testing/fstest"
	"time"

	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/db/dbtest"
)

var testSchema = db.Migrations{Owner: "dbtest", FS: fstest.MapFS{
	"001_things.sql": {Data: []byte(`CREATE TABLE things (
		id {{id}},
		name TEXT NOT NULL UNIQUE,
		note TEXT NOT NULL DEFAULT '?',
		flag BOOLEAN NOT NULL DEFAULT false,
		data {{blob}},
		at {{time}} NOT NULL);`)},
	"002_more.sql":          {Data: []byte(`ALTER TABLE things ADD COLUMN extra TEXT NOT NULL DEFAULT 'shared';`)},
	"002_more.sqlite.sql":   {Data: []byte(`ALTER TABLE things ADD COLUMN extra TEXT NOT NULL DEFAULT 'sqlite';`)},
	"002_more.postgres.sql": {Data: []byte(`ALTER TABLE things ADD COLUMN extra TEXT NOT NULL DEFAULT 'postgres';`)},
}}

func TestStore(t *testing.T) {
	dbtest.Each(t, []db.Migrations{testSchema}, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		t.Run("migrations are recorded once and dialect files win", func(t *testing.T) {
			if err := d.Migrate(ctx, testSchema); err != nil {
				t.Fatal("second run:", err)
			}
			var n int
			if err := d.QueryRow(ctx, "SELECT count(*) FROM schema_migrations WHERE owner = ?", "dbtest").Scan(&n); err != nil || n != 2 {
				t.Fatalf("recorded %d migrations (%v), want 2", n, err)
			}
			var extra string
			if _, err := d.Exec(ctx, "INSERT INTO things (name, at) VALUES (?, ?)", "m", d.Now()); err != nil {
				t.Fatal(err)
			}
			if err := d.QueryRow(ctx, "SELECT extra FROM things WHERE name = ?", "m").Scan(&extra); err != nil {
				t.Fatal(err)
			}
			if extra != string(d.Dialect()) {
				t.Errorf("extra = %q, want the %s file's default", extra, d.Dialect())
			}
		})
		t.Run("times round-trip and order", func(t *testing.T) {
			base := time.Date(2026, 11, 29, 8, 0, 0, 123456000, time.FixedZone("CST", 8*3600))
			err := d.Tx(ctx, func(tx *db.Tx) error {
				for i, name := range []string{"t1", "t2", "t3"} {
					if _, err := tx.Exec(ctx, "INSERT INTO things (name, at, flag, data) VALUES (?, ?, ?, ?)",
						name, base.Add(time.Duration(i)*1500*time.Millisecond), i%2 == 0, []byte{0, 1, 2}); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			var at time.Time
			var flag bool
			var data []byte
			if err := d.QueryRow(ctx, "SELECT at, flag, data FROM things WHERE name = ?", "t1").Scan(&at, &flag, &data); err != nil {
				t.Fatal(err)
			}
			if !at.Equal(base) || !flag || len(data) != 3 || data[2] != 2 {
				t.Errorf("got %v %v %v, want %v true [0 1 2]", at, flag, data, base)
			}
			var names []string
			rows, err := d.Query(ctx, "SELECT name FROM things WHERE at > ? AND name LIKE 't%' ORDER BY at DESC", base)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var n string
				rows.Scan(&n)
				names = append(names, n)
			}
			rows.Close()
			if len(names) != 2 || names[0] != "t3" || names[1] != "t2" {
				t.Errorf("ordered by time: %v, want [t3 t2]", names)
			}
		})
		t.Run("question marks in quotes stay", func(t *testing.T) {
			var s string
			if err := d.QueryRow(ctx, "SELECT note FROM things WHERE name = ? AND note = '?'", "m").Scan(&s); err != nil || s != "?" {
				t.Errorf("got %q, %v", s, err)
			}
		})
		t.Run("comments may hold quotes and question marks", func(t *testing.T) {
			var n int
			err := d.QueryRow(ctx, "-- the user's count? see 'x'\nSELECT count(*) FROM things WHERE name = ? AND note = '?'", "m").Scan(&n)
			if err != nil || n != 1 {
				t.Errorf("got %d, %v", n, err)
			}
		})
		t.Run("unique violations are recognised", func(t *testing.T) {
			_, err := d.Exec(ctx, "INSERT INTO things (name, at) VALUES (?, ?)", "m", d.Now())
			if !db.IsUnique(err) {
				t.Errorf("IsUnique(%v) = false", err)
			}
			if db.IsUnique(errors.New("other")) {
				t.Error("IsUnique of another error")
			}
		})
		t.Run("a failed transaction leaves nothing and runs no hooks", func(t *testing.T) {
			ran := false
			boom := errors.New("boom")
			err := d.Tx(ctx, func(tx *db.Tx) error {
				tx.AfterCommit(func() { ran = true })
				if _, err := tx.Exec(ctx, "INSERT INTO things (name, at) VALUES (?, ?)", "rolled", tx.Now()); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) || ran {
				t.Fatalf("err %v, hook ran %v", err, ran)
			}
			err = d.QueryRow(ctx, "SELECT name FROM things WHERE name = ?", "rolled").Scan(new(string))
			if !db.IsNotFound(err) {
				t.Errorf("rolled-back row: %v", err)
			}
			err = d.Tx(ctx, func(tx *db.Tx) error {
				tx.AfterCommit(func() { ran = true })
				return nil
			})
			if err != nil || !ran {
				t.Errorf("committed: err %v, hook ran %v", err, ran)
			}
		})
	})
}

func TestOpenRejectsUnknownURL(t *testing.T) {
	if _, err := db.Open(context.Background(), "mysql://x"); err == nil {
		t.Error("mysql URL accepted")
	}
}

// TestConcurrentMigrations starts several processes' worth of handles on
// one empty database at once, as replicas starting together do.
func TestConcurrentMigrations(t *testing.T) {
	dbtest.Each(t, nil, func(t *testing.T, d *db.DB) {
		url := dbtest.URL(t, d)
		errc := make(chan error, 4)
		for i := 0; i < 4; i++ {
			go func() {
				h, err := db.Open(context.Background(), url)
				if err != nil {
					errc <- err
					return
				}
				defer h.Close()
				errc <- h.Migrate(context.Background(), testSchema)
			}()
		}
		for i := 0; i < 4; i++ {
			if err := <-errc; err != nil {
				t.Error(err)
			}
		}
		var n int
		if err := d.QueryRow(context.Background(), "SELECT count(*) FROM schema_migrations").Scan(&n); err != nil || n != 2 {
			t.Errorf("%d migrations recorded (%v), want 2", n, err)
		}
	})
}

func TestPreparedQuery(t *testing.T) {
	dbtest.Each(t, []db.Migrations{testSchema}, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		at := time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)
		for _, name := range []string{"a", "b", "c"} {
			if _, err := d.Exec(ctx, "INSERT INTO things (name, at) VALUES (?, ?)", name, at); err != nil {
				t.Fatal(err)
			}
		}
		st, err := d.PrepareRead(ctx, "SELECT name FROM things WHERE at = ? AND name <> ? ORDER BY name")
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		for range 2 { // the statement is reused
			rows, err := st.Query(ctx, at, "b")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for rows.Next() {
				var name string
				if err := rows.Scan(&name); err != nil {
					t.Fatal(err)
				}
				got = append(got, name)
			}
			rows.Close()
			if len(got) != 2 || got[0] != "a" || got[1] != "c" {
				t.Errorf("Query gave %v, want [a c]", got)
			}
		}
	})
}
