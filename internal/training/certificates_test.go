package training

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/crypt"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/db/dbtest"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
)

// TestCertificates: completers get a certificate, once; its statement
// verifies with the public key alone and names the holder in both
// scripts; a tampered statement or another key does not verify; a
// revoked certificate says so and why; the PDF carries the statement.
func TestCertificates(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		p := f.programme("certified", func(p *Programme) { p.Seats = 5 })
		ua := f.user()
		a := &Application{Name: "Nguyen Thi Lan", NameNative: "阮氏蘭", Country: "VN", Answers: map[string]string{"motivation": "x"}}
		if err := f.s.Apply(ctx, ua, p.Slug, a); err != nil {
			t.Fatal(err)
		}
		ub, b := f.apply(p.Slug, "KE")
		if _, err := f.s.Offer(ctx, f.sec, p.Slug, []int64{a.ID, b.ID}, today.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Respond(ctx, ua, a.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Respond(ctx, ub, b.ID, true); err != nil {
			t.Fatal(err)
		}
		x := &Session{Title: Text{En: "Day 1"}, Starts: today.Add(2 * time.Hour), Ends: today.Add(4 * time.Hour)}
		if err := f.s.AddSession(ctx, f.sec, p.Slug, x); err != nil {
			t.Fatal(err)
		}
		f.clock.set(today.Add(3 * time.Hour))
		if err := f.s.Attend(ctx, f.sec, p.Slug, x.ID, a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Issue(ctx, ua, p.Slug); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("issued by a participant: %v", err)
		}
		if n, err := f.s.Issue(ctx, f.sec, p.Slug); err != nil || n != 1 {
			t.Fatalf("issued %d, %v (b did not attend)", n, err)
		}
		if n, err := f.s.Issue(ctx, f.sec, p.Slug); err != nil || n != 0 {
			t.Fatalf("issued again %d, %v", n, err)
		}
		mine, err := f.s.MyCertificates(ctx, ua)
		if err != nil || len(mine) != 1 {
			t.Fatalf("my certificates %v, %v", mine, err)
		}
		c := mine[0]
		if !IsCertificateCode(c.Code) || IsCertificateCode("ABCD-EFGH-JKMN") || NormaliseCode(strings.ToLower(strings.ReplaceAll(c.Code, "-", ""))) != c.Code {
			t.Fatalf("code %q", c.Code)
		}
		st, err := VerifyToken(f.s.Keys.PublicKey(), c.Token)
		if err != nil || st.Code != c.Code || st.Holder != "Nguyen Thi Lan" || st.HolderNative != "阮氏蘭" || st.Hours != 40 {
			t.Fatalf("statement %+v, %v", st, err)
		}
		// Tampered: another holder in the statement, the signature kept.
		parts := strings.Split(c.Token, ".")
		forged := signToken(mustKeys(t, 2), Statement{Code: c.Code, Holder: "Someone Else"})
		if _, err := VerifyToken(f.s.Keys.PublicKey(), forged); err == nil {
			t.Error("a statement signed with another key verifies")
		}
		if _, err := VerifyToken(f.s.Keys.PublicKey(), parts[0]+"."+strings.Split(forged, ".")[1]+"."+parts[2]); err == nil {
			t.Error("a tampered statement verifies")
		}
		// The PDF carries the statement and both names.
		pdf, err := renderCertificate(c, "Global Internet Cooperation Forum", i18n.ZhHans, "https://wic.example")
		if err != nil {
			t.Fatal(err)
		}
		if TokenRE.FindString(string(pdf)) != c.Token {
			t.Error("the PDF does not carry the signed statement")
		}
		if text, err := pdfText(t, pdf); err == nil && (!strings.Contains(text, "阮氏蘭") || !strings.Contains(text, "Nguyen Thi Lan") || !strings.Contains(text, c.Code)) {
			t.Errorf("the PDF's text lacks a name or the code:\n%s", text)
		}
		// Reach: two applicants (Asia, Africa), both selected and taking
		// part, one completed.
		r, err := f.s.Reach(ctx, f.sec, p.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if r.Total != (Counts{Applicants: 2, Selected: 2, Participants: 2, Completed: 1}) || r.Total.CompletionRate() != 50 {
			t.Fatalf("reach %+v", r.Total)
		}
		byRegion := map[string]Counts{}
		for _, row := range r.By["region"] {
			byRegion[row.Key] = row.Counts
		}
		if byRegion["142"].Completed != 1 || byRegion["002"].Completed != 0 || byRegion["002"].Applicants != 1 {
			t.Fatalf("by region %+v", byRegion)
		}
		if _, err := f.s.Reach(ctx, ua, ""); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("reach for a participant: %v", err)
		}
		// Revoked: verification says so and why.
		if _, err := f.s.Revoke(ctx, f.sec, c.Code, " "); !errs.Fields(mustErr(t, err).Fields).Has("reason") {
			t.Fatalf("revoked without a reason: %v", err)
		}
		if _, err := f.s.Revoke(ctx, f.sec, c.Code, "Plagiarised assignment"); err != nil {
			t.Fatal(err)
		}
		got, err := f.s.Certificate(ctx, strings.ToLower(c.Code))
		if err != nil || got.RevokedAt == nil || got.Reason != "Plagiarised assignment" {
			t.Fatalf("after revocation %+v, %v", got, err)
		}
		if r, err := f.s.Reach(ctx, f.sec, ""); err != nil || r.Total.Completed != 0 || r.Total.Applicants != 2 {
			t.Fatalf("reach after the revocation %+v, %v", r, err)
		}
		if _, err := f.s.Certificate(ctx, "WZC-0000-0000-0000"); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("an unknown code: %v", err)
		}
	})
}

func mustKeys(t *testing.T, b byte) *crypt.Keys {
	secret := make([]byte, 32)
	secret[0] = b
	k, err := crypt.New(secret)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// pdfText is the PDF's text through pdftotext, or an error when poppler
// is not installed.
func pdfText(t *testing.T, pdf []byte) (string, error) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Log("pdftotext not installed: the PDF's text is not checked")
		return "", err
	}
	cmd := exec.Command("pdftotext", "-", "-")
	cmd.Stdin = strings.NewReader(string(pdf))
	out, err := cmd.Output()
	return string(out), err
}
