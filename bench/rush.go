package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/events"
	"github.com/wuzhen/wuzhen/internal/i18n"
)

// The rush: --people distinct accounts register for one category of
// --seats seats at the same moment, --concurrency at a time, through
// POST /api/v1/events/{slug}/registrations of the real binary (on
// PostgreSQL, of --instances binaries sharing nothing but the database);
// every --cancel-every-th person cancels at once after a confirmed answer.
// Then the database is read directly: no category holds more confirmed
// registrations than seats (overbooked), every registration acknowledged
// with 201 is stored as the answer said, and every cancellation
// acknowledged with 200 is cancelled (lost; one sent without that answer
// may or may not be), and every registration
// still waiting was accepted after every one holding a seat (order).

const rushSlug = "rush-summit"

// rushPerson is one account of the rush and what happened to it.
type rushPerson struct {
	token      string
	uid        int64  // the account
	id         int64  // registration id from the 201
	status     string // status from the 201
	cancelled  bool   // a cancellation answered 200
	cancelSent bool   // a cancellation was sent, whatever its answer
	took       time.Duration
	code       int // HTTP status of the registration; 0 for a transport error
	err        string
}

func rush(ctx context.Context, o *options, bin, tmp, data, dbURL, loadURL string, stdout io.Writer, say func(string, ...any)) error {
	d, err := db.Open(ctx, loadURL)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Migrate(ctx, migrations...); err != nil {
		return err
	}
	t0 := time.Now()
	people, err := rushSetup(ctx, d, o)
	if err != nil {
		return err
	}
	say("created the event, a category of %d seats and %d accounts with API tokens in %s", o.seats, len(people), time.Since(t0).Round(time.Millisecond))

	instances := max(1, o.instances)
	var urls []string
	var pids []int
	for i := range instances {
		dir := data // SQLite: the database is in the data folder
		if i > 0 {
			dir = filepath.Join(tmp, fmt.Sprintf("data%d", i))
		}
		srv, err := startServer(ctx, bin, dir, dbURL, filepath.Join(tmp, fmt.Sprintf("server%d.log", i)))
		if err != nil {
			return err
		}
		defer srv.stop()
		urls, pids = append(urls, srv.URL), append(pids, srv.cmd.Process.Pid)
	}
	say("%d wuzhen serve instance(s) ready: %v", instances, urls)

	// Capture one answer of each kind for the baseline, with an extra
	// account that is not part of the rush's count.
	extra, err := rushSetupPeople(ctx, d, 1, "capture")
	if err != nil {
		return err
	}
	regBody, cancelBody, err := rushCapture(ctx, urls[0], extra[0].token)
	if err != nil {
		return err
	}
	bl, err := startRushBaseline(regBody, cancelBody)
	if err != nil {
		return err
	}
	defer bl.Close()

	say("rush: %d people, %d at a time, on wuzhen…", len(people), o.concurrency)
	cpu0 := processesCPU(pids)
	wz := rushDrive(ctx, urls, people, o)
	wzCPU := processesCPU(pids) - cpu0
	say("rush: the same on the baseline…")
	ghosts := make([]*rushPerson, len(people))
	for i := range ghosts {
		ghosts[i] = &rushPerson{token: "baseline"}
	}
	base := rushDrive(ctx, []string{bl.URL}, ghosts, o)

	v, err := rushVerify(ctx, d, people, o.seats)
	if err != nil {
		return err
	}
	rushReport(stdout, o, dbURL != "", instances, wz, base, v, wzCPU)
	return nil
}

