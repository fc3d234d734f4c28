// Command wuzhen is the whole platform in one binary: the web server, its
// background jobs, and the operator's commands.
//
//	wuzhen serve [--addr 127.0.0.1:8080] [--data ./data] [--db URL] [--demo]
//	wuzhen migrate [--data …] [--db …]
//	wuzhen user create --email E --name N [--role admin|secretariat] [--password-stdin]
//	wuzhen token create --email E [--name LABEL]
//	wuzhen verify [--key FILE] FILE.pdf|ADDRESS|STATEMENT
//	wuzhen version
package main

import (
	"fmt"
	"os"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `usage: wuzhen COMMAND [flags]

commands:
  serve          run the web server and background jobs
  migrate        bring the database schema up to date
  user create    create a verified account (optionally with a role)
  token create   create a personal API token (printed on the last line)
  backup|restore back up while running; restore into an empty data folder
  reindex        rebuild the search index from the content
  verify         check a training certificate offline (a PDF or its QR code) with the public key
  version        print the version

Every command takes --data DIR and --db URL (or WUZHEN_DATA, WUZHEN_DB).
Run "wuzhen COMMAND -h" for a command's flags.
`

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "wuzhen:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return fmt.Errorf("no command")
	}
	switch cmd, rest := args[0], args[1:]; {
	case cmd == "serve":
		return serve(rest)
	case cmd == "migrate":
		return migrate(rest)
	case cmd == "user" && len(rest) > 0 && rest[0] == "create":
		return userCreate(rest[1:])
	case cmd == "token" && len(rest) > 0 && rest[0] == "create":
		return tokenCreate(rest[1:])
	case cmd == "backup" || cmd == "restore":
		return backupCommand(cmd, rest)
	case cmd == "reindex":
		return reindex(rest)
	case cmd == "verify":
		return verifyCommand(rest)
	case cmd == "version":
		fmt.Println("wuzhen", version)
		return nil
	case cmd == "help" || cmd == "-h" || cmd == "--help":
		fmt.Print(usage)
		return nil
	default:
		fmt.Fprint(os.Stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}
