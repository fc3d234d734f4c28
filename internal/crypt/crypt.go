// Package crypt seals personal data at rest (AES-256-GCM) and signs tokens
// (HMAC-SHA256) with keys derived from the installation's one secret
// (config.Config.Secret). It imports no capability.
//
// The two keys are derived from the secret with HMAC-SHA256 under distinct
// labels, so that a signature can never be confused with a ciphertext and
// either key can be told apart from the secret itself. Every sealed value
// and every signature is bound to a context string chosen by the caller
// ("visa:42", "badge"): a value sealed for one row does not open as
// another's, and a token signed for one purpose does not verify for
// another.
package crypt

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
)

// MinSecret is the shortest secret New accepts, in bytes.
const MinSecret = 32

// version is the first byte of a sealed value: the format and key
// derivation, so that either can change later.
const version = 1

// ErrOpen is returned when a sealed value cannot be opened: it was sealed
// with another secret or for another context, or it was altered.
var ErrOpen = errors.New("crypt: cannot open the sealed value (another secret key, or altered)")

// Keys seal and sign with keys derived from one secret. Safe for
// concurrent use.
type Keys struct {
	aead cipher.AEAD
	mac  []byte
	sign ed25519.PrivateKey
}

// New derives the keys from secret, which must hold at least MinSecret
// random bytes.
func New(secret []byte) (*Keys, error) {
	if len(secret) < MinSecret {
		return nil, fmt.Errorf("crypt: the secret key has %d bytes; it needs at least %d", len(secret), MinSecret)
	}
	block, err := aes.NewCipher(derive(secret, "wuzhen seal v1"))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Keys{aead: aead, mac: derive(secret, "wuzhen sign v1"), sign: ed25519.NewKeyFromSeed(derive(secret, "wuzhen ed25519 v1"))}, nil
}

func derive(secret []byte, label string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// Seal encrypts plain for context: version, a random nonce, then the
// ciphertext with its tag.
func (k *Keys) Seal(plain []byte, context string) []byte {
	out := make([]byte, 1+k.aead.NonceSize(), 1+k.aead.NonceSize()+len(plain)+k.aead.Overhead())
	out[0] = version
	if _, err := rand.Read(out[1:]); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return k.aead.Seal(out, out[1:], plain, []byte(context))
}

// Open decrypts a value sealed for context; ErrOpen when it cannot.
func (k *Keys) Open(sealed []byte, context string) ([]byte, error) {
	n := k.aead.NonceSize()
	if len(sealed) < 1+n+k.aead.Overhead() || sealed[0] != version {
		return nil, ErrOpen
	}
	plain, err := k.aead.Open(nil, sealed[1:1+n], sealed[1+n:], []byte(context))
	if err != nil {
		return nil, ErrOpen
	}
	return plain, nil
}

// Sign returns the HMAC-SHA256 of msg for purpose (32 bytes).
func (k *Keys) Sign(purpose string, msg []byte) []byte {
	m := hmac.New(sha256.New, k.mac)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write(msg)
	return m.Sum(nil)
}

// Verify reports whether mac is Sign(purpose, msg) or a prefix of it of at
// least 16 bytes, in constant time.
func (k *Keys) Verify(purpose string, msg, mac []byte) bool {
	if len(mac) < 16 || len(mac) > sha256.Size {
		return false
	}
	return hmac.Equal(k.Sign(purpose, msg)[:len(mac)], mac)
}

// RandomCode returns a random code of n characters from an alphabet
// without look-alikes (no 0/O, 1/I/L), for a person to copy from a log
// or a screen: 20 characters carry about 98 bits.
func RandomCode(n int) string {
	const alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ" // 31 symbols
	b := make([]byte, n)
	for i := range b {
		var r [1]byte
		for {
			rand.Read(r[:])
			if int(r[0]) < 248 { // 8 × 31: no modulo bias
				break
			}
		}
		b[i] = alphabet[int(r[0])%len(alphabet)]
	}
	return string(b)
}

// Equal reports whether a and b are equal, in time that does not depend
// on where they differ.
func Equal(a, b string) bool { return hmac.Equal([]byte(a), []byte(b)) }

// NewToken returns a random bearer token for a person to hold (32 random
// bytes, URL-safe base64) and its hash for the database, which never
// stores the token itself: sessions, API tokens, invitations, reset and
// confirmation links, calendar addresses.
func NewToken() (token, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken is the SHA-256 of a token, in hex: what is stored and looked
// up in place of the token.
func HashToken(token string) string {
	s := sha256.Sum256([]byte(token))
	return hex.EncodeToString(s[:])
}

// The platform's one Ed25519 signing key signs statements that anyone
// verifies with the public key alone (certificates, joint proposals),
// unlike Sign, whose MAC only the installation can check. Its seed is
// derived from the secret under its own label, so it is kept beside the
// secret key (backed up with it, the same on every instance) and changes
// only when the secret does.

// PublicKey is the platform's Ed25519 public key, to publish.
func (k *Keys) PublicKey() ed25519.PublicKey { return k.sign.Public().(ed25519.PublicKey) }

// SignStatement signs msg for purpose with the platform's Ed25519 key
// (64 bytes).
func (k *Keys) SignStatement(purpose string, msg []byte) []byte {
	return ed25519.Sign(k.sign, statement(purpose, msg))
}

// VerifyStatement reports whether sig is the signature of msg for
// purpose under the public key pub: what anyone can check offline.
func VerifyStatement(pub ed25519.PublicKey, purpose string, msg, sig []byte) bool {
	return len(pub) == ed25519.PublicKeySize && ed25519.Verify(pub, statement(purpose, msg), sig)
}

func statement(purpose string, msg []byte) []byte {
	out := make([]byte, 0, len(purpose)+1+len(msg))
	out = append(out, purpose...)
	out = append(out, 0)
	return append(out, msg...)
}

// PublicKeyPEM is pub as a PEM "PUBLIC KEY" block (PKIX), as published at
// /.well-known/wuzhen-signing-key.
func PublicKeyPEM(pub ed25519.PublicKey) []byte {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		panic(err) // an Ed25519 key always marshals
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// ParsePublicKeyPEM reads a public key written by PublicKeyPEM.
func ParsePublicKeyPEM(b []byte) (ed25519.PublicKey, error) {
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "PUBLIC KEY" {
		return nil, errors.New("crypt: no PEM public key")
	}
	k, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("crypt: public key: %w", err)
	}
	pub, ok := k.(ed25519.PublicKey)
	if !ok {
		return nil, errors.New("crypt: not an Ed25519 public key")
	}
	return pub, nil
}
