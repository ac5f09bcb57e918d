package place

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onramp/onramp/internal/db"
	"github.com/onramp/onramp/internal/errs"
	"github.com/onramp/onramp/internal/testkit"
)

// testClock is a clock that moves one second per reading.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

func newTestService(d *db.DB) *Service {
	c := &testClock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	return NewService(d, c.now, nil)
}

func pop(n int64) *int64 { return &n }

// tree is the named fixture every test starts from:
//
//	RU country
//	└─ RU-SVE region (4 000 000 adults)
//	   ├─ RU-SVE-EKB municipality
//	   │  ├─ RU-SVE-EKB-W1 ward (300 000)
//	   │  │  └─ RU-SVE-EKB-LIB-03 venue (library)
//	   │  ├─ RU-SVE-EKB-W2 ward (200 000)
//	   │  └─ RU-SVE-EKB-CC-01 venue (community centre, straight in the municipality)
//	   └─ RU-SVE-NTG municipality (280 000)
//	      └─ RU-SVE-NTG-LIB-01 venue (library)
type tree struct {
	svc                          *Service
	ru, sve, ekb, w1, w2, lib03  *Place
	cc01, ntg, ntgLib, otherRoot *Place
}

func mustCreate(t *testing.T, s *Service, np NewPlace) *Place {
	t.Helper()
	p, err := s.CreatePlace(t.Context(), np)
	if err != nil {
		t.Fatalf("create %s: %v", np.Code, err)
	}
	return p
}

func newTree(t *testing.T, d *db.DB) *tree {
	t.Helper()
	s := newTestService(d)
	tr := &tree{svc: s}
	tr.ru = mustCreate(t, s, NewPlace{Kind: KindCountry, Code: "RU", Names: map[string]string{"en": "Russia", "ru": "Россия"}})
	tr.sve = mustCreate(t, s, NewPlace{ParentID: tr.ru.ID, Kind: KindRegion, Code: "RU-SVE",
		Names: map[string]string{"en": "Sverdlovsk Oblast", "ru": "Свердловская область"}, AdultPopulation: pop(4_000_000)})
	tr.ekb = mustCreate(t, s, NewPlace{ParentID: tr.sve.ID, Kind: KindMunicipality, Code: "RU-SVE-EKB",
		Names: map[string]string{"en": "Yekaterinburg", "ru": "Екатеринбург"}})
	tr.w1 = mustCreate(t, s, NewPlace{ParentID: tr.ekb.ID, Kind: KindWard, Code: "RU-SVE-EKB-W1",
		Names: map[string]string{"ru": "Ленинский район"}, AdultPopulation: pop(300_000)})
	tr.w2 = mustCreate(t, s, NewPlace{ParentID: tr.ekb.ID, Kind: KindWard, Code: "RU-SVE-EKB-W2",
		Names: map[string]string{"ru": "Кировский район"}, AdultPopulation: pop(200_000)})
	tr.lib03 = mustCreate(t, s, NewPlace{ParentID: tr.w1.ID, Kind: KindVenue, VenueKind: VenueLibrary,
		Code: "RU-SVE-EKB-LIB-03", Names: map[string]string{"ru": "Библиотека № 3", "en": "Library No. 3"}})
	tr.cc01 = mustCreate(t, s, NewPlace{ParentID: tr.ekb.ID, Kind: KindVenue, VenueKind: VenueCommunityCentre,
		Code: "RU-SVE-EKB-CC-01", Names: map[string]string{"ru": "Дом культуры «Ёлочка»"}, AdultPopulation: pop(150)})
	tr.ntg = mustCreate(t, s, NewPlace{ParentID: tr.sve.ID, Kind: KindMunicipality, Code: "RU-SVE-NTG",
		Names: map[string]string{"ru": "Нижний Тагил"}, AdultPopulation: pop(280_000)})
	tr.ntgLib = mustCreate(t, s, NewPlace{ParentID: tr.ntg.ID, Kind: KindVenue, VenueKind: VenueLibrary,
		Code: "RU-SVE-NTG-LIB-01", Names: map[string]string{"ru": "Центральная библиотека"}})
	tr.otherRoot = mustCreate(t, s, NewPlace{Kind: KindCountry, Code: "VN", Names: map[string]string{"vi": "Việt Nam"}})
	return tr
}

func ids(ps []*Place) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

func codes(ps []*Place) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Code
	}
	return out
}

