// Package web is onramp's HTTP face: the one route table (routes.go), the
// middleware every request passes, one file per page or action, view models, and
// the embedded templates and static files. Handlers stay thin: decode, call a
// domain service, render or redirect.
package web
