package web

// peopleRoutes are the pages about people: sign-up, PIN reset, login cards, roles.
func (s *Server) peopleRoutes() []Route { return nil }
