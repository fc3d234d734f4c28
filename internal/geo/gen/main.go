// Command gen writes internal/geo/countries.csv from golang.org/x/text (CLDR
// names, M49 regions) and the hand-kept internal/geo/economies.csv (World
// Bank income groups, UN least developed countries).
//
// Run it with `go generate ./internal/geo` from the module root; go generate
// runs it in internal/geo, where both files live. See SOURCES.md there.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/wuzhen/wuzhen/internal/geo/internal/countrydata"
)

func main() {
	economies := flag.String("economies", "economies.csv", "hand-kept World Bank / UN LDC data to read")
	out := flag.String("o", "countries.csv", "file to write")
	flag.Parse()

	if err := run(*economies, *out); err != nil {
		fmt.Fprintln(os.Stderr, "geo/gen:", err)
		os.Exit(1)
	}
}

func run(economiesPath, outPath string) error {
	in, err := os.ReadFile(economiesPath)
	if err != nil {
		return err
	}
	data, err := countrydata.Generate(in)
	if err != nil {
		return err
	}
	return os.WriteFile(outPath, data, 0o644)
}