// rushSetup makes the published event, its category and the accounts.
func rushSetup(ctx context.Context, d *db.DB, o *options) ([]*rushPerson, error) {
	users := &auth.Store{DB: d, Params: auth.DefaultParams}
	staff, err := users.Create(ctx, "rush-secretariat@example.org", "Rush Secretariat", "", auth.RoleSecretariat)
	if err != nil {
		return nil, err
	}
	s := &events.Store{DB: d, BaseURL: "http://127.0.0.1"}
	by := &actor.Actor{ID: staff.ID, Email: staff.Email, Name: staff.Name}
	start := time.Now().Add(30 * 24 * time.Hour)
	e := &events.Event{Slug: rushSlug, Kind: events.Summit, Title: i18n.Text{En: "Rush Summit", Hans: "抢票峰会"},
		Starts: start, Ends: start.Add(48 * time.Hour), TimeZone: "Asia/Shanghai", Venue: "Wuzhen"}
	if err := s.Save(ctx, by, e, ""); err != nil {
		return nil, err
	}
	if err := s.SaveCategory(ctx, by, rushSlug, &events.Category{Code: "delegate", Name: i18n.Text{En: "Delegate"}, Capacity: o.seats}); err != nil {
		return nil, err
	}
	if _, err := s.SetStatus(ctx, by, rushSlug, events.Published); err != nil {
		return nil, err
	}
	return rushSetupPeople(ctx, d, o.people, "rush")
}

// rushSetupPeople creates n accounts without passwords and an API token
// for each, 8 at a time.
func rushSetupPeople(ctx context.Context, d *db.DB, n int, prefix string) ([]*rushPerson, error) {
	users := &auth.Store{DB: d, Params: auth.DefaultParams}
	people := make([]*rushPerson, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	errc := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				email := fmt.Sprintf("%s-%d@example.org", prefix, i+1)
				u, err := users.Create(ctx, email, fmt.Sprintf("Delegate %d", i+1), "")
				if err != nil {
					errc <- err
					return
				}
				tok, err := users.CreateToken(ctx, email, "rush")
				if err != nil {
					errc <- err
					return
				}
				people[i] = &rushPerson{token: tok, uid: u.ID}
			}
		}()
	}
	wg.Wait()
	close(errc)
	if err := <-errc; err != nil {
		return nil, err
	}
	return people, ctx.Err()
}

var rushCountries = []string{"CN", "KE", "BR", "IN", "RU", "DE", "EG", "ID", "MX", "NG", "FR", "PK", "TH", "ZA", "AR", "KZ", "VN", "GH", "US", "TR"}

func rushBody(i int) []byte {
	return []byte(fmt.Sprintf(`{"category":"delegate","answers":{"country":%q,"organization":"Rush Org %d"}}`, rushCountries[i%len(rushCountries)], i))
}

func rushRequest(ctx context.Context, base, method, path, token string, body []byte) (*http.Request, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, r)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "wuzhen-bench")
	return req, nil
}

// rushCapture registers and cancels once, for the baseline's bytes.
func rushCapture(ctx context.Context, base, token string) (reg, cancel []byte, err error) {
	c := newClient(1)
	defer c.CloseIdleConnections()
	send := func(method, path string, body []byte, want int) ([]byte, error) {
		req, err := rushRequest(ctx, base, method, path, token, body)
		if err != nil {
			return nil, err
		}
		res, err := c.Do(req)
		if err != nil {
			return nil, err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err == nil && res.StatusCode != want {
			err = fmt.Errorf("%s %s: status %d: %.300s", method, path, res.StatusCode, b)
		}
		return b, err
	}
	if reg, err = send("POST", "/api/v1/events/"+rushSlug+"/registrations", rushBody(0), http.StatusCreated); err != nil {
		return nil, nil, err
	}
	var r struct{ ID int64 }
	if err := json.Unmarshal(reg, &r); err != nil {
		return nil, nil, err
	}
	cancel, err = send("POST", fmt.Sprintf("/api/v1/registrations/%d/cancel", r.ID), nil, http.StatusOK)
	return reg, cancel, err
}

// rushResult is one server's rush.
type rushResult struct {
	elapsed   time.Duration
	lat       summary
	created   int
	cancelled int
	errors    int
	statuses  map[int]int
	firstErr  string
}

// rushDrive sends every person's registration, concurrency at a time,
// spread over the servers at urls, and cancels every --cancel-every-th
// confirmed one at once.
func rushDrive(ctx context.Context, urls []string, people []*rushPerson, o *options) *rushResult {
	clients := make([]*http.Client, len(urls))
	for i := range clients {
		clients[i] = newClient(o.concurrency)
	}
	defer func() {
		for _, c := range clients {
			c.CloseIdleConnections()
		}
	}()
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := range o.concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			base, c := urls[w%len(urls)], clients[w%len(urls)]
			for {
				i := int(next.Add(1)) - 1
				if i >= len(people) || ctx.Err() != nil {
					return
				}
				p := people[i]
				t := time.Now()
				req, err := rushRequest(ctx, base, "POST", "/api/v1/events/"+rushSlug+"/registrations", p.token, rushBody(i+1))
				if err != nil {
					p.err = err.Error()
					continue
				}
				res, err := c.Do(req)
				if err != nil {
					p.err, p.took = err.Error(), time.Since(t)
					continue
				}
				b, err := io.ReadAll(res.Body)
				res.Body.Close()
				p.took, p.code = time.Since(t), res.StatusCode
				if err != nil || res.StatusCode != http.StatusCreated {
					p.err = fmt.Sprintf("status %d: %.200s %v", res.StatusCode, b, err)
					continue
				}
				var r struct {
					ID     int64
					Status string
				}
				if err := json.Unmarshal(b, &r); err != nil {
					p.err = err.Error()
					continue
				}
				p.id, p.status = r.ID, r.Status
				if o.cancelEvery > 0 && (i+1)%o.cancelEvery == 0 && r.Status == "confirmed" {
					req, _ := rushRequest(ctx, base, "POST", fmt.Sprintf("/api/v1/registrations/%d/cancel", r.ID), p.token, nil)
					p.cancelSent = true
					if res, err := c.Do(req); err == nil {
						io.Copy(io.Discard, res.Body)
						res.Body.Close()
						p.cancelled = res.StatusCode == http.StatusOK
					}
				}
			}
		}()
	}
	wg.Wait()
	r := &rushResult{elapsed: time.Since(start), statuses: map[int]int{}}
	var lat []time.Duration
	for _, p := range people {
		r.statuses[p.code]++
		if p.err != "" {
			r.errors++
			if r.firstErr == "" {
				r.firstErr = p.err
			}
			continue
		}
		r.created++
		lat = append(lat, p.took)
		if p.cancelled {
			r.cancelled++
		}
	}
	slices.Sort(lat)
	r.lat = summarize(lat)
	return r
}

