package i18n

import (
	"testing"
	"time"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestDateTime(t *testing.T) {
	at := time.Date(2027, 1, 19, 1, 0, 0, 0, time.UTC) // 09:00 in Beijing
	for _, c := range []struct {
		lang, zone, want string
	}{
		{En, "Asia/Shanghai", "Tue 19 January 2027, 09:00 Beijing time (UTC+8)"},
		{ZhHans, "Asia/Shanghai", "2027年1月19日 星期二 09:00 北京时间"},
		{ZhHant, "Asia/Shanghai", "2027年1月19日 星期二 09:00 北京時間"},
		{En, "Europe/Berlin", "Tue 19 January 2027, 02:00 Central European time (UTC+1)"},
		{ZhHans, "Asia/Tokyo", "2027年1月19日 星期二 10:00 日本时间（UTC+9）"},
		{ZhHant, "America/New_York", "2027年1月18日 星期一 20:00 美國東部時間（UTC-5）"},
		{En, "Asia/Kathmandu", "Tue 19 January 2027, 06:45 UTC+5:45"}, // no common name: the offset
		{En, "America/Argentina/Buenos_Aires", "Mon 18 January 2027, 22:00 UTC-3"},
		{ZhHans, "UTC", "2027年1月19日 星期二 01:00 协调世界时"},
		{En, "UTC", "Tue 19 January 2027, 01:00 UTC"},
	} {
		if got := For(c.lang).DateTime(at.In(zone(t, c.zone))); got != c.want {
			t.Errorf("%s %s: got %q, want %q", c.lang, c.zone, got, c.want)
		}
	}
}

func TestZoneFollowsSummerTime(t *testing.T) {
	summer := time.Date(2027, 7, 1, 12, 0, 0, 0, zone(t, "Europe/London"))
	if got, want := For(En).Zone(summer), "UK time (UTC+1)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := For(ZhHant).Zone(summer), "英國時間（UTC+1）"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestMoment(t *testing.T) {
	at := time.Date(2027, 1, 19, 1, 0, 0, 0, time.UTC)
	bj, berlin := zone(t, "Asia/Shanghai"), zone(t, "Europe/Berlin")
	for _, c := range []struct {
		lang   string
		reader *time.Location
		want   string
	}{
		{En, nil, "Tue 19 January 2027, 09:00 Beijing time (UTC+8)"},
		{En, bj, "Tue 19 January 2027, 09:00 Beijing time (UTC+8)"},
		{En, zone(t, "Asia/Hong_Kong"), "Tue 19 January 2027, 09:00 Beijing time (UTC+8)"}, // same offset: not repeated
		{En, berlin, "Tue 19 January 2027, 09:00 Beijing time (UTC+8) (your time: Tue 19 January 2027, 02:00 Central European time (UTC+1))"},
		{ZhHans, berlin, "2027年1月19日 星期二 09:00 北京时间（您的时间：2027年1月19日 星期二 02:00 欧洲中部时间（UTC+1））"},
	} {
		if got := For(c.lang).Moment(at, bj, c.reader); got != c.want {
			t.Errorf("%s %v: got %q, want %q", c.lang, c.reader, got, c.want)
		}
	}
	if got, want := For(En).Moment(at, nil, nil), "Tue 19 January 2027, 09:00 Beijing time (UTC+8)"; got != want {
		t.Errorf("no zone: got %q, want the home zone %q", got, want)
	}
}

func TestDateRange(t *testing.T) {
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 9, 0, 0, 0, time.UTC) }
	for _, c := range []struct {
		lang string
		a, b time.Time
		want string
	}{
		{En, d(2027, 1, 19), d(2027, 1, 19), "19 January 2027"},
		{En, d(2027, 1, 19), d(2027, 1, 21), "19–21 January 2027"},
		{En, d(2027, 1, 30), d(2027, 2, 2), "30 January – 2 February 2027"},
		{En, d(2027, 12, 30), d(2028, 1, 2), "30 December 2027 – 2 January 2028"},
		{ZhHans, d(2027, 1, 19), d(2027, 1, 21), "2027年1月19日至21日"},
		{ZhHant, d(2027, 1, 30), d(2027, 2, 2), "2027年1月30日至2月2日"},
		{ZhHans, d(2027, 12, 30), d(2028, 1, 2), "2027年12月30日至2028年1月2日"},
	} {
		if got := For(c.lang).DateRange(c.a, c.b); got != c.want {
			t.Errorf("%s: got %q, want %q", c.lang, got, c.want)
		}
	}
	bj := zone(t, "Asia/Shanghai")
	a, b := time.Date(2027, 1, 19, 9, 0, 0, 0, bj), time.Date(2027, 1, 19, 10, 30, 0, 0, bj)
	if got, want := For(En).TimeRange(a, b), "09:00–10:30 Beijing time (UTC+8)"; got != want {
		t.Errorf("TimeRange: got %q, want %q", got, want)
	}
	if got, want := For(ZhHans).DayMonth(a), "1月19日 星期二"; got != want {
		t.Errorf("DayMonth: got %q, want %q", got, want)
	}
}

func TestAtArgument(t *testing.T) {
	at := At{T: time.Date(2027, 1, 19, 1, 0, 0, 0, time.UTC), Loc: zone(t, "Asia/Shanghai")}
	args := []any{at, "x"}
	msgs := map[string]string{"k": "%s · %s"}
	for k, v := range Messages()[ZhHans] {
		msgs[k] = v
	}
	p := &Printer{Lang: ZhHans, msgs: msgs}
	if got, want := p.T("k", args...), "2027年1月19日 星期二 09:00 北京时间 · x"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if _, ok := args[0].(At); !ok {
		t.Error("the caller's arguments were changed")
	}
	if got, want := at.String(), "Tue 19 January 2027, 09:00 Beijing time (UTC+8)"; got != want {
		t.Errorf("String: got %q, want %q", got, want)
	}
}
