package testkit

// Browser tests: one headless Chromium driven by chromedp (v0.23 API), axe-core
// for accessibility, a 200 % zoom emulation and a few form helpers.
//
// Typical use in a package's tests:
//
//	func TestSignupPage(t *testing.T) {
//		srv := httptest.NewServer(app.Handler())
//		t.Cleanup(srv.Close)
//		b := testkit.NewBrowser(t) // skips (or fails in CI) without Chromium
//		tab := b.NewTab(t)
//		testkit.AxeAt(t, tab, srv.URL+"/signup")    // 0 violations or the test fails
//		testkit.Fill(t, tab, "#phone", "+44 7700 900123")
//		if got := testkit.Submit(t, tab, "button[type=submit]"); got != 200 {
//			t.Fatalf("status %d", got)
//		}
//		testkit.Zoom200(t, tab)
//		testkit.NoHorizontalScroll(t, tab)
//	}
//
// To share one browser between the tests of a package, keep a SharedBrowser in
// the test package and close it in TestMain (see SharedBrowser).

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// ChromiumEnv names the environment variable that points at the Chromium (or
// Chrome) executable to use. Without it the harness tries /usr/bin/chromium,
// then chromium, chromium-browser and google-chrome on PATH.
const ChromiumEnv = "ONRAMP_CHROMIUM"

// The window every tab starts with, in CSS pixels at a device scale of 1.
// Zoom shrinks the layout viewport from this size.
const (
	ViewportWidth  = 1280
	ViewportHeight = 800
)

// ActionTimeout bounds each helper of this file (Navigate, Fill, Click, Axe, ...)
// so that a missing element fails the test quickly instead of hanging it.
const ActionTimeout = 30 * time.Second

// UnavailableError reports that a tool a check needs (Chromium, Java, the HTML
// checker) is not installed. The t-taking helpers turn it into SkipOrFail.
type UnavailableError struct {
	Tool   string
	Reason string
}

func (e *UnavailableError) Error() string {
	return e.Tool + " unavailable: " + e.Reason
}

// skipIfUnavailable calls SkipOrFail (which does not return) when err is an
// *UnavailableError.
func skipIfUnavailable(t testing.TB, err error) {
	t.Helper()
	var ue *UnavailableError
	if errors.As(err, &ue) {
		SkipOrFail(t, ue.Error())
	}
}

// FindChromium returns the browser executable: $ONRAMP_CHROMIUM when set (it
// must exist), else /usr/bin/chromium, else chromium, chromium-browser or
// google-chrome on PATH. The error is an *UnavailableError.
func FindChromium() (string, error) {
	if p := os.Getenv(ChromiumEnv); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", &UnavailableError{Tool: "chromium", Reason: fmt.Sprintf("$%s=%s: %v", ChromiumEnv, p, err)}
		}
		return p, nil
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium", nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", &UnavailableError{Tool: "chromium", Reason: "no /usr/bin/chromium and no chromium, chromium-browser or google-chrome on PATH " +
		"(install with: apt-get install -y chromium, or set $" + ChromiumEnv + ")"}
}

// Browser is one headless Chromium process. Its tabs (NewTab) are safe to use
// from parallel tests, one tab per test.
type Browser struct {
	ctx         context.Context // chromedp context of the browser's first tab
	cancelCtx   context.CancelFunc
	cancelAlloc context.CancelFunc
	dataDir     string
	closeOnce   sync.Once
}

// StartBrowser starts a headless Chromium with a fresh profile. The caller must
// Close it. Most tests want NewBrowser instead; StartBrowser is for TestMain and
// SharedBrowser. A missing browser gives an *UnavailableError.
//
// Flags: --headless --no-sandbox --disable-gpu --disable-quic --no-first-run
// --disable-background-networking --disable-component-update --disable-sync,
// a temporary --user-data-dir, a 1280x800 window, and host-resolver rules that
// resolve no host name except localhost: a page can reach 127.0.0.1 and
// nothing else, so a page that loads a third-party resource shows it as a
// failed request and the browser makes no outbound connection of its own.
func StartBrowser() (*Browser, error) {
	exe, err := FindChromium()
	if err != nil {
		return nil, err
	}
	dataDir, err := os.MkdirTemp("", "onramp-chromium-")
	if err != nil {
		return nil, err
	}
	var out chromiumOutput
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.*, EXCLUDE [::1]"),
		chromedp.UserDataDir(dataDir),
		chromedp.WindowSize(ViewportWidth, ViewportHeight),
		chromedp.CombinedOutput(&out),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	b := &Browser{ctx: ctx, cancelCtx: cancelCtx, cancelAlloc: cancelAlloc, dataDir: dataDir}

	// The first Do starts the browser. It must not carry a timeout (that would
	// bind the browser's life to it), so the wait is bounded from outside.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err = <-started:
	case <-time.After(60 * time.Second):
		err = errors.New("timed out after 60s")
	}
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("start %s: %w\nbrowser output:\n%s", exe, err, out.String())
	}
	return b, nil
}

