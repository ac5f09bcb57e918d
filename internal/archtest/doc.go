// Package archtest holds the import-rule test and nothing else: it reads the package
// table of docs/ARCHITECTURE.md and the imports of every non-test Go file of the
// module, and fails on a package missing from the table or an import the rules forbid.
// All of its code lives in _test.go files, so nothing can import it.
package archtest