// rushVerification is what the database holds after the rush.
type rushVerification struct {
	confirmed, waitlisted, cancelled int
	counter                          int
	overbooked, lost, phantom        int
	orderOK                          bool
}

func rushVerify(ctx context.Context, d *db.DB, people []*rushPerson, seats int) (*rushVerification, error) {
	type row struct {
		id, seq int64
		status  string
	}
	rows, err := db.All(ctx, d, "rush: verify", func(s db.Scanner) (row, error) {
		var r row
		return r, s.Scan(&r.id, &r.seq, &r.status)
	}, `SELECT r.id, r.seq, r.status FROM event_registrations r JOIN events e ON e.id = r.event_id
		WHERE e.slug = ? AND r.email LIKE 'rush-%'`, rushSlug)
	if err != nil {
		return nil, err
	}
	v := &rushVerification{orderOK: true}
	stored := map[int64]row{}
	maxConfirmed, minWaiting := int64(0), int64(1<<62)
	for _, r := range rows {
		stored[r.id] = r
		switch r.status {
		case "confirmed":
			v.confirmed++
			maxConfirmed = max(maxConfirmed, r.seq)
		case "waitlisted":
			v.waitlisted++
			minWaiting = min(minWaiting, r.seq)
		case "cancelled":
			v.cancelled++
		}
	}
	v.orderOK = v.waitlisted == 0 || maxConfirmed < minWaiting
	if err := d.QueryRow(ctx, `SELECT c.confirmed FROM event_categories c JOIN events e ON e.id = c.event_id
		WHERE e.slug = ? AND c.code = 'delegate'`, rushSlug).Scan(&v.counter); err != nil {
		return nil, err
	}
	// The capture account's registration is cancelled; it holds no seat.
	v.overbooked = max(0, v.confirmed-seats, v.counter-seats)
	acked := map[int64]bool{}
	for _, p := range people {
		if p.id == 0 {
			continue
		}
		acked[p.id] = true
		r, ok := stored[p.id]
		switch {
		case !ok:
			v.lost++
		case p.cancelled && r.status != "cancelled":
			v.lost++
		case !p.cancelled && r.status == "cancelled" && !p.cancelSent:
			v.lost++ // cancelled, and nobody asked
		case !p.cancelled && p.status == "confirmed" && r.status != "confirmed" && !(p.cancelSent && r.status == "cancelled"):
			v.lost++ // a confirmed seat taken away without a cancellation
		}
		// A cancellation sent but not answered 200 (a 5xx, a broken
		// connection) may or may not have been made: either is allowed.
	}
	for id := range stored {
		if !acked[id] {
			v.phantom++
		}
	}
	return v, nil
}

