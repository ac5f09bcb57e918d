package web

// placeRoutes are the place pages: list, view, create, rename, move, import.
func (s *Server) placeRoutes() []Route { return nil }
