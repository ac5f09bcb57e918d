package place

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/onramp/onramp/internal/i18n"
)

// Kind is the level of a place in the hierarchy.
type Kind string

// The kinds, from the top of the tree down.
const (
	KindCountry      Kind = "country"
	KindRegion       Kind = "region"
	KindMunicipality Kind = "municipality"
	KindWard         Kind = "ward" // a ward, commune or district of a municipality
	KindVenue        Kind = "venue"
)

// Kinds returns every kind, top of the tree first (for a form's select).
func Kinds() []Kind {
	return []Kind{KindCountry, KindRegion, KindMunicipality, KindWard, KindVenue}
}

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool { return k.level() >= 0 }

// level orders the kinds; a parent's level is always lower than its child's, which
// is why the kind rules alone rule out cycles.
func (k Kind) level() int {
	switch k {
	case KindCountry:
		return 0
	case KindRegion:
		return 1
	case KindMunicipality:
		return 2
	case KindWard:
		return 3
	case KindVenue:
		return 4
	}
	return -1
}

// ParentKinds is the kind rule, explicit: the kinds a place of kind k may sit
// under. A country has no parent (nil). Venues sit in a ward or straight in a
// municipality, because many municipalities have no wards.
func ParentKinds(k Kind) []Kind {
	switch k {
	case KindRegion:
		return []Kind{KindCountry}
	case KindMunicipality:
		return []Kind{KindRegion}
	case KindWard:
		return []Kind{KindMunicipality}
	case KindVenue:
		return []Kind{KindMunicipality, KindWard}
	}
	return nil
}

// CanParent reports whether a place of kind child may sit under one of kind parent.
// parent "" asks whether child may be a root (only a country may).
func CanParent(parent, child Kind) bool {
	if parent == "" {
		return child == KindCountry
	}
	return slices.Contains(ParentKinds(child), parent)
}

// VenueKind says what sort of venue a venue is; it is empty for areas.
type VenueKind string

// The venue kinds.
const (
	VenueLibrary           VenueKind = "library"
	VenueSocialInstitution VenueKind = "social_institution"
	VenueCareHome          VenueKind = "care_home"
	VenueHospitalSchool    VenueKind = "hospital_school"
	VenueCommunityCentre   VenueKind = "community_centre"
	VenueSchool            VenueKind = "school"
	VenueOther             VenueKind = "other"
)

// VenueKinds returns every venue kind (for a form's select).
func VenueKinds() []VenueKind {
	return []VenueKind{VenueLibrary, VenueSocialInstitution, VenueCareHome, VenueHospitalSchool,
		VenueCommunityCentre, VenueSchool, VenueOther}
}

// Valid reports whether v is one of VenueKinds.
func (v VenueKind) Valid() bool { return slices.Contains(VenueKinds(), v) }

// Place is one node of the hierarchy.
type Place struct {
	ID        string
	ParentID  string // "" for a country
	Kind      Kind
	VenueKind VenueKind // set for venues only
	// Code is the operator's own identifier ("RU-SVE-EKB-LIB-03"), unique across
	// the tree; imports match on it.
	Code string
	// Names maps a language code (en, ru, uk, lv, vi) to the place's name in that
	// language; there is at least one.
	Names map[string]string
	// AdultPopulation is the number of adults living in the area, nil when not
	// known (Population then adds up the children).
	AdultPopulation *int64
	Depth           int // 0 for a country
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Name returns the place's name in lang, else in English, else in the first
// language that has one, so a page always has something to show.
func (p *Place) Name(lang string) string {
	if n := p.Names[lang]; n != "" {
		return n
	}
	if n := p.Names[i18n.Default]; n != "" {
		return n
	}
	for _, l := range Langs() {
		if n := p.Names[l]; n != "" {
			return n
		}
	}
	// A language dropped from the UI may still have stored names.
	keys := make([]string, 0, len(p.Names))
	for k := range p.Names {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if p.Names[k] != "" {
			return p.Names[k]
		}
	}
	return p.Code
}

// Langs returns the languages a place can be named in: the UI languages.
func Langs() []string {
	ls := i18n.Languages()
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.Code
	}
	return out
}

// NewPlace is what CreatePlace needs.
type NewPlace struct {
	ParentID        string // "" for a country
	Kind            Kind
	VenueKind       VenueKind // venues only
	Code            string
	Names           map[string]string // lang -> name; at least one
	AdultPopulation *int64
}

// Update changes a place; nil or empty fields keep what is stored.
type Update struct {
	Code      *string
	VenueKind *VenueKind // venues only
	// AdultPopulation sets the figure; ClearAdultPopulation forgets it (the area's
	// Population then adds up its children).
	AdultPopulation      *int64
	ClearAdultPopulation bool
	// Names sets the name in each language given; an empty name removes that
	// language. At least one name must remain.
	Names map[string]string
}

