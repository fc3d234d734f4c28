package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/search"
	"github.com/wuzhen/wuzhen/internal/zh"
)

// The search scenario's documents: member-like, event-like, session-like
// and case-like texts in English, Simplified and Traditional Chinese,
// generated from a seed, indexed with search.Put exactly as the app
// indexes its content.

// docTypes and their shares of the documents, in per cent.
var docTypes = []struct {
	name  string
	share int
}{
	{"member", 40}, {"event", 8}, {"session", 32}, {"case", 20},
}

// term is something said in English and in Simplified Chinese; the
// Traditional form is zh.ToHant of the Simplified one.
type term struct{ en, hans string }

var (
	// searchTopics are what the texts are about, the first ones most
	// often (Zipf-like): common and rarer terms for the queries.
	searchTopics = []term{
		{"internet governance", "互联网治理"}, {"the digital divide", "数字鸿沟"}, {"cybersecurity", "网络安全"},
		{"data protection", "数据保护"}, {"artificial intelligence", "人工智能"}, {"the digital economy", "数字经济"},
		{"cross-border data flows", "跨境数据流动"}, {"e-commerce", "电子商务"}, {"digital literacy", "数字素养"},
		{"smart cities", "智慧城市"}, {"cloud computing", "云计算"}, {"open source software", "开源软件"},
		{"broadband access", "宽带接入"}, {"rural connectivity", "乡村网络覆盖"}, {"online safety for children", "儿童网络安全"},
		{"privacy", "隐私保护"}, {"5G networks", "5G网络"}, {"the internet of things", "物联网"},
		{"e-government services", "电子政务服务"}, {"online education", "在线教育"}, {"telemedicine", "远程医疗"},
		{"fintech and digital payments", "金融科技与数字支付"}, {"misinformation", "虚假信息治理"}, {"content moderation", "内容审核"},
		{"blockchain", "区块链"}, {"digital trade", "数字贸易"}, {"the platform economy", "平台经济"},
		{"green data centres", "绿色数据中心"}, {"IPv6 deployment", "IPv6部署"}, {"domain names", "域名体系"},
		{"satellite internet", "卫星互联网"}, {"accessibility for persons with disabilities", "无障碍信息服务"},
		{"digital public infrastructure", "数字公共基础设施"}, {"algorithmic transparency", "算法透明"},
		{"emergency response", "应急响应"},
	}
	// rareTopics come up in about one topic in a thousand each.
	rareTopics = []term{{"submarine cables", "海底光缆"}, {"quantum computing", "量子计算"}, {"space debris tracking", "太空碎片监测"}}
	angles     = []term{
		{"lessons from rural schools", "乡村学校的经验"}, {"what works for small businesses", "中小企业的实践"},
		{"building trust across borders", "跨境互信的建立"}, {"policy options for developing countries", "发展中国家的政策选择"},
		{"measuring progress", "如何衡量进展"}, {"the role of young people", "青年的作用"},
		{"women in technology", "科技领域的女性"}, {"from pilots to scale", "从试点到推广"},
		{"standards and interoperability", "标准与互操作"}, {"financing the next billion users", "下一个十亿用户的融资"},
		{"capacity building", "能力建设"}, {"open data for development", "开放数据促进发展"},
	}
	cities = []term{
		{"Wuzhen", "乌镇"}, {"Beijing", "北京"}, {"Hangzhou", "杭州"}, {"Shenzhen", "深圳"}, {"Hong Kong", "香港"},
		{"Taipei", "台北"}, {"Macao", "澳门"}, {"Singapore", "新加坡"}, {"Nairobi", "内罗毕"}, {"Lagos", "拉各斯"},
		{"Geneva", "日内瓦"}, {"Berlin", "柏林"}, {"São Paulo", "圣保罗"}, {"Jakarta", "雅加达"}, {"Dubai", "迪拜"},
		{"Kuala Lumpur", "吉隆坡"}, {"Addis Ababa", "亚的斯亚贝巴"}, {"Bangkok", "曼谷"}, {"Santiago", "圣地亚哥"},
	}
	eventKinds = []term{
		{"Summit", "峰会"}, {"Forum", "论坛"}, {"Conference", "大会"}, {"Workshop", "研讨会"}, {"Expo", "博览会"},
		{"Week", "周"}, {"Dialogue", "对话会"},
	}
	caseActors = []term{
		{"a provincial government", "省级政府"}, {"a mobile operator", "移动运营商"}, {"a university hospital", "大学附属医院"},
		{"a rural cooperative", "乡村合作社"}, {"a city council", "市政府"}, {"a start-up", "初创企业"},
		{"a national library", "国家图书馆"}, {"a women's association", "妇女协会"}, {"a school district", "学区"},
		{"a logistics company", "物流企业"},
	}
	caseTools = []term{
		{"low-cost satellite terminals", "低成本卫星终端"}, {"a shared cloud platform", "共享云平台"},
		{"open-source learning software", "开源学习软件"}, {"drones and digital maps", "无人机与数字地图"},
		{"a mobile payments app", "移动支付应用"}, {"community Wi-Fi hotspots", "社区无线热点"},
		{"an AI triage assistant", "人工智能分诊助手"}, {"an online dispute resolution service", "在线纠纷解决服务"},
		{"a digital identity scheme", "数字身份系统"}, {"sensor networks", "传感器网络"},
	}
	outcomes = []term{
		{"households connected", "户家庭接入网络"}, {"students trained", "名学生接受培训"},
		{"small businesses selling online", "家小微企业开展网上销售"}, {"patients served remotely", "名患者获得远程诊疗"},
		{"officials trained", "名公务人员接受培训"}, {"villages covered", "个村庄实现覆盖"},
	}
	// More given and family names than the members scenario has, so
	// that some names are rare.
	searchGiven = append(append([]string(nil), enGiven...), "Wanjiru", "Oluwaseun", "Thandiwe", "Björn", "Aigerim",
		"Nguyễn", "Chiamaka", "Mariam", "Tomás", "Ingrid", "Kemal", "Anaïs", "Jomo", "Svetlana", "Paulo")
	searchFamily = append(append([]string(nil), enFamily...), "Kamau", "Adeyemi", "Dlamini", "Lindqvist", "Nurlanovna",
		"Van", "Obi", "Benali", "Ferreira", "Halvorsen", "Yıldız", "Moreau", "Kenyatta", "Orlova", "Mwangi")
	hanGivenMore = append(append([]string(nil), hanGiven...), "思远", "若曦", "浩然", "欣怡", "立新", "文博", "嘉豪", "雨桐")
)