// checkClosure proves the closure table agrees with parent_id everywhere: the
// ancestors of every place are its parent chain, depths match, and the table
// holds no other rows.
func checkClosure(t *testing.T, s *Service) {
	t.Helper()
	ctx := t.Context()
	var all []*Place
	for {
		page, total, err := s.FindPlaces(ctx, Filter{Limit: MaxLimit, Offset: len(all)})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page...)
		if len(all) >= total || len(page) == 0 {
			break
		}
	}
	byID := map[string]*Place{}
	for _, p := range all {
		byID[p.ID] = p
	}
	want := 0
	for _, p := range all {
		var chain []string
		for q := p; q != nil; q = byID[q.ParentID] {
			chain = append([]string{q.ID}, chain...)
		}
		if p.Depth != len(chain)-1 {
			t.Errorf("%s: depth %d, parent chain says %d", p.Code, p.Depth, len(chain)-1)
		}
		got, err := s.Ancestors(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(got), chain) {
			t.Errorf("%s: ancestors %v, parent chain %v", p.Code, codes(got), chain)
		}
		want += len(chain)
	}
	_, _, n, err := countRows(ctx, s.db.R)
	if err != nil {
		t.Fatal(err)
	}
	if n != want {
		t.Errorf("closure has %d rows, want %d", n, want)
	}
}

func wantCode(t *testing.T, err error, code errs.Code) {
	t.Helper()
	if !errs.Is(err, code) {
		t.Fatalf("want %s, got %v", code, err)
	}
}

func wantField(t *testing.T, err error, field, key string) {
	t.Helper()
	e, ok := err.(*errs.Error)
	if !ok {
		t.Fatalf("want field error %s=%s, got %v", field, key, err)
	}
	if e.Fields[field] != key {
		t.Fatalf("want field %s=%s, got %v (fields %v)", field, key, err, e.Fields)
	}
}

