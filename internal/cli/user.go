package cli

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/onramp/onramp/internal/account"
	"github.com/onramp/onramp/internal/app"
	"github.com/onramp/onramp/internal/config"
	"github.com/onramp/onramp/internal/errs"
	"github.com/onramp/onramp/internal/i18n"
	"github.com/onramp/onramp/internal/place"
)

// userFlags are the flags of "onramp user add".
type userFlags struct {
	role, place, email, name, phone, lang string
}

// runUser manages accounts from the command line. Its one action, add, makes
// the first administrator of a new installation (and any account an operator
// needs without the web pages):
//
//	onramp user add --role admin --place C --email a@example.org [--name N] [--phone PH] [--lang xx]
//
// The password is one line of standard input when that is not a terminal (so a
// script can pipe it), else a strong one is made and printed once.
func runUser(ctx context.Context, env Env, args []string) error {
	var uf userFlags
	cfg, rest, err := parseConfig("user", env, args, func(fs *flag.FlagSet) {
		fs.StringVar(&uf.role, "role", "", "the role to grant: "+roleNames())
		fs.StringVar(&uf.place, "place", "", "code or ID of the place the role is granted on; it reaches every place under it")
		fs.StringVar(&uf.email, "email", "", "e-mail address to sign in with")
		fs.StringVar(&uf.name, "name", "", "the name shown on pages (default: the e-mail address before the @, or the phone)")
		fs.StringVar(&uf.phone, "phone", "", "phone number to sign in with, in international form (+371 2…)")
		fs.StringVar(&uf.lang, "lang", "", "preferred language: "+strings.Join(langCodes(), ", "))
		fs.Usage = func() {
			fmt.Fprintln(fs.Output(), "Usage: onramp user add --role R --place P --email E [--name N] [--phone PH] [--lang xx]")
			fmt.Fprintln(fs.Output(), "\nMakes an account that signs in with its e-mail (or phone) and a password. The password is read")
			fmt.Fprintln(fs.Output(), "as one line from standard input when that is not a terminal; otherwise a strong one is made and")
			fmt.Fprintln(fs.Output(), "printed once. Example for the first administrator:")
			fmt.Fprintln(fs.Output(), "  onramp user add --role admin --place LV --email admin@example.org")
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
	if len(rest) == 0 {
		return usageErr("user needs an action: 'onramp user add --role R --place P --email E'")
	}
	if len(rest) > 1 {
		return usageErr("user takes one action, add; got %q", strings.Join(rest, " "))
	}
	if rest[0] != "add" {
		return usageErr("unknown user action %q; use add", rest[0])
	}
	return userAdd(ctx, env, cfg, uf)
}

func userAdd(ctx context.Context, env Env, cfg config.Config, uf userFlags) error {
	role, ok := account.ParseRole(strings.TrimSpace(uf.role))
	switch {
	case uf.role == "":
		return usageErr("--role is required: %s", roleNames())
	case !ok:
		return usageErr("--role: unknown role %q; use one of %s", uf.role, roleNames())
	case strings.TrimSpace(uf.place) == "":
		return usageErr("--place is required: the code or ID of a place")
	case strings.TrimSpace(uf.email) == "" && strings.TrimSpace(uf.phone) == "":
		return usageErr("--email or --phone is required: the account signs in with it")
	case uf.lang != "" && !i18n.Supported(uf.lang):
		return usageErr("--lang: unknown language %q; use one of %s", uf.lang, strings.Join(langCodes(), ", "))
	}
	name := strings.TrimSpace(uf.name)
	if name == "" {
		name = strings.TrimSpace(uf.email)
		if at := strings.IndexByte(name, '@'); at > 0 {
			name = name[:at]
		}
		if name == "" {
			name = strings.TrimSpace(uf.phone)
		}
	}

	password, generated, err := userPassword(env.Stdin)
	if err != nil {
		return err
	}
	cat, err := i18n.New()
	if err != nil {
		return err
	}
	if err := account.ValidatePassword(password); err != nil {
		return fieldErr(cat, err)
	}

	d, err := app.OpenDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		return err
	}
	places := place.NewService(d, nil, nil)
	accounts := account.NewService(d, nil, nil, nil)

	ref := strings.TrimSpace(uf.place)
	pl, err := places.FindPlaceByCode(ctx, ref)
	if errs.Is(err, errs.NotFound) {
		pl, err = places.FindPlaceByID(ctx, ref)
	}
	if errs.Is(err, errs.NotFound) {
		return &exitError{code: 1, err: fmt.Errorf("--place: no place has the code or ID %q; import or create the places first", ref)}
	}
	if err != nil {
		return err
	}
	u, err := accounts.CreateUser(ctx, account.NewUser{DisplayName: name, Email: uf.email, Phone: uf.phone, Password: password,
		PreferredLang: uf.lang, Role: role, PlaceID: pl.ID})
	if err != nil {
		return fieldErr(cat, err)
	}

	fmt.Fprintf(env.Stdout, "created user %s: %q, %s at %s (%s)\n", u.ID, u.DisplayName, role, pl.Name(i18n.Default), pl.Code)
	login := u.Email
	if login == "" {
		login = u.Phone
	}
	fmt.Fprintf(env.Stdout, "sign in on the /login page with %s and the password\n", login)
	if generated {
		fmt.Fprintf(env.Stdout, "password (shown only now; write it down or keep it in a password manager): %s\n", password)
	}
	return nil
}

// userPassword reads the password from in when it is not a terminal, or makes
// one. generated says which.
func userPassword(in io.Reader) (string, bool, error) {
	if in == nil || isTerminal(in) {
		pw, err := newPassword(rand.Reader)
		return pw, true, err
	}
	line, err := bufio.NewReader(io.LimitReader(in, 1024)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", false, fmt.Errorf("reading the password from standard input: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", false, usageErr("standard input is not a terminal but gave no password: pipe one line, or run the command in a terminal to have one made")
	}
	return line, false, nil
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// newPassword makes 20 symbols of a 32-letter alphabet without look-alikes
// (100 random bits), grouped by four for copying by hand.
func newPassword(random io.Reader) (string, error) {
	const alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
	var b [20]byte
	if _, err := io.ReadFull(random, b[:]); err != nil {
		return "", err
	}
	var sb strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(alphabet[c&31]) // 256 is a multiple of 32: no bias
	}
	return sb.String(), nil
}

// fieldErr turns a service error into one line in English, naming the flag.
func fieldErr(cat *i18n.Catalog, err error) error {
	var e *errs.Error
	if !errors.As(err, &e) || e.Code == errs.Internal {
		return err
	}
	args := map[string]any{"Min": account.MinPasswordLen, "Max": 200}
	for k, v := range e.Args {
		args[k] = v
	}
	flagOf := map[string]string{"display_name": "--name", "email": "--email", "phone": "--phone", "password": "password",
		"preferred_lang": "--lang", "role": "--role", "place_id": "--place"}
	if len(e.Fields) == 0 {
		return &exitError{code: 1, err: errors.New(cat.T(i18n.Default, e.Key, args))}
	}
	keys := make([]string, 0, len(e.Fields))
	for f := range e.Fields {
		keys = append(keys, f)
	}
	sort.Strings(keys)
	var parts []string
	for _, f := range keys {
		name := flagOf[f]
		if name == "" {
			name = f
		}
		parts = append(parts, name+": "+cat.T(i18n.Default, e.Fields[f], args))
	}
	code := 2
	if e.Code == errs.Conflict {
		code = 1
	}
	return &exitError{code: code, err: errors.New(strings.Join(parts, "; "))}
}

func roleNames() string {
	var out []string
	for _, r := range account.Roles() {
		out = append(out, string(r))
	}
	return strings.Join(out, ", ")
}

func langCodes() []string {
	var out []string
	for _, l := range i18n.Languages() {
		out = append(out, l.Code)
	}
	return out
}
