package i18n

import (
	"fmt"
	"strings"
	"time"
)

// The one way dates and times are written, per language. Every page, mail
// and PDF formats an instant through these methods, so that a time never
// appears without its zone and each language reads its own way:
//
//	en:      Tue 19 January 2027, 09:00 Beijing time (UTC+8)
//	zh-Hans: 2027年1月19日 星期二 09:00 北京时间
//	zh-Hant: 2027年1月19日 星期二 09:00 北京時間
//
// The instant is written in the zone of its time.Time (t.In(loc) first);
// the zone is named as people say it in the language (a small table of
// zones, see zoneKeys), or as its offset from UTC ("UTC+2").

// Home is the zone of times that belong to no event or call (a message in
// the outbox, an application's submission): the secretariat's, in Wuzhen.
var Home = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.FixedZone("UTC+8", 8*3600)
	}
	return loc
}

// zoneKeys names zones by the words people use for them: the catalogue
// key is "when.zone." + the value. Zones not here are named by offset.
var zoneKeys = map[string]string{
	"Asia/Shanghai": "beijing", "Asia/Chongqing": "beijing", "Asia/Harbin": "beijing", "Asia/Urumqi": "beijing", "PRC": "beijing",
	"Asia/Hong_Kong": "hongkong", "Asia/Macau": "macao", "Asia/Taipei": "taipei",
	"Asia/Singapore": "singapore", "Asia/Tokyo": "japan", "Asia/Seoul": "korea", "Asia/Kolkata": "india",
	"Asia/Dubai": "gulf", "Europe/London": "uk", "Europe/Moscow": "moscow",
	"Europe/Paris": "cet", "Europe/Berlin": "cet", "Europe/Madrid": "cet", "Europe/Rome": "cet", "Europe/Brussels": "cet",
	"Europe/Amsterdam": "cet", "Europe/Vienna": "cet", "Europe/Zurich": "cet", "Europe/Stockholm": "cet", "Europe/Warsaw": "cet",
	"Africa/Nairobi": "eat", "Africa/Lagos": "wat", "Africa/Cairo": "egypt", "Africa/Johannesburg": "sast",
	"America/New_York": "us_eastern", "America/Chicago": "us_central", "America/Los_Angeles": "us_pacific",
	"America/Sao_Paulo": "brasilia", "America/Mexico_City": "mexico",
	"Australia/Sydney": "sydney", "Pacific/Auckland": "nz",
	"UTC": "utc", "Etc/UTC": "utc",
}

func (p *Printer) chinese() bool { return p.Lang == ZhHans || p.Lang == ZhHant }

// Offset writes the offset from UTC of t's zone at t: "UTC+8", "UTC+5:30",
// "UTC-3", "UTC".
func Offset(t time.Time) string {
	_, off := t.Zone()
	if off == 0 {
		return "UTC"
	}
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	if m := off % 3600 / 60; m != 0 {
		return fmt.Sprintf("UTC%c%d:%02d", sign, off/3600, m)
	}
	return fmt.Sprintf("UTC%c%d", sign, off/3600)
}

// Zone names the zone of t at t as readers of p's language say it:
// "Beijing time (UTC+8)", "北京时间", "日本时间（UTC+9）", and for a zone
// without a common name its offset, "UTC+2".
func (p *Printer) Zone(t time.Time) string {
	key, ok := zoneKeys[t.Location().String()]
	if !ok {
		return Offset(t)
	}
	name := p.T("when.zone." + key)
	if key == "utc" || key == "beijing" && p.chinese() {
		return name
	}
	if p.chinese() {
		return name + "（" + Offset(t) + "）"
	}
	return name + " (" + Offset(t) + ")"
}

// Date writes the day of t in t's zone: "Tue 19 January 2027",
// "2027年1月19日 星期二".
func (p *Printer) Date(t time.Time) string {
	wd := p.T(fmt.Sprintf("when.weekday.%d", int(t.Weekday())))
	if p.chinese() {
		return fmt.Sprintf("%d年%d月%d日 %s", t.Year(), t.Month(), t.Day(), wd)
	}
	return fmt.Sprintf("%s %d %s %d", wd, t.Day(), p.month(t.Month()), t.Year())
}

// DayMonth writes the day of t without its year: "Tue 19 January",
// "1月19日 星期二" (for a programme's day tabs).
func (p *Printer) DayMonth(t time.Time) string {
	wd := p.T(fmt.Sprintf("when.weekday.%d", int(t.Weekday())))
	if p.chinese() {
		return fmt.Sprintf("%d月%d日 %s", t.Month(), t.Day(), wd)
	}
	return fmt.Sprintf("%s %d %s", wd, t.Day(), p.month(t.Month()))
}

func (p *Printer) month(m time.Month) string { return p.T(fmt.Sprintf("when.month.%d", int(m))) }

