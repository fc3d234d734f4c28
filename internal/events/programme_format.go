package events

import (
	"strings"
	"time"

	"github.com/wuzhen/wuzhen/internal/i18n"
)

// How the programme reads: times in the event's zone, days named in the
// reader's language.

// Clock is the session's time in its event's zone: "09:00–10:30".
func (s *Session) Clock() string {
	loc := s.Location()
	return s.Starts.In(loc).Format("15:04") + "–" + s.Ends.In(loc).Format("15:04")
}

// StartClock is the session's start in its event's zone: "09:00".
func (s *Session) StartClock() string { return s.Starts.In(s.Location()).Format("15:04") }

// EndClock is the session's end in its event's zone: "10:30".
func (s *Session) EndClock() string { return s.Ends.In(s.Location()).Format("15:04") }

// StartISO is the session's start as RFC 3339 with its event's offset.
func (s *Session) StartISO() string { return s.Starts.In(s.Location()).Format(time.RFC3339) }

// EndISO is the session's end as RFC 3339 with its event's offset.
func (s *Session) EndISO() string { return s.Ends.In(s.Location()).Format(time.RFC3339) }

// Day names the session's day in its event's zone, in lang.
func (s *Session) Day(lang string) string { return i18n.For(lang).Date(s.Starts.In(s.Location())) }

// Zone names the session's zone at its start as readers of lang say it.
func (s *Session) Zone(lang string) string { return i18n.For(lang).Zone(s.Starts.In(s.Location())) }

// Local formats the session's start or end as the forms take it.
func (s *Session) Local(t time.Time) string { return t.In(s.Location()).Format("2006-01-02T15:04") }

// dayName names the day of t (already in its zone): "Tue 10 November
// 2026" or "2026年11月10日 星期二"; without the year when year is false.
func dayName(t time.Time, lang string, year bool) string {
	if year {
		return i18n.For(lang).Date(t)
	}
	return i18n.For(lang).DayMonth(t)
}

// LanguageNames names the session's language and its interpretation in
// lang: "Chinese, interpreted into English and Russian".
func (s *Session) LanguageNames(lang string) string {
	p := i18n.For(lang)
	var out string
	if s.Language != "" {
		out = p.T("events.sesslang." + s.Language)
	}
	if len(s.Interpretation) > 0 {
		names := make([]string, len(s.Interpretation))
		for i, l := range s.Interpretation {
			names[i] = p.T("events.sesslang." + l)
		}
		list := strings.Join(names, "、")
		if lang != i18n.ZhHans && lang != i18n.ZhHant {
			list = names[len(names)-1]
			if len(names) > 1 {
				list = strings.Join(names[:len(names)-1], ", ") + " " + p.T("events.and") + " " + list
			}
		}
		interp := p.T("events.session.interpreted_into", list)
		if out == "" {
			return interp
		}
		sep := "; "
		if lang == i18n.ZhHans || lang == i18n.ZhHant {
			sep = "；"
		}
		out += sep + interp
	}
	return out
}

// HasInterpretation reports whether the session is interpreted into lang.
func (s *Session) HasInterpretation(lang string) bool { return contains(s.Interpretation, lang) }
