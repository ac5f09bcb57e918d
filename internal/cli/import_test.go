package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onramp/onramp/internal/app"
	"github.com/onramp/onramp/internal/config"
	"github.com/onramp/onramp/internal/place"
)

// importCmd runs runImport as Main would run "onramp import ARGS...".
func importCmd(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	err := runImport(t.Context(), Env{Args: append([]string{"import"}, args...), Stdin: strings.NewReader(stdin),
		Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}, args)
	if err != nil {
		errb.WriteString("onramp: " + oneLine(err.Error()) + "\n")
		code = 1
		var ee *exitError
		if errors.As(err, &ee) {
			code = ee.code
		}
	}
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// placesIn opens the data directory's database and returns the places.
func placesIn(t *testing.T, dir string) map[string]*place.Place {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = dir
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	d, err := app.OpenDB(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	ps, _, err := place.NewService(d, time.Now, place.NewID).FindPlaces(ctx, place.Filter{Limit: place.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*place.Place{}
	for _, p := range ps {
		out[p.Code] = p
	}
	return out
}

func TestImportPlaces(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "good.csv", "code;parent_code;kind;venue_kind;adult_population;name_en;name_ru\n"+
		"LV;;country;;;Latvia;Латвия\n"+
		"LV-RIX;LV;region;;540 000;Riga region;\n"+
		"LV-RIX-1;LV-RIX;municipality;;;Riga;Рига\n"+
		"LV-RIX-1-LIB;LV-RIX-1;venue;library;;Central library;\n")
	code, out, errOut := importCmd(t, "", "places", good, "--data-dir", dir)
	if code != 0 || !strings.Contains(out, "4 places imported.") || !strings.Contains(out, "New places: 4.") {
		t.Fatalf("good file: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	ps := placesIn(t, dir)
	if len(ps) != 4 || ps["LV-RIX-1-LIB"].ParentID != ps["LV-RIX-1"].ID || ps["LV"].Names["ru"] != "Латвия" ||
		ps["LV-RIX"].AdultPopulation == nil || *ps["LV-RIX"].AdultPopulation != 540000 {
		t.Fatalf("imported: %v", ps)
	}

	// A bad file: one line per problem, exit 1, nothing written.
	bad := writeFile(t, dir, "bad.csv", "code,parent_code,kind,venue_kind,name_en\n"+
		"LV-RIX-2,LV-RIX,municipality,,Jurmala\n"+
		"LV-X,NOPE,municipality,,Lost\n"+
		"LV-RIX-2-Y,LV-RIX-2,venue,castle,Castle\n"+
		"LV-Z,LV-RIX,municipality,,\n")
	code, out, errOut = importCmd(t, "", "places", bad, "--data-dir", dir)
	if code != 1 {
		t.Fatalf("bad file: exit %d, want 1\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	for _, want := range []string{
		"Row 3, column parent_code: There is no place with the code “NOPE”",
		"Row 4, column venue_kind: “castle” cannot be used as venue_kind here.",
		"Row 5: This row has no name.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "onramp: 3 rows have problems; nothing was imported.") {
		t.Errorf("stderr: %q", errOut)
	}
	if n := len(placesIn(t, dir)); n != 4 {
		t.Fatalf("a refused file wrote: %d places", n)
	}

	// The report in Russian, flags before the arguments.
	code, out, _ = importCmd(t, "", "--lang", "ru", "--data-dir", dir, "places", bad)
	if code != 1 || !strings.Contains(out, "Строка 3, столбец parent_code: ") || !strings.Contains(out, "Строка 5: ") {
		t.Fatalf("Russian: exit %d\n%s", code, out)
	}

	// Stdin; a problem with the whole file has no row.
	code, out, _ = importCmd(t, "name_xx,code\n", "places", "-", "--data-dir", dir)
	if code != 1 || !strings.HasPrefix(out, "Row 1, column name_xx: Unknown column “name_xx”") {
		t.Fatalf("stdin with a bad header: exit %d\n%s", code, out)
	}
	code, out, _ = importCmd(t, "", "places", "-", "--data-dir", dir)
	if code != 1 || out != "The file is empty. The first row must hold the column names.\n" {
		t.Fatalf("empty stdin: exit %d\n%q", code, out)
	}

	// Importing the good file again changes nothing.
	code, out, _ = importCmd(t, "", "places", good, "--data-dir", dir)
	if code != 0 || !strings.Contains(out, "Already up to date: 4.") {
		t.Fatalf("again: exit %d\n%s", code, out)
	}
}

func TestImportCommandLine(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--data-dir", dir}, 2, "import places FILE"},
		{[]string{"people", "x.csv", "--data-dir", dir}, 2, `"people"`},
		{[]string{"places", "--data-dir", dir}, 2, "one file"},
		{[]string{"places", "a.csv", "b.csv", "--data-dir", dir}, 2, "one file"},
		{[]string{"places", "a.csv", "--lang", "de", "--data-dir", dir}, 2, "--lang"},
		{[]string{"places", filepath.Join(dir, "missing.csv"), "--data-dir", dir}, 1, "missing.csv"},
	} {
		code, _, errOut := importCmd(t, "", tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d naming %s", tt.args, code, errOut, tt.code, tt.want)
		}
	}
	code, out, errOut := importCmd(t, "", "-h")
	if code != 0 || !strings.Contains(out+errOut, "Usage: onramp import places FILE") || !strings.Contains(out+errOut, "-lang") {
		t.Errorf("help: exit %d %q %q", code, out, errOut)
	}
}
