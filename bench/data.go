package main

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/calls"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/demo"
	"github.com/wuzhen/wuzhen/internal/documents"
	"github.com/wuzhen/wuzhen/internal/events"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/jobs"
	"github.com/wuzhen/wuzhen/internal/mail"
	"github.com/wuzhen/wuzhen/internal/members"
	"github.com/wuzhen/wuzhen/internal/pagecache"
	"github.com/wuzhen/wuzhen/internal/search"
	"github.com/wuzhen/wuzhen/internal/site"
	"github.com/wuzhen/wuzhen/internal/training"
	"github.com/wuzhen/wuzhen/internal/zh"
)

// migrations is the list of cmd/wuzhen/app.go, in the same order: the
// unexported list of package main there cannot be imported.
// TestMigrationsMatchApp fails when the two differ.
var migrations = []db.Migrations{
	jobs.Migrations, mail.Migrations, audit.Migrations, pagecache.Migrations, search.Migrations, auth.Migrations, site.Migrations,
	members.Migrations, events.Migrations,
	calls.Migrations, documents.Migrations, training.Migrations,
}

// loadStats says how the members were loaded.
type loadStats struct {
	Members int
	Took    time.Duration
	IDs     []int64 // every member's id, in the order added
	Picks   []int64 // a few members of different kinds and languages, for profile pages
	Event   string  // the page of the newest demo summit (pages only)
}

// loadMembers migrates the database at url exactly as the server would and
// adds n generated members through members.Store.Add (one transaction
// each, as the secretariat's import does), workers at a time.
func loadMembers(ctx context.Context, url string, n, workers int, seed uint64) (*loadStats, error) {
	d, err := db.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	if err := d.Migrate(ctx, migrations...); err != nil {
		return nil, err
	}
	store := &members.Store{DB: d, BaseURL: "http://127.0.0.1"}
	gen := newGenerator(seed, time.Now().UTC())
	list := make([]*members.Member, n)
	for i := range list {
		list[i] = gen.member(i)
	}
	start := time.Now()
	by := &actor.Actor{Email: "bench"}
	if workers < 1 {
		workers = 1
	}
	jobs := make(chan *members.Member)
	errc := make(chan error, workers)
	for range workers {
		go func() {
			for m := range jobs {
				if err := store.Add(ctx, by, m); err != nil {
					errc <- fmt.Errorf("add member %q: %w", m.Name.For("en"), err)
					for range jobs {
					}
					return
				}
			}
			errc <- nil
		}()
	}
	var firstErr error
feed:
	for _, m := range list {
		select {
		case jobs <- m:
		case err := <-errc:
			firstErr = err
			workers--
			break feed
		case <-ctx.Done():
			firstErr = ctx.Err()
			break feed
		}
	}
	close(jobs)
	for range workers {
		if err := <-errc; err != nil && firstErr == nil {
			firstErr = err
		}
	}
	if firstErr != nil {
		return nil, firstErr
	}
	ls := &loadStats{Members: n, Took: time.Since(start)}
	for _, m := range list {
		ls.IDs = append(ls.IDs, m.ID)
	}
	ls.Picks = pickProfiles(list)
	return ls, nil
}

// pickProfiles returns up to five members for profile pages: an English
// organisation, a Simplified Chinese one, a Traditional Chinese one, one
// named in several languages, and an individual.
func pickProfiles(list []*members.Member) []int64 {
	tests := []func(m *members.Member) bool{
		func(m *members.Member) bool {
			return m.Kind == members.Organization && m.Name.Hans == "" && m.Name.Hant == ""
		},
		func(m *members.Member) bool { return m.Name.Hans != "" && m.Name.En == "" && m.Name.Hant == "" },
		func(m *members.Member) bool { return m.Name.Hant != "" && m.Name.En == "" && m.Name.Hans == "" },
		func(m *members.Member) bool { return m.Name.En != "" && (m.Name.Hans != "" || m.Name.Hant != "") },
		func(m *members.Member) bool { return m.Kind == members.Individual },
	}
	var out []int64
	picked := map[int64]bool{}
	// Look from the middle of the list on, so that the picks are not all
	// the first rows of the table.
	for _, ok := range tests {
		for i := range list {
			m := list[(len(list)/2+i*7919)%len(list)]
			if ok(m) && m.ID != 0 && !picked[m.ID] {
				picked[m.ID] = true
				out = append(out, m.ID)
				break
			}
		}
	}
	return out
}

// generator makes varied, plausible, fictional members, the same ones for
// the same seed and day.
type generator struct {
	r         *rand.Rand
	today     time.Time
	countries []geo.Country // every country with a continent, in a seeded order
	cum       []float64     // cumulative Zipf-like weights over countries
	chinese   []geo.Country // CN, HK, TW, MO
}

