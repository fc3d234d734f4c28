package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/events"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/members"
)

// themes of the fictional summits, 2014 on; the newest edition takes the last.
var themes = []i18n.Text{
	{En: "Connecting the world, governing together", Hans: "互联互通，共享共治"},
	{En: "A shared future in cyberspace", Hans: "共建网络空间命运共同体"},
	{En: "Innovation for the benefit of all", Hans: "创新驱动，造福人类"},
	{En: "An open and shared digital economy", Hans: "发展数字经济，促进开放共享"},
	{En: "A digital world of mutual trust", Hans: "创造互信共治的数字世界"},
	{En: "Intelligent connection, open cooperation", Hans: "智能互联，开放合作"},
	{En: "Digital empowerment for a shared future", Hans: "数字赋能，共创未来"},
	{En: "Towards a new era of digital civilisation", Hans: "迈向数字文明新时代"},
	{En: "A connected world shared by all", Hans: "共建网络世界，共创数字未来"},
	{En: "An inclusive and resilient digital world", Hans: "构建包容、普惠、有韧性的数字世界"},
	{En: "A people-centred digital future, AI for good", Hans: "以人为本、智能向善的数字未来"},
	{En: "Digital cooperation for sustainable development", Hans: "数字合作促进可持续发展"},
	{En: "Bridging the digital divide together", Hans: "携手弥合数字鸿沟"},
	{En: "Open networks, trusted data, shared prosperity", Hans: "开放网络，可信数据，共同繁荣"},
}

// forums of the newest edition: title, topic, and kind when not a sector
// forum.
var forums = []struct {
	en, hans, topic string
	kind            events.Kind
}{
	{"Opening ceremony and plenary", "开幕式暨全体会议", "governance", events.CeremonyEvent},
	{"Forum on artificial intelligence", "人工智能论坛", "ai", ""},
	{"Forum on 5G and the next networks", "5G与下一代网络论坛", "5g", ""},
	{"IPv6 deployment forum", "IPv6规模部署论坛", "ipv6", ""},
	{"Cloud computing and open source forum", "云计算与开源论坛", "cloud", ""},
	{"Data governance forum", "数据治理论坛", "data", ""},
	{"Digital economy forum", "数字经济论坛", "digital_economy", ""},
	{"Cybersecurity and protection of critical infrastructure", "网络安全与关键信息基础设施保护论坛", "cybersecurity", ""},
	{"Forum on the rule of law in cyberspace", "网络法治论坛", "governance", ""},
	{"Online cultural exchange forum", "网上文化交流论坛", "culture", ""},
	{"Youth and the internet forum", "青年与互联网论坛", "youth", ""},
	{"Digital skills for developing countries", "发展中国家数字能力建设论坛", "development", ""},
	{"Smart cities forum", "智慧城市论坛", "smart_cities", ""},
	{"Cross-border e-commerce forum", "跨境电子商务论坛", "digital_economy", ""},
	{"Internet infrastructure forum", "互联网基础设施论坛", "infrastructure", ""},
	{"Forum on the Digital Silk Road", "数字丝绸之路论坛", "development", ""},
	{"Women in technology forum", "科技女性论坛", "development", ""},
	{"Forum on children's online protection", "未成年人网络保护论坛", "cybersecurity", ""},
	{"Internet media forum", "网络传播论坛", "culture", ""},
	{"Closing session and outcome documents", "闭幕式暨成果发布", "governance", events.PlenaryEvent},
}

// between are regional and sector events held between editions.
var between = []struct {
	slug        string
	kind        events.Kind
	en, hans    string
	venue, code string
	online      bool
	topic       string
	month       time.Month
}{
	{"asia-pacific-forum", events.RegionalForum, "Asia-Pacific Regional Forum", "亚太区域论坛", "Bangkok", "TH", false, "development", time.April},
	{"africa-forum", events.RegionalForum, "Africa Digital Cooperation Forum", "非洲数字合作论坛", "Nairobi", "KE", false, "infrastructure", time.June},
	{"youth-exchange", events.YouthExchange, "Global Youth Exchange", "全球青年交流活动", "Hangzhou", "CN", false, "youth", time.July},
	{"ai-dialogue", events.Dialogue, "Dialogue on artificial intelligence", "人工智能对话", "", "", true, "ai", time.May},
	{"ipv6-dialogue", events.Dialogue, "Dialogue on IPv6", "IPv6对话", "", "", true, "ipv6", time.March},
	{"cloud-forum", events.SectorForum, "Cloud computing forum", "云计算论坛", "Singapore", "SG", false, "cloud", time.September},
}

