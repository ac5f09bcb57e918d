package i18n

import "strings"

// Default is the language used when nothing better is known, and the source language every translation is made
// from and checked against.
const Default = "en"

// Lang describes one supported language for a language picker and for the page's lang and dir attributes.
type Lang struct {
	Code        string // BCP 47 base language, also the catalog file name: locales/<Code>.json
	NativeName  string // the name a speaker of the language reads, shown in the picker
	EnglishName string // for operators and logs
	Dir         string // "ltr" or "rtl", for <html dir>
}

// langInfo keeps each language's plural forms on the same line as its names, so adding a language stays a
// one-line change here plus one catalog file.
type langInfo struct {
	Lang
	// forms are the plural forms a translator must fill for every counted message, separated by spaces (a
	// string rather than a slice, so the table costs no allocation on the request path). They follow CLDR,
	// except that vi must give "one" as well as "other": go-i18n's rules select "one" for 0 and 1 in vi, and a
	// gap there would show English.
	forms string
}

// languages is a function rather than a package variable so the table can never be changed at run time.
func languages() []langInfo {
	return []langInfo{
		{Lang{"en", "English", "English", "ltr"}, "one other"},
		{Lang{"ru", "Русский", "Russian", "ltr"}, "one few many other"},
		{Lang{"uk", "Українська", "Ukrainian", "ltr"}, "one few many other"},
		{Lang{"lv", "Latviešu", "Latvian", "ltr"}, "zero one other"},
		{Lang{"vi", "Tiếng Việt", "Vietnamese", "ltr"}, "one other"},
	}
}

// Languages returns the supported languages in the order a language picker shows them. The slice is new on every
// call, so a caller may sort or trim it freely.
func Languages() []Lang {
	infos := languages()
	out := make([]Lang, len(infos))
	for i, li := range infos {
		out[i] = li.Lang
	}
	return out
}

// Supported reports whether code is exactly the code of a supported language. It does not map regional variants
// such as "ru-RU"; Negotiate does that for input from outside.
func Supported(code string) bool {
	_, ok := lookupLang(code)
	return ok
}

// LangByCode returns the Lang for a supported code, and false for any other string.
func LangByCode(code string) (Lang, bool) {
	li, ok := lookupLang(code)
	return li.Lang, ok
}

// PluralForms returns the CLDR plural forms that every counted message must give in the language, in the order
// zero, one, two, few, many, other; nil for an unsupported language. Check demands exactly these.
func PluralForms(code string) []string {
	li, ok := lookupLang(code)
	if !ok {
		return nil
	}
	return strings.Fields(li.forms)
}

func lookupLang(code string) (langInfo, bool) {
	for _, li := range languages() {
		if li.Code == code {
			return li, true
		}
	}
	return langInfo{}, false
}
