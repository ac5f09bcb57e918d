// Command onramp runs digital-inclusion programmes. See README.md.
package main

import (
	"os"

	"github.com/onramp/onramp/internal/cli"
)

func main() {
	os.Exit(cli.Main(cli.Env{Args: os.Args[1:], Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}))
}