// loadEvents adds the summit editions from 2014 on, the events between
// them, and, for the newest edition (six weeks ahead of now, so that its
// registration is open), 20 forums and 2,000 fictional registrations from
// more than 100 countries and regions.
//
// Events does the same on its own, for bench's event pages: it returns the
// newest summit's slug.
func Events(ctx context.Context, s *events.Store, by *actor.Actor) (string, error) {
	return NewestSummit(time.Now()), loadEvents(ctx, s, by)
}

// NewestSummit is the slug of the newest demo summit, 42 days after now.
func NewestSummit(now time.Time) string {
	return fmt.Sprintf("summit-%d", now.In(shanghai()).AddDate(0, 0, 42).Year())
}

func loadEvents(ctx context.Context, s *events.Store, by *actor.Actor) error {
	newest := time.Now().In(shanghai()).AddDate(0, 0, 42)
	newest = time.Date(newest.Year(), newest.Month(), newest.Day(), 9, 0, 0, 0, shanghai())
	last := newest.Year()
	for year := 2014; year <= last; year++ {
		theme := themes[(year-2014)%len(themes)]
		start := time.Date(year, time.November, 8+(year%5), 9, 0, 0, 0, shanghai())
		if year == last {
			start = newest
		}
		slug := fmt.Sprintf("summit-%d", year)
		e := &events.Event{Slug: slug, Kind: events.Summit,
			Title: i18n.Text{En: fmt.Sprintf("Global Internet Cooperation Summit %d (demo)", year), Hans: fmt.Sprintf("%d年全球互联网合作峰会（演示）", year)},
			Theme: theme, Starts: start, Ends: start.Add(56 * time.Hour), TimeZone: "Asia/Shanghai",
			Venue: "Wuzhen Internet International Convention and Exhibition Center", Country: "CN",
			VenueHans: "乌镇互联网国际会展中心", InterpretationHans: "中英同声传译",
			Topics: []string{"governance", "digital_economy", "ai"}, Languages: []string{i18n.En, i18n.ZhHans},
			Interpretation: "English–Chinese simultaneous interpretation",
			Description: i18n.Text{En: "The yearly summit of the fictional Global Internet Cooperation Forum: a demo event for trying out Wuzhen.",
				Hans: "虚构组织全球互联网合作论坛的年度峰会，作为演示活动供您试用乌镇平台。"}}
		if year == last {
			e.OnlineURL = "https://live.demo.wuzhen.example/summit"
		}
		if err := save(ctx, s, by, e, ""); err != nil {
			return err
		}
		if year < last {
			for i, b := range between[:2+year%3] {
				ev := &events.Event{Slug: fmt.Sprintf("%s-%d", b.slug, year), Kind: b.kind,
					Title:  i18n.Text{En: fmt.Sprintf("%s %d (demo)", b.en, year), Hans: fmt.Sprintf("%d年%s（演示）", year, b.hans)},
					Starts: time.Date(year, b.month, 10+i, 9, 0, 0, 0, time.UTC), TimeZone: "UTC", Venue: b.venue, Country: b.code,
					Topics: []string{b.topic}, Languages: []string{i18n.En}}
				ev.Ends = ev.Starts.Add(8 * time.Hour)
				if b.online {
					ev.OnlineURL = "https://live.demo.wuzhen.example/" + b.slug
				}
				if err := save(ctx, s, by, ev, ""); err != nil {
					return err
				}
			}
		}
	}
	summit := fmt.Sprintf("summit-%d", last)
	for i, f := range forums {
		day := newest.Add(time.Duration(i%3) * 24 * time.Hour)
		if i == len(forums)-1 {
			day = newest.Add(2 * 24 * time.Hour) // the closing session, on the last afternoon
		}
		kind := events.SectorForum
		if f.kind != "" {
			kind = f.kind
		}
		e := &events.Event{Slug: fmt.Sprintf("%s-forum-%02d", summit, i+1), Kind: kind,
			Title: i18n.Text{En: f.en, Hans: f.hans}, Starts: day.Add(time.Duration(i%2) * 4 * time.Hour),
			TimeZone: "Asia/Shanghai", Venue: fmt.Sprintf("Wuzhen, hall %d", 1+i%6), Country: "CN", Topics: []string{f.topic},
			VenueHans: fmt.Sprintf("乌镇%d号厅", 1+i%6), Languages: []string{i18n.En, i18n.ZhHans},
			Interpretation: "English–Chinese interpretation", InterpretationHans: "中英传译"}
		e.Ends = e.Starts.Add(3*time.Hour + 30*time.Minute)
		if err := save(ctx, s, by, e, summit); err != nil {
			return err
		}
	}
	if err := registrations(ctx, s, by, summit); err != nil {
		return err
	}
	return loadProgramme(ctx, s, by, summit)
}

