package archtest

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestImportRules holds the real module to docs/ARCHITECTURE.md.
func TestImportRules(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found at %s: %v", root, err)
	}
	for _, v := range check(root) {
		t.Error(v)
	}
}

// fakeTable is the package table of the synthetic module; the rows marked below
// exist to break the table rules.
const fakeTable = `# Architecture

Some prose | with a pipe that is not a table.

| package | level | owns |
|---|---|---|
| ` + "`main`" + ` | top | main.go |
| ` + "`internal/cli`" + ` | top | subcommands |
| ` + "`internal/app`" + ` | top | composition root |
| ` + "`internal/errs`" + ` | 0 | the error type |
| ` + "`internal/config`" + ` | 0 | config |
| ` + "`internal/db`" + ` | 0 | the database |
| ` + "`internal/place`" + ` | 1 | places |
| ` + "`internal/account`" + ` | 1 | accounts |
| ` + "`internal/course`" + ` | 1 | *planned* courses |
| ` + "`internal/learner`" + ` | 1 | *planned* learners (but it exists) |
| ` + "`internal/ghost`" + ` | 1 | listed, not there |
| ` + "`internal/class`" + ` | 2 | classes, with planned sessions |
| ` + "`internal/cert`" + ` | 3 | certificates |
| ` + "`internal/web`" + ` | 4 | pages |
| ` + "`internal/testkit`" + ` | test | fixtures |
| ` + "`bench/...`" + ` | bench | benchmarks |
`

// fakeFiles is the synthetic module: file -> source. Comments name the rule each
// import or declaration breaks; unmarked ones are allowed.
var fakeFiles = map[string]string{
	"go.mod":               "module example.com/fake\n\ngo 1.26\n",
	"docs/ARCHITECTURE.md": fakeTable,
	"main.go": `package main

import (
	"fmt" // main
	"os"

	"example.com/fake/internal/app" // main
	"example.com/fake/internal/cli"
)

func main() { fmt.Println(os.Args); cli.Run(); app.Run() }
`,
	"main_test.go": `package main

import _ "example.com/fake/internal/testkit"
`,
	"internal/cli/cli.go": `package cli

import (
	"net/http"

	"example.com/fake/internal/app"
	"example.com/fake/internal/config"
)
`,
	"internal/app/app.go": `package app

import (
	"example.com/fake/internal/cli" // upward
	"example.com/fake/internal/db"
	"example.com/fake/internal/web"
)
`,
	"internal/errs/errs.go": "package errs\n\nimport \"errors\"\n",
	"internal/config/config.go": `package config

import (
	"example.com/fake/internal/db" // sideways
	"example.com/fake/internal/errs"
)
`,
	"internal/db/db.go": `package db

import (
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"example.com/fake/internal/errs"
)
`,
	"internal/place/place.go": `package place

import (
	"embed"
	"errors"
	"fmt"
	"net/http" // domain-web
	_ "modernc.org/sqlite" // sql-driver

	"example.com/fake/internal/account" // sideways
	"example.com/fake/internal/class" // upward
	"example.com/fake/internal/errs"
	"example.com/fake/internal/testkit" // test-only
)

var _ fmt.Stringer = Place{}

var ErrGone = errors.New("place: gone")

var (
	errHidden   = fmt.Errorf("place: hidden")
	ErrNotFound = errs.E(errs.NotFound, "place.not_found", nil)
)

//go:embed regions.json
var regions embed.FS

var (
	//go:embed wards.json
	wards embed.FS

	cache = map[string]string{} // package-var
)

var now = time.Now // package-var

var ErrBad = makeErr() // package-var
`,
	"internal/place/place_test.go": `package place

import (
	"net/http"

	_ "github.com/lib/pq"
	"example.com/fake/internal/testkit"
)
`,
	"internal/account/account.go": "package account\n\nimport \"example.com/fake/internal/place\" // sideways\n",
	"internal/account/sqlite.go": `//go:build ignore

package account

import _ "github.com/mattn/go-sqlite3" // sql-driver
`,
	"internal/learner/learner.go": "package learner\n",
	"internal/class/class.go": `package class

import (
	"html/template" // domain-web

	"example.com/fake/internal/place"
	"example.com/fake/internal/web/view" // domain-web
)
`,
	"internal/cert/cert.go": `package cert

import (
	"net/http/httptest" // domain-web

	"example.com/fake/internal/class"
	"example.com/fake/internal/errs"
)
`,
	"internal/web/web.go": `package web

import (
	"net/http"

	"example.com/fake/bench/load" // bench
	"example.com/fake/internal/app" // upward
	"example.com/fake/internal/cert"
	"example.com/fake/internal/class"
)
`,
	"internal/cert/broken.go":   "package cert\n\nfunc {\n",
	"internal/web/view/view.go": "package view\n",
	"internal/testkit/db.go": `package testkit

import (
	"testing"

	_ "github.com/lib/pq" // sql-driver
	"example.com/fake/internal/app"
	"example.com/fake/internal/db"
)
`,
	"internal/stray/stray.go":       "package stray\n",
	"internal/stray/testdata/x.go":  "package x\n\nimport _ \"modernc.org/sqlite\"\n",
	"internal/onlytests/a_test.go":  "package onlytests\n",
	"internal/_old/old.go":          "package old\n",
	"node_modules/pkg/x.go":         "package x\n",
	"bench/load/load.go":            "package load\n\nimport (\n\t_ \"modernc.org/sqlite\"\n\t\"example.com/fake/internal/testkit\"\n\t\"example.com/fake/internal/app\"\n)\n",
	"bench/cmd/onrampbench/main.go": "package main\n\nimport \"example.com/fake/bench/load\"\n",
}

