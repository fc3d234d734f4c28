package documents

// The pages of consultation, endorsements and votes: the consultation
// reading page with a comment link per paragraph, the comment form, the
// endorsement page, the vote and results pages (for everyone and
// representatives), and the secretariat's moderation and vote pages.
// Every page works without JavaScript.

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/members"
	"github.com/wuzhen/wuzhen/internal/tabular"
	"github.com/wuzhen/wuzhen/internal/web"
)

// Zones are the time zones the pages offer a reader; a reader may name
// any other IANA zone in the address (?tz=).
var Zones = []string{"UTC", "Asia/Shanghai", "Asia/Taipei", "Asia/Hong_Kong", "Asia/Tokyo", "Asia/Singapore", "Asia/Kolkata",
	"Asia/Dubai", "Europe/London", "Europe/Paris", "Europe/Moscow", "Africa/Nairobi", "Africa/Lagos", "Africa/Johannesburg",
	"America/New_York", "America/Chicago", "America/Los_Angeles", "America/Mexico_City", "America/Sao_Paulo", "Australia/Sydney",
	"Pacific/Auckland"}

const zoneCookie = "tz"

// readerZone is the reader's time zone: ?tz= (kept in a cookie for the
// next pages), else the cookie, else fallback.
func readerZone(c *web.Ctx, fallback string) string {
	if z := c.R.URL.Query().Get("tz"); validZone(z) {
		http.SetCookie(c.W, &http.Cookie{Name: zoneCookie, Value: z, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true,
			SameSite: http.SameSiteLaxMode, Secure: strings.HasPrefix(c.BaseURL(), "https://")})
		return z
	}
	if ck, err := c.R.Cookie(zoneCookie); err == nil && validZone(ck.Value) {
		return ck.Value
	}
	return fallback
}

// zoneChoice is the zone picker of a page.
type zoneChoice struct {
	Current string
	Zones   []string
	Action  string            // the page's address
	Keep    map[string]string // query values to keep (version)
}

func zonesFor(current, action string, keep map[string]string) zoneChoice {
	zs := Zones
	if !slices.Contains(zs, current) {
		zs = append([]string{current}, zs...)
	}
	return zoneChoice{Current: current, Zones: zs, Action: action, Keep: keep}
}

// ---- consultation reading page ----

type consultParagraph struct {
	Paragraph
	Plain   string
	Count   int
	Threads []*Comment
}

type consultPage struct {
	Doc        *Document
	C          *Consultation
	Version    *Version
	State      string
	Opens      string
	Closes     string
	Zone       zoneChoice
	Paragraphs []consultParagraph
	Total      int
	CanComment bool
	CanAnswer  bool
	Staff      bool
	Others     []*Consultation
}

func (h *Handlers) consultationPage(c *web.Ctx) error {
	var fe errs.Fields
	number := queryInt(c, "version", &fe)
	if err := fe.Err(); err != nil {
		return err
	}
	d, cs, err := h.Store.Consultation(c.Context(), c.R.PathValue("slug"), number)
	if err != nil {
		return err
	}
	v, err := h.Store.VersionByID(c.Context(), cs.VersionID)
	if err != nil {
		return err
	}
	staff := c.Can(PermManage)
	threads, err := h.Store.Comments(c.Context(), cs, staff)
	if err != nil {
		return err
	}
	counts, err := h.Store.CommentCounts(c.Context(), cs)
	if err != nil {
		return err
	}
	others, err := h.Store.Consultations(c.Context(), d.ID)
	if err != nil {
		return err
	}
	now := c.Now()
	zone := readerZone(c, cs.Timezone)
	pg := consultPage{Doc: d, C: cs, Version: v, State: cs.State(now), Opens: moment(c.P, cs.OpensAt, zone), Closes: moment(c.P, cs.ClosesAt, zone),
		Zone:       zonesFor(zone, "/documents/"+d.Slug+"/consultation", map[string]string{"version": strconv.Itoa(v.Number)}),
		CanComment: c.User != nil && cs.Open(now), Staff: staff, Others: others}
	pg.CanAnswer = pg.CanComment || (staff && pg.State == "closed")
	byPID := map[int][]*Comment{}
	for _, t := range threads {
		byPID[t.Paragraph] = append(byPID[t.Paragraph], t)
	}
	for _, p := range v.Paragraphs {
		cp := consultParagraph{Paragraph: p, Plain: p.Block().Plain(), Count: counts[p.ID], Threads: byPID[p.ID]}
		pg.Total += cp.Count
		pg.Paragraphs = append(pg.Paragraphs, cp)
	}
	return c.Render(http.StatusOK, "documents/consultation", pg)
}

