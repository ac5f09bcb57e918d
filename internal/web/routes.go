package web

import "net/http"

// Access says who may call a route. The authorisation tests walk the route table
// and check every route against its Access.
type Access string

// Access levels.
const (
	Public Access = "public" // anyone, signed in or not
	Ops    Access = "ops"    // operations endpoints for the operator's monitoring
)

// Route is one line of the route table.
type Route struct {
	Pattern string // method and path, as http.ServeMux takes it
	Handler http.Handler
	Access  Access
}

// routeTable is the one list of every URL onramp answers (DESIGN.md §8).
func (s *Server) routeTable() []Route {
	return []Route{
		{"GET /{$}", http.HandlerFunc(s.home), Public},
		{"GET /healthz", http.HandlerFunc(s.healthz), Ops},
		{"GET /metrics", s.metricsHandler(), Ops},
		{"GET /static/", s.static(), Public},
	}
}
