package search

import (
	"testing"

	"github.com/wuzhen/wuzhen/internal/zh"
)

// TestHighlightSkipsRunsAlike checks that not converting the Han runs that
// cannot hold a character of the query changes no snippet: the same window
// and the same marks as converting every run.
func TestHighlightSkipsRunsAlike(t *testing.T) {
	hans := []string{
		"主讲嘉宾：张海燕、王芳、Ana Sharma。主持人：Amina Mensah。本场分论坛聚焦数据保护，重点探讨下一个十亿用户的融资，以及跨境数据流动与之的关系。",
		"背景：在肯尼亚，移动运营商发现数字鸿沟制约了当地发展。做法：自2023年起，与当地伙伴合作部署低成本卫星终端。成效：两年内4093户家庭接入网络。",
		"乾隆年间的头发与面条；皇后在后面。他著书立说，穿着整齐。干燥的天气里，里程碑在这里。",
		"网络安全、网络素养与网络治理：互联网治理论坛在乌镇峰会期间举行。人工智能伦理；人工智能治理。",
		"台湾的软件与資訊產業；信息技術；數位落差與數字鴻溝。",
	}
	var texts []string
	for _, s := range hans {
		texts = append(texts, s, zh.ToHant(s))
	}
	queries := []string{"数据", "數據", "数字鸿沟", "數字鴻溝", "网络", "網絡", "治理", "人工智能", "乌镇峰会", "头发", "頭髮",
		"面条", "麵條", "后面", "後面", "著书", "乾隆", "干燥", "乾燥", "里程", "裡程", "治", "发", "王芳 治理", `"网络 安全"`,
		"Amina 数据", "软件", "資訊", "台湾", "臺灣", "2023 家庭"}
	for _, qs := range queries {
		q := ParseQuery(qs)
		for _, text := range texts {
			for _, lang := range []string{"en", "zh-Hans", "zh-Hant"} {
				got, gotOK := highlightSkipping(text, q, lang, true)
				want, wantOK := highlightSkipping(text, q, lang, false)
				if got != want || gotOK != wantOK {
					t.Errorf("q %q, lang %s, text %.30q:\nskipping  %v %s\nconverted %v %s", qs, lang, text, gotOK, got, wantOK, want)
				}
			}
		}
	}
}
