package i18n

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"text/template"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

// embedded holds the catalogs shipped in the binary. It is a package-level variable only because go:embed
// requires one; an embed.FS is read-only, so it is not mutable state.
//
//go:embed locales/*.json
var embedded embed.FS

// Catalog holds every message of every supported language, after operator overlays. It is built once by New and
// never changed afterwards, so one *Catalog is safe for concurrent use by any number of requests.
type Catalog struct {
	msgs   map[string]map[string]*message // lang -> key -> message
	plural map[string]*pluralRule
}

// pluralRule answers "which plural form does this count take?" with go-i18n's CLDR rules. Rendering does not go
// through go-i18n's Localizer, which matches language tags on every call (about 3 µs, too slow for the dozens of
// strings on one page); only the plural question does, and for the small counts most pages show the answer is
// worked out once at load time.
type pluralRule struct {
	// loc localizes a single probe message whose forms are their own names.
	loc   *i18n.Localizer
	small [smallCounts]uint8 // form index for counts 0 … smallCounts-1
}

const smallCounts = 200

// message is one catalog entry with its texts parsed once at load time.
type message struct {
	*i18n.Message
	tmpl [numForms]*template.Template // nil where the form is empty, plain text, or does not parse
	text [numForms]string
}

// numForms is the number of CLDR plural forms; formOther is the index of "other" in formNames.
const (
	numForms  = 6
	formOther = 5
)

// formNames is a function, not a package variable, so nothing can change the names at run time.
func formNames() [numForms]string {
	return [numForms]string{"zero", "one", "two", "few", "many", "other"}
}

func formIndex(name string) int {
	for i, n := range formNames() {
		if n == name {
			return i
		}
	}
	return formOther
}

const probeID = "plural.probe"

// New loads the embedded catalogs and then each overlay in order. An overlay holds files named like the embedded
// ones (en.json, ru.json, …) at its root; any of them may be absent. A message in an overlay replaces the whole
// message of the same key, keeping the earlier description when it gives none, so an operator can rename
// "app.name" with one line, or add keys of their own.
//
// New fails on a file that does not parse, on a key given twice in one file (encoding/json would silently keep the
// last one, hiding a translator's mistake), and on an overlay file for a language that is not in Languages, so an
// operator who drops in de.json learns at start-up that it is not used rather than wondering why.
func New(extra ...fs.FS) (*Catalog, error) {
	base, err := fs.Sub(embedded, "locales")
	if err != nil {
		return nil, fmt.Errorf("i18n: embedded catalogs: %w", err)
	}
	return load(base, extra...)
}

// load builds a Catalog from base, which must hold a file for every language, and overlays. Tests call it with a
// damaged copy of the embedded files to prove that Check notices.
func load(base fs.FS, extra ...fs.FS) (*Catalog, error) {
	raw := map[string]map[string]*i18n.Message{}
	for i, fsys := range append([]fs.FS{base}, extra...) {
		overlay := i > 0
		where := "locales"
		if overlay {
			where = fmt.Sprintf("overlay %d", i)
			if err := checkOverlayNames(fsys); err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", where, err)
			}
		}
		for _, l := range languages() {
			// A language's messages are <lang>.json plus any <area>.<lang>.json, so
			// each business area keeps its strings in files of its own.
			names := []string{l.Code + ".json"}
			more, err := fs.Glob(fsys, "*."+l.Code+".json")
			if err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", where, err)
			}
			slices.Sort(more)
			names = append(names, more...)
			seen := map[string]string{} // key -> file, within this source
			for _, name := range names {
				buf, err := fs.ReadFile(fsys, name)
				if errors.Is(err, fs.ErrNotExist) && (overlay || name != l.Code+".json") {
					continue
				}
				if err != nil {
					return nil, fmt.Errorf("i18n: %s: %w", where, err)
				}
				list, err := parseCatalog(buf)
				if err != nil {
					return nil, fmt.Errorf("i18n: %s: %s: %w", where, name, err)
				}
				for _, m := range list {
					if prev, dup := seen[m.ID]; dup {
						return nil, fmt.Errorf("i18n: %s: key %q is in both %s and %s", where, m.ID, prev, name)
					}
					seen[m.ID] = name
				}
				if raw[l.Code] == nil {
					raw[l.Code] = map[string]*i18n.Message{}
				}
				merge(raw[l.Code], list)
			}
		}
	}

	c := &Catalog{msgs: map[string]map[string]*message{}, plural: map[string]*pluralRule{}}
	for _, l := range languages() {
		tag, err := language.Parse(l.Code)
		if err != nil {
			return nil, fmt.Errorf("i18n: language table: %q: %w", l.Code, err)
		}
		// One bundle per language, holding only the probe: its matcher has a single tag to consider.
		bundle := i18n.NewBundle(tag)
		probe := &i18n.Message{ID: probeID,
			Zero: "zero", One: "one", Two: "two", Few: "few", Many: "many", Other: "other"}
		if err := bundle.AddMessages(tag, probe); err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", l.Code, err)
		}
		rule := &pluralRule{loc: i18n.NewLocalizer(bundle, l.Code)}
		for n := range smallCounts {
			rule.small[n] = uint8(rule.ask(n))
		}
		c.plural[l.Code] = rule

		c.msgs[l.Code] = make(map[string]*message, len(raw[l.Code]))
		for key, m := range raw[l.Code] {
			c.msgs[l.Code][key] = compile(m)
		}
	}
	return c, nil
}