// ---- the comment form ----

type commentFormPage struct {
	Doc       *Document
	C         *Consultation
	Version   *Version
	Paragraph consultParagraph
	Parent    *Comment
	Closes    string
	Countries []geo.Country
	Groups    []members.Group
	Lang      string
}

func (h *Handlers) commentTarget(c *web.Ctx, f *web.Form) (*commentFormPage, error) {
	version, _ := strconv.Atoi(f.Get("version"))
	d, cs, err := h.Store.Consultation(c.Context(), c.R.PathValue("slug"), version)
	if err != nil {
		return nil, err
	}
	v, err := h.Store.VersionByID(c.Context(), cs.VersionID)
	if err != nil {
		return nil, err
	}
	pg := &commentFormPage{Doc: d, C: cs, Version: v, Closes: moment(c.P, cs.ClosesAt, readerZone(c, cs.Timezone)),
		Countries: geo.Countries(), Groups: members.Groups, Lang: c.Lang}
	pid, _ := strconv.Atoi(f.Get("paragraph"))
	if parent, _ := strconv.ParseInt(f.Get("parent"), 10, 64); parent > 0 {
		p, err := h.Store.CommentByID(c.Context(), parent)
		if err != nil || p.ConsultationID != cs.ID || (p.Hidden && !c.Can(PermManage)) {
			return nil, errs.NotFoundError()
		}
		pg.Parent, pid = p, p.Paragraph
		f.Values.Set("paragraph", strconv.Itoa(pid))
	}
	i := slices.IndexFunc(v.Paragraphs, func(p Paragraph) bool { return p.ID == pid })
	if i < 0 {
		return nil, errs.NotFoundError()
	}
	p := v.Paragraphs[i]
	pg.Paragraph = consultParagraph{Paragraph: p, Plain: p.Block().Plain()}
	f.Values.Set("version", strconv.Itoa(v.Number))
	return pg, nil
}

func (h *Handlers) commentForm(c *web.Ctx) error {
	f := &web.Form{Values: url.Values{}}
	q := c.R.URL.Query()
	for _, k := range []string{"version", "paragraph", "parent"} {
		f.Values.Set(k, q.Get(k))
	}
	pg, err := h.commentTarget(c, f)
	if err != nil {
		return err
	}
	org, country, group := h.Store.CommenterDefaults(c.Context(), c.User.ID)
	f.Values.Set("organisation", org)
	f.Values.Set("country", country)
	f.Values.Set("stakeholder_group", group)
	f.Values.Set("amendment", pg.Paragraph.Text)
	return c.RenderForm(http.StatusOK, "documents/comment", f, pg)
}