func newGenerator(seed uint64, today time.Time) *generator {
	g := &generator{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), today: today.Truncate(24 * time.Hour)}
	for _, c := range geo.Countries() {
		if c.Continent == "" {
			continue // Antarctica
		}
		g.countries = append(g.countries, c)
		switch c.Code {
		case "CN", "HK", "TW", "MO":
			g.chinese = append(g.chinese, c)
		}
	}
	g.r.Shuffle(len(g.countries), func(i, j int) { g.countries[i], g.countries[j] = g.countries[j], g.countries[i] })
	sum := 0.0
	for i := range g.countries {
		sum += 1 / math.Pow(float64(i+1), 0.8)
		g.cum = append(g.cum, sum)
	}
	return g
}

func (g *generator) pick(ss []string) string { return ss[g.r.IntN(len(ss))] }

// country draws a country: one member in eight from the Chinese-speaking
// economies, the rest Zipf-like over every country, so that at 10,000
// members every country has some.
func (g *generator) country() geo.Country {
	if g.r.IntN(8) == 0 {
		return g.chinese[[]int{0, 0, 0, 0, 1, 1, 2, 3}[g.r.IntN(8)]%len(g.chinese)]
	}
	x := g.r.Float64() * g.cum[len(g.cum)-1]
	lo, hi := 0, len(g.cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if g.cum[mid] < x {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return g.countries[lo]
}

// groupWeights are the stakeholder groups' shares, in members.Groups order.
var groupWeights = []int{8, 4, 25, 18, 20, 15, 10}

func (g *generator) group() members.Group {
	x := g.r.IntN(100)
	for i, w := range groupWeights {
		if x < w {
			return members.Groups[i]
		}
		x -= w
	}
	return members.Groups[len(members.Groups)-1]
}

var (
	enTopics = []string{"Internet", "Digital", "Data", "Cybersecurity", "Open Source", "Broadband", "Digital Rights",
		"AI Ethics", "E-Commerce", "Cloud Computing", "Smart City", "Digital Inclusion", "Internet Governance",
		"Domain Name", "Telecommunications", "Online Safety", "Digital Literacy", "Fintech", "Satellite", "Network"}
	enPlaces = []string{"Lanchuan", "Northern", "Coastal", "Highland", "Riverside", "Eastern", "Western", "Southern",
		"Central", "Metropolitan", "Valley", "Lakeside", "Harbour", "Capital", "Delta", "Island"}
	hansTopics = []string{"互联网", "数字", "数据", "网络安全", "开源", "宽带", "数字权利", "人工智能伦理", "电子商务",
		"云计算", "智慧城市", "数字包容", "互联网治理", "域名", "电信", "网络素养", "金融科技", "卫星通信", "网络"}
	hansPlaces = []string{"澜川", "青岚", "云溪", "临江", "北辰", "南湖", "东海", "西岭", "明州", "新港", "春城", "金沙",
		"清源", "长风", "海宁", "白石"}
	enGiven   = []string{"Amina", "Kofi", "Ana", "Ivan", "Priya", "Mateo", "Fatima", "Lars", "Yuki", "Olumide", "Sofia", "Tariq", "Elena", "Kwame", "Leila", "Diego", "Ngozi", "Hannah", "Rahul", "Camila"}
	enFamily  = []string{"Mensah", "Souza", "Petrov", "Sharma", "García", "Haddad", "Nilsson", "Tanaka", "Okafor", "Rossi", "Khan", "Ivanova", "Boateng", "Karimi", "López", "Eze", "Müller", "Gupta", "Silva", "Dubois"}
	hanFamily = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "梁"}
	hanGiven  = []string{"伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "雅婷", "志强", "秀英", "建华", "晓明", "海燕", "国庆", "子涵", "嘉怡"}
)

// names returns a name in the mix of languages usual for the country.
func (g *generator) names(c geo.Country, grp members.Group) (members.Names, string) {
	var en, hans string
	acronym := ""
	place := g.pick(enPlaces)
	if g.r.IntN(2) == 0 {
		place = c.Name("en")
	}
	hplace := g.pick(hansPlaces)
	if g.r.IntN(2) == 0 {
		hplace = c.Name("zh-Hans")
	}
	topic, htopic := g.pick(enTopics), g.pick(hansTopics)
	switch grp {
	case members.IndividualGroup:
		en = g.pick(enGiven) + " " + g.pick(enFamily)
		hans = g.pick(hanFamily) + g.pick(hanGiven)
	case members.Government:
		en = g.pick([]string{"National " + topic + " Agency", place + " " + topic + " Authority", "Office of the " + topic + " Commissioner"})
		hans = hplace + htopic + g.pick([]string{"管理局", "委员会", "发展中心"})
	case members.InternationalOrganization:
		en = g.pick([]string{"International " + topic + " Union", c.Continent.Name("en") + " " + topic + " Organisation", "Global " + topic + " Alliance"})
		hans = g.pick([]string{"国际", "全球", c.Continent.Name("zh-Hans")}) + htopic + g.pick([]string{"联盟", "组织", "合作组织"})
	case members.Business:
		en = place + " " + topic + g.pick([]string{" Co., Ltd.", " Technologies", " Group", " Networks Inc.", " Solutions"})
		hans = hplace + htopic + g.pick([]string{"科技有限公司", "集团", "网络股份有限公司", "信息技术有限公司"})
	case members.TechnicalCommunity:
		en = place + " " + g.pick([]string{"Network Operators Group", "Internet Exchange", topic + " Registry", "CERT", topic + " Engineering Forum"})
		hans = hplace + g.pick([]string{"网络运营者协会", "互联网交换中心", htopic + "技术社群", "应急响应中心"})
	case members.CivilSociety:
		en = place + " " + topic + g.pick([]string{" Foundation", " Coalition", " Society", " Association", " Initiative"})
		hans = hplace + htopic + g.pick([]string{"促进会", "基金会", "协会", "公益联盟"})
	case members.Academia:
		en = g.pick([]string{topic + " Research Centre, " + place + " University", "Institute of " + topic + ", University of " + place, place + " Institute of Technology"})
		hans = hplace + "大学" + htopic + g.pick([]string{"研究院", "研究中心", "实验室"})
	}
	if grp != members.IndividualGroup && g.r.IntN(10) < 4 {
		acronym = acronymOf(en)
	}
	// The mix of scripts: Chinese-speaking economies mostly in Chinese,
	// the others mostly in English.
	x := g.r.IntN(100)
	var n members.Names
	switch c.Code {
	case "CN":
		switch {
		case x < 50:
			n = members.Names{Hans: hans}
		case x < 80:
			n = members.Names{En: en, Hans: hans}
		case x < 90:
			n = members.Names{En: en}
		default:
			n = members.Names{En: en, Hans: hans, Hant: zh.ToHant(hans)}
		}
	case "HK", "TW", "MO":
		switch {
		case x < 40:
			n = members.Names{Hant: zh.ToHant(hans)}
		case x < 75:
			n = members.Names{En: en, Hant: zh.ToHant(hans)}
		case x < 90:
			n = members.Names{En: en}
		default:
			n = members.Names{En: en, Hans: hans, Hant: zh.ToHant(hans)}
		}
	default:
		switch {
		case x < 85:
			n = members.Names{En: en}
		case x < 95:
			n = members.Names{En: en, Hans: hans}
		default:
			n = members.Names{Hans: hans}
		}
	}
	return n, acronym
}

func acronymOf(s string) string {
	var b strings.Builder
	for _, w := range strings.Fields(s) {
		if r := []rune(w)[0]; r >= 'A' && r <= 'Z' {
			b.WriteRune(r)
		}
	}
	if b.Len() < 2 || b.Len() > 20 {
		return ""
	}
	return b.String()
}

// member returns the i-th generated member.
func (g *generator) member(i int) *members.Member {
	c := g.country()
	grp := g.group()
	kind := members.Organization
	if grp == members.IndividualGroup {
		kind = members.Individual
	}
	n, acronym := g.names(c, grp)
	slug := fmt.Sprintf("m%05d", i+1)
	if acronym != "" {
		slug = strings.ToLower(acronym) + "-" + slug
	}
	m := &members.Member{
		Kind: kind, Name: n, Acronym: acronym, Group: grp, Country: c.Code,
		ContactEmail: "contact@" + slug + ".example.org",
	}
	if kind == members.Organization {
		m.Website = "https://" + slug + ".example.org"
	}
	topic := strings.ToLower(g.pick(enTopics))
	if n.En != "" {
		m.Description.En = fmt.Sprintf("Works on %s in %s: research, training and practice shared with peers across the region.", topic, c.Name("en"))
	}
	if n.Hans != "" || n.Hant != "" {
		m.Description.Hans = fmt.Sprintf("在%s开展%s领域的研究、培训与实践交流。", c.Name("zh-Hans"), g.pick(hansTopics))
	}
	// Joined over the last eight years, more recently more often; the term
	// is renewed up to the next anniversary after today.
	days := int(8 * 365 * math.Pow(g.r.Float64(), 1.4))
	joined := g.today.AddDate(0, 0, -days)
	term := joined.AddDate(1, 0, 0)
	for !term.After(g.today) {
		term = term.AddDate(1, 0, 0)
	}
	m.JoinedOn, m.TermEndsOn = joined.Format(time.DateOnly), term.Format(time.DateOnly)
	return m
}

// loadEvent adds the demo's summits, forums, registrations and programme
// (as serve --demo does) and returns the page of the newest summit, for
// the pages scenario.
func loadEvent(ctx context.Context, url string) (string, error) {
	d, err := db.Open(ctx, url)
	if err != nil {
		return "", err
	}
	defer d.Close()
	users := &auth.Store{DB: d, Params: auth.DefaultParams}
	staff, err := users.Create(ctx, "bench-secretariat@example.org", "Bench Secretariat", "", auth.RoleSecretariat)
	if err != nil {
		return "", err
	}
	slug, err := demo.Events(ctx, &events.Store{DB: d, BaseURL: "http://127.0.0.1"},
		&actor.Actor{ID: staff.ID, Email: staff.Email, Name: staff.Name})
	if err != nil {
		return "", fmt.Errorf("load events: %w", err)
	}
	return "/events/" + slug, nil
}
