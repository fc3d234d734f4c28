package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/documents"
	"github.com/wuzhen/wuzhen/internal/events"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/calls"
	"github.com/wuzhen/wuzhen/internal/demo"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/testenv"
	"github.com/wuzhen/wuzhen/internal/testenv/axe"
)

// axeTags are the axe-core rule sets the pages must pass: WCAG 2.0 and 2.1
// at levels A and AA, and Deque's best practices.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"}

// axeRunJS runs axe on the whole document and returns the engine's version,
// how many rules passed, and the violations and the checks axe could not
// decide ("incomplete": they need a person to look) in a compact form. It is
// evaluated after axe.Script().
var axeRunJS = `(async () => {
	const r = await axe.run(document, {
		runOnly: {type: 'tag', values: ` + mustJSON(axeTags) + `},
		resultTypes: ['violations', 'incomplete'],
	});
	const compact = rs => rs.map(v => ({
		id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
		nodes: v.nodes.map(n => ({
			target: n.target.map(String), html: n.html, summary: n.failureSummary || '',
		})),
	}));
	return {
		version: r.testEngine.version,
		passes: r.passes.length,
		violations: compact(r.violations),
		incomplete: compact(r.incomplete),
	};
})()`

type axeResult struct {
	Version    string     `json:"version"`
	Passes     int        `json:"passes"`
	Violations []axeIssue `json:"violations"`
	Incomplete []axeIssue `json:"incomplete"`
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

type axeIssue struct {
	ID      string    `json:"id"`
	Impact  string    `json:"impact"`
	Help    string    `json:"help"`
	HelpURL string    `json:"helpUrl"`
	Nodes   []axeNode `json:"nodes"`
}

type axeNode struct {
	Target  []string `json:"target"`
	HTML    string   `json:"html"`
	Summary string   `json:"summary"`
}

func (v axeIssue) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s\n    %s\n", v.ID, v.Impact, v.Help, v.HelpURL)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "    - %s\n      %s\n", strings.Join(n.Target, " "), n.HTML)
		for line := range strings.SplitSeq(n.Summary, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				fmt.Fprintf(&b, "      | %s\n", line)
			}
		}
	}
	return b.String()
}

// runAxe loads axe-core into the current page and runs it. Runtime.evaluate
// is not subject to the page's Content-Security-Policy, so the script needs
// no bypass although the CSP forbids inline scripts and eval.
func runAxe(ctx context.Context) (axeResult, error) {
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](axe.Script())); err != nil {
		return axeResult{}, fmt.Errorf("loading axe-core: %w", err)
	}
	r, err := chromedp.Run(ctx, chromedp.Evaluate[axeResult](axeRunJS, chromedp.EvalAwaitPromise))
	if err != nil {
		return r, err
	}
	// An engine that checked nothing would report no violations too.
	if r.Version != axe.Version || r.Passes == 0 {
		return r, fmt.Errorf("axe-core %q ran %d passing rules; want version %s and some", r.Version, r.Passes, axe.Version)
	}
	return r, nil
}

type viewport struct {
	name          string
	width, height int64
	opts          []chromedp.EmulateViewportOption
}

var a11yViewports = []viewport{
	{name: "desktop", width: 1280, height: 900},
	{name: "phone", width: 390, height: 844, opts: []chromedp.EmulateViewportOption{
		chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch,
	}},
}

var a11yLangs = []string{"en", "zh-Hans", "zh-Hant"}

