package main

// Issue 14, integrity under attack: the proofs that go through HTTP.

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/wuzhen/wuzhen/internal/auth"
)

// TestMetricsNeedAnAdmin: /metrics on the site's address answers only an
// admin's API token (per-route counts of visa pages, check-ins and failed
// sign-ins are not public).
func TestMetricsNeedAnAdmin(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		b := a.browser(t)
		b.get("/").expect(t, http.StatusOK)
		b.get("/metrics").expect(t, http.StatusUnauthorized)
		b.get("/metrics", "Authorization", "Bearer wz_not-a-token").expect(t, http.StatusUnauthorized)
		sec := a.api(t, "sec@example.org", auth.RoleSecretariat)
		b.get("/metrics", "Authorization", "Bearer "+sec.token).expect(t, http.StatusForbidden)
		// A signed-in admin's session cookie is not enough either.
		a.staff(t, "staff@example.org", auth.RoleAdmin).get("/metrics").expect(t, http.StatusUnauthorized)
		admin := a.api(t, "admin@example.org", auth.RoleAdmin)
		b.get("/metrics", "Authorization", "Bearer "+admin.token).expect(t, http.StatusOK,
			`wuzhen_http_requests_total{code="200",route="GET /{$}"}`, "wuzhen_http_request_duration_seconds_bucket")
	})
}

var metricsLine = regexp.MustCompile(`Metrics are served at (http://\S+/metrics)`)

// TestMetricsAddr: with --metrics-addr (or WUZHEN_METRICS_ADDR) the
// metrics are served without sign-in on that address alone.
func TestMetricsAddr(t *testing.T) {
	for _, how := range []struct {
		name  string
		env   []string
		flags []string
	}{
		{"flag", nil, []string{"--metrics-addr", "127.0.0.1:0"}},
		{"env", []string{"WUZHEN_METRICS_ADDR=127.0.0.1:0"}, nil},
	} {
		t.Run(how.name, func(t *testing.T) {
			srv := startServe(t, append(how.env, "WUZHEN_DATA="+t.TempDir()), how.flags...)
			m := metricsLine.FindStringSubmatch(srv.printed)
			if m == nil {
				t.Fatalf("no metrics address printed:\n%s", srv.printed)
			}
			res, err := http.Get(m[1])
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 || !strings.Contains(string(body), "go_goroutines") {
				t.Errorf("metrics address: %d %.200s", res.StatusCode, body)
			}
			if code := getStatus(t, http.DefaultClient, strings.TrimSuffix(m[1], "/metrics")+"/"); code != 404 {
				t.Errorf("the metrics address serves the site: %d", code)
			}
			if code := getStatus(t, http.DefaultClient, srv.base+"/metrics"); code != 401 {
				t.Errorf("/metrics on the site's address without a token: %d", code)
			}
		})
	}
}
