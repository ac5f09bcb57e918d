package cli

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/onramp/onramp/content"
	"github.com/onramp/onramp/internal/course"
)

const contentUsage = `Usage: onramp content validate [--alone] [DIR]

Checks course content against docs/CONTENT.md and prints one line per problem, then a summary; exit 1 on any
problem. Without DIR it checks the content built into this binary. With DIR it checks that content pack loaded
over the built-in content, as "serve --content-dir DIR" would load it; with --alone it checks DIR as a complete
tree of its own (countries/ and courses/), for example the repository's content/ directory while you edit it.`

// runContent implements "onramp content validate [--alone] [DIR]".
func runContent(_ context.Context, env Env, args []string) error {
	if len(args) == 0 || args[0] != "validate" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			fmt.Fprintln(env.Stdout, contentUsage)
			return nil
		}
		return usageErr("content: use 'onramp content validate [--alone] [DIR]'")
	}
	fset := flag.NewFlagSet("onramp content validate", flag.ContinueOnError)
	fset.SetOutput(env.Stderr)
	alone := fset.Bool("alone", false, "check DIR as a complete tree, without the built-in content")
	if err := fset.Parse(args[1:]); err != nil {
		if err == flag.ErrHelp {
			return nil
		}
		return usageErr("%v", err)
	}
	// Accept flags after DIR too: "validate ./pack --alone".
	rest := fset.Args()
	if len(rest) > 1 {
		if err := fset.Parse(rest[1:]); err != nil {
			return usageErr("%v", err)
		}
		rest = append(rest[:1], fset.Args()...)
	}
	if len(rest) > 1 {
		return usageErr("content validate takes one directory; got %d", len(rest))
	}
	if *alone && len(rest) == 0 {
		return usageErr("content validate --alone needs a directory")
	}

	// Each tree's name for the messages: what the writer would open.
	var (
		lib   *course.Library
		names []string
		err   error
	)
	switch {
	case len(rest) == 0:
		names = []string{"content"}
		lib, err = course.Load(content.FS())
	case *alone:
		names = []string{rest[0]}
		lib, err = course.Load(dirFS(rest[0]))
	default:
		names = []string{"content", rest[0]}
		lib, err = course.Load(content.FS(), dirFS(rest[0]))
	}
	if err != nil {
		return fmt.Errorf("content validate: %w", err)
	}
	probs := lib.Validate()
	for _, p := range probs {
		name := p.File
		if p.Pack < len(names) {
			name = filepath.Join(names[p.Pack], filepath.FromSlash(p.File))
		}
		if p.Line > 0 {
			fmt.Fprintf(env.Stdout, "%s:%d: %s\n", name, p.Line, p.What)
		} else {
			fmt.Fprintf(env.Stdout, "%s: %s\n", name, p.What)
		}
	}
	lessons := 0
	for _, c := range lib.Courses() {
		lessons += len(c.Lessons)
	}
	fmt.Fprintf(env.Stdout, "%d course(s), %d lesson(s), %d language(s), %d country profile(s): %d problem(s)\n",
		len(lib.Courses()), lessons, len(lib.Languages()), len(lib.Countries()), len(probs))
	if len(probs) > 0 {
		return &exitError{code: 1, err: fmt.Errorf("content validate found %d problem(s) (listed above)", len(probs))}
	}
	return nil
}

// dirFS opens an operator's directory; a missing one fails Load with a clear error.
func dirFS(dir string) fs.FS { return os.DirFS(dir) }