// TestAccessibility runs axe-core in Chromium on every kind of page, in each
// language, at desktop and phone sizes, and fails on any violation of WCAG
// 2.1 A/AA or of axe's best practices. It also checks the skip link with the
// keyboard, and saves phone screenshots to look at.
func TestAccessibility(t *testing.T) {
	bctx := testenv.Browser(t)
	a := startApp(t, "sqlite:"+filepath.Join(t.TempDir(), "w.db"))
	creds, loaded, err := demo.Load(context.Background(), a.demoDeps())
	if err != nil || !loaded {
		t.Fatalf("demo.Load: loaded %v, %v", loaded, err)
	}
	password := map[string]string{}
	email := map[string]string{}
	for _, c := range creds {
		email[c.Role], password[c.Role] = c.Email, c.Password
	}
	// A sign-up puts a message in the outbox and entries in the audit log,
	// so that those tables have rows.
	a.browser(t).post("/signup", url.Values{"name": {"Amina Otieno"}, "email": {"amina@example.org"}, "password": {"correct horse battery"}}).
		expect(t, http.StatusOK)

	// A cap for the whole walk, not a timing check: on a shared two-core
	// machine running the whole suite, every page in three languages at two
	// sizes takes several minutes.
	ctx, cancel := context.WithTimeout(bctx, 30*time.Minute)
	defer cancel()
	// do runs the actions of one step; a step that waits for something
	// that does not come fails after 30s, not at the end of the test.
	do := func(t *testing.T, step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	// open loads path in lang and checks that the page came with status 200.
	open := func(t *testing.T, path, lang string) {
		t.Helper()
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		res, err := chromedp.Run(ctx, chromedp.NavigateResponse(a.ts.URL+path+sep+"lang="+lang))
		if err != nil {
			t.Fatalf("open %s: %v", path, err)
		}
		// NavigateResponse follows redirects: a page that sent the browser
		// to the sign-in form would have come back with 200 too.
		if u, err := url.Parse(res.URL); err != nil || res.Status != http.StatusOK || u.Path != strings.SplitN(path, "?", 2)[0] {
			t.Fatalf("open %s: status %d at %s", path, res.Status, res.URL)
		}
		do(t, "wait for "+path, chromedp.WaitVisible(chromedp.CSS(`html[lang="`+lang+`"] main h1`)))
	}
	check := func(t *testing.T, vp viewport) {
		t.Helper()
		// Reflow (WCAG 1.4.10): nothing wider than the screen. On a phone,
		// the browser widens the layout viewport to fit content that is too
		// wide, so compare with the viewport asked for.
		w, err := chromedp.Run(ctx, chromedp.Evaluate[int64](`Math.max(document.documentElement.scrollWidth, innerWidth)`))
		if err != nil {
			t.Fatal(err)
		}
		if w > vp.width {
			u, _ := chromedp.Run(ctx, chromedp.Location())
			t.Errorf("%s: the page is %dpx wide on a %dpx %s screen", u, w, vp.width, vp.name)
		}
		r, err := runAxe(ctx)
		if err != nil {
			t.Fatalf("axe: %v", err)
		}
		for _, v := range r.Incomplete {
			t.Logf("axe could not decide, check by hand: %s", v)
		}
		if vs := r.Violations; len(vs) > 0 {
			u, _ := chromedp.Run(ctx, chromedp.Location())
			var b strings.Builder
			for _, v := range vs {
				b.WriteString(v.String())
			}
			t.Errorf("%s: %d accessibility violations (axe-core %s):\n%s", u, len(vs), axe.Version, b.String())
		}
	}
	// signupErrors submits the empty sign-up form, which comes back with an
	// error at each field.
	signupErrors := func(t *testing.T, lang string) {
		t.Helper()
		open(t, "/signup", lang)
		do(t, "submit the empty sign-up form",
			chromedp.Click(chromedp.CSS("main button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS("#e-name")),
			chromedp.WaitVisible(chromedp.CSS("#e-password")),
		)
		// A field with an error still points at its hint.
		d, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('f-password').getAttribute('aria-describedby')`))
		if err != nil || !strings.Contains(d, "e-password") || !strings.Contains(d, "h-password") {
			t.Errorf("password field: aria-describedby=%q (%v), want the error and the hint", d, err)
		}
	}
	signIn := func(t *testing.T, role string) {
		t.Helper()
		do(t, "sign in as "+role,
			chromedp.Navigate(a.ts.URL+"/login"),
			chromedp.SendKeys(chromedp.CSS("#f-email"), email[role]),
			chromedp.SendKeys(chromedp.CSS("#f-password"), password[role]),
			chromedp.Click(chromedp.CSS("main button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS(".account .who")),
		)
	}
	signOut := func(t *testing.T) {
		t.Helper()
		do(t, "sign out",
			chromedp.Click(chromedp.CSS(".account button")),
			chromedp.WaitVisible(chromedp.CSS(`.account a[href="/login"]`)),
		)
	}
	screenshot := func(t *testing.T, name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		p := filepath.Join(testenv.ArtifactDir(t), "a11y-"+name+".png")
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", p)
	}
	// eachPage runs fn in every language at every viewport size.
	eachPage := func(t *testing.T, fn func(t *testing.T, vp viewport, lang string)) {
		for _, vp := range a11yViewports {
			do(t, "viewport "+vp.name, chromedp.EmulateViewport(vp.width, vp.height, vp.opts...))
			for _, lang := range a11yLangs {
				t.Run(vp.name+"/"+lang, func(t *testing.T) { fn(t, vp, lang) })
			}
		}
	}

	// The harness sees faults: all pages pass, and so would a harness
	// that checked nothing.
	t.Run("a planted fault is found", func(t *testing.T) {
		open(t, "/login", "en")
		do(t, "plant an image without alt text and an unlabelled field", chromedp.Evaluate[chromedp.Void](
			`document.querySelector('main').insertAdjacentHTML('beforeend', '<img src="/none.png"><input name="x">')`))
		r, err := runAxe(ctx)
		if err != nil {
			t.Fatal(err)
		}
		found := map[string]bool{}
		for _, v := range r.Violations {
			found[v.ID] = true
		}
		if !found["image-alt"] || !found["label"] {
			t.Errorf("axe found %v, want image-alt and label", r.Violations)
		}
	})

	summits, _, err := a.events.List(context.Background(), events.Filter{Kind: events.Summit}, 1, 0)
	if err != nil || len(summits) != 1 {
		t.Fatalf("newest summit: %v %v", summits, err)
	}
	summit := "/events/" + summits[0].Slug
	public := []string{"/", "/about", "/members", "/members?q=%E6%95%B0%E5%AD%97&continent=AS", "/members/1", "/signup", "/login", "/password/reset",
		"/events", summit}
	// The programme of the newest summit: a forum's timetable (the
	// summit's has the same markup, twenty times over; it is only
	// photographed, below), a session, a speaker.
	sessions, err := a.events.Programme(context.Background(), summits[0])
	if err != nil || len(sessions) < 100 {
		t.Fatalf("programme: %d sessions, %v", len(sessions), err)
	}
	session := sessions[0]
	for _, x := range sessions {
		if len(x.People) > len(session.People) {
			session = x
		}
	}
	programme := "/events/" + summits[0].Slug + "/programme"
	forum := "/events/" + session.Event.Slug + "/programme"
	public = append(public, forum+"?view=room", session.Path(), fmt.Sprintf("/speakers/%d", session.People[0].Person.ID))
	// Calls: the demo's open call and the latest closed one.
	demoCalls, err := a.calls.Calls(context.Background(), false)
	if err != nil || len(demoCalls) < 2 {
		t.Fatalf("demo calls: %v %v", demoCalls, err)
	}
	openCall, pastCall := demoCalls[0].Slug, demoCalls[1].Slug
	public = append(public, "/cases", "/cases/1", "/calls/"+pastCall)
	// Training: the programmes, one with the eligibility check answered,
	// and a demo certificate's verification page.
	demoCert := trainingDemoCertificate(t, a)
	public = append(public, "/training", "/training/youth-leadership", "/training/ig-fellowship-a?country=DE&birth_year=1960", "/verify/"+demoCert)
	t.Run("public", func(t *testing.T) {
		eachPage(t, func(t *testing.T, vp viewport, lang string) {
			for _, path := range public {
				t.Run(path, func(t *testing.T) {
					open(t, path, lang)
					check(t, vp)
					if path == "/" && vp.name == "phone" && lang == "zh-Hans" {
						screenshot(t, "home-zh-Hans-phone")
					}
				})
			}
			t.Run("/signup with errors", func(t *testing.T) {
				signupErrors(t, lang)
				check(t, vp)
				if vp.name == "phone" && lang == "en" {
					screenshot(t, "signup-errors-en-phone")
				}
			})
		})
	})

	t.Run("programme screenshots", func(t *testing.T) {
		for _, vp := range a11yViewports {
			do(t, "viewport "+vp.name, chromedp.EmulateViewport(vp.width, vp.height, vp.opts...))
			for _, lang := range []string{"en", "zh-Hant"} {
				open(t, programme, lang)
				screenshot(t, "programme-"+lang+"-"+vp.name)
			}
		}
	})

	t.Run("secretariat", func(t *testing.T) {
		signIn(t, auth.RoleSecretariat)
		defer signOut(t)
		// An agenda with two sessions at the same time.
		sec, err := a.users.ByEmail(context.Background(), email[auth.RoleSecretariat])
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range sessions[:2] {
			if err := a.events.AddToAgenda(context.Background(), sec.ID, x.ID); err != nil {
				t.Fatal(err)
			}
		}
		// A call for session proposals, open: its form names speakers.
		now := time.Now().UTC()
		proposals := &calls.Call{Slug: "sessions-a11y", Kind: calls.KindSessionProposal, Title: i18n.Text{En: "Forum sessions", Hans: "论坛分论坛"},
			OpensAt: now.Add(-time.Hour), ClosesAt: now.AddDate(0, 1, 0), Timezone: "Asia/Shanghai", Fields: calls.Fields, ReviewsPerSubmission: 2,
			Criteria: []calls.Criterion{{Code: "relevance", Name: i18n.Text{En: "Relevance"}, Weight: 1, Max: 10}}}
		if err := a.calls.CreateCall(context.Background(), sec.Principal(), proposals); err != nil {
			t.Fatal(err)
		}
		if _, err := a.calls.PublishCall(context.Background(), sec.Principal(), proposals.Slug); err != nil {
			t.Fatal(err)
		}
		admin := "/admin/events/" + session.Event.Slug + "/programme"
		programmePages := []string{forum, "/agenda", fmt.Sprintf("%s/sessions/%d", admin, session.ID),
			fmt.Sprintf("%s/people/%d", admin, session.People[0].Person.ID), admin + "/people?per_page=20"}
		eachPage(t, func(t *testing.T, vp viewport, lang string) {
			for _, path := range append([]string{"/admin", "/admin/outbox", "/admin/applications", "/admin/applications/1", "/members/apply", "/members/applications",
				"/admin/members", "/admin/members/3", "/members/manage/3", "/members/manage/3/edit", "/members/manage/3/representatives",
				"/admin/events", "/admin" + summit, "/admin" + summit + "/registrations", "/admin" + summit + "/stats", "/checkin/" + summits[0].Slug,
				summit + "/register", "/registrations",
				"/admin/calls/new", "/admin/calls/" + pastCall, "/admin/calls/" + pastCall + "/ranking", "/admin/calls/" + pastCall + "/selection", "/admin/calls/" + pastCall + "/round", "/admin/submissions/1",
				"/calls/" + openCall + "/submit", "/calls/sessions-a11y/submit",
				"/admin/training", "/admin/training/ig-fellowship-a", "/training/ig-fellowship-a/cohort", "/training/youth-leadership/apply", "/training/applications", "/admin/training/reach", "/admin/training/youth-leadership/ranking", "/training-reviews", "/admin/training/new"}, programmePages...) {
				t.Run(path, func(t *testing.T) {
					open(t, path, lang)
					check(t, vp)
					if vp.name == "desktop" && lang == "en" && (path == "/admin/applications/1" || path == "/members/manage/3/edit" || path == "/admin/members/3" ||
						strings.HasPrefix(path, "/admin/events/")) {
						screenshot(t, "secretariat"+strings.ReplaceAll(path, "/", "-"))
					}
					if path == "/admin/outbox" && vp.name == "phone" && lang == "en" {
						screenshot(t, "outbox-en-phone")
					}
					if name, ok := map[string]string{forum: "programme-signed-in", "/agenda": "agenda", programmePages[2]: "admin-session"}[path]; ok && lang == "en" {
						screenshot(t, name+"-"+vp.name)
					}
				})
			}
		})
	})

	// Event documents: a visa letter approved for one registrant, none yet
	// for another; the verification page; the secretariat's pages. (The
	// check-in desk is with the events pages above.)
	docs := eventDocuments(t, a)
	signInAs := func(t *testing.T, email, pw string) {
		t.Helper()
		do(t, "sign in as "+email,
			chromedp.Navigate(a.ts.URL+"/login"),
			chromedp.SendKeys(chromedp.CSS("#f-email"), email),
			chromedp.SendKeys(chromedp.CSS("#f-password"), pw),
			chromedp.Click(chromedp.CSS("main button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS(".account .who")),
		)
	}
	t.Run("event documents", func(t *testing.T) {
		eachPage(t, func(t *testing.T, vp viewport, lang string) {
			for _, path := range []string{"/verify/" + docs.code, "/verify/0000-0000-0000"} {
				t.Run(path, func(t *testing.T) {
					if path == "/verify/0000-0000-0000" {
						// A page that answers 404 on purpose.
						if _, err := chromedp.Run(ctx, chromedp.Navigate(a.ts.URL+path+"?lang="+lang)); err != nil {
							t.Fatal(err)
						}
						do(t, "wait", chromedp.WaitVisible(chromedp.CSS(`html[lang="`+lang+`"] main h1`)))
					} else {
						open(t, path, lang)
					}
					check(t, vp)
				})
			}
		})
		for _, who := range []struct{ email, path string }{{docs.approvedEmail, docs.approvedPath}, {docs.formEmail, docs.formPath},
			{docs.filesEmail, docs.filesPath}, {docs.filesEmail, docs.filesFormPath}} {
			signInAs(t, who.email, docs.password)
			eachPage(t, func(t *testing.T, vp viewport, lang string) {
				open(t, who.path, lang)
				check(t, vp)
				if vp.name == "phone" && lang == "zh-Hans" && who.path == docs.formPath {
					screenshot(t, "visa-form-zh-Hans-phone")
				}
			})
			signOut(t)
		}
		signIn(t, auth.RoleSecretariat)
		defer signOut(t)
		eachPage(t, func(t *testing.T, vp viewport, lang string) {
			for _, path := range []string{"/admin/events/" + docs.slug + "/visas", docs.adminPath, docs.filesAdminPath} {
				t.Run(path, func(t *testing.T) {
					open(t, path, lang)
					check(t, vp)
					if path == docs.filesAdminPath && vp.name == "desktop" && lang == "en" {
						screenshot(t, "admin-registration-files")
					}
				})
			}
		})
	})

	// Outcome documents: the archive, a document read in each language
	// (an out-of-date translation in Chinese), a comparison, and the
	// secretariat's pages.
	t.Run("outcome documents", func(t *testing.T) {
		doc := "/documents/world-internet-outlook-2019"
		eachPage(t, func(t *testing.T, vp viewport, lang string) {
			for _, path := range []string{"/documents", doc, doc + "/compare", "/documents/wuzhen-initiative-2015"} {
				t.Run(path, func(t *testing.T) {
					open(t, path, lang)
					check(t, vp)
					if path == doc && vp.name == "phone" {
						screenshot(t, "document-"+lang+"-phone")
					}
				})
			}
		})
		signIn(t, auth.RoleSecretariat)
		defer signOut(t)
		eachPage(t, func(t *testing.T, vp viewport, lang string) {
			for _, path := range []string{"/admin/documents", "/admin/documents/new", "/admin/documents/action-initiative-2020",
				"/admin/documents/action-initiative-2020?text=zh-Hans", "/admin/documents/action-initiative-2020/versions/4",
				"/admin/documents/action-initiative-2020/edit", "/admin/documents/action-initiative-2020/compare?from=2&to=4"} {
				t.Run(path, func(t *testing.T) {
					open(t, path, lang)
					check(t, vp)
					if vp.name == "desktop" && lang == "en" && strings.Contains(path, "compare") {
						screenshot(t, "admin-document-compare")
					}
				})
			}
		})
	})

	// Consultation, endorsements and votes: the demo's closed and open
	// consultations, its open vote, a closed one, as the public, a
	// representative and the secretariat see them.
	t.Run("consultation", func(t *testing.T) {
		year := time.Now().UTC().Year()
		concept, resolution := fmt.Sprintf("/documents/concept-data-flows-%d", year-1), fmt.Sprintf("/documents/annual-meeting-resolution-%d", year)
		sec, err := a.users.ByEmail(context.Background(), email[auth.RoleSecretariat])
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		closed, err := a.docs.CreateVote(context.Background(), sec.Principal(), documents.VoteInput{Title: i18n.Text{En: "A closed vote", Hans: "已结束的表决"},
			OpensAt: now.Add(-48 * time.Hour), ClosesAt: now.Add(-time.Hour), Timezone: "Europe/Paris", Quorum: 1})
		if err != nil {
			t.Fatal(err)
		}
		results := fmt.Sprintf("/votes/%d/results", closed.ID)
		eachPage(t, func(t *testing.T, vp viewport, lang string) {
			for _, path := range []string{concept + "/consultation", resolution + "/consultation", "/votes/1", "/votes/1/results", results} {
				t.Run(path, func(t *testing.T) { open(t, path, lang); check(t, vp) })
			}
		})
		signInAs(t, email["representative"], password["representative"])
		eachPage(t, func(t *testing.T, vp viewport, lang string) {
			for _, path := range []string{resolution + "/consultation", resolution + "/consultation/comment?version=1&paragraph=3",
				concept + "/endorse", "/votes/1"} {
				t.Run(path, func(t *testing.T) {
					open(t, path, lang)
					check(t, vp)
					if vp.name == "phone" && lang == "zh-Hant" {
						screenshot(t, "consultation"+strings.ReplaceAll(strings.SplitN(path, "?", 2)[0], "/", "-")+"-zh-Hant-phone")
					}
				})
			}
		})
		signOut(t)
		signIn(t, auth.RoleSecretariat)
		defer signOut(t)
		eachPage(t, func(t *testing.T, vp viewport, lang string) {
			for _, path := range []string{"/admin/consultations", "/admin" + concept + "/consultation", "/admin" + resolution + "/consultation",
				"/admin/votes", results} {
				t.Run(path, func(t *testing.T) {
					open(t, path, lang)
					check(t, vp)
					if vp.name == "desktop" && lang == "en" && strings.HasPrefix(path, "/admin/documents/concept") {
						screenshot(t, "consultation-moderation")
					}
				})
			}
		})
	})

	t.Run("admin", func(t *testing.T) {
		signIn(t, auth.RoleAdmin)
		defer signOut(t)
		eachPage(t, func(t *testing.T, vp viewport, lang string) {
			t.Run("/admin/audit", func(t *testing.T) {
				open(t, "/admin/audit", lang)
				check(t, vp)
				if vp.name == "phone" && lang == "zh-Hant" {
					screenshot(t, "audit-zh-Hant-phone")
				}
			})
		})
	})

	t.Run("accounts", func(t *testing.T) {
		signIn(t, auth.RoleAdmin)
		defer signOut(t)
		eachPage(t, func(t *testing.T, vp viewport, lang string) {
			for _, path := range []string{"/account", "/account/email", "/account/password", "/account/tokens", "/account/sessions",
				"/account/delete", "/admin/people", "/admin/people?role=staff", "/admin/people/1"} {
				t.Run(path, func(t *testing.T) {
					open(t, path, lang)
					check(t, vp)
					if vp.name == "phone" && lang == "zh-Hant" && (path == "/account" || path == "/admin/people") {
						screenshot(t, "account"+strings.ReplaceAll(path, "/", "-")+"-zh-Hant-phone")
					}
				})
			}
			// The menu under the person's name, open.
			t.Run("menu", func(t *testing.T) {
				open(t, "/", lang)
				do(t, "open the menu", chromedp.Click(chromedp.CSS(".account-menu summary")),
					chromedp.WaitVisible(chromedp.CSS(`.account-menu a[href="/account"]`)))
				check(t, vp)
				if vp.name == "phone" && lang == "en" {
					screenshot(t, "account-menu-phone")
				}
			})
		})
	})

	t.Run("skip link", func(t *testing.T) {
		do(t, "desktop viewport", chromedp.EmulateViewport(1280, 900))
		open(t, "/", "en")
		do(t, "first Tab focuses the skip link",
			chromedp.KeyEvent(kb.Tab),
			chromedp.WaitReady(chromedp.CSS("a.skip:focus")),
		)
		// Focused, it is on screen.
		inView, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
			const r = document.activeElement.getBoundingClientRect();
			return r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0 &&
				r.right <= innerWidth && r.bottom <= innerHeight;
		})()`))
		if err != nil || !inView {
			t.Errorf("the focused skip link is not on screen (%v)", err)
		}
		screenshot(t, "skip-link-en")
		do(t, "following it moves focus to main",
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitReady(chromedp.CSS("main#main:focus")),
		)
		// The next Tab goes on from main, to its first link.
		do(t, "the next Tab stays in main",
			chromedp.KeyEvent(kb.Tab),
			chromedp.WaitReady(chromedp.CSS("main a:focus")),
		)
		screenshot(t, "focus-in-main-en")
	})

	// First-run setup (on an install of its own, empty), the settings, the
	// charter and privacy pages, and the error pages (install_test.go).
	t.Run("install", func(t *testing.T) {
		a11yInstall(t, a, ctx, open, check, eachPage, signIn, signOut, screenshot, do, email)
	})
}

