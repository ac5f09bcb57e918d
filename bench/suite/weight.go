package suite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/onramp/onramp/bench/weight"
)

// PageWeightName is the name --only and --list know the page-weight check by.
const PageWeightName = "page-weight"

// KB is the kilobyte of the page-weight budgets: 1024 bytes, the stricter reading.
const KB = 1024

// PageWeight is the page-weight check (DESIGN.md §5): not a throughput target, a
// section of its own in the report. Its server is started like a target's, the
// page is fetched with every resource it references as a browser with an empty
// cache would, then again as a repeat visit.
type PageWeight struct {
	Name    string
	About   string
	Prepare func(ctx context.Context) error
	Start   func(ctx context.Context) (baseURL string, stop func(), err error)
	Ready   string
	Path    string // the page
	// SignIn signs in the person whose page is weighed (their cookie goes with every
	// request, as a browser sends it); the page is also weighed for a visitor who
	// is not signed in, for information.
	SignIn func(ctx context.Context, baseURL string) (http.Header, error)
	Who    string // whose page, for the report
	// NotRun is the reason shown when the page answers 404.
	NotRun string
	// Budgets in bytes transferred.
	FirstBudget, RepeatBudget int64
}

// StandardPageWeight is the lesson page's weight: the demo learner on the text step
// the onramp-lesson target measures, budgets 30 KB and 8 KB.
func StandardPageWeight(env *Env) PageWeight {
	return PageWeight{
		Name:         PageWeightName,
		About:        "the lesson page with every asset, first and repeat visit, as transferred (not a throughput target)",
		Prepare:      env.BuildOnramp,
		Start:        env.StartOnrampDemo,
		Ready:        "/healthz",
		Path:         LessonPath,
		SignIn:       SignInPIN(DemoLearnerPhone, DemoLearnerPIN),
		Who:          "the demo learner",
		NotRun:       "lesson player missing",
		FirstBudget:  30 * KB,
		RepeatBudget: 8 * KB,
	}
}

// WeightOutcome is a page-weight measurement.
type WeightOutcome struct {
	Check      PageWeight
	Report     weight.Report // signed in
	Visitor    weight.Report // not signed in; informative
	VisitorErr error
	Err        error
}

// Verdicts are the first and repeat visits against their budgets.
func (o WeightOutcome) Verdicts() (first, repeat string) {
	var nr *NotRunError
	switch {
	case errors.As(o.Err, &nr):
		v := "not run (" + nr.Reason + ")"
		return v, v
	case o.Err != nil:
		return "FAIL", "FAIL"
	}
	verdict := func(got, budget int64) string {
		if got <= budget {
			return "pass"
		}
		return "FAIL"
	}
	return verdict(o.Report.First, o.Check.FirstBudget), verdict(o.Report.Repeat, o.Check.RepeatBudget)
}

// Failed reports whether the page weight should fail the run: a budget missed or
// the measurement broken; a missing page only skips it.
func (o WeightOutcome) Failed() bool {
	f, r := o.Verdicts()
	return f == "FAIL" || r == "FAIL"
}

// MeasurePageWeight starts the server, signs in, and weighs the page for the
// signed-in person, then for a visitor.
func MeasurePageWeight(ctx context.Context, pw PageWeight, logw io.Writer) (out WeightOutcome) {
	if logw == nil {
		logw = io.Discard
	}
	out.Check = pw
	if pw.Prepare != nil {
		fmt.Fprintf(logw, "prepare %s\n", pw.Name)
		if err := pw.Prepare(ctx); err != nil {
			out.Err = fmt.Errorf("prepare: %w", err)
			return out
		}
	}
	fmt.Fprintf(logw, "start %s\n", pw.Name)
	base, stop, err := pw.Start(ctx)
	if err != nil {
		out.Err = fmt.Errorf("start: %w", err)
		return out
	}
	defer func() {
		stop()
		fmt.Fprintf(logw, "stopped %s\n", pw.Name)
	}()
	ready := pw.Ready
	if ready == "" {
		ready = "/"
	}
	if err := WaitAnswer(ctx, base, ready, 30*time.Second); err != nil {
		out.Err = err
		return out
	}
	var hdr http.Header
	if pw.SignIn != nil {
		if hdr, err = pw.SignIn(ctx, base); err != nil {
			out.Err = fmt.Errorf("sign in: %w", err)
			return out
		}
	}
	fmt.Fprintf(logw, "weigh %s%s\n", base, pw.Path)
	out.Report, err = weight.Measure(ctx, base, pw.Path, weight.Options{Header: hdr})
	var ps *weight.PageStatusError
	switch {
	case errors.As(err, &ps) && ps.Status == http.StatusNotFound && pw.NotRun != "":
		out.Err = &NotRunError{Reason: pw.NotRun, Detail: ps.Error()}
		return out
	case err != nil:
		out.Err = err
		return out
	}
	if pw.SignIn != nil {
		out.Visitor, out.VisitorErr = weight.Measure(ctx, base, pw.Path, weight.Options{})
	}
	first, repeat := out.Verdicts()
	fmt.Fprintf(logw, "%s: first visit %s (%s), repeat %s (%s)\n", pw.Name, kb(out.Report.First), first, kb(out.Report.Repeat), repeat)
	return out
}

// kb formats a byte count in KB of 1024 bytes.
func kb(n int64) string { return fmt.Sprintf("%.1f KB", float64(n)/KB) }

// kbBudget formats a budget: "30 KB".
func kbBudget(n int64) string {
	if n%KB == 0 {
		return fmt.Sprintf("%d KB", n/KB)
	}
	return kb(n)
}

// kbExact adds the exact count: "11.9 KB (12,187 B)".
func kbExact(n int64) string { return fmt.Sprintf("%s (%s B)", kb(n), thousands(n)) }