func TestTreeQueries(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		tr := newTree(t, d)
		s := tr.svc
		checkClosure(t, s)

		got, err := s.FindPlaceByID(ctx, tr.lib03.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Code != "RU-SVE-EKB-LIB-03" || got.Kind != KindVenue || got.VenueKind != VenueLibrary ||
			got.ParentID != tr.w1.ID || got.Depth != 4 || got.Name("ru") != "Библиотека № 3" ||
			!got.CreatedAt.Equal(tr.lib03.CreatedAt) {
			t.Errorf("FindPlaceByID: %+v", got)
		}
		if got, err := s.FindPlaceByCode(ctx, " RU-SVE-NTG "); err != nil || got.ID != tr.ntg.ID {
			t.Errorf("FindPlaceByCode: %v %v", got, err)
		}

		// Ancestors: root first, the place itself last.
		anc, err := s.Ancestors(ctx, tr.lib03.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"RU", "RU-SVE", "RU-SVE-EKB", "RU-SVE-EKB-W1", "RU-SVE-EKB-LIB-03"}; !slices.Equal(codes(anc), want) {
			t.Errorf("ancestors %v, want %v", codes(anc), want)
		}

		kids, err := s.Children(ctx, tr.ekb.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"RU-SVE-EKB-CC-01", "RU-SVE-EKB-W1", "RU-SVE-EKB-W2"}; !slices.Equal(codes(kids), want) {
			t.Errorf("children %v, want %v", codes(kids), want)
		}
		if kids, err := s.Children(ctx, tr.lib03.ID); err != nil || len(kids) != 0 {
			t.Errorf("children of a leaf: %v %v", kids, err)
		}

		sub, err := s.SubtreeIDs(ctx, tr.ekb.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantSub := []string{tr.ekb.ID, tr.w1.ID, tr.w2.ID, tr.cc01.ID, tr.lib03.ID}
		if sub[0] != tr.ekb.ID || !sameSet(sub, wantSub) {
			t.Errorf("subtree %v, want %v", sub, wantSub)
		}

		// FindPlaces: subtree, kind, parent, name search ignoring case and ё/е.
		venues, n, err := s.FindPlaces(ctx, Filter{Under: tr.sve.ID, Kind: KindVenue})
		if err != nil || n != 3 {
			t.Fatalf("venues under SVE: %d %v", n, err)
		}
		if want := []string{"RU-SVE-EKB-CC-01", "RU-SVE-NTG-LIB-01", "RU-SVE-EKB-LIB-03"}; !slices.Equal(codes(venues), want) {
			t.Errorf("venues %v", codes(venues))
		}
		if under, n, _ := s.FindPlaces(ctx, Filter{Under: tr.ekb.ID}); n != 5 || under[0].ID != tr.ekb.ID {
			t.Errorf("under EKB: %d %v", n, codes(under))
		}
		if ps, n, _ := s.FindPlaces(ctx, Filter{ParentID: tr.sve.ID}); n != 2 || ps[0].Code != "RU-SVE-EKB" {
			t.Errorf("parent SVE: %v", codes(ps))
		}
		for q, want := range map[string]string{
			"елочка":       "RU-SVE-EKB-CC-01",
			"ЁЛОЧКА":       "RU-SVE-EKB-CC-01",
			"library no":   "RU-SVE-EKB-LIB-03",
			"ru-sve-ntg-l": "RU-SVE-NTG-LIB-01",
			"viet nam":     "VN",
			"100%":         "",
		} {
			ps, n, err := s.FindPlaces(ctx, Filter{Query: q})
			if err != nil {
				t.Fatal(err)
			}
			if want == "" {
				if n != 0 {
					t.Errorf("query %q found %v", q, codes(ps))
				}
				continue
			}
			if n != 1 || ps[0].Code != want {
				t.Errorf("query %q: %v, want %s", q, codes(ps), want)
			}
		}
		page, n, err := s.FindPlaces(ctx, Filter{Limit: 3, Offset: 3})
		if err != nil || n != 10 || len(page) != 3 {
			t.Errorf("paging: %d of %d, %v", len(page), n, err)
		}
		if page, n, _ := s.FindPlaces(ctx, Filter{Offset: 50}); n != 10 || len(page) != 0 || page == nil {
			t.Errorf("past the end: %v %d", page, n)
		}

		// IsWithin, itself included; a venue of another municipality is outside.
		for _, c := range []struct {
			place string
			roots []string
			want  bool
		}{
			{tr.lib03.ID, []string{tr.ekb.ID}, true},
			{tr.lib03.ID, []string{tr.lib03.ID}, true},
			{tr.lib03.ID, []string{tr.ru.ID}, true},
			{tr.ntgLib.ID, []string{tr.ekb.ID}, false},
			{tr.ntgLib.ID, []string{tr.ekb.ID, tr.w2.ID, tr.ntg.ID}, true},
			{tr.lib03.ID, []string{tr.w2.ID}, false},
			{tr.ekb.ID, []string{tr.lib03.ID}, false},
			{tr.lib03.ID, []string{tr.otherRoot.ID}, false},
			{tr.lib03.ID, nil, false},
			{"no-such-place", []string{tr.ru.ID}, false},
		} {
			got, err := s.IsWithin(ctx, c.place, c.roots...)
			if err != nil || got != c.want {
				t.Errorf("IsWithin(%s, %v) = %v, %v; want %v", c.place, c.roots, got, err, c.want)
			}
		}
	})
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestNotFound(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		tr := newTree(t, d)
		s := tr.svc
		const missing = "0190f0a0-0000-7000-8000-000000000000"
		p, err := s.FindPlaceByID(ctx, missing)
		if p != nil {
			t.Error("FindPlaceByID returned a place for an unknown ID")
		}
		wantCode(t, err, errs.NotFound)
		if errs.KeyOf(err) != "place.error.not_found" {
			t.Errorf("key %s", errs.KeyOf(err))
		}
		_, err = s.FindPlaceByCode(ctx, "NOPE")
		wantCode(t, err, errs.NotFound)
		_, err = s.Children(ctx, missing)
		wantCode(t, err, errs.NotFound)
		_, err = s.Ancestors(ctx, missing)
		wantCode(t, err, errs.NotFound)
		_, err = s.SubtreeIDs(ctx, missing)
		wantCode(t, err, errs.NotFound)
		_, err = s.Population(ctx, missing)
		wantCode(t, err, errs.NotFound)
		_, err = s.UpdatePlace(ctx, missing, Update{Code: new("X")})
		wantCode(t, err, errs.NotFound)
		wantCode(t, s.RenamePlace(ctx, missing, "en", "X"), errs.NotFound)
		wantCode(t, s.MovePlace(ctx, missing, tr.ru.ID), errs.NotFound)
		wantCode(t, s.DeletePlace(ctx, missing), errs.NotFound)
	})
}

