package place

import (
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/onramp/onramp/internal/db"
	"github.com/onramp/onramp/internal/errs"
	"github.com/onramp/onramp/internal/testkit"
)

// A ru-locale Excel export: BOM, semicolons, children before their parents,
// a population grouped with no-break spaces, a quoted name with a semicolon.
const importRU = "\ufeffname_ru;code;parent_code;kind;venue_kind;adult_population;name_en\r\n" +
	"Библиотека № 3;RU-SVE-EKB-LIB-03;RU-SVE-EKB-W1;venue;library;;Library No. 3\r\n" +
	"Ленинский район;RU-SVE-EKB-W1;RU-SVE-EKB;ward;;300\u00a0000;\r\n" +
	"Екатеринбург;RU-SVE-EKB;RU-SVE;municipality;;;Yekaterinburg\r\n" +
	"\"Дом культуры \"\"Ёлочка\"\"; филиал\";RU-SVE-EKB-CC-01;RU-SVE-EKB;venue;Community centre;;\r\n" +
	";;;;;;\r\n" +
	"Свердловская область;RU-SVE;RU;region;;4 000 000;Sverdlovsk Oblast\r\n" +
	"Россия;RU;;country;;;Russia\r\n"

func mustImport(t *testing.T, s *Service, csv string) Report {
	t.Helper()
	rep, err := s.Import(t.Context(), strings.NewReader(csv))
	if err != nil {
		t.Fatalf("import: %v; report %+v", err, rep.Errors)
	}
	return rep
}

func TestImportHappyPath(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s := newTestService(d)
		rep := mustImport(t, s, importRU)
		if rep.Rows != 6 || rep.Created != 6 || rep.Updated != 0 || !rep.OK() {
			t.Fatalf("report %+v", rep)
		}
		lib, err := s.FindPlaceByCode(ctx, "RU-SVE-EKB-LIB-03")
		if err != nil {
			t.Fatal(err)
		}
		anc, _ := s.Ancestors(ctx, lib.ID)
		if want := []string{"RU", "RU-SVE", "RU-SVE-EKB", "RU-SVE-EKB-W1", "RU-SVE-EKB-LIB-03"}; !slices.Equal(codes(anc), want) {
			t.Errorf("ancestors %v", codes(anc))
		}
		if lib.Depth != 4 || lib.Names["en"] != "Library No. 3" || lib.VenueKind != VenueLibrary {
			t.Errorf("library %+v", lib)
		}
		cc, _ := s.FindPlaceByCode(ctx, "RU-SVE-EKB-CC-01")
		if cc.Names["ru"] != `Дом культуры "Ёлочка"; филиал` || cc.VenueKind != VenueCommunityCentre || len(cc.Names) != 1 {
			t.Errorf("community centre %+v", cc)
		}
		w1, _ := s.FindPlaceByCode(ctx, "RU-SVE-EKB-W1")
		if w1.AdultPopulation == nil || *w1.AdultPopulation != 300_000 {
			t.Errorf("ward population %v", w1.AdultPopulation)
		}
		if n, _ := s.Population(ctx, anc[0].ID); n != 4_000_000 {
			t.Errorf("country population %d", n)
		}
		checkClosure(t, s)

		// The same file again changes nothing.
		rep = mustImport(t, s, importRU)
		if rep.Created != 0 || rep.Updated != 0 || rep.Unchanged != 6 {
			t.Errorf("re-import: %+v", rep)
		}
		again, _ := s.FindPlaceByCode(ctx, "RU-SVE-EKB-LIB-03")
		if !again.UpdatedAt.Equal(lib.UpdatedAt) {
			t.Error("an unchanged re-import touched updated_at")
		}
	})
}

