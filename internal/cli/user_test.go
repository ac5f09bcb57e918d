package cli

import (
	"bytes"
	"errors"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/onramp/onramp/internal/account"
	"github.com/onramp/onramp/internal/app"
	"github.com/onramp/onramp/internal/place"
)

// userSite is a data directory with a migrated database holding one country
// (code C) and returns the directory and the country's ID.
func userSite(t *testing.T) (string, string) {
	t.Helper()
	dir := t.TempDir()
	cfg, _, err := parseConfig("test", Env{Stderr: io.Discard, Getenv: func(string) string { return "" }}, []string{"--data-dir", dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	d, err := app.OpenDB(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	pl, err := place.NewService(d, nil, nil).CreatePlace(t.Context(), place.NewPlace{Kind: place.KindCountry, Code: "C",
		Names: map[string]string{"en": "Country C"}})
	if err != nil {
		t.Fatal(err)
	}
	return dir, pl.ID
}

// userRun runs "onramp user ..." as Main would and returns the exit code, the
// output and the last line of the error output.
func userRun(t *testing.T, stdin io.Reader, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	err := runUser(t.Context(), Env{Args: args, Stdin: stdin, Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}, args)
	if err == nil {
		return 0, out.String(), errb.String()
	}
	var ee *exitError
	code := 1
	if errors.As(err, &ee) {
		code = ee.code
	}
	return code, out.String(), "onramp: " + oneLine(err.Error())
}

// accountsAt opens the directory's database for checks.
func accountsAt(t *testing.T, dir string) *account.Service {
	t.Helper()
	cfg, _, err := parseConfig("test", Env{Stderr: io.Discard, Getenv: func(string) string { return "" }}, []string{"--data-dir", dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	d, err := app.OpenDB(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return account.NewService(d, nil, nil, nil)
}

func TestUserAddFirstAdministratorWithPipedPassword(t *testing.T) {
	dir, country := userSite(t)
	code, out, errOut := userRun(t, strings.NewReader("a long enough secret\n"),
		"add", "--role", "admin", "--place", "C", "--email", "Admin@Example.org", "--lang", "lv", "--data-dir", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	m := regexp.MustCompile(`created user ([0-9a-f-]{36}): "Admin", admin at Country C \(C\)`).FindStringSubmatch(out)
	if m == nil || !strings.Contains(out, "/login") || !strings.Contains(out, "admin@example.org") {
		t.Fatalf("output: %q", out)
	}
	if strings.Contains(out, "a long enough secret") || strings.Contains(out, "password (shown") {
		t.Fatalf("a piped password must not be printed: %q", out)
	}
	acc := accountsAt(t, dir)
	u, err := acc.AuthenticatePassword(t.Context(), "admin@example.org", "a long enough secret")
	if err != nil || u.ID != m[1] || u.PreferredLang != "lv" || u.CreatedBy != "" {
		t.Fatalf("sign-in: %+v %v", u, err)
	}
	gs, err := acc.GrantsOf(t.Context(), u.ID)
	if err != nil || len(gs) != 1 || gs[0].Role != account.Admin || gs[0].PlaceID != country {
		t.Fatalf("grants: %+v %v", gs, err)
	}

	// The same e-mail again: refused, one line, exit 1.
	code, _, errOut = userRun(t, strings.NewReader("another long secret\n"),
		"add", "--role", "admin", "--place", "C", "--email", "admin@example.org", "--data-dir", dir)
	if code != 1 || !strings.Contains(errOut, "--email: Another account already uses this e-mail address.") {
		t.Fatalf("taken e-mail: %d %q", code, errOut)
	}
}

func TestUserAddGeneratesAPasswordOnATerminal(t *testing.T) {
	dir, country := userSite(t)
	// /dev/null is a character device, as a terminal is: no password is read.
	tty, err := os.Open(os.DevNull)
	if err != nil {
		t.Skip("no", os.DevNull)
	}
	defer tty.Close()
	// Flags before the action, the place by ID, a phone.
	code, out, errOut := userRun(t, tty, "--role", "manager", "--place", country, "--phone", "+37120000001", "--name", "Ilze", "--data-dir", dir, "add")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	m := regexp.MustCompile(`password \(shown only now[^)]*\): ([0-9a-z]{4}(-[0-9a-z]{4}){4})\n`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no generated password in %q", out)
	}
	if _, err := accountsAt(t, dir).AuthenticatePassword(t.Context(), "+37120000001", m[1]); err != nil {
		t.Fatalf("the printed password does not sign in: %v", err)
	}
	if !strings.Contains(out, `"Ilze", manager`) || !strings.Contains(out, "+37120000001") {
		t.Errorf("output: %q", out)
	}
}

func TestUserAddMistakes(t *testing.T) {
	dir, _ := userSite(t)
	pw := func() io.Reader { return strings.NewReader("a long enough secret\n") }
	tests := []struct {
		name  string
		stdin io.Reader
		args  []string
		code  int
		want  string
	}{
		{"no action", pw(), []string{"--data-dir", dir}, 2, "add"},
		{"unknown action", pw(), []string{"remove", "--data-dir", dir}, 2, `"remove"`},
		{"two actions", pw(), []string{"add", "now", "--data-dir", dir}, 2, "one action"},
		{"no role", pw(), []string{"add", "--place", "C", "--email", "a@example.org", "--data-dir", dir}, 2, "--role is required"},
		{"unknown role", pw(), []string{"add", "--role", "wizard", "--place", "C", "--email", "a@example.org", "--data-dir", dir}, 2, `--role: unknown role "wizard"`},
		{"no place", pw(), []string{"add", "--role", "admin", "--email", "a@example.org", "--data-dir", dir}, 2, "--place is required"},
		{"unknown place", pw(), []string{"add", "--role", "admin", "--place", "XX", "--email", "a@example.org", "--data-dir", dir}, 1, `no place has the code or ID "XX"`},
		{"no e-mail or phone", pw(), []string{"add", "--role", "admin", "--place", "C", "--data-dir", dir}, 2, "--email or --phone is required"},
		{"bad e-mail", pw(), []string{"add", "--role", "admin", "--place", "C", "--email", "not-an-address", "--data-dir", dir}, 2, "--email: This does not look like an e-mail address"},
		{"bad language", pw(), []string{"add", "--role", "admin", "--place", "C", "--email", "a@example.org", "--lang", "de", "--data-dir", dir}, 2, "--lang"},
		{"empty standard input", strings.NewReader(""), []string{"add", "--role", "admin", "--place", "C", "--email", "a@example.org", "--data-dir", dir}, 2, "gave no password"},
		{"short password", strings.NewReader("short\n"), []string{"add", "--role", "admin", "--place", "C", "--email", "a@example.org", "--data-dir", dir}, 2, "password: The password must have at least 10 characters."},
		{"common password", strings.NewReader("password123\n"), []string{"add", "--role", "admin", "--place", "C", "--email", "a@example.org", "--data-dir", dir}, 2, "too easy to guess"},
		{"unknown flag", pw(), []string{"add", "--colour", "red"}, 2, "colour"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := userRun(t, tt.stdin, tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.want) {
				t.Fatalf("exit %d, %q; want %d and %q (stdout %q)", code, errOut, tt.code, tt.want, out)
			}
			if strings.Contains(errOut, "\n") {
				t.Errorf("error is more than one line: %q", errOut)
			}
		})
	}
	if us, err := accountsAt(t, dir).FindUsers(t.Context(), account.Filter{AllPlaces: true}); err != nil || len(us) != 0 {
		t.Fatalf("a refused command made an account: %v %v", us, err)
	}
}

func TestUserHelp(t *testing.T) {
	var out bytes.Buffer
	if err := runUser(t.Context(), Env{Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }}, []string{"-h"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"onramp user add --role R --place P --email E", "-place", "standard input"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help lacks %q:\n%s", want, out.String())
		}
	}
}
