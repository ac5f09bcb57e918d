// Package bench holds onramp's benchmarks (DESIGN.md §5, §7). The budgets are ratios
// against bare baselines measured in the same run on the same machine:
//
//   - baseline: the bare servers (stdlib page; page + group-committed SQLite row)
//   - load: the loopback-only load driver (vegeta as a library)
//   - weight: page weight, a page with every resource it references, first and repeat visit
//   - suite: the targets, the runner and the Markdown report
//   - cmd/onrampbench: `run` the suite, or `serve-baseline` as a child process
//
// This package's own _test.go files hold in-process Go benchmarks for quick
// `go test -bench` use; they run nothing heavy under a plain `go test`.
package bench
