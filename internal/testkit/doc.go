// Package testkit holds what the tests of every package share: fresh databases on
// SQLite or PostgreSQL, named fixtures, a real browser with axe-core, and the rule
// that a skipped test fails the run in CI. Only _test.go files import it.
package testkit