func TestCreateValidation(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		tr := newTree(t, d)
		s := tr.svc
		long201 := strings.Repeat("я", MaxNameLen+1)
		cases := []struct {
			name       string
			np         NewPlace
			code       errs.Code
			field, key string
		}{
			{"no name", NewPlace{ParentID: tr.ekb.ID, Kind: KindWard, Code: "W9"}, errs.Invalid, FieldNames, "form.required"},
			{"blank names", NewPlace{ParentID: tr.ekb.ID, Kind: KindWard, Code: "W9", Names: map[string]string{"en": "  "}},
				errs.Invalid, FieldNames, "form.required"},
			{"no code", NewPlace{ParentID: tr.ekb.ID, Kind: KindWard, Names: map[string]string{"en": "W"}},
				errs.Invalid, FieldCode, "form.required"},
			{"long name", NewPlace{ParentID: tr.ekb.ID, Kind: KindWard, Code: "W9", Names: map[string]string{"ru": long201}},
				errs.Invalid, "name_ru", "form.too_long"},
			{"bad lang", NewPlace{ParentID: tr.ekb.ID, Kind: KindWard, Code: "W9", Names: map[string]string{"de": "Bezirk"}},
				errs.Invalid, "name_de", "place.error.bad_lang"},
			{"control char", NewPlace{ParentID: tr.ekb.ID, Kind: KindWard, Code: "W9", Names: map[string]string{"en": "a\x00b"}},
				errs.Invalid, "name_en", "place.error.bad_text"},
			{"negative population", NewPlace{ParentID: tr.ekb.ID, Kind: KindWard, Code: "W9",
				Names: map[string]string{"en": "W"}, AdultPopulation: pop(-1)}, errs.Invalid, FieldPopulation, "form.invalid_number"},
			{"bad kind", NewPlace{ParentID: tr.ekb.ID, Kind: "district", Code: "W9", Names: map[string]string{"en": "W"}},
				errs.Invalid, FieldKind, "place.error.bad_kind"},
			{"venue without venue kind", NewPlace{ParentID: tr.ekb.ID, Kind: KindVenue, Code: "V9", Names: map[string]string{"en": "V"}},
				errs.Invalid, FieldVenueKind, "form.required"},
			{"ward with venue kind", NewPlace{ParentID: tr.ekb.ID, Kind: KindWard, VenueKind: VenueSchool, Code: "W9",
				Names: map[string]string{"en": "W"}}, errs.Invalid, FieldVenueKind, "place.error.bad_venue_kind"},
			{"ward under region", NewPlace{ParentID: tr.sve.ID, Kind: KindWard, Code: "W9", Names: map[string]string{"en": "W"}},
				errs.Invalid, FieldParent, "place.error.bad_parent"},
			{"venue under region", NewPlace{ParentID: tr.sve.ID, Kind: KindVenue, VenueKind: VenueOther, Code: "V9",
				Names: map[string]string{"en": "V"}}, errs.Invalid, FieldParent, "place.error.bad_parent"},
			{"venue under venue", NewPlace{ParentID: tr.lib03.ID, Kind: KindVenue, VenueKind: VenueOther, Code: "V9",
				Names: map[string]string{"en": "V"}}, errs.Invalid, FieldParent, "place.error.bad_parent"},
			{"country with parent", NewPlace{ParentID: tr.ru.ID, Kind: KindCountry, Code: "C9", Names: map[string]string{"en": "C"}},
				errs.Invalid, FieldParent, "place.error.bad_parent"},
			{"region without parent", NewPlace{Kind: KindRegion, Code: "R9", Names: map[string]string{"en": "R"}},
				errs.Invalid, FieldParent, "form.required"},
			{"unknown parent", NewPlace{ParentID: "nope", Kind: KindRegion, Code: "R9", Names: map[string]string{"en": "R"}},
				errs.Invalid, FieldParent, "place.error.bad_parent"},
			{"code taken", NewPlace{ParentID: tr.ekb.ID, Kind: KindWard, Code: "RU-SVE-EKB-W1", Names: map[string]string{"en": "W"}},
				errs.Conflict, FieldCode, "place.error.code_taken"},
		}
		_, _, before, _ := countRows(ctx, d.R)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				p, err := s.CreatePlace(ctx, c.np)
				if p != nil {
					t.Errorf("created %+v", p)
				}
				wantCode(t, err, c.code)
				wantField(t, err, c.field, c.key)
			})
		}
		if _, _, after, _ := countRows(ctx, d.R); after != before {
			t.Errorf("refused creates wrote closure rows: %d -> %d", before, after)
		}

		// Names are NFC-normalised and trimmed: a decomposed "й" is stored composed.
		p := mustCreate(t, s, NewPlace{ParentID: tr.ekb.ID, Kind: KindWard, Code: "  W-NFC ",
			Names: map[string]string{"ru": " Заи\u0306мка ", "uk": ""}})
		got, err := s.FindPlaceByCode(ctx, "W-NFC")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != p.ID || got.Names["ru"] != "Займка" || len(got.Names) != 1 {
			t.Errorf("normalised: %q %v", got.Code, got.Names)
		}
		if ps, n, _ := s.FindPlaces(ctx, Filter{Query: "ЗАЙМ"}); n != 1 || ps[0].ID != p.ID {
			t.Errorf("search composed: %v", codes(ps))
		}
	})
}

