package main

// Membership applications as the crash scenario's writes: submitted in
// turn through the API (POST /api/v1/membership-applications, 201 with
// the id) and the form (POST /members/apply, 303 to
// /members/applications/{id}), each with content of its own.

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/members"
)

var applicationWrites = crashWrite{
	Name:  "membership application",
	Send:  sendApplication,
	Check: checkApplications,
}

// appWant is what one application must have stored.
type appWant struct {
	Route       string // "api" or "form"
	ApplicantID int64
	Kind        string
	NameEn      string // unique to the attempt
	NameHans    string
	Group       string
	Country     string
	Description string
	ContactName string
	Email       string
	Motivation  string
}

var (
	crashCountries = []string{"KE", "BR", "CN", "DE", "IN", "US", "FR", "JP", "ZA", "TW", "HK", "AR", "EG", "ID", "MX", "NG"}
	crashWords     = strings.Fields("open internet governance network digital inclusion security resilience " +
		"infrastructure cooperation community standards research education access policy data privacy " +
		"connectivity cross-border innovation platform multilingual development capacity trust")
	crashHan = []rune("互联网治理数字合作安全发展开放共享网络空间命运共同体技术标准研究教育包容")
)

// crashText is n runes of words, in English and Chinese, with line breaks.
func crashText(r *rand.Rand, n int) string {
	var b strings.Builder
	runes := 0
	for runes < n {
		var w string
		switch r.IntN(10) {
		case 0:
			k := 2 + r.IntN(5)
			var h strings.Builder
			for range k {
				h.WriteRune(crashHan[r.IntN(len(crashHan))])
			}
			w = h.String()
		case 1:
			w = "\n"
		default:
			w = crashWords[r.IntN(len(crashWords))]
		}
		if runes > 0 && w != "\n" {
			b.WriteByte(' ')
			runes++
		}
		b.WriteString(w)
		runes += len([]rune(w))
	}
	return strings.TrimSpace(b.String())
}

// newAppWant makes the content of worker w's application seq.
func newAppWant(w *crashWorker, seq int) appWant {
	r := w.Rand
	han := make([]rune, 4+r.IntN(6))
	for i := range han {
		han[i] = crashHan[r.IntN(len(crashHan))]
	}
	return appWant{
		ApplicantID: w.Account.ID,
		Kind:        string(members.Organization),
		NameEn:      fmt.Sprintf("Crash Test Organisation w%d-%d %08x", w.N, seq, r.Uint32()),
		NameHans:    string(han),
		Group:       string(members.Groups[r.IntN(len(members.Groups)-1)]), // not "individual"
		Country:     crashCountries[r.IntN(len(crashCountries))],
		Description: crashText(r, 100+r.IntN(2900)),
		ContactName: w.Account.Name,
		Email:       w.Account.Email,
		Motivation:  crashText(r, 20+r.IntN(400)),
	}
}

// sendApplication submits one application, through the API and the form
// in turn.
func sendApplication(ctx context.Context, w *crashWorker, seq int) *attempt {
	want := newAppWant(w, seq)
	a := &attempt{}
	if w.turn("application")%2 == 0 {
		want.Route = "api"
		a.Want = want
		body, _ := json.Marshal(map[string]any{
			"kind": want.Kind, "name": map[string]string{"en": want.NameEn, "zh-Hans": want.NameHans},
			"stakeholder_group": want.Group, "country": want.Country, "description": want.Description,
			"contact_name": want.ContactName, "contact_email": want.Email, "motivation": want.Motivation,
			"charter_agreed": true, "submit": true,
		})
		h := http.Header{"Authorization": {"Bearer " + w.Account.Token}, "Accept": {"application/json"}}
		return w.send(ctx, a, "/api/v1/membership-applications", "application/json", body, h,
			func(status int, _ http.Header, body []byte) (int64, bool) {
				var out struct{ ID int64 }
				if status != http.StatusCreated || json.Unmarshal(body, &out) != nil || out.ID <= 0 {
					return 0, false
				}
				return out.ID, true
			})
	}
	want.Route = "form"
	a.Want = want
	form := url.Values{
		"kind": {want.Kind}, "name_en": {want.NameEn}, "name_zh_hans": {want.NameHans},
		"stakeholder_group": {want.Group}, "country": {want.Country}, "description": {want.Description},
		"contact_name": {want.ContactName}, "contact_email": {want.Email}, "motivation": {want.Motivation},
		"charter": {"yes"}, "action": {"submit"},
	}
	h := http.Header{"Cookie": {"wz_session=" + w.Account.Session}, "Accept": {"text/html"}}
	return w.send(ctx, a, "/members/apply", "application/x-www-form-urlencoded", []byte(form.Encode()), h,
		func(status int, h http.Header, _ []byte) (int64, bool) {
			// The form acknowledges with a redirect to the application.
			rest, ok := strings.CutPrefix(h.Get("Location"), "/members/applications/")
			id, err := strconv.ParseInt(rest, 10, 64)
			if status != http.StatusSeeOther || !ok || err != nil || id <= 0 {
				return 0, false
			}
			return id, true
		})
}

