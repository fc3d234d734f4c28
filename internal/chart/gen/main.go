// Command gen writes internal/chart/worldpaths.json, the projected and
// simplified country shapes of the server-rendered world map, from the
// vendored Natural Earth TopoJSON in internal/chart/data (npm world-atlas).
//
// Run it with `go generate ./internal/chart` from the module root; go
// generate runs it in internal/chart. See data/README.md.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/wuzhen/wuzhen/internal/chart/internal/topo"
	"github.com/wuzhen/wuzhen/internal/geo"
)

func main() {
	in := flag.String("i", "data/countries-50m.json", "world-atlas TopoJSON to read")
	out := flag.String("o", "worldpaths.json", "file to write")
	verbose := flag.Bool("v", false, "list the codes that have no shape")
	flag.Parse()

	if err := run(*in, *out, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "chart/gen:", err)
		os.Exit(1)
	}
}

func run(inPath, outPath string, verbose bool) error {
	src, err := os.ReadFile(inPath)
	if err != nil {
		return err
	}
	m, err := topo.Build(src)
	if err != nil {
		return err
	}
	data, err := m.Encode()
	if err != nil {
		return err
	}
	if verbose {
		have := map[string]bool{}
		dots := 0
		for _, c := range m.Countries {
			have[c.Code] = true
			if c.Dot != nil {
				dots++
			}
		}
		var missing []string
		for _, c := range geo.Countries() {
			if !have[c.Code] {
				missing = append(missing, c.Code)
			}
		}
		fmt.Fprintf(os.Stderr, "%d countries (%d with a dot), %d no-data shapes, %d bytes\nno shape: %v\n",
			len(m.Countries), dots, len(m.NoData), len(data), missing)
	}
	return os.WriteFile(outPath, data, 0o644)
}
