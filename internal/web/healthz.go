package web

import (
	"context"
	"net/http"
	"time"
)

// healthz answers {"status":"ok"} when the database answers, and 503 with
// {"status":"unavailable"} when it does not; load balancers and the operator's
// monitoring read it.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if s.deps.DB == nil || s.deps.DB.Ping(ctx) != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"status":"unavailable"}` + "\n"))
		return
	}
	_, _ = w.Write([]byte(`{"status":"ok"}` + "\n"))
}
