package web

import "net/http"

type homeView struct {
	Page
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "home", homeView{Page: s.page(r)})
}