// compile parses each form of m once. A form that does not parse is left out, so rendering falls back as if it
// were missing; Check reports it.
func compile(m *i18n.Message) *message {
	out := &message{Message: m}
	for i, text := range []string{m.Zero, m.One, m.Two, m.Few, m.Many, m.Other} { // formNames order
		if strings.TrimSpace(text) == "" {
			continue
		}
		if !strings.Contains(text, "{{") {
			out.text[i] = text
			continue
		}
		t, err := template.New(m.ID).Parse(text)
		if err != nil {
			continue
		}
		out.text[i], out.tmpl[i] = text, t
	}
	return out
}

// checkOverlayNames refuses catalog files for languages onramp does not know; see New.
func checkOverlayNames(fsys fs.FS) error {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return err
	}
	for _, name := range names {
		base := strings.TrimSuffix(path.Base(name), ".json")
		code := base[strings.LastIndex(base, ".")+1:]
		if !Supported(code) {
			return fmt.Errorf("%s: language %q is not supported (supported: %s); add it to Languages first",
				name, code, strings.Join(codes(), ", "))
		}
	}
	return nil
}

func codes() []string {
	var out []string
	for _, l := range languages() {
		out = append(out, l.Code)
	}
	return out
}

// parseCatalog reads one catalog file in go-i18n's JSON shape and NFC-normalises its text, so that a translation
// typed on a keyboard that produces decomposed letters (common for Vietnamese) compares, sorts and renders like
// every other string.
func parseCatalog(buf []byte) ([]*i18n.Message, error) {
	if len(bytes.TrimSpace(buf)) == 0 {
		return nil, nil // an empty file is an empty catalog; Check reports what it lacks
	}
	if key, err := duplicateKey(buf); err != nil {
		return nil, err
	} else if key != "" {
		return nil, fmt.Errorf("key %q appears more than once", key)
	}
	list, err := i18n.ParseMessageBytes(buf, json.Unmarshal)
	if err != nil {
		return nil, err
	}
	for _, m := range list {
		for _, s := range []*string{&m.Description, &m.Zero, &m.One, &m.Two, &m.Few, &m.Many, &m.Other} {
			*s = norm.NFC.String(*s)
		}
	}
	return list, nil
}

// duplicateKey returns the first top-level key that occurs twice in a JSON object, or "".
func duplicateKey(buf []byte) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(buf))
	tok, err := dec.Token()
	if err != nil {
		return "", err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return "", errors.New("a catalog must be a JSON object of key: message")
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return "", err
		}
		key, _ := tok.(string)
		if seen[key] {
			return key, nil
		}
		seen[key] = true
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return "", err
		}
	}
	return "", nil
}

// merge puts list into dst, replacing whole messages; see New for why the description survives.
func merge(dst map[string]*i18n.Message, list []*i18n.Message) {
	for _, m := range list {
		if old, ok := dst[m.ID]; ok && m.Description == "" {
			m.Description = old.Description
		}
		dst[m.ID] = m
	}
}