// NewBrowser starts a browser for the test and closes it when the test ends.
// Without Chromium it calls SkipOrFail.
func NewBrowser(t testing.TB) *Browser {
	t.Helper()
	b, err := StartBrowser()
	if err != nil {
		skipIfUnavailable(t, err)
		t.Fatalf("browser: %v", err)
	}
	t.Cleanup(b.Close)
	return b
}

// Close stops the browser and removes its profile. It is safe to call twice.
func (b *Browser) Close() {
	b.closeOnce.Do(func() {
		_ = chromedp.Cancel(b.ctx) // closes the browser gracefully
		b.cancelCtx()
		b.cancelAlloc() // waits for the process to exit
		_ = os.RemoveAll(b.dataDir)
	})
}

// NewTab opens a new tab with a 1280x800 viewport and returns its chromedp
// context; the tab closes when the test ends. Use the context with chromedp.Do / chromedp.Run or with the
// helpers of this package. One tab per goroutine.
func (b *Browser) NewTab(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // opens the tab
		t.Fatalf("browser: open tab: %v", err)
	}
	Zoom(t, ctx, 1) // an exact 1280x800 viewport, whatever the window manager does
	return ctx
}

// SharedBrowser starts one browser on first use and hands it to every test
// that asks. Keep one in the test package and close it from TestMain:
//
//	var browser testkit.SharedBrowser
//
//	func TestMain(m *testing.M) {
//		code := m.Run()
//		browser.Close()
//		os.Exit(code)
//	}
//
//	func TestPage(t *testing.T) {
//		tab := browser.Get(t).NewTab(t)
//		...
//	}
//
// A test binary that never calls Get starts no browser.
type SharedBrowser struct {
	once sync.Once
	b    *Browser
	err  error
}

// Get returns the shared browser, starting it on the first call. Without
// Chromium it calls SkipOrFail (every time, so each test reports it).
func (s *SharedBrowser) Get(t testing.TB) *Browser {
	t.Helper()
	s.once.Do(func() { s.b, s.err = StartBrowser() })
	if s.b == nil && s.err == nil {
		t.Fatal("SharedBrowser.Get after Close")
	}
	if s.err != nil {
		skipIfUnavailable(t, s.err)
		t.Fatalf("browser: %v", s.err)
	}
	return s.b
}

// Close stops the browser if Get started one.
func (s *SharedBrowser) Close() {
	s.once.Do(func() {}) // a later Get must not start a browser nobody closes
	if s.b != nil {
		s.b.Close()
	}
}

// chromiumOutput collects what the browser prints, for the error message of a
// failed start. Only the first 64 KiB are kept.
type chromiumOutput struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *chromiumOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if room := 64<<10 - o.buf.Len(); room > 0 {
		o.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (o *chromiumOutput) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// actionCtx bounds one helper's work by ActionTimeout.
func actionCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, ActionTimeout)
}

// Zoom emulates the browser's page zoom at factor (2 = 200 %): the layout
// viewport shrinks to 1280/factor x 800/factor CSS pixels and the device scale
// factor becomes factor, which is what Ctrl-+ does in a 1280x800 window. Text,
// images and boxes all grow, and media queries see the narrower viewport, so
// a page that passes at Zoom 2 meets WCAG 1.4.4 (resize text) and at Zoom 4
// (320 CSS px wide) WCAG 1.4.10 (reflow); check with NoHorizontalScroll and
// screenshots. The setting stays for the tab's later navigations; Zoom(t, ctx, 1)
// restores the normal view.
func Zoom(t testing.TB, ctx context.Context, factor float64) {
	t.Helper()
	if factor <= 0 {
		t.Fatalf("Zoom: factor %v must be > 0", factor)
	}
	actx, cancel := actionCtx(ctx)
	defer cancel()
	_, err := chromedp.Call(actx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width:             int64(math.Round(ViewportWidth / factor)),
		Height:            int64(math.Round(ViewportHeight / factor)),
		DeviceScaleFactor: factor,
	})
	if err != nil {
		t.Fatalf("Zoom(%v): %v", factor, err)
	}
}

// Zoom200 is Zoom(t, ctx, 2): the 200 % check of WCAG 1.4.4.
func Zoom200(t testing.TB, ctx context.Context) {
	t.Helper()
	Zoom(t, ctx, 2)
}

