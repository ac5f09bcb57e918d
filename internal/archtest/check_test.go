package archtest

import (
	"bufio"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// The rules, by the name each failure message carries. docs/ARCHITECTURE.md
// explains them; keep the two in step.
const (
	ruleTable     = "table"          // the package table is missing, doubled or malformed
	ruleUnlisted  = "unlisted"       // a package exists that the table does not list
	ruleMissing   = "missing"        // the table lists a package as existing that is not there
	rulePlanned   = "planned-exists" // the table says planned, but the package is there
	ruleUpward    = "upward"         // an import of a higher level
	ruleSideways  = "sideways"       // an import of another package of the same level
	ruleDomainWeb = "domain-web"     // a domain package imports net/http, html/template or web
	ruleDriver    = "sql-driver"     // a package other than db imports a SQL driver
	ruleMain      = "main"           // the main package imports more than cli and os
	ruleTestkit   = "test-only"      // a non-test file imports a test-support package
	ruleBench     = "bench"          // a package outside bench imports bench
	ruleVar       = "package-var"    // a domain package declares mutable package-level state
	ruleParse     = "parse"          // a Go file the checker cannot read
)

// Levels as the table's level column spells them.
const (
	levelTop   = "top"
	levelTest  = "test"
	levelBench = "bench"
)

// topOrder ranks the top-level packages above level 4: main -> cli -> app, never
// backwards. A top package not named here ranks with app.
var topOrder = map[string]int{"internal/app": 5, "internal/cli": 6, "main": 7}

// sqlDrivers are the import paths (and, below them, their packages) that only
// internal/db may import.
var sqlDrivers = []string{
	"modernc.org/sqlite",
	"github.com/jackc/pgx",
	"github.com/lib/pq",
	"github.com/mattn/go-sqlite3",
}

// domainForbidden are the standard-library paths (and their subpackages) a domain
// package never imports; internal/web is added with the module path.
var domainForbidden = []string{"net/http", "html/template"}

const archDoc = "docs/ARCHITECTURE.md"

// violation is one broken rule, printed as one line.
type violation struct {
	file string // slash path from the module root, with ":line" when known
	what string // `import "x"`, `var x`, `package x`; the thing that breaks the rule
	rule string // one of the rule* names
	why  string // the rule in words
}

func (v violation) String() string {
	return fmt.Sprintf("%s: %s breaks rule %q: %s", v.file, v.what, v.rule, v.why)
}

// row is one line of the package table.
type row struct {
	pkg     string // "main", "internal/db", or a pattern "bench/..."
	level   string // "0".."4", "top", "test", "bench"
	planned bool
	line    int
}

func (r row) matches(pkg string) bool {
	if base, ok := strings.CutSuffix(r.pkg, "/..."); ok {
		return pkg == base || strings.HasPrefix(pkg, base+"/")
	}
	return pkg == r.pkg
}

func (r row) domain() bool { return r.level == "1" || r.level == "2" || r.level == "3" }

// rank orders the numbered and top levels; ok is false for test and bench.
func (r row) rank() (int, bool) {
	if r.level == levelTop {
		if n, ok := topOrder[r.pkg]; ok {
			return n, true
		}
		return 5, true
	}
	n, err := strconv.Atoi(r.level)
	return n, err == nil
}

// goPackage is one directory of the module that holds Go files.
type goPackage struct {
	dir   string   // slash path from the root; "main" for the root itself
	files []string // non-test .go files, slash paths from the root
}

// check returns every rule broken by the module rooted at root, judged against
// the package table of root/docs/ARCHITECTURE.md.
func check(root string) []violation {
	var vs []violation
	add := func(file, what, rule, why string) {
		vs = append(vs, violation{file: file, what: what, rule: rule, why: why})
	}

	modPath, err := modulePath(filepath.Join(root, "go.mod"))
	if err != nil {
		add("go.mod", "module line", ruleTable, err.Error())
		return vs
	}
	rows, tableErrs := readTable(filepath.Join(root, filepath.FromSlash(archDoc)))
	for _, e := range tableErrs {
		add(archDoc, "the package table", ruleTable, e)
	}
	pkgs, err := walk(root)
	if err != nil {
		add(".", "the tree", ruleTable, err.Error())
		return vs
	}

	rowOf := func(pkg string) (row, bool) {
		for _, r := range rows {
			if r.matches(pkg) {
				return r, true
			}
		}
		return row{}, false
	}

	// The table against the tree.
	for _, p := range pkgs {
		if _, ok := rowOf(p.dir); !ok {
			add(p.dir+"/", "package "+p.dir, ruleUnlisted,
				"every package has a row (package, level, owns) in "+archDoc)
		}
	}
	for _, r := range rows {
		found := slices.ContainsFunc(pkgs, func(p goPackage) bool { return r.matches(p.dir) })
		where := fmt.Sprintf("%s:%d", archDoc, r.line)
		switch {
		case !r.planned && !found:
			add(where, "package "+r.pkg, ruleMissing,
				"listed as existing but has no Go files; mark it planned or remove the row")
		case r.planned && found:
			add(where, "package "+r.pkg, rulePlanned,
				"listed as planned but it exists; drop the word planned from its row")
		}
	}

	// Imports, file by file.
	fset := token.NewFileSet()
	for _, p := range pkgs {
		from, ok := rowOf(p.dir)
		if !ok || from.level == levelBench {
			continue // unlisted is reported above; bench may import anything
		}
		for _, file := range p.files {
			src := filepath.Join(root, filepath.FromSlash(file))
			f, err := parser.ParseFile(fset, src, nil, parser.ImportsOnly|parser.ParseComments)
			if err != nil {
				add(file, "the file", ruleParse, "cannot parse: "+firstLine(err.Error()))
				continue
			}
			for _, spec := range f.Imports {
				imp, err := strconv.Unquote(spec.Path.Value)
				if err != nil {
					continue
				}
				at := fmt.Sprintf("%s:%d", file, fset.Position(spec.Pos()).Line)
				what := fmt.Sprintf("import %q", imp)
				if rule, why := judgeImport(modPath, from, imp, rowOf); rule != "" {
					add(at, what, rule, why)
				}
			}
			if from.domain() {
				full, err := parser.ParseFile(fset, src, nil, parser.ParseComments|parser.SkipObjectResolution)
				if err != nil {
					add(file, "the file", ruleParse, "cannot parse: "+firstLine(err.Error()))
					continue
				}
				for _, name := range mutableVars(full, fset) {
					add(fmt.Sprintf("%s:%d", file, name.line), "var "+name.name, ruleVar,
						"domain packages keep no mutable package-level state: pass it in, or return a fixed table from a func (allowed: var _ I = …, var ErrX = errors.New(…), //go:embed)")
				}
			}
		}
	}
	return vs
}

// judgeImport applies the import rules to one import of a non-test file of the
// package in row from, and returns the first rule broken, if any.
func judgeImport(modPath string, from row, imp string, rowOf func(string) (row, bool)) (rule, why string) {
	under := func(p, base string) bool { return p == base || strings.HasPrefix(p, base+"/") }

	if from.pkg == "main" {
		if imp != modPath+"/internal/cli" && imp != "os" {
			return ruleMain, "main.go imports only internal/cli and os; everything else belongs in cli"
		}
		return "", ""
	}
	for _, d := range sqlDrivers {
		if under(imp, d) && from.pkg != "internal/db" {
			return ruleDriver, "only internal/db imports SQL drivers (blank imports included)"
		}
	}
	if from.domain() {
		for _, f := range append(slices.Clone(domainForbidden), modPath+"/internal/web") {
			if under(imp, f) {
				return ruleDomainWeb, "domain packages (levels 1-3) never import net/http, html/template or internal/web"
			}
		}
	}
	if !under(imp, modPath) {
		return "", "" // the standard library or another module
	}
	target := strings.TrimPrefix(strings.TrimPrefix(imp, modPath), "/")
	if target == "" {
		target = "main"
	}
	to, ok := rowOf(target)
	if !ok {
		return "", "" // reported as unlisted when it exists; the compiler catches the rest
	}
	switch {
	case to.level == levelBench:
		return ruleBench, "nothing outside bench imports bench"
	case to.level == levelTest:
		return ruleTestkit, to.pkg + " is test support: only _test.go files import it"
	case from.level == levelTest:
		return "", "" // test support may use any package it helps to test
	}
	fromRank, ok1 := from.rank()
	toRank, ok2 := to.rank()
	if !ok1 || !ok2 {
		return "", ""
	}
	switch {
	case from.level == "0" && to.pkg == "internal/errs":
		return "", "" // level 0 may import errs, the one shared error type
	case toRank > fromRank:
		return ruleUpward, fmt.Sprintf("level %s (%s) may not import level %s (%s)", from.level, from.pkg, to.level, to.pkg)
	case toRank == fromRank && from.level == "0":
		return ruleSideways, fmt.Sprintf("level-0 packages import no onramp package but internal/errs (%s -> %s)", from.pkg, to.pkg)
	case toRank == fromRank:
		return ruleSideways, fmt.Sprintf("no imports between packages of level %s (%s -> %s); wire the reaction in internal/app or a job", from.level, from.pkg, to.pkg)
	}
	return "", ""
}

type namedLine struct {
	name string
	line int
}

// mutableVars lists the package-level variables of f that are state rather than
// one of the allowed forms: all-blank names (interface assertions), ErrX sentinel
// errors made by errors.New, fmt.Errorf or errs.E, and //go:embed variables.
func mutableVars(f *ast.File, fset *token.FileSet) []namedLine {
	var out []namedLine
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			continue
		}
		for _, s := range gd.Specs {
			vs := s.(*ast.ValueSpec)
			if embedded(gd.Doc) || embedded(vs.Doc) || allBlank(vs) || sentinelErrors(vs) {
				continue
			}
			for _, n := range vs.Names {
				if n.Name != "_" {
					out = append(out, namedLine{n.Name, fset.Position(n.Pos()).Line})
				}
			}
		}
	}
	return out
}