// T returns the text for key in lang, filled with args. args is either nothing, one map[string]any (or
// map[string]string) of template data, or key/value pairs such as ("Name", name).
//
// T never panics and never returns "": a key the language lacks is taken from English, and a key English lacks
// comes back as the key itself, so a missing translation shows on the page instead of leaving a hole. An
// unsupported lang is treated as English. The result is plain text; the caller's HTML template escapes it.
func (c *Catalog) T(lang, key string, args ...any) string {
	return c.localize(lang, key, nil, templateData(args, nil))
}

// N is T for text that depends on a number: the plural form is chosen by CLDR rules for lang (via go-i18n), and
// count is available to the text as {{.Count}}.
func (c *Catalog) N(lang, key string, count int, args ...any) string {
	return c.localize(lang, key, count, templateData(args, count))
}

func (c *Catalog) localize(lang, key string, count any, data map[string]any) (out string) {
	defer func() {
		// Template data comes from callers; a panicking value must cost one string, not the page.
		if recover() != nil {
			out = key
		}
	}()
	if c == nil {
		return key
	}
	if _, ok := c.msgs[lang]; !ok {
		lang = Default
	}
	if s, ok := c.render(lang, key, count, data); ok {
		return s
	}
	if lang != Default {
		if s, ok := c.render(Default, key, count, data); ok {
			return s
		}
	}
	return key
}

// render gives the text of key in lang, or false when the language lacks the key or the text fails to render.
// A missing plural form falls back to the language's "other", as go-i18n does; Check reports the gap.
func (c *Catalog) render(lang, key string, count any, data map[string]any) (string, bool) {
	m := c.msgs[lang][key]
	if m == nil {
		return "", false
	}
	form := formOther
	if count != nil {
		form = c.pluralForm(lang, count)
	}
	if m.text[form] == "" {
		form = formOther
	}
	if m.text[form] == "" {
		return "", false
	}
	t := m.tmpl[form]
	if t == nil {
		return m.text[form], true
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil || b.Len() == 0 {
		return "", false
	}
	return b.String(), true
}

// pluralForm gives the form index count takes in lang.
func (c *Catalog) pluralForm(lang string, count any) int {
	rule := c.plural[lang]
	if rule == nil {
		return formOther
	}
	if n, ok := count.(int); ok && n >= 0 && n < smallCounts {
		return int(rule.small[n])
	}
	return rule.ask(count)
}

func (r *pluralRule) ask(count any) int {
	name, err := r.loc.Localize(&i18n.LocalizeConfig{MessageID: probeID, PluralCount: count})
	if err != nil {
		return formOther
	}
	return formIndex(name)
}

// templateData turns T's and N's variadic arguments into one map; count, when not nil, becomes "Count". It never
// changes a map the caller passed in.
func templateData(args []any, count any) map[string]any {
	if len(args) == 0 && count == nil {
		return nil
	}
	data := map[string]any{}
	switch {
	case len(args) == 1:
		switch m := args[0].(type) {
		case map[string]any:
			for k, v := range m {
				data[k] = v
			}
		case map[string]string:
			for k, v := range m {
				data[k] = v
			}
		}
	default:
		// Pairs; a trailing odd value has no name and is dropped.
		for i := 0; i+1 < len(args); i += 2 {
			k, ok := args[i].(string)
			if !ok {
				k = fmt.Sprint(args[i])
			}
			data[k] = args[i+1]
		}
	}
	if count != nil {
		data["Count"] = count
	}
	return data
}

// Keys returns every key of the English catalog, which is the source every translation follows, sorted.
func (c *Catalog) Keys() []string {
	if c == nil {
		return nil
	}
	keys := make([]string, 0, len(c.msgs[Default]))
	for k := range c.msgs[Default] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Has reports whether key exists in the English catalog. The web package can use it at start-up to prove that
// every key its templates use exists, instead of finding out from a page that shows a raw key.
func (c *Catalog) Has(key string) bool {
	if c == nil {
		return false
	}
	_, ok := c.msgs[Default][key]
	return ok
}
