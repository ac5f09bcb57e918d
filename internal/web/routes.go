package web

import (
	"net/http"

	"github.com/onramp/onramp/internal/account"
)

// Access says who may call a route. The authorisation tests walk the route table
// and check every route against its Access.
type Access string

// Access levels. Needs(action) builds the ones tied to the capability table.
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
	rs := []Route{
		{"GET /{$}", http.HandlerFunc(s.home), Public},
		{"GET /login", s.loginPage("password"), Public},
		{"POST /login", s.loginSubmit("password"), Public},
		{"GET /login/pin", s.loginPage("pin"), Public},
		{"POST /login/pin", s.loginSubmit("pin"), Public},
		{"GET /login/card", s.loginPage("card"), Public},
		{"GET /login/card/{code}", s.loginPage("card"), Public},
		{"POST /login/card", s.loginSubmit("card"), Public},
		{"POST /logout", http.HandlerFunc(s.logout), SignedIn},
		{"POST /settings/display", http.HandlerFunc(s.displaySave), Public},
		{"POST /settings/language", http.HandlerFunc(s.languageSave), Public},
		{"GET /search", http.HandlerFunc(s.search), Public},
		{"POST /api/statements", http.HandlerFunc(s.statementsPost), Needs(account.ActLearn)},
		{"GET /healthz", http.HandlerFunc(s.healthz), Ops},
		{"GET /metrics", s.metricsHandler(), Ops},
		{"GET /static/", s.static(), Public},
	}
	rs = append(rs, s.placeRoutes()...)  // places.go
	rs = append(rs, s.peopleRoutes()...) // people.go
	rs = append(rs, s.learnRoutes()...)  // learn.go
	rs = append(rs, s.offlineRoutes()...)
	return rs
}