// zipf draws an index below n with weights 1/(i+1)^s: the first ones
// most often.
func (g *generator) zipf(n int, s float64) int {
	sum := 0.0
	for i := range n {
		sum += 1 / math.Pow(float64(i+1), s)
	}
	x := g.r.Float64() * sum
	for i := range n {
		x -= 1 / math.Pow(float64(i+1), s)
		if x < 0 {
			return i
		}
	}
	return n - 1
}

// topic draws a topic: a rare one one time in a thousand each, else a
// common one, Zipf-like.
func (g *generator) topic() term {
	if x := g.r.IntN(1000); x < len(rareTopics) {
		return rareTopics[x]
	}
	return searchTopics[g.zipf(len(searchTopics), 0.8)]
}

// topics draws two different topics.
func (g *generator) topics() (term, term) {
	a := g.topic()
	for {
		if b := g.topic(); b != a {
			return a, b
		}
	}
}

func (g *generator) pickT(ts []term) term { return ts[g.r.IntN(len(ts))] }

// person is a name in Latin letters and, for one in three, in Chinese
// characters instead.
func (g *generator) person() (en, hans string) {
	if g.r.IntN(3) == 0 {
		return "", hanFamily[g.zipf(len(hanFamily), 0.7)] + hanGivenMore[g.zipf(len(hanGivenMore), 0.7)]
	}
	return searchGiven[g.zipf(len(searchGiven), 0.5)] + " " + searchFamily[g.zipf(len(searchFamily), 0.5)], ""
}

// people returns n names for English text and n for Chinese text (a
// Latin name stays Latin in Chinese text).
func (g *generator) people(n int) (en, hans []string) {
	for range n {
		e, h := g.person()
		if e == "" {
			// A Chinese name in English text: pinyin is not generated,
			// the characters are kept, as programmes often do.
			e = h
		}
		if h == "" {
			h = e
		}
		en, hans = append(en, e), append(hans, h)
	}
	return en, hans
}

