package crypt

import (
	"bytes"
	"strings"
	"testing"
)

func keys(t *testing.T, b byte) *Keys {
	t.Helper()
	k, err := New(bytes.Repeat([]byte{b}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSeal(t *testing.T) {
	k := keys(t, 1)
	plain := []byte(`{"passport_number":"E12345678","name":"王小明"}`)
	a, b := k.Seal(plain, "visa:1"), k.Seal(plain, "visa:1")
	if bytes.Equal(a, b) {
		t.Fatal("two seals of the same value are equal: the nonce is not random")
	}
	if bytes.Contains(a, []byte("E12345678")) {
		t.Fatal("plaintext in the sealed value")
	}
	got, err := k.Open(a, "visa:1")
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("round trip: %q %v", got, err)
	}
	if _, err := k.Open(a, "visa:2"); err != ErrOpen {
		t.Fatalf("opened for another context: %v", err)
	}
	if _, err := keys(t, 2).Open(a, "visa:1"); err != ErrOpen {
		t.Fatalf("opened with another secret: %v", err)
	}
	a[len(a)-1] ^= 1
	if _, err := k.Open(a, "visa:1"); err != ErrOpen {
		t.Fatalf("opened an altered value: %v", err)
	}
	if _, err := k.Open(nil, "visa:1"); err != ErrOpen {
		t.Fatalf("opened nothing: %v", err)
	}
}

func TestSign(t *testing.T) {
	k := keys(t, 1)
	mac := k.Sign("badge", []byte{1, 42})
	if !k.Verify("badge", []byte{1, 42}, mac[:16]) || !k.Verify("badge", []byte{1, 42}, mac) {
		t.Fatal("own signature refused")
	}
	for name, ok := range map[string]bool{
		"other message": k.Verify("badge", []byte{1, 43}, mac[:16]),
		"other purpose": k.Verify("letter", []byte{1, 42}, mac[:16]),
		"other secret":  keys(t, 2).Verify("badge", []byte{1, 42}, mac[:16]),
		"too short":     k.Verify("badge", []byte{1, 42}, mac[:8]),
	} {
		if ok {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := New(make([]byte, 31)); err == nil {
		t.Fatal("a short secret was accepted")
	}
}

// TestNewToken: tokens differ, are URL-safe, and their stored hash is the
// hash of the token alone.
func TestNewToken(t *testing.T) {
	a, ha := NewToken()
	b, _ := NewToken()
	if a == b || len(a) != 43 || strings.ContainsAny(a, "+/=") {
		t.Fatalf("tokens %q and %q", a, b)
	}
	if ha != HashToken(a) || len(ha) != 64 || ha == HashToken(b) {
		t.Fatalf("hash %q of %q", ha, a)
	}
}

// TestStatements: a statement verifies with the public key alone, for
// its purpose only; altered, or under another secret, it does not; the
// key is the same for the same secret and survives PEM.
func TestStatements(t *testing.T) {
	secret := make([]byte, 32)
	k, err := New(secret)
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte(`{"holder":"Amina"}`)
	sig := k.SignStatement("certificate", msg)
	pub, err := ParsePublicKeyPEM(PublicKeyPEM(k.PublicKey()))
	if err != nil {
		t.Fatal(err)
	}
	if !VerifyStatement(pub, "certificate", msg, sig) {
		t.Fatal("a statement does not verify")
	}
	if VerifyStatement(pub, "proposal", msg, sig) {
		t.Error("verifies for another purpose")
	}
	if VerifyStatement(pub, "certificate", []byte(`{"holder":"Amino"}`), sig) {
		t.Error("an altered statement verifies")
	}
	again, _ := New(secret)
	if !again.PublicKey().Equal(k.PublicKey()) {
		t.Error("the key differs for the same secret")
	}
	other := make([]byte, 32)
	other[0] = 1
	o, _ := New(other)
	if VerifyStatement(o.PublicKey(), "certificate", msg, sig) {
		t.Error("verifies under another secret's key")
	}
}
