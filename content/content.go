// Package content holds onramp's built-in course files and country profiles, embedded in the binary. The format
// is described in docs/CONTENT.md; internal/course loads, validates and renders it.
//
// The embed patterns name only directories that exist: a pattern that matches nothing stops the build. When the
// practice scenarios get their directory, add "scenarios" to the //go:embed line below. The patterns are plain
// (not "all:"), so editor files whose names start with "." or "_" (.lesson.md.swp, .#lesson.md) never reach the
// binary; media and lesson files must therefore not start with "." or "_" either.
package content

import (
	"embed"
	"io/fs"
)

//go:embed countries courses
var files embed.FS

// FS returns the embedded tree: countries/<CODE>.yaml and courses/<slug>/..., rooted at this directory. The
// value is read-only, so every caller may share it.
func FS() fs.FS { return files }
