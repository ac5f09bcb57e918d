package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/onramp/onramp/internal/course"
	"github.com/onramp/onramp/internal/db"
)

// newSearch builds the lesson search over the library and brings its index up to date: a rebuild when the
// content changed since the last start, a single read when it did not. An index that cannot be built is logged
// and leaves the search finding less; it never stops the start.
func newSearch(ctx context.Context, d *db.DB, lib *course.Library, log *slog.Logger) *course.Search {
	s := course.NewSearch(d, lib)
	start := time.Now()
	if err := s.Index(ctx); err != nil {
		log.Error("lesson search: the index could not be built; search may miss lessons", "err", err)
		return s
	}
	log.Info("lesson search index ready", "took", time.Since(start).Round(time.Millisecond))
	return s
}
