package events

import (
	"fmt"
	"time"

	"github.com/wuzhen/wuzhen/internal/i18n"
)

// Dates returns the event's days in its own zone, in lang: "8–10 November
// 2026", "2026年11月8日至10日" (see i18n.Printer.DateRange).
func (e *Event) Dates(lang string) string {
	loc := e.Location()
	return i18n.For(lang).DateRange(e.Starts.In(loc), e.Ends.In(loc))
}

// Zone names the event's zone at its start as readers of lang say it:
// "Beijing time (UTC+8)", "北京时间".
func (e *Event) Zone(lang string) string { return i18n.For(lang).Zone(e.Starts.In(e.Location())) }

// Local formats an instant in the event's zone as the forms take it.
func (e *Event) Local(t time.Time) string { return t.In(e.Location()).Format("2006-01-02T15:04") }

// LocalTime writes an instant in the event's zone for a reader of lang,
// with the zone named: "Tue 19 January 2027, 09:00 Beijing time (UTC+8)";
// "" for nil.
func (e *Event) LocalTime(lang string, t *time.Time) string {
	if t == nil {
		return ""
	}
	return i18n.For(lang).DateTime(t.In(e.Location()))
}

// ISO is an instant as RFC 3339 with the event's offset, for <time datetime>.
func (e *Event) ISO(t time.Time) string { return t.In(e.Location()).Format(time.RFC3339) }

// HasTopic reports whether the event is tagged with topic.
func (e *Event) HasTopic(topic string) bool { return contains(e.Topics, topic) }

// HasLanguage reports whether the event works in lang.
func (e *Event) HasLanguage(lang string) bool { return contains(e.Languages, lang) }

// Number is a registration's reference as people read it: R-000042.
func (r *Registration) Number() string { return fmt.Sprintf("R-%06d", r.ID) }
