package main

// Registrations for events as the crash scenario's writes: people (their
// own accounts, created in Setup) register through the API for one of
// several summits whose single category fills up, so that both confirmed
// seats and waitlist places are acknowledged while the server is killed.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/events"
	"github.com/wuzhen/wuzhen/internal/i18n"
)

// The registration pool: crashRegPeople accounts, each of whom may
// register once for each of crashRegEvents summits of crashRegSeats
// seats; attempt j of worker w is person (w + W·j) mod people, for
// summit (w + W·j) div people.
const (
	crashRegPeople = 4000
	crashRegEvents = 40
	crashRegSeats  = 2500
)

var registrationWrites = crashWrite{
	Name:  "event registration",
	Setup: setupRegistrations,
	Send:  sendRegistration,
	Check: checkRegistrations,
}

// crashRegs is what Setup made for Send.
var crashRegs struct {
	people  []*rushPerson
	workers int
}

func crashRegSlug(i int) string { return fmt.Sprintf("crash-summit-%02d", i+1) }

func setupRegistrations(ctx context.Context, env *crashEnv) error {
	users := &auth.Store{DB: env.DB, Params: auth.DefaultParams}
	staff, err := users.Create(ctx, "crash-secretariat@example.org", "Crash Secretariat", "", auth.RoleSecretariat)
	if err != nil {
		return err
	}
	s := &events.Store{DB: env.DB, BaseURL: "http://127.0.0.1"}
	by := &actor.Actor{ID: staff.ID, Email: staff.Email, Name: staff.Name}
	start := time.Now().Add(60 * 24 * time.Hour)
	for i := range crashRegEvents {
		slug := crashRegSlug(i)
		e := &events.Event{Slug: slug, Kind: events.Summit, Title: i18n.Text{En: fmt.Sprintf("Crash Summit %d", i+1)},
			Starts: start, Ends: start.Add(48 * time.Hour), TimeZone: "Asia/Shanghai", Venue: "Wuzhen"}
		if err := s.Save(ctx, by, e, ""); err != nil {
			return err
		}
		c := &events.Category{Code: "delegate", Name: i18n.Text{En: "Delegate"}, Capacity: crashRegSeats}
		if err := s.SaveCategory(ctx, by, slug, c); err != nil {
			return err
		}
		if _, err := s.SetStatus(ctx, by, slug, events.Published); err != nil {
			return err
		}
	}
	people, err := rushSetupPeople(ctx, env.DB, crashRegPeople, "crash-delegate")
	if err != nil {
		return err
	}
	crashRegs.people, crashRegs.workers = people, len(env.Accounts)
	return nil
}

// regWant is what one acknowledged registration must have stored.
type regWant struct {
	UserID  int64
	Slug    string
	Country string
	Status  string // as the 201 said: confirmed or waitlisted
}

func sendRegistration(ctx context.Context, w *crashWorker, seq int) *attempt {
	k := w.N + crashRegs.workers*w.turn("registration")
	p, ev := crashRegs.people[k%len(crashRegs.people)], k/len(crashRegs.people)
	want := regWant{UserID: p.uid, Slug: crashRegSlug(ev % crashRegEvents), Country: rushCountries[k%len(rushCountries)]}
	a := &attempt{Want: &want}
	if ev >= crashRegEvents {
		// Every person has registered for every summit: nothing left to
		// send (does not happen at the scale of a run).
		a.Outcome, a.Err, a.Worker, a.Life = rejected, "registration pool exhausted", w.N, w.life()
		a.Status = http.StatusConflict
		return a
	}
	body, _ := json.Marshal(map[string]any{"category": "delegate", "answers": map[string]string{"country": want.Country}})
	h := http.Header{"Authorization": {"Bearer " + p.token}, "Accept": {"application/json"}}
	return w.send(ctx, a, "/api/v1/events/"+want.Slug+"/registrations", "application/json", body, h,
		func(status int, _ http.Header, body []byte) (int64, bool) {
			var out struct {
				ID     int64  `json:"id"`
				Status string `json:"status"`
			}
			if status != http.StatusCreated || json.Unmarshal(body, &out) != nil || out.ID <= 0 {
				return 0, false
			}
			want.Status = out.Status
			return out.ID, true
		})
}

// storedReg is one row of event_registrations with its summit.
type storedReg struct {
	ID, Seq int64
	regWant
}

