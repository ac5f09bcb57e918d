package i18n

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/template"
	"text/template/parse"

	"github.com/nicksnyder/go-i18n/v2/i18n"
)

// Problem is one gap or mistake in the catalogs that a translator or developer must fix.
type Problem struct {
	Lang string // language code of the file to fix
	Key  string // message key, empty for a problem with a whole file
	What string // what is wrong, in words a translator understands
}

// String gives one readable line, the format of "onramp i18n check".
func (p Problem) String() string {
	if p.Key == "" {
		return p.Lang + ": " + p.What
	}
	return p.Lang + " " + p.Key + ": " + p.What
}

// The What texts of Check, named so tests and tools can match them.
const (
	WhatMissing       = "missing"
	WhatNotInEnglish  = "not in en; remove it, or add it to en.json first"
	WhatEmpty         = "empty text"
	WhatNoDescription = "no description for translators"
	WhatBadKey        = "key should look like area.thing.what: lower-case letters, digits and _ between dots"
)

// Check compares every language with English, the source language, and returns every problem in a stable order
// (language table order, then key): a key missing in a language; a key in a translation that English lacks; a
// required plural form missing (see PluralForms); empty text; a {{.Placeholder}} in English missing from a
// translation or the other way round; a counted message whose form does not show {{.Count}}; text that is not a
// valid template; an English key without a description or with a malformed name.
//
// Check is the single definition of "the catalogs are complete": the test of the embedded catalogs and the
// "onramp i18n check" command both call it, so they cannot disagree.
func (c *Catalog) Check() []Problem {
	if c == nil {
		return []Problem{{Lang: Default, What: "catalog not loaded"}}
	}
	var ps []Problem
	add := func(lang, key, what string) { ps = append(ps, Problem{Lang: lang, Key: key, What: what}) }

	en := c.msgs[Default]
	keys := c.Keys()
	for _, key := range keys {
		if !validKey(key) {
			add(Default, key, WhatBadKey)
		}
		if strings.TrimSpace(en[key].Description) == "" {
			add(Default, key, WhatNoDescription)
		}
	}
	for _, li := range languages() {
		tr := c.msgs[li.Code]
		if len(tr) == 0 {
			add(li.Code, "", "no messages at all; is locales/"+li.Code+".json missing?")
			continue
		}
		for _, key := range keys {
			m, ok := tr[key]
			if !ok {
				add(li.Code, key, WhatMissing)
				continue
			}
			for _, what := range checkMessage(li, en[key].Message, m.Message) {
				add(li.Code, key, what)
			}
		}
		var extra []string
		for key := range tr {
			if _, ok := en[key]; !ok {
				extra = append(extra, key)
			}
		}
		slices.Sort(extra)
		for _, key := range extra {
			add(li.Code, key, WhatNotInEnglish)
		}
	}
	return ps
}

// CheckReport writes Check's problems one per line, then a summary, and reports whether there were none. It is
// the body of the "onramp i18n check" command.
func (c *Catalog) CheckReport(w io.Writer) (ok bool) {
	ps := c.Check()
	for _, p := range ps {
		fmt.Fprintln(w, p)
	}
	if len(ps) > 0 {
		fmt.Fprintf(w, "i18n: %d problem(s)\n", len(ps))
		return false
	}
	fmt.Fprintf(w, "i18n: %d keys in %d languages (%s): no problems\n",
		len(c.Keys()), len(languages()), strings.Join(codes(), ", "))
	return true
}

// forms lists a message's texts by CLDR plural form, in CLDR order.
func forms(m *i18n.Message) [][2]string {
	return [][2]string{
		{"zero", m.Zero}, {"one", m.One}, {"two", m.Two}, {"few", m.Few}, {"many", m.Many}, {"other", m.Other},
	}
}

// isPlural reports whether the English message is a counted one: it gives any form besides "other".
func isPlural(src *i18n.Message) bool {
	return src.Zero != "" || src.One != "" || src.Two != "" || src.Few != "" || src.Many != ""
}

