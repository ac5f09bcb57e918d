// Package db opens onramp's database — SQLite (modernc.org/sqlite, the embedded
// default) or PostgreSQL (pgx through database/sql) — runs the embedded goose
// migrations, and offers the transaction and group-commit helpers every store uses.
// It is the only package that imports SQL drivers; the few real differences between
// the two engines sit behind the named helpers of Dialect.
package db
