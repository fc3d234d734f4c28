package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for CREATE/DROP DATABASE
)

// moduleRoot returns the folder of the go.mod of the module bench is in.
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("run bench from inside the wuzhen module (go run ./bench …)")
	}
	return filepath.Dir(mod), nil
}

// build compiles ./cmd/wuzhen into dir and returns the binary's path.
func build(ctx context.Context, root, dir string) (string, error) {
	bin := filepath.Join(dir, "wuzhen")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/wuzhen")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/wuzhen: %w\n%s", err, out)
	}
	return bin, nil
}

// freePort returns a loopback port that was free a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// dbArgs are the --data and --db flags of every wuzhen command of a run.
func dbArgs(data, dbURL string) []string {
	args := []string{"--data", data}
	if dbURL != "" {
		args = append(args, "--db", dbURL)
	}
	return args
}

// commandEnv is the environment of the wuzhen commands: the caller's,
// without WUZHEN_* settings that would change what the flags say.
func commandEnv() []string {
	var env []string
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "WUZHEN_") {
			env = append(env, e)
		}
	}
	return env
}

// createUser runs "wuzhen user create --password-stdin" on the data.
func createUser(ctx context.Context, bin, data, dbURL, email, name, password string) error {
	args := append([]string{"user", "create", "--email", email, "--name", name, "--password-stdin"}, dbArgs(data, dbURL)...)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = commandEnv()
	cmd.Stdin = strings.NewReader(password + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("wuzhen user create: %w\n%s", err, out)
	}
	return nil
}

// server is a running "wuzhen serve".
type server struct {
	cmd  *exec.Cmd
	URL  string
	log  string // path of its log
	done chan error
}

// startServer starts wuzhen on a free loopback port and waits until
// /readyz answers 200.
func startServer(ctx context.Context, bin, data, dbURL, logPath string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	s, err := launchServer(bin, fmt.Sprintf("127.0.0.1:%d", port), data, dbURL, logPath)
	if err != nil {
		return nil, err
	}
	if err := s.waitReady(ctx, 60*time.Second); err != nil {
		s.stop()
		return nil, fmt.Errorf("%w\n%s", err, tail(logPath, 20))
	}
	return s, nil
}

// launchServer starts "wuzhen serve" on addr without waiting for it to be
// ready. Its output is appended to the file at logPath.
func launchServer(bin, addr, data, dbURL, logPath string) (*server, error) {
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	// Not CommandContext: the server gets SIGTERM from stop, never SIGKILL
	// first (but from the crash scenario, on purpose).
	cmd := exec.Command(bin, append([]string{"serve", "--addr", addr}, dbArgs(data, dbURL)...)...)
	cmd.Env = commandEnv()
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	s := &server{cmd: cmd, URL: "http://" + addr, log: logPath, done: make(chan error, 1)}
	go func() {
		s.done <- cmd.Wait()
		close(s.done)
		logf.Close()
	}()
	return s, nil
}

func (s *server) waitReady(ctx context.Context, limit time.Duration) error {
	c := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{Proxy: nil}}
	defer c.CloseIdleConnections()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case err := <-s.done:
			return fmt.Errorf("wuzhen serve exited before it was ready: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		res, err := c.Get(s.URL + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return fmt.Errorf("wuzhen serve was not ready within %s", limit)
}

// stop sends SIGTERM and waits for the server to drain and exit, killing
// it after 30 s.
func (s *server) stop() {
	if s == nil || s.cmd.Process == nil {
		return
	}
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return // already gone
	}
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
}

// tail returns the last n lines of the file at path.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// pgDatabase is a throwaway database on the PostgreSQL server of a URL.
type pgDatabase struct {
	admin string // the URL given, used for CREATE and DROP
	name  string
	URL   string // the URL of the new database
}

// createPG creates a fresh UTF-8 database (ctype C.UTF-8, as the README
// asks) on the server of adminURL, named wuzhen_bench_<random>.
func createPG(ctx context.Context, adminURL string) (*pgDatabase, error) {
	u, err := url.Parse(adminURL)
	if err != nil {
		return nil, fmt.Errorf("--db: %w", err)
	}
	var rnd [4]byte
	rand.Read(rnd[:])
	p := &pgDatabase{admin: adminURL, name: "wuzhen_bench_" + hex.EncodeToString(rnd[:])}
	u.Path = "/" + p.name
	p.URL = u.String()
	err = pgExec(ctx, adminURL, `CREATE DATABASE "`+p.name+`" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`)
	if err != nil {
		return nil, fmt.Errorf("create database %s: %w", p.name, err)
	}
	return p, nil
}

// drop removes the database, disconnecting whoever is still on it.
func (p *pgDatabase) drop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return pgExec(ctx, p.admin, `DROP DATABASE IF EXISTS "`+p.name+`" WITH (FORCE)`)
}

func pgExec(ctx context.Context, dsn, stmt string) error {
	d, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer d.Close()
	_, err = d.ExecContext(ctx, stmt)
	return err
}

// redact hides a password in a database URL.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxx")
	}
	return u.String()
}

// randomPassword returns a password for the login scenario's accounts.
func randomPassword() string {
	var b [12]byte
	rand.Read(b[:])
	return "bench-" + hex.EncodeToString(b[:])
}
