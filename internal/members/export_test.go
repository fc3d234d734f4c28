package members

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/db/dbtest"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/web"
)

// webHarness serves the members routes (with the export and logo routes)
// through the platform's web server, with real accounts and sessions.
type webHarness struct {
	t     *testing.T
	d     *db.DB
	s     *Store
	users *auth.Store
	url   string
}

func newWebHarness(t *testing.T, d *db.DB) *webHarness {
	t.Helper()
	tpl, err := web.ParseTemplates(Templates)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	users := &auth.Store{DB: d, Log: log, Params: auth.Params{Memory: 1024, Time: 1, Threads: 1}}
	s := &Store{DB: d, BaseURL: "http://members.test"}
	srv := web.New(web.Config{Logger: log, Identity: users, Policy: auth.Can, Templates: tpl, Now: d.Now})
	h := &Handlers{Store: s}
	// Routes() may already hold the export and logo routes; add the ones
	// it lacks, so that the test sees them beside the whole table (a
	// pattern conflict panics here).
	routes := h.Routes()
	have := map[string]bool{}
	for _, rt := range routes {
		have[rt.Pattern()] = true
	}
	for _, rt := range append(h.exportRoutes(), h.logoRoutes()...) {
		if !have[rt.Pattern()] {
			routes = append(routes, rt)
		}
	}
	srv.Handle(routes...)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &webHarness{t: t, d: d, s: s, users: users, url: ts.URL}
}

// signIn makes an account with roles and returns it with a session.
func (w *webHarness) signIn(email string, roles ...string) (*auth.User, string) {
	w.t.Helper()
	ctx := context.Background()
	if _, err := w.users.Create(ctx, email, strings.Split(email, "@")[0], "harness password", roles...); err != nil {
		w.t.Fatal(err)
	}
	token, _, u, err := w.users.Login(ctx, email, "harness password", "127.0.0.1", "")
	if err != nil {
		w.t.Fatal(err)
	}
	return u, token
}

// result is an answer with its body read.
type result struct {
	*http.Response
	body []byte
}

// do sends a request with the session (none when ""), not following
// redirects; header holds name, value pairs.
func (w *webHarness) do(method, path, session string, body io.Reader, header ...string) result {
	w.t.Helper()
	req, err := http.NewRequest(method, w.url+path, body)
	if err != nil {
		w.t.Fatal(err)
	}
	if session != "" {
		req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: session})
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		w.t.Fatal(err)
	}
	return result{res, b}
}

func (w *webHarness) get(path, session string, header ...string) result {
	w.t.Helper()
	return w.do("GET", path, session, nil, header...)
}

// csvRows parses a CSV export: it must start with the byte-order mark.
func csvRows(t *testing.T, body []byte) [][]string {
	t.Helper()
	rest, ok := bytes.CutPrefix(body, []byte("\xEF\xBB\xBF"))
	if !ok {
		t.Fatalf("the CSV does not start with a UTF-8 byte-order mark: %q", body[:min(len(body), 16)])
	}
	r := csv.NewReader(bytes.NewReader(rest))
	r.FieldsPerRecord = len(exportColumns)
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse: %v", err)
	}
	return rows
}

// xlsxRows parses an XLSX export, padding each row to every column
// (excelize leaves out empty cells at a row's end).
func xlsxRows(t *testing.T, body []byte) (*excelize.File, string, [][]string) {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("the XLSX does not open: %v", err)
	}
	t.Cleanup(func() { x.Close() })
	sheets := x.GetSheetList()
	if len(sheets) != 1 {
		t.Fatalf("sheets %v", sheets)
	}
	rows, err := x.GetRows(sheets[0])
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if len(r) > len(exportColumns) {
			t.Fatalf("row %d has %d cells", i+1, len(r))
		}
		rows[i] = append(r, make([]string, len(exportColumns)-len(r))...)
	}
	return x, sheets[0], rows
}

func sameRows(t *testing.T, what string, csvRows, xlsxRows [][]string) {
	t.Helper()
	if len(csvRows) != len(xlsxRows) {
		t.Fatalf("%s: %d CSV rows, %d XLSX rows", what, len(csvRows), len(xlsxRows))
	}
	for i := range csvRows {
		if strings.Join(csvRows[i], "\x00") != strings.Join(xlsxRows[i], "\x00") {
			t.Fatalf("%s: row %d differs:\nCSV  %q\nXLSX %q", what, i+1, csvRows[i], xlsxRows[i])
		}
	}
}

