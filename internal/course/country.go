package course

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Country is a country profile: the names of the state portal and apps, official domains, the emergency number
// and the bank-fraud advice that lessons and simulators name through {{placeholders}}.
type Country struct {
	Code            string            // RU, VN, LV, UA, UK ...; XX is the neutral profile
	Name            map[string]string // language -> the country's name
	OfficialDomains []string          // lower-case domains whose subdomains are official too; the scam checker reads them
	EmergencyNumber string
	BankFraudAdvice map[string]string // language -> one sentence
	// Placeholders maps every placeholder name (emergency_number and bank_fraud_advice included) to its text
	// per language. A profile that gives one string for a name has it here under every language.
	Placeholders map[string]map[string]string
}

// NameIn returns the country's name in lang, or in English.
func (c *Country) NameIn(lang string) string { return pick(c.Name, lang) }

// Value returns the text of a placeholder in lang (English when lang has none) and whether the profile
// defines the name.
func (c *Country) Value(name, lang string) (string, bool) {
	m, ok := c.Placeholders[name]
	if !ok {
		return "", false
	}
	return pick(m, lang), true
}

// Fill replaces every {{name}} in text (spaces inside the braces allowed) with the country's value for lang,
// as plain text. A name the profile does not define, and every placeholder when c is nil, stays as written so a
// gap is visible; Validate reports such names. Lesson Markdown is filled at load, with the values escaped so
// they stay plain text; use Fill for titles and summaries, and escape its result like any text.
func Fill(text string, c *Country, lang string) string {
	return fill(text, c, lang, nil)
}

