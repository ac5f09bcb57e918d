//go:build ignore

// testsummary reads `go test -json` on stdin, prints the output of every failed
// test, lists every skipped test, and ends with the line "N passed, N failed,
// N skipped". It exits 1 when anything failed or was skipped: in CI a skip is a
// failure. Run: go run .ci/testsummary.go < test.json
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

type event struct {
	Action  string
	Package string
	Test    string
	Output  string
	Elapsed float64
}

func main() {
	output := map[string]*strings.Builder{}
	var passed, failed, skipped []string
	pkgFailed := map[string]bool{}
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if err := json.Unmarshal(line, &e); err != nil {
			fmt.Println(string(line)) // build errors come as plain text
			continue
		}
		key := e.Package + " " + e.Test
		switch e.Action {
		case "output":
			b := output[key]
			if b == nil {
				b = &strings.Builder{}
				output[key] = b
			}
			b.WriteString(e.Output)
		case "pass":
			if e.Test != "" {
				passed = append(passed, key)
			}
		case "fail":
			if e.Test != "" {
				failed = append(failed, key)
			} else {
				pkgFailed[e.Package] = true
			}
		case "skip":
			if e.Test != "" {
				skipped = append(skipped, key)
			}
		}
	}
	for _, k := range failed {
		fmt.Printf("--- FAIL %s\n%s\n", k, output[k])
	}
	pkgs := make([]string, 0)
	for p := range pkgFailed {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	for _, p := range pkgs {
		fmt.Printf("--- FAIL package %s\n%s\n", p, output[p+" "])
	}
	for _, k := range skipped {
		fmt.Printf("--- SKIP (counts as a failure in CI) %s\n%s\n", k, lastLines(output[k], 3))
	}
	fmt.Printf("%d passed, %d failed, %d skipped\n", len(passed), len(failed)+len(pkgs), len(skipped))
	if len(failed)+len(pkgs)+len(skipped) > 0 {
		os.Exit(1)
	}
}

func lastLines(b *strings.Builder, n int) string {
	if b == nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