func rushReport(w io.Writer, o *options, pg bool, instances int, wz, base *rushResult, v *rushVerification, wzCPU time.Duration) {
	dbName := "sqlite"
	if pg {
		dbName = fmt.Sprintf("postgres, %d instance(s)", instances)
	}
	fmt.Fprintf(w, "rush on %s: %d people, %d at a time, one category of %d seats, every %d-th confirmed person cancels at once\n\n",
		dbName, o.people, o.concurrency, o.seats, o.cancelEvery)
	rows := [][]string{{"server", "registrations", "rps", "p50_ms", "p90_ms", "p99_ms", "max_ms", "errors", "cancellations"}}
	for _, r := range []struct {
		name string
		r    *rushResult
	}{{"wuzhen", wz}, {"baseline", base}} {
		rows = append(rows, []string{r.name, strconv.Itoa(r.r.created), rate(r.r.created, r.r.elapsed), ms(r.r.lat.P50), ms(r.r.lat.P90),
			ms(r.r.lat.P99), ms(r.r.lat.Max), strconv.Itoa(r.r.errors), strconv.Itoa(r.r.cancelled)})
	}
	io.WriteString(w, formatTable(rows, 1))
	fmt.Fprintf(w, "\nstatuses: wuzhen %s; baseline %s\n", statusList(wz.statuses), statusList(base.statuses))
	if wz.firstErr != "" {
		fmt.Fprintf(w, "first wuzhen error: %s\n", wz.firstErr)
	}
	fmt.Fprintf(w, "server CPU per registration: %s ms\n", cpuPerRequest(wzCPU, wz.created))
	fmt.Fprintf(w, "stored: %d confirmed, %d waitlisted, %d cancelled; seats counter %d of %d; waitlist after every seat in acceptance order: %v; stored but never acknowledged: %d\n",
		v.confirmed, v.waitlisted, v.cancelled, v.counter, o.seats, v.orderOK, v.phantom)
	wzRPS, baseRPS := perSecond(wz.created, wz.elapsed), perSecond(base.created, base.elapsed)
	fmt.Fprintf(w, "ratio = wuzhen_rps / baseline_rps = %.1f / %.1f = %s\n\n", wzRPS, baseRPS, ratio(wzRPS, baseRPS))
	order := "ok"
	if !v.orderOK {
		order = "broken"
	}
	fmt.Fprintln(w, resultLine("rush", []kv{
		{"db", dbName}, {"people", strconv.Itoa(o.people)}, {"seats", strconv.Itoa(o.seats)},
		{"rps", strconv.FormatFloat(wzRPS, 'f', 0, 64)}, {"p50_ms", ms(wz.lat.P50)}, {"p99_ms", ms(wz.lat.P99)},
		{"errors", strconv.Itoa(wz.errors)}, {"baseline_rps", strconv.FormatFloat(baseRPS, 'f', 0, 64)}, {"ratio", ratio(wzRPS, baseRPS)},
		{"order", order}, {"confirmed", strconv.Itoa(v.confirmed)}, {"waitlisted", strconv.Itoa(v.waitlisted)},
		{"overbooked", strconv.Itoa(v.overbooked)}, {"lost", strconv.Itoa(v.lost)},
	}))
}

// startRushBaseline answers the rush's two requests with wuzhen's
// captured bytes.
func startRushBaseline(reg, cancel []byte) (*baseline, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/events/{slug}/registrations", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		w.Write(reg)
	})
	mux.HandleFunc("POST /api/v1/registrations/{id}/cancel", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(cancel)
	})
	return serveBaseline(mux)
}

// processesCPU is the CPU time the processes took so far.
func processesCPU(pids []int) time.Duration {
	var sum time.Duration
	for _, pid := range pids {
		if d, ok := processCPU(pid); ok {
			sum += d
		}
	}
	return sum
}
