package db

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"strings"
	"testing/fstest"

	"github.com/pressly/goose/v3"
)

// migrations holds the forward-only numbered SQL files. A file named
// NNNNN_name.sql runs on both engines; NNNNN_name.sqlite.sql and
// NNNNN_name.postgres.sql stand in for each other where the dialects differ.
//
//go:embed migrations/*.sql
var migrations embed.FS

// migrationFS returns the migrations that apply to dialect d.
func migrationFS(d Dialect) (fs.FS, error) {
	entries, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	out := fstest.MapFS{}
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasSuffix(name, ".sqlite.sql"):
			if d != SQLite {
				continue
			}
		case strings.HasSuffix(name, ".postgres.sql"):
			if d != Postgres {
				continue
			}
		}
		b, err := fs.ReadFile(migrations, "migrations/"+name)
		if err != nil {
			return nil, err
		}
		out[name] = &fstest.MapFile{Data: b}
	}
	return out, nil
}

func (d *DB) provider() (*goose.Provider, error) {
	fsys, err := migrationFS(d.Dialect)
	if err != nil {
		return nil, err
	}
	gd := goose.DialectSQLite3
	if d.Dialect == Postgres {
		gd = goose.DialectPostgres
	}
	return goose.NewProvider(gd, d.W, fsys)
}

// Migrate brings the schema to the newest version and returns how many
// migrations it applied.
func (d *DB) Migrate(ctx context.Context) (int, error) {
	p, err := d.provider()
	if err != nil {
		return 0, fmt.Errorf("db: migrations: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return len(res), fmt.Errorf("db: migrate: %w", err)
	}
	return len(res), nil
}

// MigrationStatus is one migration and whether it has been applied.
type MigrationStatus struct {
	Version int64
	Name    string
	Applied bool
}

// Migrations lists every migration for this engine with its state.
func (d *DB) Migrations(ctx context.Context) ([]MigrationStatus, error) {
	p, err := d.provider()
	if err != nil {
		return nil, fmt.Errorf("db: migrations: %w", err)
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("db: migration status: %w", err)
	}
	out := make([]MigrationStatus, 0, len(st))
	for _, s := range st {
		out = append(out, MigrationStatus{
			Version: s.Source.Version,
			Name:    s.Source.Path,
			Applied: s.State == goose.StateApplied,
		})
	}
	return out, nil
}