// storedApp is one row of membership_applications.
type storedApp struct {
	ID int64
	appWant
	Status string
}

func (s storedApp) describe() string {
	return fmt.Sprintf("application %d %q", s.ID, s.NameEn)
}

// checkApplications finds every acknowledged application whole (at its
// id, with its content, submitted by its account) and explains every
// other row by an attempt that got no answer.
func checkApplications(ctx context.Context, d *db.DB, attempts []*attempt) (*verdict, error) {
	rows, err := db.All(ctx, d, "crash applications", func(r db.Scanner) (storedApp, error) {
		var s storedApp
		err := r.Scan(&s.ID, &s.ApplicantID, &s.Kind, &s.NameEn, &s.NameHans, &s.Group, &s.Country, &s.Description,
			&s.ContactName, &s.Email, &s.Motivation, &s.Status)
		return s, err
	}, `SELECT id, applicant_id, kind, name_en, name_zh_hans, stakeholder_group, country, description,
		contact_name, contact_email, motivation, status FROM membership_applications`)
	if err != nil {
		return nil, err
	}
	return compareApplications(rows, attempts), nil
}

// compareApplications is checkApplications without the database.
func compareApplications(rows []storedApp, attempts []*attempt) *verdict {
	byID := map[int64]storedApp{}
	for _, r := range rows {
		byID[r.ID] = r
	}
	// Attempts without an answer, by the unique name they sent.
	open := map[string]*attempt{}
	v := &verdict{}
	matched := map[int64]bool{}
	for _, a := range attempts {
		want := a.Want.(appWant)
		if a.Outcome != acked {
			if !a.answered() {
				open[want.NameEn] = a
			}
			continue
		}
		got, ok := byID[a.ID]
		switch {
		case !ok:
			v.Lost = append(v.Lost, fmt.Sprintf("application %d %q (%s, worker %d): missing", a.ID, want.NameEn, want.Route, a.Worker))
		case got.appWant != withRoute(want, ""):
			v.Lost = append(v.Lost, fmt.Sprintf("application %d %q (%s, worker %d): stored otherwise: %s",
				a.ID, want.NameEn, want.Route, a.Worker, firstDifference(got.appWant, withRoute(want, ""))))
		case got.Status != string(members.Submitted):
			v.Lost = append(v.Lost, fmt.Sprintf("application %d %q: status %q, want submitted", a.ID, want.NameEn, got.Status))
		default:
			v.Present++
		}
		matched[a.ID] = true
	}
	for _, r := range rows {
		if matched[r.ID] {
			continue
		}
		a, ok := open[r.NameEn]
		if ok && r.appWant == withRoute(a.Want.(appWant), "") {
			v.Unanswered++
			delete(open, r.NameEn) // one row per attempt
			continue
		}
		v.Phantom = append(v.Phantom, r.describe())
	}
	return v
}

func withRoute(w appWant, route string) appWant {
	w.Route = route
	return w
}

// firstDifference names the first field in which got differs from want.
func firstDifference(got, want appWant) string {
	pairs := []struct{ name, got, want string }{
		{"applicant", strconv.FormatInt(got.ApplicantID, 10), strconv.FormatInt(want.ApplicantID, 10)},
		{"kind", got.Kind, want.Kind}, {"name_en", got.NameEn, want.NameEn}, {"name_zh_hans", got.NameHans, want.NameHans},
		{"stakeholder_group", got.Group, want.Group}, {"country", got.Country, want.Country},
		{"description", got.Description, want.Description}, {"contact_name", got.ContactName, want.ContactName},
		{"contact_email", got.Email, want.Email}, {"motivation", got.Motivation, want.Motivation},
	}
	for _, p := range pairs {
		if p.got != p.want {
			return fmt.Sprintf("%s is %.60q, sent %.60q", p.name, p.got, p.want)
		}
	}
	return "no difference"
}