func TestRenameAndUpdate(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		tr := newTree(t, d)
		s := tr.svc
		if err := s.RenamePlace(ctx, tr.w1.ID, "en", "Leninsky District"); err != nil {
			t.Fatal(err)
		}
		if err := s.RenamePlace(ctx, tr.w1.ID, "ru", "Ленинский"); err != nil {
			t.Fatal(err)
		}
		if err := s.RenamePlace(ctx, tr.w1.ID, "uk", "Ленінський"); err != nil {
			t.Fatal(err)
		}
		got, _ := s.FindPlaceByID(ctx, tr.w1.ID)
		if got.Name("en") != "Leninsky District" || got.Name("ru") != "Ленинский" || got.Name("uk") != "Ленінський" ||
			got.Name("vi") != "Leninsky District" {
			t.Errorf("names %v", got.Names)
		}
		if !got.UpdatedAt.After(tr.w1.UpdatedAt) {
			t.Errorf("updated_at not moved: %v -> %v", tr.w1.UpdatedAt, got.UpdatedAt)
		}
		// An empty name removes that language; the last name cannot go.
		if err := s.RenamePlace(ctx, tr.w1.ID, "en", ""); err != nil {
			t.Fatal(err)
		}
		got, _ = s.FindPlaceByID(ctx, tr.w1.ID)
		if _, ok := got.Names["en"]; ok || got.Name("en") != "Ленинский" {
			t.Errorf("after removing en: %v, Name(en) %q", got.Names, got.Name("en"))
		}
		_ = s.RenamePlace(ctx, tr.w1.ID, "uk", "")
		err := s.RenamePlace(ctx, tr.w1.ID, "ru", " ")
		wantCode(t, err, errs.Invalid)
		wantField(t, err, FieldNames, "form.required")
		err = s.RenamePlace(ctx, tr.w1.ID, "xx", "Name")
		wantField(t, err, "name_xx", "place.error.bad_lang")
		got, _ = s.FindPlaceByID(ctx, tr.w1.ID)
		if len(got.Names) != 1 || got.Names["ru"] != "Ленинский" {
			t.Errorf("a refused rename changed names: %v", got.Names)
		}

		// Code, population and venue kind.
		up, err := s.UpdatePlace(ctx, tr.lib03.ID, Update{Code: new("RU-SVE-EKB-LIB-3"), AdultPopulation: pop(40),
			VenueKind: new(VenueSchool)})
		if err != nil {
			t.Fatal(err)
		}
		got, _ = s.FindPlaceByCode(ctx, "RU-SVE-EKB-LIB-3")
		if got.ID != tr.lib03.ID || got.VenueKind != VenueSchool || *got.AdultPopulation != 40 || !got.UpdatedAt.Equal(up.UpdatedAt) {
			t.Errorf("updated %+v", got)
		}
		_, err = s.UpdatePlace(ctx, tr.lib03.ID, Update{Code: new("RU-SVE-NTG")})
		wantCode(t, err, errs.Conflict)
		wantField(t, err, FieldCode, "place.error.code_taken")
		_, err = s.UpdatePlace(ctx, tr.w1.ID, Update{VenueKind: new(VenueSchool)})
		wantField(t, err, FieldVenueKind, "place.error.bad_venue_kind")
		_, err = s.UpdatePlace(ctx, tr.w1.ID, Update{AdultPopulation: pop(MaxPopulation + 1)})
		wantField(t, err, FieldPopulation, "form.invalid_number")
		if _, err := s.UpdatePlace(ctx, tr.w1.ID, Update{ClearAdultPopulation: true}); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.FindPlaceByID(ctx, tr.w1.ID); got.AdultPopulation != nil {
			t.Errorf("population not cleared: %v", *got.AdultPopulation)
		}
	})
}