func (h *Handlers) commentPost(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	pg, err := h.commentTarget(c, f)
	if err != nil {
		return err
	}
	in := CommentInput{Version: pg.Version.Number, Paragraph: pg.Paragraph.ID, Text: f.Get("text"), Organisation: f.Get("organisation"),
		Country: f.Get("country"), Group: f.Get("stakeholder_group")}
	if pg.Parent != nil {
		in.Parent = pg.Parent.ID
	}
	if f.Get("kind") == "amendment" && pg.Parent == nil {
		a := f.Get("amendment")
		in.Amendment = &a
	}
	cm, err := h.Store.AddComment(c.Context(), c.User, pg.Doc.Slug, in)
	if err != nil {
		return c.RenderForm(c.Fail(f, err), "documents/comment", f, pg)
	}
	return c.Redirect(fmt.Sprintf("/documents/%s/consultation?version=%d#c-%d", pg.Doc.Slug, pg.Version.Number, cm.ID))
}

// ---- endorsement page ----

type endorsePage struct {
	Doc       *Document
	Version   *Version
	Asked     string
	Members   []*members.ManagedMember
	Answers   map[int64]*Endorsement // by member
	Pending   []*members.ManagedMember
	Tally     Endorsements
	Lang      string
	Endorsers []*Endorsement
}

// endorsedVersion is the version a document's members are asked to
// endorse: ?version=, else the latest asked.
func (h *Handlers) endorsedVersion(c *web.Ctx, f *web.Form) (*Document, *Version, *time.Time, error) {
	slug := c.R.PathValue("slug")
	d, err := h.Store.Document(c.Context(), slug)
	if err != nil {
		return nil, nil, nil, err
	}
	number, _ := strconv.Atoi(f.Get("version"))
	list, err := h.Store.Versions(c.Context(), d.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, v := range list {
		if number != 0 && v.Number != number {
			continue
		}
		at, err := h.Store.EndorsementAsked(c.Context(), v.ID)
		if err != nil {
			return nil, nil, nil, err
		}
		if at != nil {
			full, err := h.Store.VersionByID(c.Context(), v.ID)
			return d, full, at, err
		}
	}
	return nil, nil, nil, errs.NotFoundError()
}

func (h *Handlers) renderEndorse(c *web.Ctx, status int, f *web.Form) error {
	d, v, at, err := h.endorsedVersion(c, f)
	if err != nil {
		return err
	}
	f.Values.Set("version", strconv.Itoa(v.Number))
	mine, err := h.Store.ActiveRepresented(c.Context(), c.User.ID)
	if err != nil {
		return err
	}
	all, err := h.Store.EndorsementList(c.Context(), v.ID)
	if err != nil {
		return err
	}
	tally, err := h.Store.EndorsementsOf(c.Context(), v.ID)
	if err != nil {
		return err
	}
	pg := endorsePage{Doc: d, Version: v, Asked: moment(c.P, *at, readerZone(c, "UTC")), Members: mine, Answers: map[int64]*Endorsement{},
		Tally: tally, Lang: c.Lang}
	for _, e := range all {
		if slices.ContainsFunc(mine, func(m *members.ManagedMember) bool { return m.ID == e.MemberID }) {
			pg.Answers[e.MemberID] = e
		}
	}
	for _, m := range mine {
		if pg.Answers[m.ID] == nil {
			pg.Pending = append(pg.Pending, m)
		}
	}
	if c.Can(PermManage) {
		pg.Endorsers = all
	}
	return c.RenderForm(status, "documents/endorse", f, pg)
}

func (h *Handlers) endorseForm(c *web.Ctx) error {
	f := &web.Form{Values: url.Values{"version": {c.R.URL.Query().Get("version")}, "decision": {Endorse}}}
	return h.renderEndorse(c, http.StatusOK, f)
}

func (h *Handlers) endorsePost(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(f.Get("version"))
	member, _ := strconv.ParseInt(f.Get("member"), 10, 64)
	slug := c.R.PathValue("slug")
	if _, err := h.Store.Endorse(c.Context(), c.User, slug, EndorseInput{Version: version, Decision: f.Get("decision"),
		Statement: f.Get("statement"), Member: member}); err != nil {
		status := c.Fail(f, err)
		if status == http.StatusForbidden {
			return err
		}
		return h.renderEndorse(c, status, f)
	}
	return c.Redirect(fmt.Sprintf("/documents/%s/endorse?version=%d", slug, version))
}

// ---- votes ----

type votePage struct {
	Vote     *Vote
	State    string
	Opens    string
	Closes   string
	Zone     zoneChoice
	Members  []*members.ManagedMember
	Own      map[int64]*Ballot
	Results  *Results
	Staff    bool
	Lang     string
	Document *Document
}

func (h *Handlers) votePageData(c *web.Ctx, withResults bool) (*votePage, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	v, err := h.Store.Vote(c.Context(), id)
	if err != nil {
		return nil, err
	}
	zone := readerZone(c, v.Timezone)
	now := h.Store.DB.Now()
	pg := &votePage{Vote: v, State: v.State(now), Opens: moment(c.P, v.OpensAt, zone), Closes: moment(c.P, v.ClosesAt, zone),
		Zone: zonesFor(zone, c.R.URL.Path, nil), Own: map[int64]*Ballot{}, Staff: c.Can(PermManage), Lang: c.Lang}
	if v.DocumentSlug != "" {
		if pg.Document, err = h.Store.Document(c.Context(), v.DocumentSlug); err != nil {
			return nil, err
		}
	}
	if c.User != nil {
		if pg.Members, err = h.Store.ActiveRepresented(c.Context(), c.User.ID); err != nil {
			return nil, err
		}
		for _, m := range pg.Members {
			b, err := h.Store.OwnBallot(c.Context(), v.ID, m.ID)
			if err != nil {
				return nil, err
			}
			pg.Own[m.ID] = b
		}
	}
	if withResults {
		// The store alone decides whether the vote has closed.
		if pg.Results, err = h.Store.Results(c.Context(), v.ID, pg.Staff); err != nil && errs.CodeOf(err) != errs.Conflict {
			return nil, err
		}
	}
	return pg, nil
}

func (h *Handlers) votePage(c *web.Ctx) error {
	pg, err := h.votePageData(c, false)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "documents/vote", pg)
}