func checkMessage(li langInfo, src, m *i18n.Message) []string {
	var out []string
	texts := map[string]string{}
	for _, f := range forms(m) {
		if strings.TrimSpace(f[1]) != "" {
			texts[f[0]] = f[1]
		}
	}
	if len(texts) == 0 {
		return []string{WhatEmpty}
	}
	if isPlural(src) {
		for _, f := range strings.Fields(li.forms) {
			if texts[f] == "" {
				out = append(out, fmt.Sprintf("missing plural form %q", f))
			}
		}
	} else if texts["other"] == "" {
		out = append(out, WhatEmpty)
	}

	// Placeholders of each form; a form that does not parse is reported and left out of the comparison.
	got := map[string]bool{}
	perForm := map[string]map[string]bool{}
	for _, f := range forms(m) {
		if texts[f[0]] == "" {
			continue
		}
		names, err := placeholders(f[1])
		if err != nil {
			out = append(out, fmt.Sprintf("form %q is not a valid template: %v", f[0], err))
			continue
		}
		perForm[f[0]] = names
		for n := range names {
			got[n] = true
		}
	}
	if li.Code == Default {
		return out
	}
	want := map[string]bool{}
	for _, f := range forms(src) {
		if names, err := placeholders(f[1]); err == nil {
			for n := range names {
				want[n] = true
			}
		}
	}
	for _, n := range sortedKeys(want) {
		if !got[n] {
			out = append(out, fmt.Sprintf("placeholder {{.%s}} is missing (en has it)", n))
		}
	}
	for _, n := range sortedKeys(got) {
		if !want[n] {
			out = append(out, fmt.Sprintf("placeholder {{.%s}} is not in en", n))
		}
	}
	// English may say "One minute" because its "one" means exactly 1; in other languages a form serves
	// several numbers (ru "one" is also 21, lv "zero" is also 10, vi "one" is also 0), so it must show them.
	if isPlural(src) && want["Count"] {
		for _, f := range strings.Fields(li.forms) {
			if names, ok := perForm[f]; ok && !names["Count"] {
				out = append(out, fmt.Sprintf("plural form %q does not show {{.Count}}; in %s it serves more than one number", f, li.Code))
			}
		}
	}
	return out
}

// placeholders returns the top-level data fields a message text uses, such as "Name" for {{.Name}}.
func placeholders(text string) (map[string]bool, error) {
	names := map[string]bool{}
	if !strings.Contains(text, "{{") {
		return names, nil
	}
	t, err := template.New("").Parse(text)
	if err != nil {
		return nil, err
	}
	if t.Tree != nil {
		walk(t.Tree.Root, names)
	}
	return names, nil
}

func walk(n parse.Node, names map[string]bool) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walk(c, names)
		}
	case *parse.ActionNode:
		walk(n.Pipe, names)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			walk(c, names)
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			walk(a, names)
		}
	case *parse.FieldNode:
		names[n.Ident[0]] = true
	case *parse.ChainNode:
		walk(n.Node, names)
	case *parse.VariableNode:
		if len(n.Ident) > 1 && n.Ident[0] == "$" {
			names[n.Ident[1]] = true
		}
	case *parse.IfNode:
		walkBranch(&n.BranchNode, names)
	case *parse.RangeNode:
		walkBranch(&n.BranchNode, names)
	case *parse.WithNode:
		walkBranch(&n.BranchNode, names)
	case *parse.TemplateNode:
		walk(n.Pipe, names)
	}
}

func walkBranch(b *parse.BranchNode, names map[string]bool) {
	walk(b.Pipe, names)
	walk(b.List, names)
	walk(b.ElseList, names)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// validKey enforces the area.thing.what naming of DESIGN.md: at least two dot-separated parts of lower-case
// ASCII letters, digits and underscores, starting with a letter.
func validKey(key string) bool {
	parts := strings.Split(key, ".")
	if len(parts) < 2 || key == "" || key[0] < 'a' || key[0] > 'z' {
		return false
	}
	for _, p := range parts {
		if p == "" {
			return false
		}
		for _, r := range p {
			if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' {
				return false
			}
		}
	}
	return true
}
