package place

import (
	"strings"
	"testing"

	"github.com/onramp/onramp/internal/errs"
	"github.com/onramp/onramp/internal/testkit"
)

// FuzzImportCSV feeds Import arbitrary files. Whatever comes in, Import must not
// panic, and must either write the whole file (no errors, the counts add up, the
// closure agrees with the parents) or write nothing (errors, every table as it
// was). Any other failure is a bug: input never makes an Internal error.
//
//	go test ./internal/place/ -run '^$' -fuzz FuzzImportCSV -fuzztime 60s
func FuzzImportCSV(f *testing.F) {
	const hdr = "code,parent_code,kind,venue_kind,adult_population,name_en,name_ru,name_uk,name_lv,name_vi\n"
	seeds := []string{
		// valid, comma
		hdr + "F-RU,,country,,,Russia,Россия,,,\nF-RU-SVE,F-RU,region,,4000000,Sverdlovsk,,,,\n" +
			"F-EKB,F-RU-SVE,municipality,,,Yekaterinburg,,,,\nF-EKB-LIB,F-EKB,venue,library,,Library,,,,\n",
		// BOM and semicolons, children first
		"\ufeffcode;parent_code;kind;venue_kind;name_ru\nF-B-LIB;F-B-M;venue;library;Библиотека\nF-B-M;F-B-R;municipality;;Город\n" +
			"F-B-R;F-B;region;;Область\nF-B;;country;;Страна\n",
		// quotes: an embedded delimiter, doubled quotes, a line break in a cell
		"code,kind,name_en\n\"F-Q\",country,\"Land \"\"of\"\", quotes\"\n\"F-Q2\",country,\"two\nlines\"\n",
		// broken quotes
		"code,kind,name_en\nF-X,country,\"unterminated\n",
		// bare quote
		"code,kind,name_en\nF-X,country,ab\"cd\n",
		// huge numbers
		"code,kind,adult_population,name_en\nF-H,country,99999999999999999999999,Huge\nF-H2,country,9223372036854775807,Max\n",
		// negative population
		"code,kind,adult_population,name_en\nF-N,country,-1,Negative\n",
		// cycle through parent_code
		hdr + "F-C1,F-C2,region,,,A,,,,\nF-C2,F-C1,region,,,B,,,,\nF-C3,F-C3,ward,,,Self,,,,\n",
		// unknown kinds
		"code,kind,venue_kind,name_en\nF-K,planet,,Mars\nF-K2,venue,spaceport,Baikonur\n",
		// empty file
		"",
		// header only
		hdr,
		// Cyrillic, Ukrainian and Latvian names
		hdr + "F-UA,,country,,,Ukraine,Украина,Україна,Ukraina,Ukraina\nF-LV,,country,,,Latvia,Латвия,Латвія,Latvija,Latvia\n",
		// Vietnamese names
		"code;kind;name_vi;adult_population\nF-VN;country;Việt Nam;70 000 000\nF-HN;region;Hà Nội;\n",
		// decomposed Unicode (NFD) names and codes
		"code,kind,name_vi,name_ru\nF-D\u0301,country,Vie\u0323\u0302t Nam,Заи\u0306мка\n",
		// tab-delimited
		"code\tkind\tname_en\nF-T\tcountry\tTabland\n",
		// extra fields
		"code,kind,name_en\nF-E,country,Extra,surplus,cells\n",
		// duplicate codes
		"code,kind,name_en\nF-DUP,country,One\nF-DUP,country,Two\n",
		// no name column
		"code,kind\nF-NN,country\n",
		// CRLF line endings and blank rows
		"code;kind;name_en\r\nF-CR;country;Carriage\r\n;;\r\n\r\nF-CR2;country;Return\r\n",
		// unknown parent
		hdr + "F-O,F-NOWHERE,region,,,Orphan,,,,\n",
		// venue without a venue kind; ward with one
		hdr + "F-V,,country,,,V,,,,\nF-VR,F-V,region,,,R,,,,\nF-VM,F-VR,municipality,,,M,,,,\nF-VV,F-VM,venue,,,Venue,,,,\n" +
			"F-VW,F-VM,ward,school,,Ward,,,,\n",
		// a re-import that moves a municipality between regions
		hdr + "F-RU,,country,,,Russia,,,,\nF-RU-CHE,F-RU,region,,,Chelyabinsk,,,,\nF-EKB,F-RU-CHE,municipality,,,Yekaterinburg,,,,\n",
		// a stored region re-imported as another kind
		hdr + "F-RU-SVE,F-RU,municipality,,,Sverdlovsk,,,,\n",
		// not UTF-8 (Windows-1251)
		"code,kind,name_ru\nF-W,country,\xd0\xee\xf1\xf1\xe8\xff\n",
		// NUL and other control characters
		"code,kind,name_en\nF-\x00,country,Nul\nF-Z,country,a\x07b\n",
		// unknown and duplicate columns
		"code,kind,name_en,name_de,Code\nF-U,country,X,Y,Z\n",
		// very long name and code
		"code,kind,name_en\n" + strings.Repeat("C", 101) + ",country," + strings.Repeat("n", 201) + "\n",
		// only delimiters
		";;;\n;;;\n",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	d := testkit.OpenSQLite(f)
	s := newTestService(d)
	f.Fuzz(func(t *testing.T, in string) {
		ctx := t.Context()
		p0, n0, c0, err := countRows(ctx, d.R)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := s.Import(ctx, strings.NewReader(in))
		p1, n1, c1, cerr := countRows(ctx, d.R)
		if cerr != nil {
			t.Fatal(cerr)
		}
		switch {
		case err == nil:
			if !rep.OK() || rep.BadRows != 0 {
				t.Fatalf("no error but a report with errors: %+v", rep)
			}
			if rep.Created+rep.Updated+rep.Unchanged != rep.Rows {
				t.Fatalf("counts do not add up: %+v", rep)
			}
			if p1 != p0+rep.Created {
				t.Fatalf("places %d -> %d, report says %d created", p0, p1, rep.Created)
			}
			if rep.Created > 0 && (n1 <= n0 || c1 <= c0) {
				t.Fatalf("created %d places but names %d -> %d, closure %d -> %d", rep.Created, n0, n1, c0, c1)
			}
			if rep.Created+rep.Updated > 0 {
				checkClosure(t, s)
			}
		case errs.Is(err, errs.Invalid):
			if rep.OK() || rep.BadRows == 0 {
				t.Fatalf("refused without errors in the report: %v %+v", err, rep)
			}
			if p1 != p0 || n1 != n0 || c1 != c0 {
				t.Fatalf("a refused import wrote: places %d->%d names %d->%d closure %d->%d (%+v)",
					p0, p1, n0, n1, c0, c1, rep.Errors)
			}
			for _, e := range rep.Errors {
				if !strings.HasPrefix(e.Key, "place.import.error.") {
					t.Fatalf("error key %q", e.Key)
				}
			}
		default:
			t.Fatalf("input made a %s error: %v", errs.CodeOf(err), err)
		}
	})
}
