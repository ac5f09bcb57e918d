package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/onramp/onramp/internal/app"
	"github.com/onramp/onramp/internal/errs"
	"github.com/onramp/onramp/internal/i18n"
	"github.com/onramp/onramp/internal/place"
)

// runImport loads records from a file: "import places FILE". The file is
// imported all or nothing; a refused file gives one line per problem on
// stdout, in --lang, and exit code 1. FILE "-" reads stdin.
//
// Unlike the upload page, the command is not limited to a person's scope: it
// runs with the operator's access to the database.
func runImport(ctx context.Context, env Env, args []string) error {
	lang := i18n.Default
	cfg, rest, err := parseConfig("import", env, args, func(fs *flag.FlagSet) {
		fs.StringVar(&lang, "lang", lang, "language of the report: en, ru, uk, lv or vi")
		fs.Usage = func() {
			fmt.Fprintln(fs.Output(), "Usage: onramp import places FILE [flags]")
			fmt.Fprintln(fs.Output(), "\nImports a place hierarchy from a CSV file (\"-\" reads stdin), all rows or none.")
			fmt.Fprintln(fs.Output(), "Columns: code, kind, parent_code, venue_kind, adult_population, name_en, name_ru, name_uk, name_lv, name_vi.")
			fmt.Fprintln(fs.Output(), "\nFlags:")
			fs.PrintDefaults()
		}
	})
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	switch {
	case len(rest) == 0:
		return usageErr("import needs what to import and a file: import places FILE")
	case rest[0] != "places":
		return usageErr("cannot import %q; what can be imported: places (import places FILE)", rest[0])
	case len(rest) != 2:
		return usageErr("import places takes one file; got %q", strings.Join(rest[1:], " "))
	}
	if !i18n.Supported(lang) {
		return usageErr("--lang %q: use one of en, ru, uk, lv, vi", lang)
	}
	cat, err := i18n.New()
	if err != nil {
		return err
	}
	in, closeIn, err := openInput(rest[1], env.Stdin)
	if err != nil {
		return err
	}
	defer closeIn()

	d, err := app.OpenDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		return err
	}
	svc := place.NewService(d, time.Now, place.NewID)
	rep, err := svc.Import(ctx, in)
	if err != nil {
		if errs.CodeOf(err) != errs.Invalid {
			return err
		}
		for _, e := range rep.Errors {
			fmt.Fprintln(env.Stdout, rowErrorLine(cat, lang, e))
		}
		return &exitError{code: 1, err: errors.New(cat.N(lang, "place.import.failed", rep.BadRows))}
	}
	fmt.Fprintln(env.Stdout, cat.N(lang, "place.import.ok", rep.Rows))
	fmt.Fprintln(env.Stdout, cat.T(lang, "place.import.summary",
		"Created", rep.Created, "Updated", rep.Updated, "Unchanged", rep.Unchanged))
	return nil
}

// openInput opens the named file, or stdin for "-".
func openInput(name string, stdin io.Reader) (io.Reader, func(), error) {
	if name == "-" {
		if stdin == nil {
			stdin = os.Stdin
		}
		return stdin, func() {}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}

// rowErrorLine is one problem of a refused file, in lang: "Row 7, column
// parent_code: …", "Row 7: …" for the whole row, the message alone for the file.
func rowErrorLine(cat *i18n.Catalog, lang string, e place.RowError) string {
	msg := cat.T(lang, e.Key, e.Args)
	switch {
	case e.Row == 0:
		return msg
	case e.Column == "":
		return cat.T(lang, "place.import.row_error_row", "Row", e.Row, "Message", msg)
	}
	return cat.T(lang, "place.import.row_error", "Row", e.Row, "Column", e.Column, "Message", msg)
}