func save(ctx context.Context, s *events.Store, by *actor.Actor, e *events.Event, parent string) error {
	if err := s.Save(ctx, by, e, parent); err != nil {
		return fmt.Errorf("event %s: %w", e.Slug, err)
	}
	_, err := s.SetStatus(ctx, by, e.Slug, events.Published)
	return err
}

func shanghai() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

// categories of the newest summit: code, names, capacity, approval, how
// many demo registrations it gets.
var categories = []struct {
	code       string
	name       i18n.Text
	capacity   int
	approval   events.Approval
	registered int
}{
	{"delegate", i18n.Text{En: "Delegate", Hans: "代表"}, 1500, events.Auto, 1400},
	{"speaker", i18n.Text{En: "Speaker", Hans: "演讲嘉宾"}, 150, events.Manual, 110},
	{"media", i18n.Text{En: "Media", Hans: "媒体"}, 200, events.Manual, 120},
	{"youth", i18n.Text{En: "Youth", Hans: "青年代表"}, 200, events.Auto, 260},
	{"observer", i18n.Text{En: "Observer", Hans: "观察员"}, 150, events.Auto, 110},
}

// registrations adds 2,000 fictional people to the newest summit.
func registrations(ctx context.Context, s *events.Store, by *actor.Actor, slug string) error {
	r := rand.New(rand.NewPCG(2026, 11))
	countries := demoCountries()
	for _, c := range categories {
		cat := &events.Category{Code: c.code, Name: c.name, Capacity: c.capacity, Approval: c.approval,
			Consent: i18n.Text{En: "I agree that my name, organisation and country appear on my badge and in the list of participants.",
				Hans: "我同意在胸牌和参会名单上显示我的姓名、机构和国家或地区。"}}
		if c.code == "youth" {
			cat.Questions = []events.Question{{Code: "age_group", Kind: events.ChoiceQuestion, Label: i18n.Text{En: "Age group", Hans: "年龄段"},
				Options: []events.Option{{Code: "under_25", Label: i18n.Text{En: "Under 25", Hans: "25岁以下"}}, {Code: "from_25_to_35", Label: i18n.Text{En: "25 to 35", Hans: "25至35岁"}}}}}
		}
		if err := s.SaveCategory(ctx, by, slug, cat); err != nil {
			return err
		}
		list := make([]events.Delegate, c.registered)
		for i := range list {
			country := countries[r.IntN(len(countries))]
			if i%5 == 0 {
				country = "CN"
			}
			name, latin := personName(r, country)
			a := events.Answers{"name": name, "country": country, "organization": orgName(r, country),
				"stakeholder_group": string(members.Groups[r.IntN(len(members.Groups))]), "consent": "yes"}
			if latin != "" {
				a["name_latin"] = latin
			}
			if c.code == "youth" {
				a["age_group"] = []string{"under_25", "from_25_to_35"}[r.IntN(2)]
			}
			list[i] = events.Delegate{Email: fmt.Sprintf("%s-%d@demo.wuzhen.example", c.code, i+1), Answers: a}
		}
		if err := s.Import(ctx, by, slug, c.code, list, false); err != nil {
			return fmt.Errorf("registrations %s: %w", c.code, err)
		}
	}
	// The secretariat has approved most speakers and media so far.
	e, err := s.Event(ctx, slug, true)
	if err != nil {
		return err
	}
	pending, _, err := s.Registrations(ctx, e.ID, events.RegFilter{Status: events.Pending}, 1000, 0)
	if err != nil {
		return err
	}
	for i, p := range pending {
		if i%6 == 5 {
			continue
		}
		if _, err := s.Decide(ctx, by, p.ID, i%17 != 3); err != nil {
			return err
		}
	}
	return nil
}

