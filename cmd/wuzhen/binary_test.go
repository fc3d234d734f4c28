package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/wuzhen/wuzhen/internal/testenv"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// binary builds the wuzhen command once per test run.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "wuzhen-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "wuzhen")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// wuzhen runs a command of the binary to its end with env and stdin.
func wuzhen(t *testing.T, env []string, stdin string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

var (
	addrLine = regexp.MustCompile(`running at (http://\S+)/ `)
	credLine = regexp.MustCompile(`(?m)^\s+admin\s+(\S+)\s+password: (\S+)$`)
)

// TestBinary runs the real binary as an operator would: migrate, serve
// with demo content, create an account and a token while it runs, use
// them, and stop it with SIGTERM.
func TestBinary(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testBinary(t, nil) })
	t.Run("postgres", func(t *testing.T) { testBinary(t, []string{"WUZHEN_DB=" + testenv.PostgresDSN(t)}) })
}

func testBinary(t *testing.T, env []string) {
	data := t.TempDir()
	env = append(env, "WUZHEN_DATA="+data)

	out, err := wuzhen(t, nil, "", "version")
	if err != nil || !strings.HasPrefix(out, "wuzhen ") {
		t.Fatalf("version: %v %q", err, out)
	}
	if out, err := wuzhen(t, env, "", "migrate"); err != nil || !strings.Contains(out, "up to date") {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	if out, err := wuzhen(t, env, "", "frobnicate"); err == nil || !strings.Contains(out, "unknown command") {
		t.Fatalf("unknown command: %v\n%s", err, out)
	}

	srv := startServe(t, env, "--demo")
	base := srv.base
	cred := credLine.FindStringSubmatch(srv.printed)
	if cred == nil {
		t.Fatalf("no demo admin credentials printed:\n%s", srv.printed)
	}

	get := func(c *http.Client, path string, header ...string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", base+path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, _ := get(http.DefaultClient, "/readyz"); code != 200 {
		t.Fatalf("readyz %d", code)
	}
	if code, body := get(http.DefaultClient, "/"); code != 200 || !strings.Contains(body, "(demo)") {
		t.Fatalf("home %d, demo organisation missing:\n%.1000s", code, body)
	}

	// Operator commands work while the server runs on the same data.
	out, err = wuzhen(t, env, "an operator password\n", "user", "create", "--email", "ops@example.org", "--name", "Operator", "--role", "admin", "--password-stdin")
	if err != nil {
		t.Fatalf("user create: %v\n%s", err, out)
	}
	out, err = wuzhen(t, env, "", "user", "create", "--email", "ops@example.org", "--name", "Again")
	if err == nil || !strings.Contains(out, "already exists") {
		t.Fatalf("duplicate user create: %v\n%s", err, out)
	}
	out, err = wuzhen(t, env, "", "token", "create", "--email", "ops@example.org", "--name", "ci")
	if err != nil {
		t.Fatalf("token create: %v\n%s", err, out)
	}
	outLines := strings.Split(strings.TrimSpace(out), "\n")
	token := outLines[len(outLines)-1]
	code, body := get(http.DefaultClient, "/api/v1/me", "Authorization", "Bearer "+token)
	var me struct {
		Email string   `json:"email"`
		Roles []string `json:"roles"`
	}
	if code != 200 || json.Unmarshal([]byte(body), &me) != nil || me.Email != "ops@example.org" || len(me.Roles) != 1 || me.Roles[0] != "admin" {
		t.Fatalf("me with the new token: %d %s", code, body)
	}

	// The printed demo credentials open the admin area.
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res, err := c.PostForm(base+"/login", url.Values{"email": {cred[1]}, "password": {cred[2]}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if code, body := get(c, "/admin"); code != 200 || !strings.Contains(body, "Administration") {
		t.Fatalf("admin with demo credentials: %d", code)
	}

	// SIGTERM stops it cleanly.
	exit, logs := srv.stop()
	if exit != nil {
		t.Fatalf("serve exited with %v\n%s", exit, logs)
	}
	out, err = wuzhen(t, env, "", "reindex")
	if err != nil || !regexp.MustCompile(`Reindexed 1[0-9]{2} members`).MatchString(out) {
		t.Errorf("reindex: %v\n%s", err, out)
	}
	for _, want := range []string{"shutting down", "msg=stopped", "request_id="} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
	}
}
