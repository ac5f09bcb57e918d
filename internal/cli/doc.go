// Package cli is the onramp command line: it parses the subcommand and its flags
// into a Config and hands over to app. main.go imports only this package.
package cli
