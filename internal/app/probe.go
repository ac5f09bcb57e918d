//go:build !durabilitytest

package app

import "github.com/onramp/onramp/internal/web"

// extraRoutes adds nothing to a normal build; the durability test build adds a
// write probe (probe_durability.go).
func extraRoutes(*App) []web.Route { return nil }