// demoCountries are 120 countries and regions, the same on every load.
func demoCountries() []string {
	var out []string
	for i, c := range geo.Sorted(i18n.En) {
		if c.Continent != "" && c.Income != "" && (i%2 == 0 || c.Income != geo.High) && len(out) < 120 {
			out = append(out, c.Code)
		}
	}
	return out
}

var (
	surnamesZh  = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭"}
	givenZh     = []string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "晓东", "志强"}
	pinyinSur   = map[string]string{"王": "Wang", "李": "Li", "张": "Zhang", "刘": "Liu", "陈": "Chen", "杨": "Yang", "黄": "Huang", "赵": "Zhao", "吴": "Wu", "周": "Zhou", "徐": "Xu", "孙": "Sun", "马": "Ma", "朱": "Zhu", "胡": "Hu", "郭": "Guo"}
	pinyinGiven = map[string]string{"伟": "Wei", "芳": "Fang", "娜": "Na", "敏": "Min", "静": "Jing", "丽": "Li", "强": "Qiang", "磊": "Lei", "洋": "Yang", "艳": "Yan", "勇": "Yong", "军": "Jun", "杰": "Jie", "娟": "Juan", "涛": "Tao", "明": "Ming", "超": "Chao", "秀英": "Xiuying", "晓东": "Xiaodong", "志强": "Zhiqiang"}
	cyrillic    = [][2]string{{"Иван Петров", "Ivan Petrov"}, {"Ольга Смирнова", "Olga Smirnova"}, {"Айгерим Бекова", "Aigerim Bekova"}, {"Дмитрий Козлов", "Dmitry Kozlov"}, {"Наталья Волкова", "Natalya Volkova"}}
	arabic      = [][2]string{{"محمد العلي", "Mohammed Al-Ali"}, {"فاطمة حسن", "Fatima Hassan"}, {"أحمد منصور", "Ahmed Mansour"}}
	latinFirst  = []string{"Amina", "Kofi", "Maria", "João", "Aisha", "Carlos", "Priya", "Nguyen", "Fatou", "Lucas", "Sofia", "Tendai", "Ana", "Omar", "Elena", "Kwame", "Lina", "Mateo", "Grace", "Arjun"}
	latinLast   = []string{"Otieno", "Mensah", "Silva", "Santos", "Diallo", "García", "Sharma", "Tran", "Ndiaye", "Müller", "Rossi", "Moyo", "Costa", "Haddad", "Popescu", "Boateng", "Kaya", "López", "Mwangi", "Patel"}
)

// personName gives a fictional name in the script of the country, with its
// Latin spelling when the script is another.
func personName(r *rand.Rand, country string) (name, latin string) {
	switch country {
	case "CN", "TW", "HK", "MO", "SG":
		s, g := surnamesZh[r.IntN(len(surnamesZh))], givenZh[r.IntN(len(givenZh))]
		return s + g, pinyinSur[s] + " " + pinyinGiven[g]
	case "RU", "KZ", "BY", "KG", "TJ", "UZ", "MN", "UA", "RS", "BG":
		n := cyrillic[r.IntN(len(cyrillic))]
		return n[0], n[1]
	case "EG", "SA", "AE", "JO", "MA", "DZ", "TN", "IQ", "QA", "OM", "KW", "LB":
		n := arabic[r.IntN(len(arabic))]
		return n[0], n[1]
	}
	return latinFirst[r.IntN(len(latinFirst))] + " " + latinLast[r.IntN(len(latinLast))], ""
}

func orgName(r *rand.Rand, country string) string {
	kinds := []string{"Internet Society chapter", "Ministry of Digital Affairs", "Telecom", "University", "Digital Rights Network", "Network Information Centre"}
	return fmt.Sprintf("%s %s (demo)", country, kinds[r.IntN(len(kinds))])
}