func TestImportReimportUpdates(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		tr := newTree(t, d)
		s := tr.svc
		before, _ := s.FindPlaceByID(ctx, tr.lib03.ID)
		// Comma-delimited, columns in another order: the library gets a Latvian
		// name and moves to ward W2; W1 gets a new figure and keeps its names (empty
		// cell); a new ward and a new venue under it arrive; NTG is unchanged.
		// Without a venue_kind column the new venue is refused, and with it nothing.
		csv := "code,kind,parent_code,name_lv,adult_population\n" +
			"RU-SVE-EKB-LIB-03,venue,RU-SVE-EKB-W2,Bibliotēka Nr. 3,\n" +
			"RU-SVE-EKB-W1,ward,RU-SVE-EKB,,310000\n" +
			"RU-SVE-EKB-W3,ward,RU-SVE-EKB,Jaunais rajons,1000\n" +
			"RU-SVE-NTG,municipality,RU-SVE,,280000\n" +
			"RU-SVE-EKB-W3-SCH,venue,RU-SVE-EKB-W3,Skola,\n"
		rep, err := s.Import(ctx, strings.NewReader(csv))
		wantCode(t, err, errs.Invalid)
		if got := errorKeys(rep); !slices.Equal(got, []rowKey{{6, "venue_kind", "place.import.error.required"}}) {
			t.Fatalf("errors %v", got)
		}
		if got, _ := s.FindPlaceByID(ctx, tr.lib03.ID); got.ParentID != tr.w1.ID || len(got.Names) != 2 {
			t.Fatalf("a refused import moved or renamed the library: %+v", got)
		}
		csv = strings.Replace(csv, "adult_population\n", "adult_population,venue_kind\n", 1)
		csv = strings.Replace(csv, "Bibliotēka Nr. 3,\n", "Bibliotēka Nr. 3,,library\n", 1)
		csv = strings.Replace(csv, "Skola,\n", "Skola,,school\n", 1)
		rep = mustImport(t, s, csv)
		if rep.Created != 2 || rep.Updated != 2 || rep.Unchanged != 1 {
			t.Errorf("report %+v", rep)
		}
		lib, _ := s.FindPlaceByID(ctx, tr.lib03.ID)
		if lib.ParentID != tr.w2.ID || lib.Names["lv"] != "Bibliotēka Nr. 3" || lib.Names["ru"] != "Библиотека № 3" ||
			lib.VenueKind != VenueLibrary || !lib.UpdatedAt.After(before.UpdatedAt) {
			t.Errorf("library after re-import %+v", lib)
		}
		if ok, _ := s.IsWithin(ctx, tr.lib03.ID, tr.w1.ID); ok {
			t.Error("library still within W1")
		}
		if ok, _ := s.IsWithin(ctx, tr.lib03.ID, tr.w2.ID); !ok {
			t.Error("library not within W2")
		}
		w1, _ := s.FindPlaceByID(ctx, tr.w1.ID)
		if *w1.AdultPopulation != 310_000 || w1.Names["ru"] != "Ленинский район" {
			t.Errorf("W1 %+v", w1)
		}
		sch, err := s.FindPlaceByCode(ctx, "RU-SVE-EKB-W3-SCH")
		if err != nil {
			t.Fatal(err)
		}
		if ok, _ := s.IsWithin(ctx, sch.ID, tr.ekb.ID); !ok || sch.Depth != 4 {
			t.Errorf("new school depth %d", sch.Depth)
		}
		if n, _ := s.Population(ctx, tr.ekb.ID); n != 310_000+200_000+1000 {
			t.Errorf("EKB population %d", n)
		}
		checkClosure(t, s)

		// Without a venue_kind column a stored venue keeps its kind.
		rep = mustImport(t, s, "code,kind,parent_code,name_en\nRU-SVE-EKB-LIB-03,venue,RU-SVE-EKB-W2,Library 3\n")
		if lib, _ := s.FindPlaceByID(ctx, tr.lib03.ID); rep.Updated != 1 || lib.VenueKind != VenueLibrary ||
			lib.Names["en"] != "Library 3" || lib.Names["lv"] != "Bibliotēka Nr. 3" {
			t.Errorf("venue kind kept? %+v %+v", rep, lib)
		}

		// A stored municipality moves to a new region defined in the same file; a
		// new venue goes under a stored ward of it. The chain must be the new one.
		csv = "code;kind;parent_code;name_en;venue_kind\n" +
			"RU-SVE-EKB-W2-NEW;venue;RU-SVE-EKB-W2;New venue;other\n" +
			"RU-CHE;region;RU;Chelyabinsk Oblast;\n" +
			"RU-SVE-EKB;municipality;RU-CHE;Yekaterinburg;\n"
		rep = mustImport(t, s, csv)
		if rep.Created != 2 || rep.Updated != 1 {
			t.Errorf("report %+v", rep)
		}
		nv, _ := s.FindPlaceByCode(ctx, "RU-SVE-EKB-W2-NEW")
		anc, _ := s.Ancestors(ctx, nv.ID)
		if want := []string{"RU", "RU-CHE", "RU-SVE-EKB", "RU-SVE-EKB-W2", "RU-SVE-EKB-W2-NEW"}; !slices.Equal(codes(anc), want) {
			t.Errorf("ancestors %v", codes(anc))
		}
		if ok, _ := s.IsWithin(ctx, tr.lib03.ID, tr.sve.ID); ok {
			t.Error("library still within SVE after its municipality moved")
		}
		checkClosure(t, s)
	})
}

