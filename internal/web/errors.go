package web

import (
	"net/http"
)

type errorView struct {
	Page
	Status int
	Key    string
}

// renderError shows a page with the translated message for key; the details
// went to the log where the error was made.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, key string) {
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "error", errorView{Page: s.page(r), Status: status, Key: key})
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, http.StatusNotFound, "error.not_found")
}
