package events

import (
	"fmt"
	"time"

	"github.com/wuzhen/wuzhen/internal/i18n"
)

var monthsEn = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September",
	"October", "November", "December"}

// Dates returns the event's dates in its own zone, in lang: "8–10 November
// 2026", "2026年11月8日至10日".
func (e *Event) Dates(lang string) string {
	loc := e.Location()
	return dateRange(e.Starts.In(loc), e.Ends.In(loc), lang)
}

func dateRange(a, b time.Time, lang string) string {
	zh := lang == i18n.ZhHans || lang == i18n.ZhHant
	const to = "至"
	sameDay := a.Year() == b.Year() && a.YearDay() == b.YearDay()
	switch {
	case zh && sameDay:
		return fmt.Sprintf("%d年%d月%d日", a.Year(), a.Month(), a.Day())
	case zh && a.Year() == b.Year() && a.Month() == b.Month():
		return fmt.Sprintf("%d年%d月%d日%s%d日", a.Year(), a.Month(), a.Day(), to, b.Day())
	case zh && a.Year() == b.Year():
		return fmt.Sprintf("%d年%d月%d日%s%d月%d日", a.Year(), a.Month(), a.Day(), to, b.Month(), b.Day())
	case zh:
		return fmt.Sprintf("%d年%d月%d日%s%d年%d月%d日", a.Year(), a.Month(), a.Day(), to, b.Year(), b.Month(), b.Day())
	case sameDay:
		return fmt.Sprintf("%d %s %d", a.Day(), monthsEn[a.Month()-1], a.Year())
	case a.Year() == b.Year() && a.Month() == b.Month():
		return fmt.Sprintf("%d–%d %s %d", a.Day(), b.Day(), monthsEn[a.Month()-1], a.Year())
	case a.Year() == b.Year():
		return fmt.Sprintf("%d %s – %d %s %d", a.Day(), monthsEn[a.Month()-1], b.Day(), monthsEn[b.Month()-1], a.Year())
	}
	return fmt.Sprintf("%d %s %d – %d %s %d", a.Day(), monthsEn[a.Month()-1], a.Year(), b.Day(), monthsEn[b.Month()-1], b.Year())
}

// Zone names the event's zone with its offset at the start: "Asia/Shanghai (UTC+08:00)".
func (e *Event) Zone() string {
	_, off := e.Starts.In(e.Location()).Zone()
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%s (UTC%c%02d:%02d)", e.TimeZone, sign, off/3600, off%3600/60)
}

// Local formats an instant in the event's zone as the forms take it.
func (e *Event) Local(t time.Time) string { return t.In(e.Location()).Format("2006-01-02T15:04") }

// LocalTime formats an instant in the event's zone for reading.
func (e *Event) LocalTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(e.Location()).Format("2006-01-02 15:04")
}

// ISO is an instant as RFC 3339 with the event's offset, for <time datetime>.
func (e *Event) ISO(t time.Time) string { return t.In(e.Location()).Format(time.RFC3339) }

// HasTopic reports whether the event is tagged with topic.
func (e *Event) HasTopic(topic string) bool { return contains(e.Topics, topic) }

// HasLanguage reports whether the event works in lang.
func (e *Event) HasLanguage(lang string) bool { return contains(e.Languages, lang) }

// Number is a registration's reference as people read it: R-000042.
func (r *Registration) Number() string { return fmt.Sprintf("R-%06d", r.ID) }