// HorizontalOverflow returns by how many CSS pixels the current page is wider
// than its viewport (0 when it needs no horizontal scrolling).
func HorizontalOverflow(ctx context.Context) (int, error) {
	actx, cancel := actionCtx(ctx)
	defer cancel()
	return chromedp.Run(actx, chromedp.Evaluate[int](
		`Math.max(0, Math.max(document.documentElement.scrollWidth, document.body ? document.body.scrollWidth : 0) - document.documentElement.clientWidth)`))
}

// NoHorizontalScroll fails the test when the current page needs horizontal
// scrolling (content lost or cut at the current zoom).
func NoHorizontalScroll(t testing.TB, ctx context.Context) {
	t.Helper()
	over, err := HorizontalOverflow(ctx)
	if err != nil {
		t.Fatalf("NoHorizontalScroll: %v", err)
	}
	if over > 0 {
		t.Errorf("page %s is %d CSS px wider than its viewport (horizontal scrolling)", location(ctx), over)
	}
}

// Navigate loads url in the tab, waits for the load event and returns the HTTP
// status of the document.
func Navigate(t testing.TB, ctx context.Context, url string) int {
	t.Helper()
	actx, cancel := actionCtx(ctx)
	defer cancel()
	resp, err := chromedp.Run(actx, chromedp.NavigateResponse(url))
	if err != nil {
		t.Fatalf("navigate %s: %v", url, err)
	}
	if resp == nil {
		return 0
	}
	return int(resp.Status)
}

// Fill clears the field matched by the CSS selector and types value into it
// with real key events (so input and change handlers run).
func Fill(t testing.TB, ctx context.Context, selector, value string) {
	t.Helper()
	actx, cancel := actionCtx(ctx)
	defer cancel()
	if err := chromedp.Do(actx,
		chromedp.Clear(chromedp.CSS(selector)),
		chromedp.SendKeys(chromedp.CSS(selector), value),
	); err != nil {
		t.Fatalf("fill %s on %s: %v", selector, location(ctx), err)
	}
}

// SetValue sets the value of a field directly: for <select>, date and other
// inputs that typing does not fill well.
func SetValue(t testing.TB, ctx context.Context, selector, value string) {
	t.Helper()
	actx, cancel := actionCtx(ctx)
	defer cancel()
	if err := chromedp.Do(actx, chromedp.SetValue(chromedp.CSS(selector), value)); err != nil {
		t.Fatalf("set value of %s on %s: %v", selector, location(ctx), err)
	}
}

// Click clicks the element matched by the CSS selector (for a checkbox, a
// radio button or a button that does not leave the page).
func Click(t testing.TB, ctx context.Context, selector string) {
	t.Helper()
	actx, cancel := actionCtx(ctx)
	defer cancel()
	if err := chromedp.Do(actx, chromedp.Click(chromedp.CSS(selector), chromedp.NodeVisible)); err != nil {
		t.Fatalf("click %s on %s: %v", selector, location(ctx), err)
	}
}

// Submit clicks the element matched by the CSS selector (a submit button or a
// link), waits for the page it leads to and returns that page's HTTP status.
func Submit(t testing.TB, ctx context.Context, selector string) int {
	t.Helper()
	from := location(ctx)
	actx, cancel := actionCtx(ctx)
	defer cancel()
	resp, err := chromedp.RunResponse(actx, chromedp.Click(chromedp.CSS(selector), chromedp.NodeVisible))
	if err != nil {
		t.Fatalf("submit via %s on %s: %v", selector, from, err)
	}
	if resp == nil {
		t.Fatalf("submit via %s on %s: no navigation", selector, from)
	}
	return int(resp.Status)
}

// Text returns the visible text of the element matched by the CSS selector.
func Text(t testing.TB, ctx context.Context, selector string) string {
	t.Helper()
	actx, cancel := actionCtx(ctx)
	defer cancel()
	s, err := chromedp.Run(actx, chromedp.Text(chromedp.CSS(selector)))
	if err != nil {
		t.Fatalf("text of %s on %s: %v", selector, location(ctx), err)
	}
	return strings.TrimSpace(s)
}

// Screenshot returns a PNG of the whole page, for a person to look at.
func Screenshot(t testing.TB, ctx context.Context) []byte {
	t.Helper()
	actx, cancel := actionCtx(ctx)
	defer cancel()
	png, err := chromedp.Run(actx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot of %s: %v", location(ctx), err)
	}
	return png
}

// location returns the tab's URL for messages, or "?".
func location(ctx context.Context) string {
	actx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	u, err := chromedp.Run(actx, chromedp.Location())
	if err != nil {
		return "?"
	}
	return u
}