// langMix chooses the languages of a document: which of en, zh-Hans and
// zh-Hant it is written in.
func (g *generator) langMix() (en, hans, hant bool) {
	switch x := g.r.IntN(100); {
	case x < 45:
		return true, false, false
	case x < 65:
		return false, true, false
	case x < 75:
		return false, false, true
	case x < 92:
		return true, true, false
	case x < 97:
		return true, false, true
	default:
		return true, true, true
	}
}

// texts turns an English and a Simplified Chinese text into the
// document's language map.
func texts(en, hans, hant bool, enText, hansText string) map[string]string {
	m := map[string]string{}
	if en {
		m["en"] = enText
	}
	if hans {
		m["zh-Hans"] = hansText
	}
	if hant {
		m["zh-Hant"] = zh.ToHant(hansText)
	}
	return m
}

// searchDoc returns the i-th generated document (its type's own
// sequence number is n).
func (g *generator) searchDoc(typ string, n int64) search.Doc {
	var d search.Doc
	switch typ {
	case "member":
		d = g.memberDoc()
	case "event":
		d = g.eventDoc()
	case "session":
		d = g.sessionDoc()
	default:
		d = g.caseDoc()
	}
	d.Type, d.ID, d.Boost = typ, n, 1
	d.URL = "/" + typ + "s/" + strconv.FormatInt(n, 10)
	return d
}

func (g *generator) year() string {
	return strconv.Itoa(g.today.Year() - int(6*math.Pow(g.r.Float64(), 1.5)))
}

func countryFacets(c geo.Country, year string) map[string]string {
	return map[string]string{"country": c.Code, "continent": c.Continent.Code(), "year": year}
}

// memberDoc is a member as members.memberDoc indexes it: the names as
// the title, the description and acronym as the body.
func (g *generator) memberDoc() search.Doc {
	m := g.member(0)
	title, body := map[string]string{}, map[string]string{}
	for lang, s := range map[string]string{"en": m.Name.En, "zh-Hans": m.Name.Hans, "zh-Hant": m.Name.Hant} {
		if s != "" {
			title[lang] = s
		}
	}
	t, t2 := g.topics()
	c, _ := geo.Lookup(m.Country)
	if m.Name.En != "" {
		body["en"] = strings.TrimSpace(fmt.Sprintf("Works on %s and %s in %s: research, training and practice shared with peers across the region. %s",
			t.en, t2.en, c.Name("en"), m.Acronym))
	}
	if m.Name.Hans != "" || m.Name.Hant != "" {
		s := fmt.Sprintf("在%s开展%s与%s领域的研究、培训与实践交流。", c.Name("zh-Hans"), t.hans, t2.hans)
		if m.Name.Hans == "" {
			body["zh-Hant"] = zh.ToHant(s)
		} else {
			body["zh-Hans"] = s
		}
	}
	return search.Doc{Title: title, Body: body, Facets: map[string]string{"country": m.Country, "continent": c.Continent.Code(), "year": m.JoinedOn[:4]}}
}

func (g *generator) eventDoc() search.Doc {
	en, hans, hant := g.langMix()
	city, kind := cities[g.zipf(len(cities), 1)], eventKinds[g.zipf(len(eventKinds), 1)]
	t, t2 := g.topics()
	year := g.year()
	c := g.country()
	sessions := 6 + g.r.IntN(40)
	people := 2 + g.r.IntN(3)
	pe, ph := g.people(people)
	var titleEn, titleHans string
	switch g.r.IntN(3) {
	case 0:
		titleEn = fmt.Sprintf("World Internet Conference %s %s %s", city.en, year, kind.en)
		titleHans = fmt.Sprintf("%s年世界互联网大会%s%s", year, city.hans, kind.hans)
	case 1:
		titleEn = fmt.Sprintf("%s %s on %s", city.en, kind.en, capitalise(t.en))
		titleHans = fmt.Sprintf("%s%s%s", city.hans, t.hans, kind.hans)
	default:
		titleEn = fmt.Sprintf("%s %s %s", capitalise(t.en), kind.en, year)
		titleHans = fmt.Sprintf("%s%s（%s）", t.hans, kind.hans, year)
	}
	bodyEn := fmt.Sprintf("The %s brings together governments, businesses, the technical community, academia and civil society in %s to discuss %s and %s. "+
		"Over %d sessions, speakers including %s share experience and practice. Registration opens three months before the event; "+
		"the programme, the list of speakers and the venue are published on this page.",
		strings.ToLower(kind.en), city.en, t.en, t2.en, sessions, strings.Join(pe, ", "))
	bodyHans := fmt.Sprintf("本次%s在%s举办，汇聚政府、企业、技术社群、学术界和民间社会代表，围绕%s和%s展开讨论。"+
		"共设%d场分论坛，%s等嘉宾将分享经验与实践。报名于活动前三个月开放，议程、嘉宾名单和会场信息在本页公布。",
		kind.hans, city.hans, t.hans, t2.hans, sessions, strings.Join(ph, "、"))
	return search.Doc{Title: texts(en, hans, hant, titleEn, titleHans), Body: texts(en, hans, hant, bodyEn, bodyHans), Facets: countryFacets(c, year)}
}