func (h *Handlers) voteResultsPage(c *web.Ctx) error {
	pg, err := h.votePageData(c, true)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "documents/vote_results", pg)
}

func (h *Handlers) ballotPost(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	member, _ := strconv.ParseInt(f.Get("member"), 10, 64)
	if err := h.Store.Cast(c.Context(), c.User, id, f.Get("option"), member); err != nil {
		status := c.Fail(f, err)
		if status == http.StatusForbidden || status == http.StatusNotFound {
			return err
		}
		pg, perr := h.votePageData(c, false)
		if perr != nil {
			return perr
		}
		return c.RenderForm(status, "documents/vote", f, pg)
	}
	return c.Redirect(fmt.Sprintf("/votes/%d?cast=1", id))
}

// ---- the secretariat's pages ----

type consultAdminRow struct {
	Doc           *Document
	Consultations []*Consultation
}

func (h *Handlers) adminConsultations(c *web.Ctx) error {
	docs, err := h.Store.Documents(c.Context(), Filter{})
	if err != nil {
		return err
	}
	var rows []consultAdminRow
	for _, d := range docs {
		cs, err := h.Store.Consultations(c.Context(), d.ID)
		if err != nil {
			return err
		}
		rows = append(rows, consultAdminRow{Doc: d, Consultations: cs})
	}
	votes, err := h.Store.Votes(c.Context())
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "documents/admin_consultations", map[string]any{"Rows": rows, "Votes": votes, "Lang": c.Lang,
		"Now": c.Now()})
}

type moderationPage struct {
	Doc      *Document
	Versions []*Version
	C        *Consultation
	Threads  []*Comment
	Counts   map[int]int
	Opens    string
	Closes   string
	State    string
	Zones    []string
	Credits  []Credit
	Asked    map[int]bool
	Endorsed map[int]int
	Lang     string
	Consults []*Consultation
	Saved    int // the version just saved with the accepted amendments
}