func TestExport(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWebHarness(t, d)
		by := &actor.Actor{Email: "test"}
		seed := []*Member{
			{Kind: Organization, Name: Names{En: "Andes Data Trust", Hans: "安第斯数据信托"}, Acronym: "ADT", Group: CivilSociety,
				Country: "PE", Website: "https://andes.example.org", ContactEmail: "info@andes.example.org", JoinedOn: "2023-07-01"},
			{Kind: Organization, Name: Names{Hant: "雲端協作聯盟"}, Group: Business, Country: "HK", JoinedOn: "2023-05-01"},
			{Kind: Individual, Name: Names{En: `Amina "Mina" Otieno, PhD`}, Group: IndividualGroup, Country: "KE", JoinedOn: "2024-01-15",
				Standing: Suspended},
			{Kind: Organization, Name: Names{En: "=HYPERLINK(\"http://evil.example\")", Hans: "数字丝路研究院"}, Group: Academia,
				Country: "CN", JoinedOn: "2021-03-01"},
			{Kind: Organization, Name: Names{En: "Lapsed Networks"}, Group: Business, Country: "FR", JoinedOn: "2020-01-01", Standing: Lapsed},
		}
		for _, m := range seed {
			if err := w.s.Add(ctx, by, m); err != nil {
				t.Fatal(err)
			}
		}
		_, sec := w.signIn("sec@example.org", auth.RoleSecretariat)
		_, plain := w.signIn("plain@example.org")

		t.Run("only the secretariat exports", func(t *testing.T) {
			for _, ext := range []string{"csv", "xlsx"} {
				path := "/admin/members/export." + ext
				if r := w.get(path, plain); r.StatusCode != http.StatusForbidden {
					t.Errorf("%s as a plain account: %d", path, r.StatusCode)
				}
				if r := w.get(path, ""); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login?next=") {
					t.Errorf("%s anonymously: %d %s", path, r.StatusCode, r.Header.Get("Location"))
				}
			}
		})

		var all [][]string
		t.Run("CSV: UTF-8 with BOM, RFC 4180, dated attachment, every standing", func(t *testing.T) {
			r := w.get("/admin/members/export.csv", sec)
			if r.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", r.StatusCode, r.body)
			}
			if ct := r.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			want := fmt.Sprintf(`attachment; filename=members-%s.csv`, d.Now().Format(time.DateOnly))
			if cd := r.Header.Get("Content-Disposition"); cd != want {
				t.Errorf("Content-Disposition %q, want %q", cd, want)
			}
			if !bytes.Contains(r.body, []byte("\r\n")) {
				t.Error("lines do not end in CRLF")
			}
			all = csvRows(t, r.body)
			if len(all) != 1+len(seed) {
				t.Fatalf("%d rows for %d members", len(all), len(seed))
			}
			if strings.Join(all[0], "|") != strings.Join(exportHeader(i18n.For(i18n.En)), "|") || all[0][0] != "Member number" {
				t.Errorf("header %q", all[0])
			}
			andes := all[1]
			wantAndes := []string{seed[0].Number(), "organization", "Andes Data Trust", "安第斯数据信托", "", "ADT", "civil_society",
				"Civil society", "PE", "Peru", "SA", "South America", "https://andes.example.org", "info@andes.example.org", "active",
				"2023-07-01", "2024-06-30"}
			if strings.Join(andes, "|") != strings.Join(wantAndes, "|") {
				t.Errorf("row\n got %q\nwant %q", andes, wantAndes)
			}
			if all[2][4] != "雲端協作聯盟" || all[4][3] != "数字丝路研究院" {
				t.Errorf("Chinese names %q %q", all[2][4], all[4][3])
			}
			if all[3][2] != `Amina "Mina" Otieno, PhD` || all[3][14] != "suspended" {
				t.Errorf("quoted name and standing: %q", all[3])
			}
			if all[4][2] != `'=HYPERLINK("http://evil.example")` {
				t.Errorf("a formula is not neutralised: %q", all[4][2])
			}
			if all[5][14] != "lapsed" {
				t.Errorf("the lapsed member: %q", all[5])
			}
		})

		t.Run("XLSX: the same rows, bold frozen header, sized columns", func(t *testing.T) {
			r := w.get("/admin/members/export.xlsx", sec)
			if r.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", r.StatusCode, r.body)
			}
			if ct := r.Header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
				t.Errorf("Content-Type %q", ct)
			}
			if cd := r.Header.Get("Content-Disposition"); !strings.HasSuffix(cd, d.Now().Format(time.DateOnly)+".xlsx") {
				t.Errorf("Content-Disposition %q", cd)
			}
			x, sheet, rows := xlsxRows(t, r.body)
			sameRows(t, "all members", all, rows)
			if sheet != "Members" {
				t.Errorf("sheet %q", sheet)
			}
			id, err := x.GetCellStyle(sheet, "A1")
			if err != nil {
				t.Fatal(err)
			}
			st, err := x.GetStyle(id)
			if err != nil || st.Font == nil || !st.Font.Bold {
				t.Errorf("header style %+v %v", st, err)
			}
			panes, err := x.GetPanes(sheet)
			if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
				t.Errorf("panes %+v %v", panes, err)
			}
			if wd, err := x.GetColWidth(sheet, "C"); err != nil || wd != 40 {
				t.Errorf("width of C: %v %v", wd, err)
			}
		})

		t.Run("labels and header in the reader's language", func(t *testing.T) {
			csvZh := csvRows(t, w.get("/admin/members/export.csv", sec, "Accept-Language", "zh-TW").body)
			_, _, xlsxZh := xlsxRows(t, w.get("/admin/members/export.xlsx", sec, "Accept-Language", "zh-TW").body)
			sameRows(t, "zh-Hant", csvZh, xlsxZh)
			pe, _ := geo.Lookup("PE")
			row := csvZh[1]
			if csvZh[0][0] != "會員編號" || row[7] != "公民社會" || row[9] != pe.Name(i18n.ZhHant) || row[11] != "南美洲" || row[6] != "civil_society" {
				t.Errorf("zh-Hant header %q row %q", csvZh[0], row)
			}
		})

		t.Run("the directory's filters and standing", func(t *testing.T) {
			for _, tc := range []struct {
				query string
				want  []string // member numbers
			}{
				{"", []string{seed[0].Number(), seed[1].Number(), seed[2].Number(), seed[3].Number(), seed[4].Number()}},
				{"standing=active", []string{seed[0].Number(), seed[1].Number(), seed[3].Number()}},
				{"standing=lapsed", []string{seed[4].Number()}},
				{"standing=nonsense", []string{seed[0].Number(), seed[1].Number(), seed[2].Number(), seed[3].Number(), seed[4].Number()}},
				{"country=PE", []string{seed[0].Number()}},
				{"q=" + url.QueryEscape("云端协作"), []string{seed[1].Number()}}, // Simplified finds Traditional
				{"q=adt", []string{seed[0].Number()}},
				{"continent=AS", []string{seed[1].Number(), seed[3].Number()}},
				{"continent=AF&standing=suspended", []string{seed[2].Number()}},
				{"stakeholder_group=business", []string{seed[1].Number(), seed[4].Number()}},
				{"stakeholder_group=business&standing=active", []string{seed[1].Number()}},
				{"joined=2023", []string{seed[0].Number(), seed[1].Number()}},
			} {
				c := csvRows(t, w.get("/admin/members/export.csv?"+tc.query, sec).body)
				_, _, x := xlsxRows(t, w.get("/admin/members/export.xlsx?"+tc.query, sec).body)
				sameRows(t, tc.query, c, x)
				var got []string
				for _, r := range c[1:] {
					got = append(got, r[0])
				}
				if strings.Join(got, ",") != strings.Join(tc.want, ",") {
					t.Errorf("?%s: got %v, want %v", tc.query, got, tc.want)
				}
			}
		})

		t.Run("exports are audited", func(t *testing.T) {
			entries, _, err := audit.List(ctx, d, 200, 0)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, e := range entries {
				if e.Action == "member.export" && e.Actor == "sec@example.org" {
					n++
				}
			}
			if n == 0 {
				t.Error("no member.export in the audit log")
			}
		})

		t.Run("links keep the filters", func(t *testing.T) {
			q := url.Values{"country": {"PE"}, "page": {"3"}, "q": {"安第斯"}, "lang": {"en"}}
			l := newExportLinks(q)
			want := "?country=PE&q=" + url.QueryEscape("安第斯")
			if l.CSV != "/admin/members/export.csv"+want || l.XLSX != "/admin/members/export.xlsx"+want {
				t.Errorf("links %+v", l)
			}
			if l := newExportLinks(url.Values{}); l.CSV != "/admin/members/export.csv" {
				t.Errorf("links without filters %+v", l)
			}
		})
	})
}