func embedded(doc *ast.CommentGroup) bool {
	if doc == nil {
		return false
	}
	for _, c := range doc.List {
		if strings.HasPrefix(c.Text, "//go:embed ") {
			return true
		}
	}
	return false
}

func allBlank(vs *ast.ValueSpec) bool {
	for _, n := range vs.Names {
		if n.Name != "_" {
			return false
		}
	}
	return true
}

func sentinelErrors(vs *ast.ValueSpec) bool {
	if len(vs.Values) != len(vs.Names) {
		return false
	}
	for i, n := range vs.Names {
		rest, ok := strings.CutPrefix(n.Name, "Err")
		if !ok {
			rest, ok = strings.CutPrefix(n.Name, "err")
		}
		if !ok || rest == "" || rest[0] < 'A' || rest[0] > 'Z' {
			return false
		}
		call, ok := vs.Values[i].(*ast.CallExpr)
		if !ok {
			return false
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return false
		}
		pkg, ok := sel.X.(*ast.Ident)
		if !ok {
			return false
		}
		switch pkg.Name + "." + sel.Sel.Name {
		case "errors.New", "fmt.Errorf", "errs.E":
		default:
			return false
		}
	}
	return true
}

// modulePath reads the module line of a go.mod file.
func modulePath(gomod string) (string, error) {
	data, err := os.ReadFile(gomod)
	if err != nil {
		return "", err
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`), nil
		}
	}
	return "", fmt.Errorf("%s has no module line", gomod)
}

// readTable parses the one Markdown table whose header is | package | level | owns |.
// The problems it returns are about the table itself.
func readTable(doc string) ([]row, []string) {
	fh, err := os.Open(doc)
	if err != nil {
		return nil, []string{err.Error()}
	}
	defer fh.Close()

	var (
		rows    []row
		probs   []string
		tables  int
		inTable bool
		seen    = map[string]int{}
		lineNo  int
	)
	valid := map[string]bool{"0": true, "1": true, "2": true, "3": true, "4": true,
		levelTop: true, levelTest: true, levelBench: true}
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		lineNo++
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "|") {
			inTable = false
			continue
		}
		cells := splitRow(line)
		if !inTable {
			if len(cells) == 3 && strings.EqualFold(cells[0], "package") &&
				strings.EqualFold(cells[1], "level") && strings.EqualFold(cells[2], "owns") {
				tables++
				inTable = true
			}
			continue
		}
		if isDelimiter(cells) {
			continue
		}
		if tables > 1 {
			continue
		}
		if len(cells) != 3 {
			probs = append(probs, fmt.Sprintf("line %d: want 3 cells, got %d", lineNo, len(cells)))
			continue
		}
		r := row{
			pkg:     strings.Trim(cells[0], "`* "),
			level:   strings.ToLower(strings.Trim(cells[1], "`* ")),
			planned: isPlanned(cells[2]),
			line:    lineNo,
		}
		switch {
		case r.pkg == "" || strings.ContainsAny(r.pkg, " \t"):
			probs = append(probs, fmt.Sprintf("line %d: bad package %q", lineNo, cells[0]))
			continue
		case !valid[r.level]:
			probs = append(probs, fmt.Sprintf("line %d: package %s has level %q; want 0-4, top, test or bench", lineNo, r.pkg, cells[1]))
			continue
		case seen[r.pkg] != 0:
			probs = append(probs, fmt.Sprintf("line %d: package %s is listed again (first at line %d)", lineNo, r.pkg, seen[r.pkg]))
			continue
		}
		seen[r.pkg] = lineNo
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		probs = append(probs, err.Error())
	}
	switch {
	case tables == 0:
		probs = append(probs, "no table with the header | package | level | owns |")
	case tables > 1:
		probs = append(probs, fmt.Sprintf("%d tables with the header | package | level | owns |; want one", tables))
	}
	return rows, probs
}