// Filter selects places for FindPlaces. Zero fields do not filter.
type Filter struct {
	ParentID string // direct children of this place
	Kind     Kind
	Under    string // the subtree of this place, the place itself included
	// Query matches a name in any language (case and diacritics ignored) or the
	// start of the code (ASCII case ignored).
	Query  string
	Limit  int // default DefaultLimit, at most MaxLimit
	Offset int
}

// Paging limits of FindPlaces.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// Field limits.
const (
	MaxNameLen = 200 // characters, after NFC normalisation and trimming
	MaxCodeLen = 100 // characters
	// MaxPopulation is well above any country's adult population; a bigger figure is
	// a typing mistake.
	MaxPopulation int64 = 10_000_000_000
)

// Field names used in errs.FieldErrors; name fields are "name_" + language.
const (
	FieldParent     = "parent_id"
	FieldKind       = "kind"
	FieldVenueKind  = "venue_kind"
	FieldCode       = "code"
	FieldPopulation = "adult_population"
	FieldNames      = "names" // "at least one name"
)

// NameField is the form field of the name in lang.
func NameField(lang string) string { return "name_" + lang }

// Error keys, for the catalog.
const (
	keyRequired     = "form.required"
	keyTooLong      = "form.too_long"
	keyBadNumber    = "form.invalid_number"
	keyBadParent    = "place.error.bad_parent"
	keyCodeTaken    = "place.error.code_taken"
	keyCycle        = "place.error.cycle"
	keyBadKind      = "place.error.bad_kind"
	keyBadVenueKind = "place.error.bad_venue_kind"
	keyBadLang      = "place.error.bad_lang"
	keyBadText      = "place.error.bad_text" // control characters in a name or code
	keyNotFound     = "place.error.not_found"
	keyHasChildren  = "place.error.has_children"
	keyInUse        = "place.error.in_use"
)

// cleanText NFC-normalises and trims s; names and codes are compared and stored in
// this form, so "Й" typed on two keyboards is one name.
func cleanText(s string) string {
	return strings.TrimSpace(norm.NFC.String(s))
}

// checkName returns the i18n key of the problem with a cleaned name, or "".
func checkName(name string) string {
	if name == "" {
		return keyRequired
	}
	if utf8.RuneCountInString(name) > MaxNameLen {
		return keyTooLong
	}
	if hasControl(name) {
		return keyBadText
	}
	return ""
}

// checkCode returns the i18n key of the problem with a cleaned code, or "".
func checkCode(code string) string {
	if code == "" {
		return keyRequired
	}
	if utf8.RuneCountInString(code) > MaxCodeLen {
		return keyTooLong
	}
	if hasControl(code) {
		return keyBadText
	}
	return ""
}

func hasControl(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return true
		}
	}
	return false
}

// checkPopulation returns the i18n key of the problem with a population, or "".
func checkPopulation(p *int64) string {
	if p != nil && (*p < 0 || *p > MaxPopulation) {
		return keyBadNumber
	}
	return ""
}

// ParsePopulation reads a population as people type it, for the import and for
// forms: digits, optionally grouped with spaces, no-break spaces or thin spaces
// ("1 234 567", as ru, uk and lv write numbers). Empty gives nil and true; false
// means not a number in 0..MaxPopulation (form.invalid_number).
func ParsePopulation(s string) (*int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, true
	}
	if strings.ContainsAny(s, " \u00a0\u202f\u2009") {
		s = strings.Map(func(r rune) rune {
			switch r {
			case ' ', '\u00a0', '\u202f', '\u2009':
				return -1
			}
			return r
		}, s)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return nil, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > MaxPopulation {
		return nil, false
	}
	return &n, true
}

// cleanNames normalises names and records problems in fe; empty names are kept
// (as "") so that Update can read them as removals.
func cleanNames(in map[string]string, fe map[string]string) map[string]string {
	out := make(map[string]string, len(in))
	for lang, name := range in {
		if !i18n.Supported(lang) {
			addField(fe, NameField(lang), keyBadLang)
			continue
		}
		name = cleanText(name)
		if name != "" {
			if k := checkName(name); k != "" {
				addField(fe, NameField(lang), k)
				continue
			}
		}
		out[lang] = name
	}
	return out
}

func addField(fe map[string]string, field, key string) {
	if _, ok := fe[field]; !ok {
		fe[field] = key
	}
}

// foldName is the search form of a name: lower case, diacritics removed (so
// "ё" matches "е" and "Hà Nội" matches "ha noi").
func foldName(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return norm.NFC.String(b.String())
}
