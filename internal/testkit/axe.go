package testkit

import (
	"context"
	_ "embed" // the vendored axe-core
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeSource is axe-core 4.14.1 (npm package axe-core, file axe.min.js),
// MPL-2.0: testdata/axe-core.LICENSE and testdata/axe-core.LICENSE-3RD-PARTY.txt.
// To update: `npm pack axe-core@VERSION` in a temporary directory, copy
// package/axe.min.js, package/LICENSE and package/LICENSE-3RD-PARTY.txt here,
// bump the version in package.json and this comment. It is set by go:embed
// and never assigned.
//
//go:embed testdata/axe.min.js
var axeSource string

// AxeVersion is the version of the vendored axe-core.
const AxeVersion = "4.14.1"

// AxeTags returns the axe-core rule tags that Axe runs: WCAG 2.0, 2.1 and 2.2
// at levels A and AA. Rules tagged only best-practice (or experimental) are not
// run.
func AxeTags() []string {
	return []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}
}

// AxeViolation is one rule that failed on the page.
type AxeViolation struct {
	ID      string   `json:"id"`      // rule id, e.g. "color-contrast"
	Impact  string   `json:"impact"`  // minor, moderate, serious or critical
	Help    string   `json:"help"`    // one-line description of the rule
	HelpURL string   `json:"helpUrl"` // the rule's documentation
	Targets []string `json:"targets"` // a CSS selector for each failing element
}

// String gives one readable line: id, impact, help and the first 3 targets.
func (v AxeViolation) String() string {
	targets := v.Targets
	more := ""
	if len(targets) > 3 {
		more = fmt.Sprintf(" (+%d more)", len(targets)-3)
		targets = targets[:3]
	}
	return fmt.Sprintf("%s [%s] %s: %s%s", v.ID, v.Impact, v.Help, strings.Join(targets, ", "), more)
}

// axeRunJS runs axe on the document and returns the violations in the shape of
// AxeViolation. Frames are not entered (iframes: false): our pages have none,
// and a frame without axe would stall the run.
const axeRunJS = `(async () => {
  const r = await axe.run(document, %s);
  return r.violations.map(v => ({
    id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl,
    targets: v.nodes.map(n => n.target.map(s => Array.isArray(s) ? s.join(" >>> ") : String(s)).join(" >>> ")),
  }));
})()`

// RunAxe injects the vendored axe-core into the tab's current page (unless it
// is there already) and returns the violations of the AxeTags rules. It works
// under a strict Content-Security-Policy without bypassing it: the script goes
// in through the DevTools protocol (Runtime.evaluate), which the page's CSP
// does not govern, and axe-core needs no eval, inline script or style.
func RunAxe(ctx context.Context) ([]AxeViolation, error) {
	actx, cancel := actionCtx(ctx)
	defer cancel()
	loaded, err := chromedp.Run(actx, chromedp.Evaluate[bool](`typeof window.axe === "object" && typeof window.axe.run === "function"`))
	if err != nil {
		return nil, fmt.Errorf("axe: %w", err)
	}
	if !loaded {
		if err := chromedp.Do(actx, chromedp.Evaluate[chromedp.Void](axeSource+"\n;void 0;")); err != nil {
			return nil, fmt.Errorf("axe: inject: %w", err)
		}
	}
	opts, err := json.Marshal(map[string]any{
		"runOnly":     map[string]any{"type": "tag", "values": AxeTags()},
		"resultTypes": []string{"violations"},
		"iframes":     false,
	})
	if err != nil {
		return nil, err
	}
	vs, err := chromedp.Run(actx, chromedp.Evaluate[[]AxeViolation](fmt.Sprintf(axeRunJS, opts), chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("axe: run: %w", err)
	}
	return vs, nil
}

// Axe runs axe-core on the tab's current page and fails the test (without
// stopping it) with one line per violation.
func Axe(t testing.TB, ctx context.Context) {
	t.Helper()
	vs, err := RunAxe(ctx)
	if err != nil {
		t.Fatalf("%s: %v", location(ctx), err)
	}
	if len(vs) == 0 {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "axe-core %s: %d accessibility violation(s) on %s:", AxeVersion, len(vs), location(ctx))
	for _, v := range vs {
		b.WriteString("\n\t")
		b.WriteString(v.String())
	}
	t.Error(b.String())
}

// AxeAt loads url in the tab, waits until its body is ready and runs Axe.
func AxeAt(t testing.TB, ctx context.Context, url string) {
	t.Helper()
	Navigate(t, ctx, url)
	actx, cancel := actionCtx(ctx)
	defer cancel()
	if err := chromedp.Do(actx, chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
		t.Fatalf("AxeAt %s: %v", url, err)
	}
	Axe(t, ctx)
}