func (h *Handlers) renderModeration(c *web.Ctx, status int, f *web.Form) error {
	slug := c.R.PathValue("slug")
	d, err := h.Store.Document(c.Context(), slug)
	if err != nil {
		return err
	}
	versions, err := h.Store.Versions(c.Context(), d.ID)
	if err != nil {
		return err
	}
	consults, err := h.Store.Consultations(c.Context(), d.ID)
	if err != nil {
		return err
	}
	pg := moderationPage{Doc: d, Versions: versions, Zones: Zones, Asked: map[int]bool{}, Endorsed: map[int]int{}, Lang: c.Lang, Consults: consults}
	pg.Saved, _ = strconv.Atoi(c.R.URL.Query().Get("saved"))
	for _, v := range versions {
		at, err := h.Store.EndorsementAsked(c.Context(), v.ID)
		if err != nil {
			return err
		}
		if at != nil {
			pg.Asked[v.Number] = true
			e, err := h.Store.EndorsementsOf(c.Context(), v.ID)
			if err != nil {
				return err
			}
			pg.Endorsed[v.Number] = e.Count
		}
	}
	number, _ := strconv.Atoi(c.R.URL.Query().Get("version"))
	if len(consults) > 0 {
		if number == 0 {
			number = consults[0].VersionNumber
		}
		if i := slices.IndexFunc(consults, func(x *Consultation) bool { return x.VersionNumber == number }); i >= 0 {
			pg.C = consults[i]
		}
	}
	if pg.C != nil {
		zone := readerZone(c, pg.C.Timezone)
		pg.Opens, pg.Closes, pg.State = moment(c.P, pg.C.OpensAt, zone), moment(c.P, pg.C.ClosesAt, zone), pg.C.State(c.Now())
		if pg.Threads, err = h.Store.Comments(c.Context(), pg.C, true); err != nil {
			return err
		}
		if pg.Counts, err = h.Store.CommentCounts(c.Context(), pg.C); err != nil {
			return err
		}
		if _, pg.Credits, err = h.Store.AmendedBody(c.Context(), d, pg.C); err != nil && errs.CodeOf(err) != errs.NotFound {
			return err
		}
	}
	if f == nil {
		f = &web.Form{Values: url.Values{"timezone": {"UTC"}}}
	}
	return c.RenderForm(status, "documents/moderation", f, pg)
}

func (h *Handlers) moderation(c *web.Ctx) error { return h.renderModeration(c, http.StatusOK, nil) }

func (h *Handlers) moderationURL(slug string, version int) string {
	if version == 0 {
		return "/admin/documents/" + slug + "/consultation"
	}
	return fmt.Sprintf("/admin/documents/%s/consultation?version=%d", slug, version)
}

// localTime reads a datetime-local value in zone.
func localTime(s, zone, field string, fe *errs.Fields) time.Time {
	if s == "" {
		fe.Add(field, "consultation.time_required")
		return time.Time{}
	}
	t, err := time.ParseInLocation("2006-01-02T15:04", s, zoneOf(zone))
	if err != nil {
		fe.Add(field, "consultation.time_invalid")
	}
	return t
}

func (h *Handlers) openPost(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	slug := c.R.PathValue("slug")
	version, _ := strconv.Atoi(f.Get("version"))
	zone := f.Get("timezone")
	var fe errs.Fields
	in := ConsultationInput{Version: version, Timezone: zone, OpensAt: localTime(f.Get("opens_at"), zone, "opens_at", &fe),
		ClosesAt: localTime(f.Get("closes_at"), zone, "closes_at", &fe)}
	err = fe.Err()
	if err == nil {
		_, err = h.Store.OpenConsultation(c.Context(), c.User, slug, in)
	}
	if err != nil {
		return h.renderModeration(c, c.Fail(f, err), f)
	}
	return c.Redirect(h.moderationURL(slug, version))
}

