package web

import "strings"

// fieldView is what the "input" and "checkbox" templates render.
type fieldView struct {
	P        Page
	F        *form
	Name     string
	Label    string // i18n key
	Type     string
	Auto     string // autocomplete token
	Mode     string // inputmode
	Hint     string // i18n key
	Class    string
	MaxLen   int
	Required bool
	Optional bool
}

// field builds a fieldView in a template: (field .Page .Form "phone" "login.phone" "tel" "opts").
// opts is a space-separated list: auto=tel mode=numeric hint=key class=pin max=6 required optional.
func field(p Page, f *form, name, label, typ, opts string) fieldView {
	if f == nil {
		f = newForm()
	}
	v := fieldView{P: p, F: f, Name: name, Label: label, Type: typ}
	for _, o := range strings.Fields(opts) {
		k, val, _ := strings.Cut(o, "=")
		switch k {
		case "auto":
			v.Auto = val
		case "mode":
			v.Mode = val
		case "hint":
			v.Hint = val
		case "class":
			v.Class = val
		case "max":
			for _, c := range val {
				v.MaxLen = v.MaxLen*10 + int(c-'0')
			}
		case "required":
			v.Required = true
		case "optional":
			v.Optional = true
		}
	}
	return v
}