func splitRow(line string) []string {
	line = strings.TrimSuffix(strings.TrimPrefix(line, "|"), "|")
	cells := strings.Split(line, "|")
	for i := range cells {
		cells[i] = strings.TrimSpace(cells[i])
	}
	return cells
}

func isDelimiter(cells []string) bool {
	for _, c := range cells {
		if strings.Trim(c, ":- ") != "" || !strings.Contains(c, "-") {
			return false
		}
	}
	return true
}

// isPlanned reports whether an owns cell starts with the word "planned" (markup
// such as *planned* allowed), the mark of a package that does not exist yet.
func isPlanned(owns string) bool {
	s := strings.ToLower(strings.TrimLeft(owns, "*_`( "))
	rest, ok := strings.CutPrefix(s, "planned")
	return ok && (rest == "" || !('a' <= rest[0] && rest[0] <= 'z'))
}

// walk finds every directory of the module that holds Go files, skipping what the
// go command skips (testdata, names starting with . or _), vendor, node_modules
// and nested modules.
func walk(root string) ([]goPackage, error) {
	byDir := map[string]*goPackage{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed while we walked: another change in progress
		}
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p == root {
				return nil
			}
			if name == "testdata" || name == "vendor" || name == "node_modules" ||
				strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		dir := path.Dir(rel)
		if dir == "." {
			dir = "main"
		}
		gp := byDir[dir]
		if gp == nil {
			gp = &goPackage{dir: dir}
			byDir[dir] = gp
		}
		if !strings.HasSuffix(name, "_test.go") {
			gp.files = append(gp.files, rel)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var pkgs []goPackage
	for _, gp := range byDir {
		pkgs = append(pkgs, *gp)
	}
	slices.SortFunc(pkgs, func(a, b goPackage) int { return strings.Compare(a.dir, b.dir) })
	return pkgs, nil
}

func firstLine(s string) string {
	before, _, _ := strings.Cut(s, "\n")
	return before
}
