//go:build durabilitytest

package app

import (
	"database/sql"
	"net/http"

	"github.com/onramp/onramp/internal/db"
	"github.com/onramp/onramp/internal/web"
)

// extraRoutes, in the durability test build only, adds POST /_probe/write: it
// stores the id it is given through the same group-commit writer the real
// write paths use and answers 201 only once the row is committed. The kill -9
// test counts on that acknowledgement.
func extraRoutes(a *App) []web.Route {
	if _, err := a.db.W.Exec(`CREATE TABLE IF NOT EXISTS durability_probe (id TEXT PRIMARY KEY, payload TEXT NOT NULL, at TEXT NOT NULL)`); err != nil {
		panic(err)
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.FormValue("id")
		if id == "" {
			http.Error(w, "id required", http.StatusBadRequest)
			return
		}
		err := a.batcher.Do(r.Context(), func(tx *sql.Tx) error {
			_, err := tx.ExecContext(r.Context(), `INSERT INTO durability_probe (id, payload, at) VALUES ($1, $2, $3)`,
				id, r.FormValue("payload"), db.FormatTime(a.now()))
			return err
		})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusCreated)
	})
	return []web.Route{{Pattern: "POST /_probe/write", Handler: h, Access: web.Ops}}
}
