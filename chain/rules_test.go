package chain_test

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The rules of docs/architecture.md that keep the state machine
// deterministic and the layers apart, checked on the code as built (in
// the style of geth's doCheckBadDeps). They read the packages with
// `go list`, so they need the go command.

const module = "github.com/gotensor/gotensor"

// listedPackage is the part of `go list -json` these tests read.
type listedPackage struct {
	ImportPath string
	Dir        string
	GoFiles    []string // non-test files
	Imports    []string // their direct imports
	Deps       []string // everything they reach
	Export     string   // with -export: the export data file
}

func goList(t *testing.T, args ...string) []listedPackage {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("needs the go command")
	}
	cmd := exec.Command("go", append([]string{"list", "-json"}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, stderr.String())
	var pkgs []listedPackage
	for dec := json.NewDecoder(bytes.NewReader(out)); dec.More(); {
		var p listedPackage
		require.NoError(t, dec.Decode(&p))
		pkgs = append(pkgs, p)
	}
	require.NotEmpty(t, pkgs)
	return pkgs
}

// matches reports whether path is one of patterns: an exact path, or a
// tree written "prefix/...".
func matches(path string, patterns ...string) bool {
	for _, p := range patterns {
		if tree, ok := strings.CutSuffix(p, "/..."); ok && (path == tree || strings.HasPrefix(path, tree+"/")) {
			return true
		}
		if path == p {
			return true
		}
	}
	return false
}

// TestImportRules: chain/... imports no wall clock, randomness, file
// system, network, CometBFT or upper layer, and reaches neither CometBFT
// nor net/http through its dependencies; client and sdk/... never reach
// chain. (The standard library itself reaches os, time and math/rand, so
// those are checked on chain's own imports.)
func TestImportRules(t *testing.T) {
	for _, p := range goList(t, module+"/chain/...") {
		for _, imp := range p.Imports {
			require.False(t, matches(imp, "time", "math/rand/...", "os/...", "net/...", "syscall", "github.com/cometbft/...",
				module+"/api/...", module+"/node/...", module+"/app/...", module+"/client/...", module+"/cli/..."),
				"%s imports %s", p.ImportPath, imp)
		}
		for _, dep := range p.Deps {
			require.False(t, matches(dep, "github.com/cometbft/...", "net/http/..."), "%s reaches %s", p.ImportPath, dep)
		}
	}
	for _, p := range goList(t, module+"/client", module+"/sdk/...") {
		for _, dep := range p.Deps {
			require.NotEqual(t, module+"/chain", dep, "%s reaches chain", p.ImportPath)
		}
	}
}

// TestDeterminismRules type-checks chain/... and refuses what could make
// two nodes disagree: a range over a map (its order is random), a floating
// point value, or a goroutine.
func TestDeterminismRules(t *testing.T) {
	all := goList(t, "-export", "-deps", module+"/chain/...")
	exports := map[string]string{}
	for _, p := range all {
		exports[p.ImportPath] = p.Export
	}
	fset := token.NewFileSet()
	conf := types.Config{Importer: importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		return os.Open(exports[path])
	})}
	checked := 0
	for _, p := range all {
		if !matches(p.ImportPath, module+"/chain/...") {
			continue
		}
		var files []*ast.File
		for _, name := range p.GoFiles {
			f, err := parser.ParseFile(fset, filepath.Join(p.Dir, name), nil, 0)
			require.NoError(t, err)
			files = append(files, f)
		}
		info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}}
		_, err := conf.Check(p.ImportPath, fset, files, info)
		require.NoError(t, err)
		for _, f := range files {
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.GoStmt:
					t.Errorf("%s: a goroutine", fset.Position(n.Pos()))
				case *ast.RangeStmt:
					if _, ok := info.TypeOf(n.X).Underlying().(*types.Map); ok {
						t.Errorf("%s: a range over a map; range over its sorted keys", fset.Position(n.Pos()))
					}
				case ast.Expr:
					if typ := info.TypeOf(n); typ != nil {
						if b, ok := typ.Underlying().(*types.Basic); ok && b.Info()&types.IsFloat != 0 {
							t.Errorf("%s: a floating point value", fset.Position(n.Pos()))
							return false
						}
					}
				}
				return true
			})
		}
		checked++
	}
	require.GreaterOrEqual(t, checked, 6, "chain and its subpackages")
}
