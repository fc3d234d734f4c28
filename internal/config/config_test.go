package config

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSecret(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	c := &Config{Data: dir}
	key, made, err := c.Secret()
	if err != nil || !made || len(key) != 32 {
		t.Fatalf("first start: %d bytes, made %v, %v", len(key), made, err)
	}
	st, err := os.Stat(filepath.Join(dir, SecretFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", st, err)
	}
	again, made, err := c.Secret()
	if err != nil || made || !bytes.Equal(again, key) {
		t.Fatalf("second start: made %v, same %v, %v", made, bytes.Equal(again, key), err)
	}
	// The file's content works as WUZHEN_SECRET_KEY on another instance.
	b, _ := os.ReadFile(filepath.Join(dir, SecretFile))
	other := &Config{Data: t.TempDir(), SecretKey: strings.TrimSpace(string(b))}
	if k, made, err := other.Secret(); err != nil || made || !bytes.Equal(k, key) {
		t.Fatalf("the same key given as a setting: %v %v", made, err)
	}
	if _, err := os.Stat(filepath.Join(other.Data, SecretFile)); err == nil {
		t.Fatal("a key file was made although a key was given")
	}
	os.Chmod(filepath.Join(dir, SecretFile), 0o644)
	if _, _, err := c.Secret(); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("a key file readable by others was accepted: %v", err)
	}
	for _, bad := range []string{"short", "00112233", "not base64 at all!!"} {
		if _, _, err := (&Config{Data: t.TempDir(), SecretKey: bad}).Secret(); err == nil {
			t.Errorf("secret %q accepted", bad)
		}
	}
	b64 := &Config{SecretKey: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}
	if k, _, err := b64.Secret(); err != nil || len(k) != 32 || k[31] != 31 {
		t.Fatalf("base64 secret: %v %v", k, err)
	}
}

func TestVisaRetention(t *testing.T) {
	t.Setenv("WUZHEN_VISA_RETENTION_DAYS", "")
	c := &Config{Data: t.TempDir()}
	if err := c.Resolve(); err != nil || c.VisaRetentionDays != 30 {
		t.Fatalf("default: %d %v", c.VisaRetentionDays, err)
	}
	t.Setenv("WUZHEN_VISA_RETENTION_DAYS", "7")
	c = &Config{Data: t.TempDir()}
	if err := c.Resolve(); err != nil || c.VisaRetentionDays != 7 {
		t.Fatalf("from the environment: %d %v", c.VisaRetentionDays, err)
	}
	c = &Config{Data: t.TempDir(), VisaRetentionDays: -1}
	if err := c.Resolve(); err == nil {
		t.Fatal("negative retention accepted")
	}
}