// checkRegistrations finds every acknowledged registration whole (its
// person, summit, answer and status as acknowledged: nobody cancels, so a
// seat or a place is never taken back), every other row explained by an
// attempt that got no answer, and in each summit no more confirmed than
// seats, the category's counters equal to its rows, and every confirmed
// registration accepted before every waitlisted one.
func checkRegistrations(ctx context.Context, d *db.DB, attempts []*attempt) (*verdict, error) {
	rows, err := db.All(ctx, d, "crash registrations", func(r db.Scanner) (storedReg, error) {
		var s storedReg
		return s, r.Scan(&s.ID, &s.Seq, &s.UserID, &s.Slug, &s.Country, &s.Status)
	}, `SELECT r.id, r.seq, r.user_id, e.slug, r.country, r.status FROM event_registrations r
		JOIN events e ON e.id = r.event_id WHERE e.slug LIKE 'crash-summit-%'`)
	if err != nil {
		return nil, err
	}
	type counters struct{ confirmed, waitlisted int }
	stored, err := db.All(ctx, d, "crash registration counters", func(r db.Scanner) (struct {
		slug string
		counters
	}, error) {
		var c struct {
			slug string
			counters
		}
		return c, r.Scan(&c.slug, &c.confirmed, &c.waitlisted)
	}, `SELECT e.slug, c.confirmed, c.waitlisted FROM event_categories c JOIN events e ON e.id = c.event_id
		WHERE e.slug LIKE 'crash-summit-%'`)
	if err != nil {
		return nil, err
	}
	v := compareRegistrations(rows, attempts)
	counted := map[string]*counters{}
	maxConfirmed, minWaiting := map[string]int64{}, map[string]int64{}
	for _, r := range rows {
		c := counted[r.Slug]
		if c == nil {
			c = &counters{}
			counted[r.Slug] = c
		}
		switch r.Status {
		case string(events.Confirmed):
			c.confirmed++
			maxConfirmed[r.Slug] = max(maxConfirmed[r.Slug], r.Seq)
		case string(events.Waitlisted):
			c.waitlisted++
			if m, ok := minWaiting[r.Slug]; !ok || r.Seq < m {
				minWaiting[r.Slug] = r.Seq
			}
		}
	}
	for _, s := range stored {
		c := counted[s.slug]
		if c == nil {
			c = &counters{}
		}
		if c.confirmed > crashRegSeats {
			v.Lost = append(v.Lost, fmt.Sprintf("%s: %d confirmed for %d seats (overbooked)", s.slug, c.confirmed, crashRegSeats))
		}
		if *c != s.counters {
			v.Lost = append(v.Lost, fmt.Sprintf("%s: counters say %d confirmed and %d waitlisted, rows %d and %d",
				s.slug, s.confirmed, s.waitlisted, c.confirmed, c.waitlisted))
		}
		if m, ok := minWaiting[s.slug]; ok && maxConfirmed[s.slug] > m {
			v.Lost = append(v.Lost, fmt.Sprintf("%s: registration %d holds a seat while %d, accepted before it, waits",
				s.slug, maxConfirmed[s.slug], m))
		}
	}
	return v, nil
}

// compareRegistrations is the row-by-row part of checkRegistrations.
func compareRegistrations(rows []storedReg, attempts []*attempt) *verdict {
	byID := map[int64]storedReg{}
	for _, r := range rows {
		byID[r.ID] = r
	}
	type key struct {
		user int64
		slug string
	}
	open := map[key]*attempt{} // attempts without an answer, by person and summit
	v := &verdict{}
	matched := map[int64]bool{}
	for _, a := range attempts {
		want := *a.Want.(*regWant)
		if a.Outcome != acked {
			if !a.answered() {
				open[key{want.UserID, want.Slug}] = a
			}
			continue
		}
		got, ok := byID[a.ID]
		switch {
		case !ok:
			v.Lost = append(v.Lost, fmt.Sprintf("registration %d of user %d for %s (worker %d): missing", a.ID, want.UserID, want.Slug, a.Worker))
		case got.regWant != want:
			v.Lost = append(v.Lost, fmt.Sprintf("registration %d: stored %+v, acknowledged %+v", a.ID, got.regWant, want))
		default:
			v.Present++
		}
		matched[a.ID] = true
	}
	for _, r := range rows {
		if matched[r.ID] {
			continue
		}
		k := key{r.UserID, r.Slug}
		if a, ok := open[k]; ok && a.Want.(*regWant).Country == r.Country {
			v.Unanswered++
			delete(open, k)
			continue
		}
		v.Phantom = append(v.Phantom, fmt.Sprintf("registration %d of user %d for %s (%s)", r.ID, r.UserID, r.Slug, r.Status))
	}
	return v
}
