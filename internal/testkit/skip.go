package testkit

import (
	"os"
	"testing"
)

// StrictEnv names the environment variable that turns every skip into a failure.
// CI sets it (and CI=true does the same), so a test that needs PostgreSQL or
// Chromium can never pass silently on the project's machines.
const StrictEnv = "ONRAMP_TEST_STRICT"

// Strict reports whether skips must fail the run.
func Strict() bool {
	return os.Getenv(StrictEnv) == "1" || os.Getenv("CI") == "true"
}

// SkipOrFail skips the test with reason on a developer's machine, and fails it
// when Strict() is true.
func SkipOrFail(t testing.TB, reason string) {
	t.Helper()
	if Strict() {
		t.Fatalf("required for this run but unavailable: %s", reason)
	}
	t.Skip(reason)
}