func thousands(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// WritePageWeight prints the page-weight section: every resource with its size and
// what the repeat visit does with it, then the totals against the budgets.
func WritePageWeight(w io.Writer, o WeightOutcome) error {
	var b strings.Builder
	pw := o.Check
	fmt.Fprintf(&b, "\n### Page weight: `GET %s`\n\n", pw.Path)
	first, repeat := o.Verdicts()
	if o.Err != nil {
		fmt.Fprintf(&b, "| visit | transferred | budget | result |\n|---|--:|--:|---|\n")
		fmt.Fprintf(&b, "| first (empty cache) | - | ≤ %s | %s |\n", kbBudget(pw.FirstBudget), first)
		fmt.Fprintf(&b, "| repeat | - | ≤ %s | %s |\n", kbBudget(pw.RepeatBudget), repeat)
		fmt.Fprintf(&b, "\n- %s: %s\n", pw.Name, indent(o.Err.Error()))
		_, err := io.WriteString(w, b.String())
		return err
	}
	r := o.Report
	fmt.Fprintf(&b, "- Signed in as %s; the page and every resource it references (stylesheets and their url()s, scripts, images, icons, the manifest, a registered service worker), each requested with `Accept-Encoding: %s` on a connection of its own\n", pw.Who, weight.AcceptEncoding)
	b.WriteString("- transferred = the response as read from the connection: status line, headers and body as sent (compressed, chunk framing included); request bytes not counted; 1 KB = 1024 B\n")
	b.WriteString("- repeat visit = the same page again, the cache holding the first visit: fresh responses (max-age, immutable) are not fetched, no-store ones are fetched again, no-cache ones are revalidated\n\n")
	gz := !r.Compressed()
	b.WriteString("| resource | kind | status | encoding | decoded | body sent | transferred |")
	if gz {
		b.WriteString(" with gzip |")
	}
	b.WriteString(" Cache-Control | repeat visit |\n|---|---|--:|---|--:|--:|--:|")
	if gz {
		b.WriteString("--:|")
	}
	b.WriteString("---|---|\n")
	for _, res := range r.Resources {
		kind := res.Kind
		if res.Via != "" {
			kind += " (" + res.Via + ")"
		}
		enc := res.Encoding
		if enc == "" {
			enc = "none"
			if weight.Compressible(res.ContentType) {
				enc = "**none**"
			}
		}
		decoded := "?"
		if res.Decoded >= 0 {
			decoded = thousands(res.Decoded) + " B"
		}
		status := fmt.Sprint(res.Status)
		if res.Status == 0 {
			status = "error"
		}
		rep := res.Repeat.How
		if res.Repeat.Wire > 0 {
			rep += ": " + thousands(res.Repeat.Wire) + " B"
		}
		cc := res.CacheControl
		if cc == "" {
			cc = "-"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s B | %s B |", res.Path, kind, status, enc, decoded, thousands(res.Body), thousands(res.Wire))
		if gz {
			fmt.Fprintf(&b, " %s B |", thousands(res.Gzip))
		}
		fmt.Fprintf(&b, " %s | %s |\n", cc, rep)
	}
	b.WriteString("\n| visit | transferred |")
	if gz {
		b.WriteString(" with gzip (estimate) |")
	}
	b.WriteString(" budget | result |\n|---|--:|")
	if gz {
		b.WriteString("--:|")
	}
	b.WriteString("--:|---|\n")
	row := func(name string, got, withGzip, budget int64, verdict string) {
		fmt.Fprintf(&b, "| %s | %s |", name, kbExact(got))
		if gz {
			fmt.Fprintf(&b, " %s |", kbExact(withGzip))
		}
		fmt.Fprintf(&b, " ≤ %s | %s |\n", kbBudget(budget), verdict)
	}
	row("first (empty cache)", r.First, r.FirstGzip, pw.FirstBudget, first)
	row("repeat", r.Repeat, r.RepeatGzip, pw.RepeatBudget, repeat)

	var notes []string
	var head, headRepeat int64
	for _, res := range r.Resources {
		head += res.Wire - res.Body
		if res.Repeat.Wire > 0 {
			headRepeat += res.Repeat.Wire - res.Body
		}
	}
	notes = append(notes, fmt.Sprintf("- Status lines, headers and framing: %s of the first visit's %s, about %s of the repeat visit's %s.",
		thousands(head)+" B", thousands(r.First)+" B", thousands(headRepeat)+" B", thousands(r.Repeat)+" B"))
	if o.VisitorErr != nil {
		notes = append(notes, "- A visitor not signed in: "+firstLine(o.VisitorErr.Error()))
	} else if len(o.Visitor.Resources) > 0 {
		notes = append(notes, fmt.Sprintf("- The same page for a visitor not signed in (informative): first visit %s, repeat %s, %d resources.",
			kb(o.Visitor.First), kb(o.Visitor.Repeat), len(o.Visitor.Resources)))
	}
	if gz {
		notes = append(notes, fmt.Sprintf("- **Not compressed**: %s sent without Content-Encoding although the request offered gzip. \"with gzip\" is the same response with its body gzipped (default level) and a Content-Encoding header; the verdicts are on the bytes as served.",
			strings.Join(quoted(r.Uncompressed), ", ")))
	}
	for _, res := range r.Resources {
		if res.Err != "" {
			notes = append(notes, fmt.Sprintf("- `%s` (%s): %s — its bytes count all the same.", res.Path, res.Kind, res.Err))
		}
	}
	if len(notes) > 0 {
		b.WriteString("\n" + strings.Join(notes, "\n") + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func quoted(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = "`" + s + "`"
	}
	return out
}
