package web

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

// TestLocal: a request is from this machine when its client address is
// loopback; a loopback peer that forwards someone's address counts only
// when it is a trusted proxy, and then the address it names decides.
func TestLocal(t *testing.T) {
	s := &Server{cfg: Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}}}
	for _, tc := range []struct {
		remote string
		header []string
		want   bool
	}{
		{"127.0.0.1:4000", nil, true},
		{"[::1]:4000", nil, true},
		{"[::ffff:127.0.0.1]:4000", nil, true},
		{"203.0.113.5:4000", nil, false},
		{"203.0.113.5:4000", []string{"X-Forwarded-For", "127.0.0.1"}, false}, // not a proxy: the header is ignored
		{"127.0.0.1:4000", []string{"X-Forwarded-For", "198.51.100.1"}, false},
		{"127.0.0.1:4000", []string{"Forwarded", "for=198.51.100.1"}, false},
		{"127.0.0.1:4000", []string{"X-Real-IP", "198.51.100.1"}, false},
		{"[::1]:4000", []string{"X-Forwarded-For", "198.51.100.1"}, false}, // a trusted proxy names someone else
		{"[::1]:4000", []string{"X-Forwarded-For", "127.0.0.1"}, true},     // … or this machine
		{"10.1.2.3:4000", []string{"X-Forwarded-For", "127.0.0.1"}, true},
		{"10.1.2.3:4000", nil, false},
	} {
		r := httptest.NewRequest("GET", "/setup", nil)
		r.RemoteAddr = tc.remote
		for i := 0; i+1 < len(tc.header); i += 2 {
			r.Header.Set(tc.header[i], tc.header[i+1])
		}
		c := &Ctx{R: r, srv: s}
		if got := c.Local(); got != tc.want {
			t.Errorf("%s %v: Local() = %v, want %v", tc.remote, tc.header, got, tc.want)
		}
	}
}