// documentsFixture is what eventDocuments made for the accessibility test.
type documentsFixture struct {
	slug, code, password                   string
	approvedEmail, approvedPath, adminPath string
	formEmail, formPath                    string
	// A registration with a file and a photo (file questions): its page,
	// the secretariat's page, and the form of a category asking for files
	// (for someone else: one registration per person and event).
	filesEmail, filesPath, filesAdminPath, filesFormPath string
}

// eventDocuments makes, on the demo's newest summit, a registrant whose
// visa letter is approved and one who has asked for none yet.
func eventDocuments(t *testing.T, a *testApp) documentsFixture {
	t.Helper()
	ctx := context.Background()
	list, _, err := a.events.List(ctx, events.Filter{Kind: events.Summit}, 1, 0)
	if err != nil || len(list) == 0 {
		t.Fatalf("demo summit: %v", err)
	}
	e := list[0]
	cats, err := a.events.Categories(ctx, e.ID)
	if err != nil || len(cats) == 0 {
		t.Fatalf("demo categories: %v", err)
	}
	fx := documentsFixture{slug: e.Slug, password: "visa-applicant-1", approvedEmail: "olga.visa@example.org", formEmail: "wang.visa@example.org"}
	reg := func(email, name, country string) *events.Registration {
		u, err := a.users.Create(ctx, email, name, fx.password)
		if err != nil {
			t.Fatal(err)
		}
		r, err := a.events.Register(ctx, &actor.Actor{ID: u.ID, Email: email, Name: name}, e.Slug, cats[0].Code,
			events.Answers{"country": country, "organization": "Example Institute", "consent": "yes"})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := reg(fx.approvedEmail, "Ольга Смирнова", "RU")
	loc := e.Location()
	p := events.Passport{FullName: "OLGA SMIRNOVA", Nationality: "RU", Number: "751234567", BirthDate: "1990-05-17",
		Expiry: e.Ends.In(loc).AddDate(3, 0, 0).Format(time.DateOnly), Embassy: "Embassy of China in Moscow",
		Arrival: e.Starts.In(loc).AddDate(0, 0, -1).Format(time.DateOnly), Departure: e.Ends.In(loc).AddDate(0, 0, 1).Format(time.DateOnly)}
	if _, err := a.events.RequestVisa(ctx, &actor.Actor{ID: r.UserID, Email: fx.approvedEmail}, r.ID, p); err != nil {
		t.Fatal(err)
	}
	v, err := a.events.DecideVisa(ctx, &actor.Actor{Email: "secretariat@demo.wuzhen.example"}, r.ID, events.ApproveVisa, "")
	if err != nil {
		t.Fatal(err)
	}
	fx.code = v.Code
	fx.approvedPath = fmt.Sprintf("/registrations/%d/visa", r.ID)
	fx.adminPath = fmt.Sprintf("/admin/visas/%d", r.ID)
	r2 := reg(fx.formEmail, "王小明", "CN")
	fx.formPath = fmt.Sprintf("/registrations/%d/visa", r2.ID)

	// A category asking for files, on a forum of the summit.
	forums, _, err := a.events.List(ctx, events.Filter{ParentID: e.ID}, 1, 0)
	if err != nil || len(forums) == 0 {
		t.Fatalf("demo forums: %v", err)
	}
	f := forums[0]
	if err := a.events.SaveCategory(ctx, &actor.Actor{Email: "secretariat@demo.wuzhen.example"}, f.Slug, filesCategory()); err != nil {
		t.Fatal(err)
	}
	fx.filesEmail = "files.person@example.org"
	u, err := a.users.Create(ctx, fx.filesEmail, "Amina Otieno", fx.password)
	if err != nil {
		t.Fatal(err)
	}
	files, err := a.events.CheckFiles(ctx, f.Slug, "contributor", map[string][]byte{"cv": testPDFFile, "photo": testPhotoPNG(t)})
	if err != nil {
		t.Fatal(err)
	}
	r3, err := a.events.RegisterWith(ctx, &actor.Actor{ID: u.ID, Email: fx.filesEmail, Name: "Amina Otieno"}, f.Slug, "contributor",
		events.Answers{"country": "KE", "organization": "KICTANet", "topic": "Digital inclusion"}, "", files, false)
	if err != nil {
		t.Fatal(err)
	}
	fx.filesPath = fmt.Sprintf("/registrations/%d", r3.ID)
	fx.filesAdminPath = fmt.Sprintf("/admin/registrations/%d", r3.ID)
	if err := a.events.SaveCategory(ctx, &actor.Actor{Email: "secretariat@demo.wuzhen.example"}, e.Slug, filesCategory()); err != nil {
		t.Fatal(err)
	}
	fx.filesFormPath = "/events/" + e.Slug + "/register?category=contributor"
	return fx
}
