package app

import (
	"fmt"
	"io/fs"
	"log/slog"
	"os"

	"github.com/onramp/onramp/content"
	"github.com/onramp/onramp/internal/config"
	"github.com/onramp/onramp/internal/course"
)

// loadCourses loads the built-in content and the operator's pack (--content-dir). Problems in the content do
// not stop the start: they are counted in the log, and "onramp content validate" lists them. A pack directory
// that cannot be read does stop it, since the operator asked for it.
func loadCourses(cfg config.Config, log *slog.Logger) (*course.Library, error) {
	var packs []fs.FS
	if cfg.ContentDir != "" {
		packs = append(packs, os.DirFS(cfg.ContentDir))
	}
	lib, err := course.Load(content.FS(), packs...)
	if err != nil {
		return nil, fmt.Errorf("--%s %q: %w", config.FlagContentDir, cfg.ContentDir, err)
	}
	if n := len(lib.Validate()); n > 0 {
		log.Warn("the course content has problems; run 'onramp content validate' to list them",
			"problems", n, "content_dir", cfg.ContentDir)
	}
	return lib, nil
}