// commentAction runs a secretariat's action on a comment and goes back to
// its moderation page.
func (h *Handlers) commentAction(c *web.Ctx, act func(id int64, f *web.Form) error) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	cm, err := h.Store.CommentByID(c.Context(), id)
	if err != nil {
		return err
	}
	slug, number, err := h.Store.consultationOf(c.Context(), cm.ConsultationID)
	if err != nil {
		return err
	}
	if err := act(id, f); err != nil {
		if errs.CodeOf(err) == errs.Invalid || errs.CodeOf(err) == errs.Conflict {
			c.R.SetPathValue("slug", slug)
			q := c.R.URL.Query()
			q.Set("version", strconv.Itoa(number))
			c.R.URL.RawQuery = q.Encode()
			return h.renderModeration(c, c.Fail(f, err), f)
		}
		return err
	}
	return c.Redirect(fmt.Sprintf("%s#c-%d", h.moderationURL(slug, number), id))
}

func (h *Handlers) hidePost(c *web.Ctx) error {
	return h.commentAction(c, func(id int64, f *web.Form) error {
		return h.Store.HideComment(c.Context(), c.User, id, f.Get("reason"))
	})
}

func (h *Handlers) decidePost(c *web.Ctx) error {
	return h.commentAction(c, func(id int64, f *web.Form) error {
		_, err := h.Store.DecideAmendment(c.Context(), c.User, id, f.Get("decision"), f.Get("note"))
		return err
	})
}

func (h *Handlers) carryPost(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	slug := c.R.PathValue("slug")
	number, _ := strconv.Atoi(f.Get("version"))
	v, _, err := h.Store.CarryAmendments(c.Context(), c.User, slug, number, c.P.T("consultation.carry.note"))
	if err != nil {
		return h.renderModeration(c, c.Fail(f, err), f)
	}
	return c.Redirect(fmt.Sprintf("%s&saved=%d", h.moderationURL(slug, number), v.Number))
}

func (h *Handlers) askPost(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	slug := c.R.PathValue("slug")
	number, _ := strconv.Atoi(f.Get("version"))
	if number <= 0 {
		var fe errs.Fields
		fe.Add("version", "documents.version_required")
		return h.renderModeration(c, c.Fail(f, fe.Err()), f)
	}
	if _, err := h.Store.AskEndorsement(c.Context(), c.User, slug, number, c.BaseURL()); err != nil {
		return h.renderModeration(c, c.Fail(f, err), f)
	}
	return c.Redirect(h.moderationURL(slug, 0))
}