// fill is Fill with an escape applied to each value.
func fill(text string, c *Country, lang string, escape func(string) string) string {
	if c == nil || !strings.Contains(text, "{{") {
		return text
	}
	var b strings.Builder
	last := 0
	scanPlaceholders(text, func(start, end int, name string) {
		v, ok := c.Value(name, lang)
		if !ok {
			return
		}
		if escape != nil {
			v = escape(v)
		}
		b.WriteString(text[last:start])
		b.WriteString(v)
		last = end
	})
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

// scanPlaceholders calls fn for every {{name}} in s, in order, with its byte range and the trimmed name. A pair
// of braces that spans a line or holds another brace is not a placeholder.
func scanPlaceholders(s string, fn func(start, end int, name string)) {
	i := 0
	for {
		j := strings.Index(s[i:], "{{")
		if j < 0 {
			return
		}
		start := i + j
		k := strings.Index(s[start+2:], "}}")
		if k < 0 {
			return
		}
		inner := s[start+2 : start+2+k]
		if strings.ContainsAny(inner, "{\n") || len(inner) > 80 {
			i = start + 1
			continue
		}
		end := start + 2 + k + 2
		fn(start, end, strings.TrimSpace(inner))
		i = end
	}
}

// escapeMarkdown backslash-escapes the characters that Markdown would read as markup, so a placeholder value
// stays plain text inside a lesson's Markdown.
func escapeMarkdown(s string) string {
	const special = "\\`*_[]<>!|~&{}#()"
	if !strings.ContainsAny(s, special) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r < 128 && strings.ContainsRune(special, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

var _ yaml.Unmarshaler = (*langText)(nil)

// langText is a profile value: one string for every language, or a map language -> string.
type langText struct {
	one    string
	byLang map[string]string
	single bool
	line   int
}

func (t *langText) UnmarshalYAML(n *yaml.Node) error {
	t.line = n.Line
	switch n.Kind {
	case yaml.ScalarNode:
		t.single = true
		return n.Decode(&t.one)
	case yaml.MappingNode:
		return n.Decode(&t.byLang)
	}
	return fmt.Errorf("line %d: want a text, or a map of language: text", n.Line)
}

// countryFile is the YAML of countries/<CODE>.yaml. Unknown top-level fields are allowed: other areas (the scam
// checker) keep their own facts in the same profile.
type countryFile struct {
	Code            string              `yaml:"code"`
	Name            map[string]string   `yaml:"name"`
	OfficialDomains *[]string           `yaml:"official_domains"`
	EmergencyNumber string              `yaml:"emergency_number"`
	BankFraudAdvice langText            `yaml:"bank_fraud_advice"`
	Placeholders    map[string]langText `yaml:"placeholders"`
}

// parseCountry reads one profile; base is the file name without .yaml. It returns nil when the file cannot be
// used at all.
func parseCountry(p *problems, file, base string, data []byte, langs []string) *Country {
	text := normalise(data)
	var cf countryFile
	if yp, _ := decodeYAML(text, &cf, 0, false); len(yp) > 0 {
		for _, e := range yp {
			p.add(file, e.line, "%s", e.what)
		}
		if cf.Code == "" {
			return nil
		}
	}
	if cf.Code != base {
		p.add(file, 0, "code %q does not match the file name %s.yaml", cf.Code, base)
	}
	if !validCountryCode(base) {
		p.add(file, 0, "the file name must be a country code of two capital letters (RU.yaml, XX.yaml)")
		return nil
	}
	c := &Country{
		Code:            base,
		Name:            map[string]string{},
		EmergencyNumber: strings.TrimSpace(cf.EmergencyNumber),
		Placeholders:    map[string]map[string]string{},
	}
	for _, lang := range langs {
		if s := strings.TrimSpace(cf.Name[lang]); s != "" {
			c.Name[lang] = s
		} else {
			p.add(file, 0, "name: missing in %s", lang)
		}
	}
	if cf.OfficialDomains == nil {
		p.add(file, 0, "official_domains: missing (write official_domains: [] when there are none)")
	} else {
		for _, d := range *cf.OfficialDomains {
			if !validDomain(d) {
				p.add(file, 0, "official_domains: %q is not a lower-case domain name such as gov.uk (no https://, no www., no path)", d)
				continue
			}
			c.OfficialDomains = append(c.OfficialDomains, d)
		}
	}
	if c.EmergencyNumber == "" {
		p.add(file, 0, "emergency_number: missing")
	}
	expand := func(name string, t langText) map[string]string {
		m := map[string]string{}
		for _, lang := range langs {
			s := t.byLang[lang]
			if t.single {
				s = t.one
			}
			if s = strings.TrimSpace(s); s == "" {
				p.add(file, t.line, "%s: missing in %s", name, lang)
				continue
			}
			m[lang] = s
		}
		for lang := range t.byLang {
			if !slices.Contains(langs, lang) {
				p.add(file, t.line, "%s: %q is not a supported language (%s)", name, lang, strings.Join(langs, ", "))
			}
		}
		return m
	}
	if cf.BankFraudAdvice.single || cf.BankFraudAdvice.byLang != nil {
		c.BankFraudAdvice = expand("bank_fraud_advice", cf.BankFraudAdvice)
	} else {
		p.add(file, 0, "bank_fraud_advice: missing")
		c.BankFraudAdvice = map[string]string{}
	}
	for name, t := range cf.Placeholders {
		if name == "emergency_number" || name == "bank_fraud_advice" {
			p.add(file, t.line, "placeholders: %s is a top-level field of the profile, not a placeholder entry", name)
			continue
		}
		if !validPlaceholderName(name) {
			p.add(file, t.line, "placeholders: %q is not a valid name (lower-case letters, digits and _)", name)
			continue
		}
		c.Placeholders[name] = expand(name, t)
	}
	c.Placeholders["emergency_number"] = map[string]string{}
	if c.EmergencyNumber != "" {
		for _, lang := range langs {
			c.Placeholders["emergency_number"][lang] = c.EmergencyNumber
		}
	}
	c.Placeholders["bank_fraud_advice"] = c.BankFraudAdvice
	for _, name := range Placeholders() {
		if _, ok := c.Placeholders[name]; !ok {
			p.add(file, 0, "placeholders: %s is missing; every profile defines every placeholder of docs/CONTENT.md", name)
		}
	}
	// The portal's address must itself count as official, or the scam checker would flag the real portal.
	if pd := cf.Placeholders["portal_domain"]; pd.single && len(c.OfficialDomains) > 0 && !officialDomain(c.OfficialDomains, pd.one) {
		p.add(file, pd.line, "portal_domain %q is not one of official_domains (or under one)", pd.one)
	}
	return c
}

func officialDomain(list []string, host string) bool {
	host = strings.ToLower(strings.TrimSpace(host))
	for _, d := range list {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

func validCountryCode(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

func validPlaceholderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c == '_' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// validDomain accepts lower-case host names with at least one dot and no scheme, path, port or "www.".
func validDomain(d string) bool {
	if d == "" || len(d) > 253 || strings.HasPrefix(d, "www.") || !strings.Contains(d, ".") {
		return false
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}