func TestMove(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		tr := newTree(t, d)
		s := tr.svc
		within := func(place, root string) bool {
			t.Helper()
			ok, err := s.IsWithin(ctx, place, root)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if !within(tr.lib03.ID, tr.ekb.ID) || within(tr.lib03.ID, tr.ntg.ID) {
			t.Fatal("fixture")
		}
		// Ward W1 (with its library) moves from Yekaterinburg to Nizhny Tagil.
		if err := s.MovePlace(ctx, tr.w1.ID, tr.ntg.ID); err != nil {
			t.Fatal(err)
		}
		if within(tr.lib03.ID, tr.ekb.ID) || within(tr.w1.ID, tr.ekb.ID) {
			t.Error("still within EKB after the move")
		}
		if !within(tr.lib03.ID, tr.ntg.ID) || !within(tr.lib03.ID, tr.sve.ID) || !within(tr.w1.ID, tr.ntg.ID) {
			t.Error("not within NTG after the move")
		}
		checkClosure(t, s)
		anc, _ := s.Ancestors(ctx, tr.lib03.ID)
		if want := []string{"RU", "RU-SVE", "RU-SVE-NTG", "RU-SVE-EKB-W1", "RU-SVE-EKB-LIB-03"}; !slices.Equal(codes(anc), want) {
			t.Errorf("ancestors after move %v", codes(anc))
		}

		// A venue moves from a ward up into a municipality: its depth changes.
		if err := s.MovePlace(ctx, tr.lib03.ID, tr.ekb.ID); err != nil {
			t.Fatal(err)
		}
		got, _ := s.FindPlaceByID(ctx, tr.lib03.ID)
		if got.Depth != 3 || got.ParentID != tr.ekb.ID {
			t.Errorf("venue after move: depth %d parent %s", got.Depth, got.ParentID)
		}
		checkClosure(t, s)
		// A whole region moves to another country.
		if err := s.MovePlace(ctx, tr.sve.ID, tr.otherRoot.ID); err != nil {
			t.Fatal(err)
		}
		if !within(tr.lib03.ID, tr.otherRoot.ID) || within(tr.ntgLib.ID, tr.ru.ID) {
			t.Error("region move not seen by IsWithin")
		}
		checkClosure(t, s)
		// Moving to the current parent changes nothing.
		if err := s.MovePlace(ctx, tr.sve.ID, tr.otherRoot.ID); err != nil {
			t.Fatal(err)
		}

		// Refused moves leave the tree as it was.
		_, _, before, _ := countRows(ctx, d.R)
		for _, c := range []struct {
			name, id, parent, key string
		}{
			{"under itself", tr.ekb.ID, tr.ekb.ID, "place.error.cycle"},
			{"under its own ward", tr.ekb.ID, tr.w2.ID, "place.error.cycle"},
			{"region under its venue", tr.sve.ID, tr.ntgLib.ID, "place.error.cycle"},
			{"ward under region", tr.w2.ID, tr.sve.ID, "place.error.bad_parent"},
			{"municipality under municipality", tr.ntg.ID, tr.ekb.ID, "place.error.bad_parent"},
			{"venue under venue", tr.cc01.ID, tr.lib03.ID, "place.error.bad_parent"},
			{"country under country", tr.ru.ID, tr.otherRoot.ID, "place.error.bad_parent"},
			{"region to the top", tr.sve.ID, "", "place.error.bad_parent"},
			{"unknown parent", tr.w2.ID, "nope", "place.error.bad_parent"},
		} {
			err := s.MovePlace(ctx, c.id, c.parent)
			wantCode(t, err, errs.Invalid)
			wantField(t, err, FieldParent, c.key)
		}
		if _, _, after, _ := countRows(ctx, d.R); after != before {
			t.Errorf("refused moves changed the closure: %d -> %d rows", before, after)
		}
		checkClosure(t, s)
	})
}