func (h *Handlers) exportComments(c *web.Ctx, xlsx bool) error {
	var fe errs.Fields
	number := queryInt(c, "version", &fe)
	if err := fe.Err(); err != nil {
		return err
	}
	d, cs, err := h.Store.Consultation(c.Context(), c.R.PathValue("slug"), number)
	if err != nil {
		return err
	}
	rows, err := h.Store.ExportComments(c.Context(), cs)
	if err != nil {
		return err
	}
	p := c.P
	t := tabular.Table{
		File:  fmt.Sprintf("comments-%s-v%d", d.Slug, cs.VersionNumber),
		Sheet: p.T("consultation.export.sheet"),
		Header: []string{p.T("consultation.export.id"), p.T("consultation.export.paragraph_id"), p.T("consultation.export.paragraph"),
			p.T("consultation.export.reply_to"), p.T("consultation.export.name"), p.T("consultation.export.email"),
			p.T("consultation.export.organisation"), p.T("consultation.export.country"), p.T("consultation.export.group"),
			p.T("consultation.export.text"), p.T("consultation.export.amendment"), p.T("consultation.export.decision"),
			p.T("consultation.export.carried"), p.T("consultation.export.hidden"), p.T("consultation.export.created")},
		Widths: []float64{8, 10, 10, 10, 24, 28, 28, 8, 20, 60, 60, 12, 10, 30, 22},
	}
	i := 0
	t.Next = func() ([]string, bool, error) {
		if i >= len(rows) {
			return nil, false, nil
		}
		r := rows[i]
		i++
		cm := r.Comment
		parent, decision, carried, hidden := "", "", "", ""
		if cm.ParentID != 0 {
			parent = strconv.FormatInt(cm.ParentID, 10)
		}
		if cm.Decision != "" {
			decision = p.T("consultation.decision." + cm.Decision)
		} else if cm.IsAmendment {
			decision = p.T("consultation.decision.open")
		}
		if cm.CarriedIn != 0 {
			carried = strconv.Itoa(cm.CarriedIn)
		}
		if cm.Hidden {
			hidden = cm.HiddenReason
		}
		group := ""
		if cm.Group != "" {
			group = p.T("members.group." + cm.Group)
		}
		return []string{strconv.FormatInt(cm.ID, 10), strconv.Itoa(cm.Paragraph), strconv.Itoa(r.Number), parent, tabular.Text(cm.Name),
			r.Email, tabular.Text(cm.Organisation), cm.Country, group, tabular.Text(cm.Body), tabular.Text(cm.Amendment), decision,
			carried, tabular.Text(hidden), cm.Created.UTC().Format(time.RFC3339)}, true, nil
	}
	if xlsx {
		return tabular.XLSX(c, t)
	}
	return tabular.CSV(c, t)
}

func (h *Handlers) exportCSV(c *web.Ctx) error  { return h.exportComments(c, false) }
func (h *Handlers) exportXLSX(c *web.Ctx) error { return h.exportComments(c, true) }

type adminVotesPage struct {
	Votes []*Vote
	Zones []string
	Docs  []*Document
	Lang  string
	Now   time.Time
}

func (h *Handlers) renderAdminVotes(c *web.Ctx, status int, f *web.Form) error {
	votes, err := h.Store.Votes(c.Context())
	if err != nil {
		return err
	}
	docs, err := h.Store.Documents(c.Context(), Filter{})
	if err != nil {
		return err
	}
	if f == nil {
		f = &web.Form{Values: url.Values{"timezone": {"UTC"}, "quorum": {"0"}}}
	}
	return c.RenderForm(status, "documents/admin_votes", f, adminVotesPage{Votes: votes, Zones: Zones, Docs: docs, Lang: c.Lang, Now: c.Now()})
}

func (h *Handlers) adminVotes(c *web.Ctx) error { return h.renderAdminVotes(c, http.StatusOK, nil) }

func (h *Handlers) adminVotePost(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	zone := f.Get("timezone")
	var fe errs.Fields
	quorum, qerr := strconv.Atoi(strings.TrimSpace(f.Get("quorum")))
	if qerr != nil {
		quorum = -1
	}
	version, _ := strconv.Atoi(f.Get("version"))
	var options []string
	for _, line := range strings.Split(f.Get("options"), "\n") {
		if s := strings.TrimSpace(line); s != "" {
			options = append(options, s)
		}
	}
	in := VoteInput{Title: Text{En: f.Get("title_en"), Hans: f.Get("title_zh_hans"), Hant: f.Get("title_zh_hant")}, Document: f.Get("document"),
		Version: version, Options: options, OpensAt: localTime(f.Get("opens_at"), zone, "opens_at", &fe),
		ClosesAt: localTime(f.Get("closes_at"), zone, "closes_at", &fe), Timezone: zone, Quorum: quorum, Open: f.Get("open") == "1"}
	err = fe.Err()
	var v *Vote
	if err == nil {
		v, err = h.Store.CreateVote(c.Context(), c.User, in)
	}
	if err != nil {
		return h.renderAdminVotes(c, c.Fail(f, err), f)
	}
	return c.Redirect(fmt.Sprintf("/votes/%d", v.ID))
}
