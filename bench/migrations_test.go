package main

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"path/filepath"
	"slices"
	"testing"
)

// migrationList returns the elements of the composite literal assigned to
// the package-level variable "migrations" in the Go file at path, as
// source text ("jobs.Migrations").
func migrationList(t *testing.T, path string) []string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.VAR {
			continue
		}
		for _, s := range g.Specs {
			v := s.(*ast.ValueSpec)
			for i, name := range v.Names {
				if name.Name != "migrations" || i >= len(v.Values) {
					continue
				}
				lit, ok := v.Values[i].(*ast.CompositeLit)
				if !ok {
					t.Fatalf("%s: migrations is not a composite literal", path)
				}
				var out []string
				for _, e := range lit.Elts {
					var b bytes.Buffer
					printer.Fprint(&b, fset, e)
					out = append(out, b.String())
				}
				return out
			}
		}
	}
	t.Fatalf("%s: no package-level var migrations", path)
	return nil
}

// TestMigrationsMatchApp fails when bench's copy of the migration list
// differs from the one of cmd/wuzhen/app.go (the same sets, in the same
// order): the data would be loaded into a schema the server does not
// have. Copy the list from app.go into bench/data.go to fix it.
func TestMigrationsMatchApp(t *testing.T) {
	app := migrationList(t, filepath.Join("..", "cmd", "wuzhen", "app.go"))
	ours := migrationList(t, "data.go")
	if !slices.Equal(app, ours) {
		t.Errorf("bench/data.go migrations = %v\ncmd/wuzhen/app.go migrations = %v\ncopy the list from app.go", ours, app)
	}
	if len(ours) != len(migrations) {
		t.Errorf("parsed %d sets, the variable has %d", len(ours), len(migrations))
	}
	owners := map[string]bool{}
	for _, m := range migrations {
		if owners[m.Owner] {
			t.Errorf("owner %q twice", m.Owner)
		}
		owners[m.Owner] = true
	}
}