// Clock writes the time of day of t in t's zone, 24-hour: "09:00". It
// does not name the zone: a page that shows it names the zone beside it
// (a programme names it once at the top).
func Clock(t time.Time) string { return t.Format("15:04") }

// DateTime writes t in t's zone with the zone named: "Tue 19 January
// 2027, 09:00 Beijing time (UTC+8)", "2027年1月19日 星期二 09:00 北京时间".
func (p *Printer) DateTime(t time.Time) string {
	if p.chinese() {
		return p.Date(t) + " " + Clock(t) + " " + p.Zone(t)
	}
	return p.Date(t) + ", " + Clock(t) + " " + p.Zone(t)
}

// Moment writes t in zone loc with the zone named, and when reader is
// known (not nil) and keeps another offset at t, the reader's own time
// beside it: "Tue 19 January 2027, 09:00 Beijing time (UTC+8) (your time:
// Tue 19 January 2027, 02:00 Central European time (UTC+1))".
func (p *Printer) Moment(t time.Time, loc, reader *time.Location) string {
	if loc == nil {
		loc = Home
	}
	s := p.DateTime(t.In(loc))
	if reader == nil {
		return s
	}
	_, a := t.In(loc).Zone()
	_, b := t.In(reader).Zone()
	if a == b {
		return s
	}
	return s + p.T("when.your_time", p.DateTime(t.In(reader)))
}

// DateRange writes the days from a to b, both in their own zone (give
// them in the event's): "19–21 January 2027", "30 January – 2 February
// 2027", "2027年1月19日至21日".
func (p *Printer) DateRange(a, b time.Time) string {
	sameDay := a.Year() == b.Year() && a.YearDay() == b.YearDay()
	sameMonth := a.Year() == b.Year() && a.Month() == b.Month()
	if p.chinese() {
		switch {
		case sameDay:
			return fmt.Sprintf("%d年%d月%d日", a.Year(), a.Month(), a.Day())
		case sameMonth:
			return fmt.Sprintf("%d年%d月%d日至%d日", a.Year(), a.Month(), a.Day(), b.Day())
		case a.Year() == b.Year():
			return fmt.Sprintf("%d年%d月%d日至%d月%d日", a.Year(), a.Month(), a.Day(), b.Month(), b.Day())
		}
		return fmt.Sprintf("%d年%d月%d日至%d年%d月%d日", a.Year(), a.Month(), a.Day(), b.Year(), b.Month(), b.Day())
	}
	switch {
	case sameDay:
		return fmt.Sprintf("%d %s %d", a.Day(), p.month(a.Month()), a.Year())
	case sameMonth:
		return fmt.Sprintf("%d–%d %s %d", a.Day(), b.Day(), p.month(a.Month()), a.Year())
	case a.Year() == b.Year():
		return fmt.Sprintf("%d %s – %d %s %d", a.Day(), p.month(a.Month()), b.Day(), p.month(b.Month()), a.Year())
	}
	return fmt.Sprintf("%d %s %d – %d %s %d", a.Day(), p.month(a.Month()), a.Year(), b.Day(), p.month(b.Month()), b.Year())
}

// TimeRange writes a span within a day with its zone: "09:00–10:30 Beijing
// time (UTC+8)"; across days, both ends in full.
func (p *Printer) TimeRange(a, b time.Time) string {
	if a.Year() == b.Year() && a.YearDay() == b.YearDay() {
		return Clock(a) + "–" + Clock(b) + " " + p.Zone(a)
	}
	return p.DateTime(a) + " – " + p.DateTime(b)
}

// Weekdays and Months are the names the browser's local-time script uses,
// so that the reader's own time reads like the page: short weekday names
// Sunday first, month names January first, joined by commas.
func (p *Printer) Weekdays() string {
	names := make([]string, 7)
	for i := range names {
		names[i] = p.T(fmt.Sprintf("when.weekday.%d", i))
	}
	return strings.Join(names, ",")
}

// Months: see Weekdays.
func (p *Printer) Months() string {
	names := make([]string, 12)
	for i := range names {
		names[i] = p.month(time.Month(i + 1))
	}
	return strings.Join(names, ",")
}

// At is an instant to be written in the zone Loc (the home zone when nil)
// in the language of the message it is an argument of: errs.Newf(code,
// key, i18n.At{T: t, Loc: loc}) is written in the reader's language when
// the error is shown. As a plain string (%s outside a Printer) it is
// English.
type At struct {
	T   time.Time
	Loc *time.Location
}

// String writes a in English.
func (a At) String() string { return For(En).Moment(a.T, a.Loc, nil) }

// localize writes the At arguments of a message in p's language.
func (p *Printer) localize(args []any) []any {
	out := args
	for i, a := range args {
		if at, ok := a.(At); ok {
			if &out[0] == &args[0] {
				out = append([]any(nil), args...)
			}
			out[i] = p.Moment(at.T, at.Loc, nil)
		}
	}
	return out
}
