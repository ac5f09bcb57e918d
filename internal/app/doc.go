// Package app is the composition root: it turns a Config into an open database,
// the domain services, the web server and the background jobs, starts them, and
// stops them gracefully. Reactions across business areas are wired here.
package app
