package web

import (
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/onramp/onramp/internal/errs"
)

// maxFormBytes caps an ordinary form post; uploads have their own limit.
const maxFormBytes = 64 << 10

// form is what a page with a form renders: what was typed (kept on error), the
// problem of each field as an i18n key, and an optional message for the whole
// form. The template shows an error summary linking to each field.
type form struct {
	Values url.Values
	Errors map[string]fieldError
	Order  []string // fields with errors, in the order of the form
	Error  string   // a problem with the whole form (an i18n key)
	Args   map[string]any
}

type fieldError struct {
	Key  string
	Args map[string]any
}

func newForm() *form { return &form{Values: url.Values{}, Errors: map[string]fieldError{}} }

// parseForm reads a posted form within the size limit; a body that is too big or
// malformed gives an empty form with a whole-form error, never a 500.
func parseForm(w http.ResponseWriter, r *http.Request) *form {
	f := newForm()
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			f.Error = "error.form_too_large"
		} else {
			f.Error = "error.invalid"
		}
		return f
	}
	for k, vs := range r.PostForm {
		clean := make([]string, len(vs))
		for i, v := range vs {
			clean[i] = cleanInput(v)
		}
		f.Values[k] = clean
	}
	return f
}

// cleanInput makes posted text safe to keep and to show again: invalid UTF-8
// becomes U+FFFD and control characters other than tab and line breaks are
// dropped (they are never typed, only crafted, and make the page invalid).
func cleanInput(v string) string {
	v = strings.ToValidUTF8(v, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || (r >= 0x7f && r < 0xa0) {
			return -1
		}
		return r
	}, v)
}

// Get returns the trimmed value of a field.
func (f *form) Get(name string) string { return strings.TrimSpace(f.Values.Get(name)) }

// Value is for templates: the value as typed.
func (f *form) Value(name string) string { return f.Values.Get(name) }

// Checked is for templates: whether a checkbox was ticked.
func (f *form) Checked(name string) bool {
	v := f.Values.Get(name)
	return v == "on" || v == "1" || v == "true"
}

// Fail records a field's problem (the first one wins).
func (f *form) Fail(field, key string, args map[string]any) {
	if _, ok := f.Errors[field]; ok {
		return
	}
	f.Errors[field] = fieldError{Key: key, Args: args}
	f.Order = append(f.Order, field)
}

// Require marks every named field that is empty (or only spaces) with
// form.required and reports whether all of them were filled.
func (f *form) Require(names ...string) bool {
	ok := true
	for _, n := range names {
		if f.Get(n) == "" {
			f.Fail(n, "form.required", nil)
			ok = false
		}
	}
	return ok
}

// Err is for templates: the field's problem, or nil.
func (f *form) Err(field string) *fieldError {
	if e, ok := f.Errors[field]; ok {
		return &e
	}
	return nil
}

// HasErrors reports whether anything is wrong.
func (f *form) HasErrors() bool { return len(f.Errors) > 0 || f.Error != "" }

// Summary lists the problems for the error summary, in form order.
func (f *form) Summary() []summaryItem {
	out := make([]summaryItem, 0, len(f.Order)+1)
	if f.Error != "" {
		out = append(out, summaryItem{Key: f.Error, Args: f.Args})
	}
	for _, field := range f.Order {
		e := f.Errors[field]
		out = append(out, summaryItem{Field: field, Key: e.Key, Args: e.Args})
	}
	return out
}

type summaryItem struct {
	Field string
	Key   string
	Args  map[string]any
}

// absorb takes a service error into the form: field errors onto their fields
// (mapped through rename when the form's names differ), anything else
// onto the whole form. It returns false for errors that are not the person's to fix.
func (f *form) absorb(err error, order []string) bool {
	var e *errs.Error
	if !errors.As(err, &e) || e.Code == errs.Internal {
		return false
	}
	if len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		pos := func(k string) int {
			for i, o := range order {
				if o == k {
					return i
				}
			}
			return len(order)
		}
		sort.SliceStable(keys, func(i, j int) bool { return pos(keys[i]) < pos(keys[j]) })
		for _, k := range keys {
			f.Fail(k, e.Fields[k], nil)
		}
		return true
	}
	f.Error = errs.KeyOf(err)
	f.Args = e.Args
	return true
}

// localPath keeps a "next" or "back" value only when it is a path on this site,
// so a crafted link cannot send a person elsewhere after signing in.
func localPath(s string) string {
	if s == "" || !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.HasPrefix(s, "/\\") ||
		strings.ContainsAny(s, "\r\n\t") {
		return "/"
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return "/"
	}
	return u.RequestURI()
}