func (g *generator) sessionDoc() search.Doc {
	en, hans, hant := g.langMix()
	t, t2 := g.topics()
	a := g.pickT(angles)
	year := g.year()
	pe, ph := g.people(2 + g.r.IntN(4))
	me, mh := g.people(1)
	titleEn := capitalise(t.en) + ": " + a.en
	titleHans := t.hans + "：" + a.hans
	bodyEn := fmt.Sprintf("Speakers: %s. Moderator: %s. This session looks at %s, with a focus on %s and on how %s relates to it. "+
		"Each speaker gives a short talk, followed by questions from the floor. Interpretation is provided in Chinese and English.",
		strings.Join(pe, ", "), me[0], t.en, a.en, t2.en)
	bodyHans := fmt.Sprintf("主讲嘉宾：%s。主持人：%s。本场分论坛聚焦%s，重点探讨%s，以及%s与之的关系。"+
		"每位嘉宾作简短发言，随后进行现场问答。现场提供中英文同声传译。",
		strings.Join(ph, "、"), mh[0], t.hans, a.hans, t2.hans)
	return search.Doc{Title: texts(en, hans, hant, titleEn, titleHans), Body: texts(en, hans, hant, bodyEn, bodyHans),
		Facets: map[string]string{"year": year}}
}

func (g *generator) caseDoc() search.Doc {
	en, hans, hant := g.langMix()
	t, t2 := g.topics()
	actor, tool, out := g.pickT(caseActors), g.pickT(caseTools), g.pickT(outcomes)
	c := g.country()
	year := g.year()
	n := 200 + g.r.IntN(50000)
	pe, ph := g.people(1)
	titleEn := fmt.Sprintf("%s in %s: %s with %s", capitalise(t.en), c.Name("en"), strings.TrimPrefix(actor.en, "a "), tool.en)
	titleHans := fmt.Sprintf("%s%s以%s推进%s", c.Name("zh-Hans"), actor.hans, tool.hans, t.hans)
	bodyEn := fmt.Sprintf("Background: in %s, %s found that %s held back local development. "+
		"Approach: from %s, %s deployed %s together with local partners, and trained staff to run it. "+
		"Results: %d %s within two years; costs fell by a third. "+
		"Lessons: %s needs steady funding, clear rules on %s and the trust of the people it serves. "+
		"Contact: %s. Submitted to the World Internet Conference collection of good practice.",
		c.Name("en"), actor.en, t.en, year, actor.en, tool.en, n, out.en, t.en, t2.en, pe[0])
	bodyHans := fmt.Sprintf("背景：在%s，%s发现%s制约了当地发展。"+
		"做法：自%s年起，%s与当地伙伴合作部署%s，并培训工作人员负责运营。"+
		"成效：两年内%d%s，成本下降三分之一。"+
		"启示：%s需要稳定的资金、关于%s的清晰规则以及服务对象的信任。"+
		"联系人：%s。本案例入选世界互联网大会优秀实践案例集。",
		c.Name("zh-Hans"), actor.hans, t.hans, year, actor.hans, tool.hans, n, out.hans, t.hans, t2.hans, ph[0])
	return search.Doc{Title: texts(en, hans, hant, titleEn, titleHans), Body: texts(en, hans, hant, bodyEn, bodyHans), Facets: countryFacets(c, year)}
}

func capitalise(s string) string {
	s = strings.TrimPrefix(s, "the ")
	if s == "" {
		return s
	}
	if s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}

