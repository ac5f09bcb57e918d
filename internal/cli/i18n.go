package cli

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/onramp/onramp/internal/i18n"
)

// runI18n implements "onramp i18n check [--dir DIR]": it loads the built-in
// catalogs (and an operator's overlay directory) and lists every missing key,
// missing plural form, empty text or placeholder mismatch; exit 1 if any.
func runI18n(_ context.Context, env Env, args []string) error {
	if len(args) == 0 || args[0] != "check" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(env.Stdout, "Usage: onramp i18n check [--dir DIR]\n\nChecks every language has every key and plural form; DIR is an operator's overlay of <lang>.json files.")
			return nil
		}
		return usageErr("i18n: use 'onramp i18n check [--dir DIR]'")
	}
	fs := flag.NewFlagSet("onramp i18n check", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	dir := fs.String("dir", "", "an overlay directory of <lang>.json catalogs to check with the built-in ones")
	if err := fs.Parse(args[1:]); err != nil {
		return usageErr("%v", err)
	}
	var cat *i18n.Catalog
	var err error
	if *dir != "" {
		cat, err = i18n.New(os.DirFS(*dir))
	} else {
		cat, err = i18n.New()
	}
	if err != nil {
		return err
	}
	if !cat.CheckReport(env.Stdout) {
		return &exitError{code: 1, err: fmt.Errorf("i18n check found problems (listed above)")}
	}
	return nil
}
