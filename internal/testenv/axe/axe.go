// Package axe embeds axe-core, Deque's accessibility rules engine, for
// browser tests. Only tests import it.
//
// The file axe.min.js is the built script that the npm package axe-core
// ships, unchanged; README.md says which version and how to refresh it.
// axe-core is under the Mozilla Public License 2.0 (LICENSE), and bundles
// code under the licences in LICENSE-3RD-PARTY.txt.
package axe

import _ "embed"

//go:embed axe.min.js
var script string

// Version is the axe-core version of the embedded script.
const Version = "4.14.1"

// Script returns the source of axe-core. Evaluated in a page, it defines
// the global axe, whose axe.run(context, options) returns a promise of the
// results.
func Script() string { return script }