// searchDocs returns n documents, deterministic for the seed and day:
// the types in their shares, interleaved.
func searchDocs(seed uint64, today time.Time, n int) []search.Doc {
	g := newGenerator(seed, today)
	next := map[string]int64{}
	out := make([]search.Doc, 0, n)
	for i := range n {
		// Types interleaved in their shares, by position modulo 100.
		x, typ := i%100, docTypes[len(docTypes)-1].name
		for _, t := range docTypes {
			if x < t.share {
				typ = t.name
				break
			}
			x -= t.share
		}
		next[typ]++
		out = append(out, g.searchDoc(typ, next[typ]))
	}
	return out
}

// indexStats says how the documents were indexed.
type indexStats struct {
	Docs   int
	ByType map[string]int
	Took   time.Duration
	// TidyTook is the time search.Tidy took afterwards, in TidySteps
	// transactions.
	TidyTook  time.Duration
	TidySteps int
}

// tidyIndex runs search.Tidy on the database, as the server's maintenance
// does at start and hourly.
func tidyIndex(ctx context.Context, url string, is *indexStats) error {
	d, err := db.Open(ctx, url)
	if err != nil {
		return err
	}
	defer d.Close()
	t0 := time.Now()
	is.TidySteps, err = search.Tidy(ctx, d)
	is.TidyTook = time.Since(t0)
	return err
}

// indexDocs migrates the database at url as the server would and indexes
// docs with search.Put, batch documents per transaction, workers
// transactions at a time (PostgreSQL only: SQLite has one writer).
func indexDocs(ctx context.Context, url string, docs []search.Doc, batch, workers int, progress func(done int)) (*indexStats, error) {
	d, err := db.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	if err := d.Migrate(ctx, migrations...); err != nil {
		return nil, err
	}
	st := &indexStats{Docs: len(docs), ByType: map[string]int{}}
	for _, doc := range docs {
		st.ByType[doc.Type]++
	}
	batch, workers = max(1, batch), max(1, workers)
	start := time.Now()
	// Parallel batches wait for each other's new words of the spelling
	// vocabulary (and deadlock now and then): the first documents, which
	// bring most of the words, go one batch at a time.
	first := 0
	if workers > 1 {
		first = min(len(docs), 5000)
		if err := putAll(ctx, d, docs[:first], batch, 1, 0, progress); err != nil {
			return nil, err
		}
	}
	if err := putAll(ctx, d, docs[first:], batch, workers, first, progress); err != nil {
		return nil, err
	}
	st.Took = time.Since(start)
	return st, nil
}

// putAll indexes docs, batch documents per transaction, workers
// transactions at a time; progress gets done plus the documents indexed.
func putAll(ctx context.Context, d *db.DB, docs []search.Doc, batch, workers, done int, progress func(done int)) error {
	chunks := make(chan []search.Doc)
	finished := make(chan int, workers)
	errc := make(chan error, workers)
	for range workers {
		go func() {
			for c := range chunks {
				if err := putBatch(ctx, d, c); err != nil {
					errc <- err
					for range chunks {
					}
					return
				}
				finished <- len(c)
			}
			errc <- nil
		}()
	}
	go func() {
		defer close(chunks)
		for i := 0; i < len(docs); i += batch {
			select {
			case chunks <- docs[i:min(i+batch, len(docs))]:
			case <-ctx.Done():
				return
			}
		}
	}()
	var firstErr error
	for stopped := 0; stopped < workers; {
		select {
		case n := <-finished:
			done += n
			if progress != nil {
				progress(done)
			}
		case err := <-errc:
			stopped++
			if err != nil && firstErr == nil {
				firstErr = err
			}
		}
	}
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return firstErr
}

// putBatch indexes docs in one transaction, again from the start when
// PostgreSQL reports a deadlock (parallel batches adding the same new
// words to the vocabulary).
func putBatch(ctx context.Context, d *db.DB, docs []search.Doc) error {
	for attempt := 0; ; attempt++ {
		err := d.Tx(ctx, func(tx *db.Tx) error {
			for _, doc := range docs {
				if err := search.Put(ctx, tx, doc); err != nil {
					return err
				}
			}
			return nil
		})
		var pgErr *pgconn.PgError
		if err != nil && errors.As(err, &pgErr) && (pgErr.Code == "40P01" || pgErr.Code == "40001") && attempt < 100 {
			time.Sleep(time.Duration(attempt+1) * 10 * time.Millisecond)
			continue
		}
		if err != nil {
			return fmt.Errorf("index %s %d…: %w", docs[0].Type, docs[0].ID, err)
		}
		return nil
	}
}
