package events

import (
	"fmt"
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
func (s *Session) Day(lang string) string { return dayName(s.Starts.In(s.Location()), lang, true) }

// Zone names the session's zone with its offset at the start.
func (s *Session) Zone() string {
	if s.Event == nil {
		return "UTC"
	}
	_, off := s.Starts.In(s.Location()).Zone()
	return fmt.Sprintf("%s (%s)", s.Event.TimeZone, utcOffset(off))
}

// Local formats the session's start or end as the forms take it.
func (s *Session) Local(t time.Time) string { return t.In(s.Location()).Format("2006-01-02T15:04") }

// utcOffset writes an offset in seconds as UTC+08:00.
func utcOffset(off int) string {
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("UTC%c%02d:%02d", sign, off/3600, off%3600/60)
}

// dayName names the day of t (already in its zone): "Tuesday 10 November
// 2026" or "2026年11月10日 星期二"; without the year when year is false.
func dayName(t time.Time, lang string, year bool) string {
	wd := i18n.For(lang).T(fmt.Sprintf("events.weekday.%d", int(t.Weekday())))
	if lang == i18n.ZhHans || lang == i18n.ZhHant {
		if year {
			return fmt.Sprintf("%d年%d月%d日 %s", t.Year(), t.Month(), t.Day(), wd)
		}
		return fmt.Sprintf("%d月%d日 %s", t.Month(), t.Day(), wd)
	}
	if year {
		return fmt.Sprintf("%s %d %s %d", wd, t.Day(), monthsEn[t.Month()-1], t.Year())
	}
	return fmt.Sprintf("%s %d %s", wd, t.Day(), monthsEn[t.Month()-1])
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