type rowKey struct {
	row    int
	column string
	key    string
}

func errorKeys(rep Report) []rowKey {
	var out []rowKey
	for _, e := range rep.Errors {
		out = append(out, rowKey{e.Row, e.Column, e.Key})
	}
	return out
}

func TestImportErrorsImportNothing(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		tr := newTree(t, d)
		s := tr.svc
		p0, n0, c0, _ := countRows(ctx, d.R)
		csv := "code,parent_code,kind,venue_kind,adult_population,name_en,name_ru\n" +
			"NEW-REGION,RU,region,,12,New region,\n" + // 2: fine
			"NEW-MUN,NEW-REGION,municipality,,-5,New municipality,\n" + // 3: negative
			"NEW-MUN-2,NOWHERE,municipality,,,M2,\n" + // 4: unknown parent
			"NEW-W,NEW-REGION,ward,,,W,\n" + // 5: ward under region
			"NEW-REGION,RU,region,,,Twice,\n" + // 6: duplicate code
			"X1,RU,district,,,X,\n" + // 7: unknown kind
			"X2,RU-SVE-EKB,venue,spa,,,Спа\n" + // 8: unknown venue kind
			"X3,RU-SVE-EKB,ward,,,,\n" + // 9: no name
			"X4,X5,ward,,,A,\n" + // 10: cycle X4 -> X5 -> X4
			"X5,X4,ward,,,B,\n" + // 11
			"RU-SVE,RU,municipality,,,Kind change,\n" + // 12: stored region as municipality
			"X6,RU-SVE-EKB,venue,,,No venue kind,\n" + // 13
			"X7,,region,,,No parent,\n" + // 14
			"X8,RU-SVE-EKB,ward,,99999999999999999999,Huge,\n" + // 15
			",RU,region,,,No code,\n" + // 16
			"X9,RU,region,,,Extra,,surplus\n" + // 17
			"X10,RU,region,,,Trailing empty cells,,,,\n" // 18: fine
		rep, err := s.Import(ctx, strings.NewReader(csv))
		wantCode(t, err, errs.Invalid)
		if errs.KeyOf(err) != "place.import.error.rejected" {
			t.Errorf("key %s", errs.KeyOf(err))
		}
		want := []rowKey{
			{3, "adult_population", "place.import.error.bad_number"},
			{4, "parent_code", "place.import.error.unknown_parent"},
			{5, "parent_code", "place.import.error.bad_parent"},
			{6, "code", "place.import.error.duplicate_code"},
			{7, "kind", "place.import.error.bad_kind"},
			{8, "venue_kind", "place.import.error.bad_venue_kind"},
			{9, "", "place.import.error.missing_name"},
			{10, "parent_code", "place.import.error.cycle"},
			{11, "parent_code", "place.import.error.cycle"},
			{12, "kind", "place.import.error.kind_changed"},
			{13, "venue_kind", "place.import.error.required"},
			{14, "parent_code", "place.import.error.required"},
			{15, "adult_population", "place.import.error.bad_number"},
			{16, "code", "place.import.error.required"},
			{17, "", "place.import.error.extra_fields"},
		}
		got := errorKeys(rep)
		// The cycle rows also break the kind rule (ward under ward); the cycle is
		// what the report must say, the rest may follow.
		got = slices.DeleteFunc(got, func(k rowKey) bool {
			return (k.row == 10 || k.row == 11) && k.key == "place.import.error.bad_parent"
		})
		if !slices.Equal(got, want) {
			t.Errorf("errors:\n got %v\nwant %v", got, want)
		}
		if rep.Rows != 17 || rep.BadRows != 15 || rep.Created != 0 {
			t.Errorf("report counts %+v", rep)
		}
		if e := rep.Errors[3]; e.Args["first_row"] != 2 || e.Args["code"] != "NEW-REGION" {
			t.Errorf("duplicate args %v", e.Args)
		}
		p1, n1, c1, _ := countRows(ctx, d.R)
		if p0 != p1 || n0 != n1 || c0 != c1 {
			t.Errorf("a refused import wrote: places %d->%d names %d->%d closure %d->%d", p0, p1, n0, n1, c0, c1)
		}
		if _, err := s.FindPlaceByCode(ctx, "NEW-REGION"); !errs.Is(err, errs.NotFound) {
			t.Errorf("row 2 was written: %v", err)
		}
	})
}