// want lists every violation of fakeFiles as file:line rule subject.
var want = []string{
	"docs/ARCHITECTURE.md:17 missing package internal/ghost",
	"docs/ARCHITECTURE.md:16 planned-exists package internal/learner",
	"internal/stray/ unlisted package internal/stray",
	"internal/onlytests/ unlisted package internal/onlytests",
	"internal/web/view/ unlisted package internal/web/view",
	`main.go:4 main import "fmt"`,
	`main.go:7 main import "example.com/fake/internal/app"`,
	`internal/app/app.go:4 upward import "example.com/fake/internal/cli"`,
	`internal/config/config.go:4 sideways import "example.com/fake/internal/db"`,
	`internal/place/place.go:7 domain-web import "net/http"`,
	`internal/place/place.go:8 sql-driver import "modernc.org/sqlite"`,
	`internal/place/place.go:10 sideways import "example.com/fake/internal/account"`,
	`internal/place/place.go:11 upward import "example.com/fake/internal/class"`,
	`internal/place/place.go:13 test-only import "example.com/fake/internal/testkit"`,
	`internal/place/place.go:32 package-var var cache`,
	`internal/place/place.go:35 package-var var now`,
	`internal/place/place.go:37 package-var var ErrBad`,
	`internal/account/account.go:3 sideways import "example.com/fake/internal/place"`,
	`internal/account/sqlite.go:5 sql-driver import "github.com/mattn/go-sqlite3"`,
	`internal/class/class.go:4 domain-web import "html/template"`,
	`internal/class/class.go:7 domain-web import "example.com/fake/internal/web/view"`,
	`internal/cert/cert.go:4 domain-web import "net/http/httptest"`,
	`internal/cert/broken.go parse the file`,
	`internal/web/web.go:6 bench import "example.com/fake/bench/load"`,
	`internal/web/web.go:7 upward import "example.com/fake/internal/app"`,
	`internal/testkit/db.go:6 sql-driver import "github.com/lib/pq"`,
}

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, src := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// TestCheckerFails proves check reports each rule, once, and nothing else.
func TestCheckerFails(t *testing.T) {
	root := writeTree(t, fakeFiles)
	got := check(root)
	wantSorted := slices.Sorted(slices.Values(want))
	for _, w := range wantSorted {
		if !slices.ContainsFunc(got, func(v violation) bool { return v.file+" "+v.rule+" "+v.what == w }) {
			t.Errorf("not reported: %s", w)
		}
	}
	for _, v := range got {
		if !slices.Contains(wantSorted, v.file+" "+v.rule+" "+v.what) {
			t.Errorf("reported but not expected: %s", v)
		}
	}
	// Every message is one line naming the file, the subject and the rule.
	for _, v := range got {
		s := v.String()
		if strings.Contains(s, "\n") || !strings.HasPrefix(s, v.file+": ") ||
			!strings.Contains(s, v.what) || !strings.Contains(s, `"`+v.rule+`"`) {
			t.Errorf("badly formed message: %q", s)
		}
	}
}

// TestCheckerTable proves a missing, doubled or malformed table fails.
func TestCheckerTable(t *testing.T) {
	base := map[string]string{
		"go.mod":  "module example.com/fake\n",
		"main.go": "package main\n",
	}
	for name, doc := range map[string]string{
		"none":    "# Architecture\n\nNo table here.\n",
		"two":     "| package | level | owns |\n|---|---|---|\n| main | top | x |\n\n| package | level | owns |\n|---|---|---|\n| main | top | x |\n",
		"level":   "| package | level | owns |\n|---|---|---|\n| main | 9 | x |\n",
		"cells":   "| package | level | owns |\n|---|---|---|\n| main | top |\n",
		"doubled": "| package | level | owns |\n|---|---|---|\n| main | top | x |\n| main | top | y |\n",
	} {
		t.Run(name, func(t *testing.T) {
			files := map[string]string{"docs/ARCHITECTURE.md": doc}
			for k, v := range base {
				files[k] = v
			}
			got := check(writeTree(t, files))
			if !slices.ContainsFunc(got, func(v violation) bool { return v.rule == ruleTable }) {
				t.Errorf("no %q violation; got %v", ruleTable, got)
			}
		})
	}
}
