package main

import (
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/wuzhen/wuzhen/internal/config"
	"github.com/wuzhen/wuzhen/internal/crypt"
	"github.com/wuzhen/wuzhen/internal/training"
)

// verifyCommand checks a certificate offline: the signed statement in a
// PDF, in the QR code's address or given as is, against the platform's
// public key (--key, the file published at /.well-known/wuzhen-signing-key)
// or, on the platform's own machine, the key derived from its secret. It
// opens no database and no connection.
func verifyCommand(args []string) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	keyFile := fs.String("key", "", "the platform's public key (PEM, from /.well-known/wuzhen-signing-key); default the key of the secret in --data")
	data := fs.String("data", os.Getenv("WUZHEN_DATA"), "data folder holding secret.key, when --key is not given")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: wuzhen verify [--key FILE] FILE.pdf|ADDRESS|STATEMENT")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("verify: give one certificate (a PDF file, the QR code's address, or its statement)")
	}
	pub, err := verifyKey(*keyFile, *data)
	if err != nil {
		return err
	}
	arg := fs.Arg(0)
	text := arg
	if b, err := os.ReadFile(arg); err == nil {
		text = string(b)
	} else if u, err := url.Parse(arg); err == nil && u.Query().Get("t") != "" {
		text = u.Query().Get("t")
	}
	token := training.TokenRE.FindString(text)
	if token == "" {
		if code := training.NormaliseCode(arg); code != "" {
			return fmt.Errorf("verify: %s is a code: a code alone is checked online, at the platform's /verify/%s; offline, give the PDF or the QR code's content", code, code)
		}
		return errors.New("verify: no signed certificate statement found")
	}
	st, err := training.VerifyToken(pub, token)
	if err != nil {
		fmt.Println("NOT VALID: the signature does not verify (altered, or signed with another key)")
		return err
	}
	holder := st.Holder
	if st.HolderNative != "" {
		holder = st.HolderNative + " (" + st.Holder + ")"
	}
	fmt.Printf("VALID SIGNATURE: certificate %s\n  holder:    %s\n  programme: %s\n  dates:     %s to %s, %d hours\n  issued on: %s by %s\n",
		st.Code, holder, st.Title, st.StartsOn, st.EndsOn, st.Hours, st.IssuedOn, st.Issuer)
	fmt.Printf("Whether it has been revoked since is known online only: %s/verify/%s\n", strings.TrimSuffix(st.Issuer, "/"), st.Code)
	return nil
}

func verifyKey(keyFile, data string) (ed25519.PublicKey, error) {
	if keyFile != "" {
		b, err := os.ReadFile(keyFile)
		if err != nil {
			return nil, fmt.Errorf("verify: %w", err)
		}
		return crypt.ParsePublicKeyPEM(b)
	}
	if data == "" {
		data = "data"
	}
	path := filepath.Join(data, config.SecretFile)
	if _, err := os.Stat(path); err != nil && os.Getenv("WUZHEN_SECRET_KEY") == "" {
		return nil, fmt.Errorf("verify: give the platform's public key with --key (no %s here)", path)
	}
	secret, _, err := (&config.Config{Data: data, SecretKey: os.Getenv("WUZHEN_SECRET_KEY")}).Secret()
	if err != nil {
		return nil, err
	}
	k, err := crypt.New(secret)
	if err != nil {
		return nil, err
	}
	return k.PublicKey(), nil
}