func TestImportFileErrors(t *testing.T) {
	d := testkit.OpenSQLite(t)
	s := newTestService(d)
	for _, c := range []struct {
		name, csv string
		want      []rowKey
	}{
		{"empty", "", []rowKey{{0, "", "place.import.error.empty"}}},
		{"header only", "code,kind,name_en\n", nil},
		{"unknown column", "code,kind,name_en,name_de,populaton\n", []rowKey{
			{1, "name_de", "place.import.error.bad_header"}, {1, "populaton", "place.import.error.bad_header"}}},
		{"duplicate column", "code;kind;name_en;Code\n", []rowKey{{1, "code", "place.import.error.duplicate_column"}}},
		{"missing columns", "parent_code,adult_population\n", []rowKey{
			{1, "code", "place.import.error.missing_column"}, {1, "kind", "place.import.error.missing_column"},
			{1, "name_*", "place.import.error.missing_column"}}},
		{"broken quote", "code,kind,name_en\nA,country,\"Broken\nB,country,x\n", []rowKey{{2, "", "place.import.error.bad_csv"}}},
		{"bare quote", "code,kind,name_en\nA,country,Bro\"ken\n", []rowKey{{2, "", "place.import.error.bad_csv"}}},
		{"windows-1251", "code,kind,name_ru\nA,country,\xcc\xee\xf1\xea\xe2\xe0\n", []rowKey{{2, "", "place.import.error.bad_encoding"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			rep, err := s.Import(t.Context(), strings.NewReader(c.csv))
			if c.want == nil {
				if err != nil || rep.Rows != 0 {
					t.Fatalf("%v %+v", err, rep)
				}
				return
			}
			wantCode(t, err, errs.Invalid)
			if got := errorKeys(rep); !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}

	// Limits: size and row count.
	big := strings.NewReader("code,kind,name_en\n" + strings.Repeat("x", MaxImportBytes))
	rep, err := s.Import(t.Context(), big)
	wantCode(t, err, errs.Invalid)
	if got := errorKeys(rep); !slices.Equal(got, []rowKey{{0, "", "place.import.error.too_large"}}) {
		t.Errorf("too large: %v", got)
	}
	var b strings.Builder
	b.WriteString("code,kind,name_en\n")
	for i := range MaxImportRows + 1 {
		fmt.Fprintf(&b, "C%d,country,C\n", i)
	}
	rep, err = s.Import(t.Context(), strings.NewReader(b.String()))
	wantCode(t, err, errs.Invalid)
	if got := errorKeys(rep); !slices.Equal(got, []rowKey{{MaxImportRows + 2, "", "place.import.error.too_many_rows"}}) {
		t.Errorf("too many rows: %v", got)
	}
}

func TestImportReportCap(t *testing.T) {
	d := testkit.OpenSQLite(t)
	s := newTestService(d)
	var b strings.Builder
	b.WriteString("code,kind,name_en\n")
	for i := range MaxReportErrors + 10 {
		fmt.Fprintf(&b, "C%d,planet,C\n", i)
	}
	rep, err := s.Import(t.Context(), strings.NewReader(b.String()))
	wantCode(t, err, errs.Invalid)
	if len(rep.Errors) != MaxReportErrors+1 || rep.BadRows != MaxReportErrors+10 ||
		rep.Errors[MaxReportErrors].Key != "place.import.error.too_many_errors" {
		t.Errorf("%d errors, %d bad rows, last %+v", len(rep.Errors), rep.BadRows, rep.Errors[len(rep.Errors)-1])
	}
}

func TestDetectDelimiter(t *testing.T) {
	for in, want := range map[string]rune{
		"code,kind,name_en\n":          ',',
		"code;kind;name_en\n":          ';',
		"code\tkind\tname_en\n":        '\t',
		"\"a;b\",kind,name_en\n":       ',',
		"\n\ncode;kind\n":              ';',
		"code\n":                       ',',
		"code;kind,with,commas\nx;y\n": ',',
	} {
		if got := detectDelimiter([]byte(in)); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

// benchCSV builds a realistic hierarchy of n rows: one country, regions,
// municipalities, wards, and venues for the rest (most rows are venues).
func benchCSV(n int) string {
	var b strings.Builder
	b.Grow(n * 90)
	b.WriteString("code;parent_code;kind;venue_kind;adult_population;name_en;name_ru\n")
	b.WriteString("C;;country;;;Country;Страна\n")
	rows := 1
	const regions, munis, wards = 20, 400, 4000
	for r := range regions {
		fmt.Fprintf(&b, "C-R%d;C;region;;%d;Region %d;Регион %d\n", r, 1_000_000+r, r, r)
		rows++
	}
	for m := range munis {
		fmt.Fprintf(&b, "C-R%d-M%d;C-R%d;municipality;;;Municipality %d;Город %d\n", m%regions, m, m%regions, m, m)
		rows++
	}
	for w := range wards {
		m := w % munis
		fmt.Fprintf(&b, "C-R%d-M%d-W%d;C-R%d-M%d;ward;;%d;Ward %d;Район %d\n", m%regions, m, w, m%regions, m, 10_000+w, w, w)
		rows++
	}
	kinds := VenueKinds()
	for v := 0; rows < n; v++ {
		w := v % wards
		m := w % munis
		fmt.Fprintf(&b, "C-R%d-M%d-W%d-V%d;C-R%d-M%d-W%d;venue;%s;;Venue %d;Площадка %d\n",
			m%regions, m, w, v, m%regions, m, w, kinds[v%len(kinds)], v, v)
		rows++
	}
	return b.String()
}

// BenchmarkImport measures a fresh 100,000-row import, parse to commit, and
// reports rows/s. Budget (DESIGN.md §5): >= 100,000 rows/s on SQLite. Each file
// row writes about nine database rows (the place, two names, and one closure
// row per ancestor and itself), so BenchmarkClosureRows, run beside it, gives
// the engine's own ceiling on the same machine at the same moment.
//
//	go test ./internal/place/ -run '^$' -bench 'Import|ClosureRows' -benchtime 3x
func BenchmarkImport(b *testing.B) {
	const n = 100_000
	csv := benchCSV(n)
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			var total float64
			for b.Loop() {
				b.StopTimer()
				s := NewService(benchDB(b, engine), nil, nil)
				b.StartTimer()
				rep, err := s.Import(b.Context(), strings.NewReader(csv))
				if err != nil || rep.Created != n {
					b.Fatalf("import: %v, %d created, %v", err, rep.Created, rep.Errors[:min(3, len(rep.Errors))])
				}
				total += n
			}
			b.ReportMetric(total/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkClosureRows inserts bare closure rows with the import's own bulk
// inserter: the floor under BenchmarkImport.
func BenchmarkClosureRows(b *testing.B) {
	const n = 600_000 // about what the 100,000-row import writes to place_closure
	ids := make([]string, n)
	for i := range ids {
		ids[i] = NewID()
	}
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			var total float64
			for b.Loop() {
				b.StopTimer()
				d := benchDB(b, engine)
				b.StartTimer()
				err := d.Tx(b.Context(), func(tx *sql.Tx) error {
					ins := newClosureInserter(b.Context(), tx, d.Dialect)
					defer ins.close()
					for i, id := range ids {
						if err := ins.add(ids[i%6], id, 1); err != nil {
							return err
						}
					}
					return ins.flush()
				})
				if err != nil {
					b.Fatal(err)
				}
				total += n
			}
			b.ReportMetric(total/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

func benchDB(b *testing.B, engine string) *db.DB {
	if engine == "sqlite" {
		return testkit.OpenSQLite(b)
	}
	return testkit.OpenPostgres(b)
}

func TestScanImportReadsLikeImport(t *testing.T) {
	refs, bad := ScanImport([]byte("\xef\xbb\xbfcode;parent_code;kind;name_ru\nRU;;Country;Россия\n\nRU-1; RU ;region;Край\n"))
	if len(bad) > 0 {
		t.Fatalf("unexpected problems: %v", bad)
	}
	want := []ImportRef{{Row: 2, Code: "RU", Kind: KindCountry}, {Row: 4, Code: "RU-1", ParentCode: "RU", Kind: KindRegion}}
	if len(refs) != len(want) {
		t.Fatalf("got %+v", refs)
	}
	for i := range want {
		if refs[i] != want[i] {
			t.Errorf("row %d: got %+v, want %+v", i, refs[i], want[i])
		}
	}
	if _, bad := ScanImport([]byte("code,kind\n\xff\xfe,country\n")); len(bad) == 0 || bad[0].Key != keyImpBadEncoding {
		t.Fatalf("bad encoding: %v", bad)
	}
	if _, bad := ScanImport(nil); len(bad) == 0 || bad[0].Key != keyImpEmpty {
		t.Fatalf("empty file: %v", bad)
	}
}