// TestExportManyRows exports more rows than one buffer of either writer
// holds, and checks that both formats carry every one, the same.
func TestExportManyRows(t *testing.T) {
	if testing.Short() {
		t.Skip("many rows")
	}
	const n = 10_001
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWebHarness(t, d)
		// One statement makes them all: row by row takes long under -race.
		_, err := d.Exec(ctx, `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
			INSERT INTO members (kind, name_en, name_zh_hans, stakeholder_group, country, continent, contact_email, status,
				joined_on, term_ends_on, created_at, updated_at)
			SELECT 'organization', 'Member ' || i, '会员' || i,
				CASE i % 3 WHEN 0 THEN 'business' WHEN 1 THEN 'academia' ELSE 'civil_society' END,
				CASE i % 4 WHEN 0 THEN 'CN' WHEN 1 THEN 'KE' WHEN 2 THEN 'BR' ELSE 'DE' END,
				CASE i % 4 WHEN 0 THEN 'asia' WHEN 1 THEN 'africa' WHEN 2 THEN 'south_america' ELSE 'europe' END,
				'm' || i || '@example.org', 'active', '2024-01-01', '2025-01-01', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
			FROM n`, n-1)
		if err != nil {
			t.Fatal(err)
		}
		_, sec := w.signIn("sec@example.org", auth.RoleSecretariat)
		c := csvRows(t, w.get("/admin/members/export.csv", sec).body)
		_, _, x := xlsxRows(t, w.get("/admin/members/export.xlsx", sec).body)
		if len(c) != n+1 {
			t.Fatalf("%d CSV rows for %d members", len(c)-1, n)
		}
		sameRows(t, "many", c, x)
		if last := c[n]; last[2] != fmt.Sprintf("Member %d", n-1) || last[3] != fmt.Sprintf("会员%d", n-1) || last[9] != "China" {
			t.Errorf("last row %q", last)
		}
	})
}