func TestDelete(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		tr := newTree(t, d)
		s := tr.svc
		err := s.DeletePlace(ctx, tr.w1.ID)
		wantCode(t, err, errs.Conflict)
		if errs.KeyOf(err) != "place.error.has_children" {
			t.Errorf("key %s", errs.KeyOf(err))
		}
		if err := s.DeletePlace(ctx, tr.lib03.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.DeletePlace(ctx, tr.w1.ID); err != nil {
			t.Fatal(err)
		}
		_, err = s.FindPlaceByID(ctx, tr.w1.ID)
		wantCode(t, err, errs.NotFound)
		if ok, _ := s.IsWithin(ctx, tr.lib03.ID, tr.ru.ID); ok {
			t.Error("a deleted place is still within its country")
		}
		checkClosure(t, s)
	})
}

func TestPopulation(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		tr := newTree(t, d)
		s := tr.svc
		for _, c := range []struct {
			p    *Place
			want int64
		}{
			{tr.sve, 4_000_000}, // its own figure wins
			{tr.ekb, 500_000},   // no figure: W1 + W2; the community centre's 150 does not count
			{tr.ntg, 280_000},   // own figure
			{tr.ru, 4_000_000},  // no figure: SVE's
			{tr.otherRoot, 0},   // nothing known
			{tr.cc01, 150},      // a venue asked directly
			{tr.lib03, 0},       // a venue without a figure
			{tr.w1, 300_000},    // a ward
		} {
			got, err := s.Population(ctx, c.p.ID)
			if err != nil || got != c.want {
				t.Errorf("Population(%s) = %d, %v; want %d", c.p.Code, got, err, c.want)
			}
		}
		// Without the region's figure the country adds up its municipalities.
		if _, err := s.UpdatePlace(ctx, tr.sve.ID, Update{ClearAdultPopulation: true}); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Population(ctx, tr.ru.ID); got != 780_000 {
			t.Errorf("country population %d, want 780000", got)
		}
	})
}

func TestName(t *testing.T) {
	p := &Place{Code: "X", Names: map[string]string{"ru": "Москва", "vi": "Mát-xcơ-va"}}
	if p.Name("ru") != "Москва" || p.Name("lv") != "Москва" {
		t.Errorf("fallback to the first language: %q", p.Name("lv"))
	}
	p.Names["en"] = "Moscow"
	if p.Name("lv") != "Moscow" || p.Name("vi") != "Mát-xcơ-va" {
		t.Errorf("fallback to en: %q", p.Name("lv"))
	}
	if (&Place{Code: "X", Names: map[string]string{"de": "Moskau"}}).Name("en") != "Moskau" {
		t.Error("fallback to any stored language")
	}
	if (&Place{Code: "X"}).Name("en") != "X" {
		t.Error("fallback to the code")
	}
}

func TestKindRules(t *testing.T) {
	for _, k := range Kinds() {
		for _, p := range Kinds() {
			if CanParent(p, k) && p.level() >= k.level() {
				t.Errorf("%s may sit under %s, which is not above it: cycles become possible", k, p)
			}
		}
	}
	if !CanParent("", KindCountry) || CanParent("", KindRegion) || !CanParent(KindMunicipality, KindVenue) ||
		!CanParent(KindWard, KindVenue) || CanParent(KindRegion, KindVenue) {
		t.Error("kind table")
	}
}

func TestNewIDIsV7(t *testing.T) {
	a, b := NewID(), NewID()
	if len(a) != 36 || a[14] != '7' || a == b {
		t.Errorf("ids %s %s", a, b)
	}
}

func TestParsePopulation(t *testing.T) {
	for in, want := range map[string]int64{
		"0": 0, "1234567": 1_234_567, " 1 234 567 ": 1_234_567, "1\u00a0234": 1234, "1\u202f234": 1234,
		"10000000000": MaxPopulation,
	} {
		got, ok := ParsePopulation(in)
		if !ok || got == nil || *got != want {
			t.Errorf("ParsePopulation(%q) = %v, %v; want %d", in, got, ok, want)
		}
	}
	if got, ok := ParsePopulation("  "); !ok || got != nil {
		t.Errorf("blank: %v %v", got, ok)
	}
	for _, in := range []string{"-1", "+5", "1,234", "1.5", "12a", "10000000001", "99999999999999999999999", "１２"} {
		if got, ok := ParsePopulation(in); ok {
			t.Errorf("ParsePopulation(%q) accepted: %v", in, *got)
		}
	}
}
