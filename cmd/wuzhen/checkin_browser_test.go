package main

import (
	"bufio"
	"context"
	"image"
	"image/color"
	"image/draw"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/skip2/go-qrcode"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/events"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/testenv"
)

// TestBrowserCheckInByCamera: a person promoted from the waitlist opens
// their badge in the browser; at the desk, a browser whose camera sees the
// QR code printed on that badge checks them in by itself (the check-in
// page's script, through jsQR where the browser has no BarcodeDetector),
// and the live counts show it.
func TestBrowserCheckInByCamera(t *testing.T) {
	a := startApp(t, "sqlite:"+filepath.Join(t.TempDir(), "w.db"))
	sec := a.staff(t, "sec@example.org", auth.RoleSecretariat)
	start := time.Now().Add(72 * time.Hour).Truncate(time.Minute).In(time.FixedZone("CST", 8*3600))
	sec.post("/admin/events", url.Values{"slug": {"dialogue-2026"}, "kind": {"dialogue"}, "title_en": {"Dialogue on IPv6"},
		"starts_at": {start.Format("2006-01-02T15:04")}, "ends_at": {start.Add(4 * time.Hour).Format("2006-01-02T15:04")},
		"timezone": {"Asia/Shanghai"}, "venue": {"Wuzhen"},
		"checkin_opens_at": {time.Now().Add(-time.Hour).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04")}, // the desk is open
	}).expect(t, http.StatusSeeOther)
	sec.post("/admin/events/dialogue-2026/categories", url.Values{"code": {"delegate"}, "name_en": {"Delegate"}, "capacity": {"1"}, "approval": {"auto"}}).expect(t, http.StatusSeeOther)
	sec.post("/admin/events/dialogue-2026/status", url.Values{"status": {"published"}}).expect(t, http.StatusSeeOther)
	ctx0 := context.Background()
	// The category asks for a photo (optional), for the badge and the desk.
	if err := a.events.SaveCategory(ctx0, &actor.Actor{Email: "sec@example.org"}, "dialogue-2026", &events.Category{Code: "delegate",
		Name: i18n.Text{En: "Delegate"}, Capacity: 1, Approval: events.Auto, Questions: []events.Question{
			{Code: "photo", Kind: events.PhotoQuestion, Label: i18n.Text{En: "Photo"}}}}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct{ email, name, role string }{
		{"kofi@example.org", "Kofi Mensah", ""}, {"olga@example.org", "Ольга Смирнова", ""}, {"desk@example.org", "Desk", auth.RoleCheckIn},
	} {
		var roles []string
		if u.role != "" {
			roles = []string{u.role}
		}
		if _, err := a.users.Create(ctx0, u.email, u.name, "browser-password-1", roles...); err != nil {
			t.Fatal(err)
		}
	}

	// Kofi takes the one seat, Olga is waitlisted, Kofi cancels: Olga is
	// promoted (the pages of these steps are tested in TestBadgePages and
	// the events browser test; here they only lead to the badge).
	kofi := a.browser(t)
	kofi.post("/login", url.Values{"email": {"kofi@example.org"}, "password": {"browser-password-1"}}).expect(t, http.StatusSeeOther)
	olga := a.browser(t)
	olga.post("/login", url.Values{"email": {"olga@example.org"}, "password": {"browser-password-1"}}).expect(t, http.StatusSeeOther)
	kid := register(t, kofi, "dialogue-2026", url.Values{"category": {"delegate"}, "country": {"GH"}})
	// Olga gives her photo with the form.
	res := olga.multipart("/events/dialogue-2026/register", url.Values{"category": {"delegate"}, "country": {"RU"}},
		map[string][]byte{"photo": testPhotoPNG(t)})
	res.expect(t, http.StatusSeeOther)
	oid := regPath.FindStringSubmatch(res.Header.Get("Location"))[1]
	olga.get("/registrations/"+oid).expect(t, http.StatusOK, "number 1 on the waitlist")
	kofi.post("/registrations/"+kid+"/cancel", nil).expect(t, http.StatusSeeOther)
	olgaPage := a.ts.URL + "/registrations/" + oid

	bctx := testenv.Browser(t)
	ctx, cancel := context.WithTimeout(bctx, 2*time.Minute)
	defer cancel()
	do := func(ctx context.Context, step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			shot(t, ctx, "checkin-failed")
			t.Fatalf("%s: %v", step, err)
		}
	}
	text := func(ctx context.Context, sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	signIn := func(ctx context.Context, email string) {
		t.Helper()
		do(ctx, "sign in as "+email,
			chromedp.Navigate(a.ts.URL+"/login"),
			chromedp.SendKeys(chromedp.CSS("#f-email"), email),
			chromedp.SendKeys(chromedp.CSS("#f-password"), "browser-password-1"),
			chromedp.Click(chromedp.CSS("main button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS(".account .who")),
		)
	}
	signIn(ctx, "olga@example.org")
	do(ctx, "Olga is promoted", chromedp.Navigate(olgaPage), chromedp.WaitVisible(chromedp.CSS(`a[href$="/badge.pdf"]`)))
	if s := text(ctx, "main .notice"); !strings.Contains(s, "Confirmed") {
		t.Fatalf("Olga after the cancellation: %q", s)
	}
	badgeURL := olgaPage + "/badge.pdf"
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(`+mustJSON(badgeURL)+`).then(r => r.status + " " + r.headers.get("Content-Type"))`, chromedp.EvalAwaitPromise))
	if err != nil || got != "200 application/pdf" {
		t.Fatalf("opening the badge: %q %v", got, err)
	}
	// The badge as printed: its QR code, read from the page.
	pdf := olga.get(strings.TrimPrefix(badgeURL, a.ts.URL))
	pdf.expect(t, http.StatusOK)
	codes := testenv.QRCodes(t, testenv.PDFPage(t, []byte(pdf.body), 1, 200))
	if len(codes) != 1 {
		t.Fatalf("codes on the badge: %q", codes)
	}

	// The desk, on a browser whose camera films the badge's code.
	camera := filepath.Join(t.TempDir(), "badge.y4m")
	writeY4M(t, camera, codes[0])
	dctx := testenv.Browser(t,
		chromedp.Flag("use-fake-ui-for-media-stream", true),
		chromedp.Flag("use-fake-device-for-media-stream", true),
		chromedp.Flag("use-file-for-fake-video-capture", camera),
	)
	dctx, dcancel := context.WithTimeout(dctx, 2*time.Minute)
	defer dcancel()
	signIn(dctx, "desk@example.org")
	do(dctx, "scan the badge",
		chromedp.Navigate(a.ts.URL+"/checkin/dialogue-2026"),
		chromedp.WaitVisible(chromedp.CSS(`#checkin-form .actions button[type=button]`)),
		chromedp.Click(chromedp.CSS(`#checkin-form .actions button[type=button]`)),
		chromedp.WaitVisible(chromedp.CSS("#checkin-result")),
	)
	shot(t, dctx, "checkin-scanned")
	if s := text(dctx, "#checkin-result"); !strings.Contains(s, "Checked in") || !strings.Contains(s, "Ольга Смирнова") ||
		!strings.Contains(s, "Delegate") {
		t.Fatalf("after the scan: %q", s)
	}
	// Her photo beside her name, loaded with the desk's session: the
	// square the registration form made of it.
	do(dctx, "the photo shows", chromedp.WaitVisible(chromedp.CSS("#checkin-result img.checkin-photo")))
	size, err := chromedp.Run(dctx, chromedp.Evaluate[string](`new Promise(done => {
		const img = document.querySelector("#checkin-result img.checkin-photo");
		const report = () => done(img.naturalWidth + "x" + img.naturalHeight + " " + img.alt);
		if (img.complete) report(); else img.addEventListener("load", report);
	})`, chromedp.EvalAwaitPromise))
	if err != nil || size != "200x200 Photo of Ольга Смирнова" {
		t.Fatalf("the photo at the desk: %q %v", size, err)
	}
	// The counts: one checked in, and the desk is scanning again.
	if s := text(dctx, "tbody tr:last-child td:last-child"); strings.TrimSpace(s) != "1" {
		t.Fatalf("checked-in total %q", s)
	}
	r, err := a.events.Registration(ctx0, idOf(t, olgaPage), 0, true)
	if err != nil || r.CheckedIn == nil || r.CheckedInBy != "desk@example.org" {
		t.Fatalf("registration after the scan: %+v %v", r, err)
	}
	// The camera starts again by itself for the next badge; the one just
	// checked in, still in view, does not replace the result (a second
	// check-in is refused by the server in any case: TestBadgePages).
	do(dctx, "the camera is on again", chromedp.WaitVisible(chromedp.CSS("video.scanner")))
	do(dctx, "stop the camera", chromedp.Click(chromedp.CSS(`#checkin-form .actions button[type=button]`)))
}

func idOf(t *testing.T, page string) int64 {
	m := regPath.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no registration id in %q", page)
	}
	var id int64
	for _, c := range m[1] {
		id = id*10 + int64(c-'0')
	}
	return id
}

// writeY4M writes a one-frame YUV4MPEG2 video of a QR code of content on
// white, for Chromium's fake camera.
func writeY4M(t *testing.T, path, content string) {
	t.Helper()
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		t.Fatal(err)
	}
	const w, h = 640, 480
	frame := image.NewGray(image.Rect(0, 0, w, h))
	draw.Draw(frame, frame.Bounds(), &image.Uniform{color.White}, image.Point{}, draw.Src)
	code := q.Image(400)
	off := image.Pt((w-400)/2, (h-400)/2)
	draw.Draw(frame, code.Bounds().Add(off), code, image.Point{}, draw.Src)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := bufio.NewWriter(f)
	b.WriteString("YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
	for range 2 {
		b.WriteString("FRAME\n")
		b.Write(frame.Pix)
		b.Write([]byte(strings.Repeat("\x80", w*h/2))) // U and V planes: no colour
	}
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
}
