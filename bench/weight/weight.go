// Package weight measures what a browser downloads for one page: the HTML and
// every resource it references (stylesheets and what they import, scripts,
// images, icons, the manifest and its icons, a registered service worker and what
// it precaches), first with an empty cache, then again as a repeat visit that
// re-fetches only what the Cache-Control headers of the first visit say it must.
//
// Every resource is fetched on a connection of its own, so the bytes read from that
// connection are exactly the response as transferred: status line, headers and body
// as sent (compressed, chunk framing included). Only loopback IP addresses are ever
// dialled, no proxy is used and redirects are not followed.
package weight

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/net/html"

	"github.com/onramp/onramp/bench/load"
)

// AcceptEncoding is what every request offers, as a current browser does.
const AcceptEncoding = "gzip, br"

// Limits that keep a measurement bounded whatever the server answers.
const (
	maxResources = 200
	maxBody      = 32 << 20
)

// Resource is one response of the first visit and what the repeat visit costs.
type Resource struct {
	Path        string // path and query on the measured origin
	Kind        string // html, stylesheet, script, image, icon, manifest, font, service worker, precache, other
	Via         string // why it was fetched, when not obvious (e.g. "implicit: the page declares no icon")
	Status      int
	ContentType string // media type without parameters
	Encoding    string // Content-Encoding as sent, "" when none
	Body        int64  // body bytes as sent (compressed when Encoding is set)
	Decoded     int64  // body bytes after decoding; -1 when the encoding could not be decoded
	Wire        int64  // bytes read from the connection: status line + headers + body as framed
	// Gzip is, for a compressible response sent uncompressed, what Wire would be
	// with the body gzipped (default level) and a Content-Encoding header; else Wire.
	Gzip         int64
	CacheControl string
	Repeat       Repeat
	Err          string // the fetch failed or the status is not 2xx/304; the bytes still count
}

// Repeat is what a browser does with a resource on the repeat visit.
type Repeat struct {
	How  string // e.g. "cached (immutable)", "fetched again (no-store)", "revalidated: 304"
	Wire int64  // bytes transferred on the repeat visit; 0 when served from the cache
	Gzip int64  // the same with gzip for a compressible uncompressed response
}

// Report is one page's first and repeat visit.
type Report struct {
	Page      string // path and query of the page
	Resources []Resource
	// Totals of bytes transferred, and the same if every compressible response that
	// was sent uncompressed had been gzipped.
	First, Repeat         int64
	FirstGzip, RepeatGzip int64
	// Uncompressed lists compressible responses sent without Content-Encoding.
	Uncompressed []string
}

// Compressed reports whether every compressible response was sent compressed.
func (r Report) Compressed() bool { return len(r.Uncompressed) == 0 }

// Options shape a measurement.
type Options struct {
	// Header is sent with every request (e.g. the session cookie), as a browser
	// sends its cookies to the same origin.
	Header  http.Header
	Timeout time.Duration // per request; 0 means 10 s
}

// PageStatusError is returned when the page itself does not answer 200.
type PageStatusError struct {
	Path   string
	Status int
}

func (e *PageStatusError) Error() string {
	return fmt.Sprintf("GET %s answered %d", e.Path, e.Status)
}

// Measure fetches path on baseURL as a browser with an empty cache would, with
// every resource the page references, then the repeat visit.
func Measure(ctx context.Context, baseURL, path string, opt Options) (Report, error) {
	if err := load.CheckLoopback(baseURL); err != nil {
		return Report{}, err
	}
	base, err := url.Parse(strings.TrimSuffix(baseURL, "/"))
	if err != nil {
		return Report{}, err
	}
	pageURL, err := base.Parse(path)
	if err != nil {
		return Report{}, err
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 10 * time.Second
	}
	m := &measurer{base: base, opt: opt, seen: map[string]bool{}}
	rep := Report{Page: pageURL.RequestURI()}

	page, body, err := m.fetch(ctx, pageURL, "html", "", nil)
	if err != nil {
		return rep, err
	}
	if page.Status != http.StatusOK {
		return rep, &PageStatusError{Path: rep.Page, Status: page.Status}
	}
	m.add(page)
	m.queue = append(m.queue, m.fromHTML(pageURL, body)...)
	for len(m.queue) > 0 && len(m.res) < maxResources {
		ref := m.queue[0]
		m.queue = m.queue[1:]
		if m.seen[ref.u.String()] {
			continue
		}
		r, b, err := m.fetch(ctx, ref.u, ref.kind, ref.via, nil)
		if err != nil {
			if ctx.Err() != nil {
				return rep, ctx.Err()
			}
			r.Err = err.Error()
		}
		m.add(r)
		m.queue = append(m.queue, m.follow(ref, r, b)...)
	}
	if err := m.repeat(ctx); err != nil {
		return rep, err
	}
	rep.Resources = m.res
	for _, r := range m.res {
		rep.First += r.Wire
		rep.FirstGzip += r.Gzip
		rep.Repeat += r.Repeat.Wire
		rep.RepeatGzip += r.Repeat.Gzip
		if r.Encoding == "" && r.Gzip != r.Wire {
			rep.Uncompressed = append(rep.Uncompressed, r.Path)
		}
	}
	return rep, nil
}

type ref struct {
	u         *url.URL
	kind, via string
}

type measurer struct {
	base  *url.URL
	opt   Options
	seen  map[string]bool
	queue []ref
	res   []Resource
	hdrs  []http.Header // response headers of res[i], for the repeat visit
	urls  []*url.URL
}

func (m *measurer) add(r fetched) {
	m.seen[r.url.String()] = true
	m.res = append(m.res, r.Resource)
	m.hdrs = append(m.hdrs, r.header)
	m.urls = append(m.urls, r.url)
}

// sameOrigin reports whether u is on the measured origin; nothing else is fetched.
func (m *measurer) sameOrigin(u *url.URL) bool {
	return u.Scheme == m.base.Scheme && u.Host == m.base.Host
}

func (m *measurer) resolve(from *url.URL, raw, kind, via string) (ref, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" || strings.HasPrefix(raw, "data:") || strings.HasPrefix(raw, "#") {
		return ref{}, false
	}
	u, err := from.Parse(raw)
	if err != nil || !m.sameOrigin(u) {
		return ref{}, false
	}
	u.Fragment = ""
	return ref{u: u, kind: kind, via: via}, true
}

// fromHTML lists the resources a browser loads for an HTML page, in document order.
func (m *measurer) fromHTML(pageURL *url.URL, body []byte) []ref {
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		return nil
	}
	from := pageURL
	var out []ref
	hasIcon := false
	add := func(raw, kind, via string) {
		if r, ok := m.resolve(from, raw, kind, via); ok {
			out = append(out, r)
		}
	}
	var inlineScripts []string
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch n.Data {
		case "base":
			if u, err := pageURL.Parse(attr(n, "href")); err == nil && attr(n, "href") != "" {
				from = u
			}
		case "link":
			rels := strings.Fields(strings.ToLower(attr(n, "rel")))
			href := attr(n, "href")
			switch {
			case slices.Contains(rels, "stylesheet") && !slices.Contains(rels, "alternate"):
				add(href, "stylesheet", "")
			case slices.Contains(rels, "icon") || slices.Contains(rels, "apple-touch-icon"):
				hasIcon = true
				add(href, "icon", "")
			case slices.Contains(rels, "manifest"):
				add(href, "manifest", "")
			case slices.Contains(rels, "preload") || slices.Contains(rels, "modulepreload"):
				kind := attr(n, "as")
				if kind == "" {
					kind = "script"
				}
				add(href, kind, "preload")
			}
		case "script":
			if src := attr(n, "src"); src != "" {
				add(src, "script", "")
			} else if n.FirstChild != nil {
				inlineScripts = append(inlineScripts, n.FirstChild.Data)
			}
		case "img", "input":
			if n.Data == "input" && strings.ToLower(attr(n, "type")) != "image" {
				continue
			}
			src := attr(n, "src")
			if src == "" {
				src = firstSrcset(attr(n, "srcset"))
			}
			via := ""
			if strings.EqualFold(attr(n, "loading"), "lazy") {
				via = "lazy (counted anyway)"
			}
			add(src, "image", via)
		case "video":
			add(attr(n, "poster"), "image", "video poster")
		case "style":
			if n.FirstChild != nil {
				out = append(out, m.fromCSS(from, []byte(n.FirstChild.Data))...)
			}
		}
		if st := attr(n, "style"); strings.Contains(st, "url(") {
			out = append(out, m.fromCSS(from, []byte(st))...)
		}
	}
	for _, js := range inlineScripts {
		out = append(out, m.fromJS(from, []byte(js))...)
	}
	if !hasIcon {
		// With no icon declared, browsers ask for /favicon.ico on their own.
		add("/favicon.ico", "icon", "implicit: the page declares no icon")
	}
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

// firstSrcset is the URL of a srcset's first candidate (a browser picks one).
func firstSrcset(s string) string {
	first, _, _ := strings.Cut(s, ",")
	f := strings.Fields(first)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

var (
	cssURL    = regexp.MustCompile(`url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]+))\s*\)`)
	cssImport = regexp.MustCompile(`@import\s+(?:url\(\s*)?(?:"([^"]*)"|'([^']*)'|([^)'"\s;]+))`)
	swReg     = regexp.MustCompile(`serviceWorker\s*\.\s*register\(\s*(?:"([^"]*)"|'([^']*)'|` + "`([^`]*)`" + `)`)
	addAll    = regexp.MustCompile(`addAll\(\s*\[([^\]]*)\]`)
	jsString  = regexp.MustCompile(`"([^"]*)"|'([^']*)'|` + "`([^`$]*)`")
)

func firstGroup(m [][]byte) string {
	for _, g := range m[1:] {
		if len(g) > 0 {
			return string(g)
		}
	}
	return ""
}

// fromCSS lists what a stylesheet loads: @import-ed sheets and every url()
// (fonts and images, counted whether or not a rule uses them).
func (m *measurer) fromCSS(from *url.URL, css []byte) []ref {
	var out []ref
	imports := map[string]bool{}
	for _, mm := range cssImport.FindAllSubmatch(css, -1) {
		if r, ok := m.resolve(from, firstGroup(mm), "stylesheet", "@import"); ok {
			imports[r.u.String()] = true
			out = append(out, r)
		}
	}
	for _, mm := range cssURL.FindAllSubmatch(css, -1) {
		raw := firstGroup(mm)
		kind := "image"
		lower := strings.ToLower(raw)
		for _, ext := range []string{".woff2", ".woff", ".ttf", ".otf"} {
			if strings.Contains(lower, ext) {
				kind = "font"
			}
		}
		if r, ok := m.resolve(from, raw, kind, "url() in a stylesheet"); ok && !imports[r.u.String()] {
			out = append(out, r)
		}
	}
	return out
}

// fromJS finds a service worker registration.
func (m *measurer) fromJS(from *url.URL, js []byte) []ref {
	var out []ref
	for _, mm := range swReg.FindAllSubmatch(js, -1) {
		// A worker's URL is resolved against the page, not the script.
		if r, ok := m.resolve(from, firstGroup(mm), "service worker", "registered by a script"); ok {
			out = append(out, r)
		}
	}
	return out
}

// fromWorker lists what a service worker precaches with cache.addAll([...]).
func (m *measurer) fromWorker(from *url.URL, js []byte) []ref {
	var out []ref
	for _, mm := range addAll.FindAllSubmatch(js, -1) {
		for _, s := range jsString.FindAllSubmatch(mm[1], -1) {
			if r, ok := m.resolve(from, firstGroup(s), "precache", "precached by the service worker"); ok {
				out = append(out, r)
			}
		}
	}
	return out
}

// follow lists what a fetched resource itself loads.
func (m *measurer) follow(r ref, f fetched, body []byte) []ref {
	if body == nil || f.Status != http.StatusOK {
		return nil
	}
	switch {
	case r.kind == "stylesheet" || f.ContentType == "text/css":
		return m.fromCSS(f.url, body)
	case r.kind == "service worker":
		// Precache URLs resolve against the worker's own URL.
		return m.fromWorker(f.url, body)
	case r.kind == "script" || r.kind == "precache" && isJS(f.ContentType):
		// A script's register("sw.js") resolves against the page (m.urls[0]).
		return m.fromJS(m.urls[0], body)
	case r.kind == "manifest" || f.ContentType == "application/manifest+json":
		var man struct {
			Icons []struct {
				Src string `json:"src"`
			} `json:"icons"`
		}
		if json.Unmarshal(body, &man) != nil {
			return nil
		}
		var out []ref
		for _, ic := range man.Icons {
			if rr, ok := m.resolve(f.url, ic.Src, "icon", "listed in the manifest"); ok {
				out = append(out, rr)
			}
		}
		return out
	}
	return nil
}

func isJS(ct string) bool {
	return ct == "text/javascript" || ct == "application/javascript"
}

// Compressible reports whether a response of this media type shrinks with gzip.
func Compressible(mediaType string) bool {
	switch {
	case strings.HasPrefix(mediaType, "text/"):
		return true
	case strings.HasSuffix(mediaType, "+json"), strings.HasSuffix(mediaType, "+xml"):
		return true
	}
	switch mediaType {
	case "application/javascript", "application/json", "application/xml", "image/x-icon",
		"image/vnd.microsoft.icon", "image/bmp", "font/ttf", "font/otf", "application/wasm":
		return true
	}
	return false
}

// repeat visits the page again: what is fresh in the cache is not fetched; what
// must be revalidated is asked for conditionally; what may not be stored is fetched
// again, and measured.
func (m *measurer) repeat(ctx context.Context) error {
	for i := range m.res {
		r := &m.res[i]
		h := m.hdrs[i]
		how, action := policy(r, h)
		switch action {
		case fromCache:
			r.Repeat = Repeat{How: how}
			continue
		case conditional:
			cond := http.Header{}
			if et := h.Get("ETag"); et != "" {
				cond.Set("If-None-Match", et)
			}
			if lm := h.Get("Last-Modified"); lm != "" {
				cond.Set("If-Modified-Since", lm)
			}
			f, _, err := m.fetch(ctx, m.urls[i], r.Kind, r.Via, cond)
			if err != nil && ctx.Err() != nil {
				return ctx.Err()
			}
			r.Repeat = Repeat{How: fmt.Sprintf("%s: %d", how, f.Status), Wire: f.Wire, Gzip: f.Gzip}
		case refetch:
			f, _, err := m.fetch(ctx, m.urls[i], r.Kind, r.Via, nil)
			if err != nil && ctx.Err() != nil {
				return ctx.Err()
			}
			r.Repeat = Repeat{How: how, Wire: f.Wire, Gzip: f.Gzip}
		}
	}
	return nil
}

type cacheAction int

const (
	fromCache cacheAction = iota
	conditional
	refetch
)

// policy decides, from the first visit's response headers, what a browser does on
// the repeat visit (RFC 9111, simplified to what onramp can send).
func policy(r *Resource, h http.Header) (string, cacheAction) {
	cc := parseCacheControl(h.Values("Cache-Control"))
	validators := h.Get("ETag") != "" || h.Get("Last-Modified") != ""
	if r.Kind == "service worker" {
		// A worker's script is checked on navigation past the HTTP cache
		// (updateViaCache "imports", the default).
		if validators {
			return "update check, revalidated", conditional
		}
		return "update check, fetched again", refetch
	}
	if r.Err != "" && r.Status == 0 {
		return "fetched again (failed before)", refetch
	}
	if _, ok := cc["no-store"]; ok {
		return "fetched again (no-store)", refetch
	}
	if _, ok := cc["no-cache"]; ok {
		if validators {
			return "revalidated (no-cache)", conditional
		}
		return "fetched again (no-cache, no validator)", refetch
	}
	if v, ok := cc["max-age"]; ok {
		age, err := strconv.ParseInt(v, 10, 64)
		switch {
		case err != nil || age <= 0:
			if validators {
				return "revalidated (max-age=0)", conditional
			}
			return "fetched again (max-age=0)", refetch
		case r.Status != http.StatusOK && !heuristicStatus(r.Status):
			return "fetched again (status not cacheable)", refetch
		}
		if _, ok := cc["immutable"]; ok {
			return "cached (immutable)", fromCache
		}
		return "cached (max-age " + humanAge(age) + ", then revalidated)", fromCache
	}
	if exp := h.Get("Expires"); exp != "" {
		t, err := http.ParseTime(exp)
		date, derr := http.ParseTime(h.Get("Date"))
		if err == nil && derr == nil && t.After(date) {
			return "cached (Expires)", fromCache
		}
		if validators {
			return "revalidated (expired)", conditional
		}
		return "fetched again (expired)", refetch
	}
	if h.Get("Last-Modified") != "" && heuristicStatus(r.Status) {
		return "cached (heuristic freshness from Last-Modified)", fromCache
	}
	if validators {
		return "revalidated (no freshness)", conditional
	}
	return "fetched again (no Cache-Control, no validator)", refetch
}

// heuristicStatus lists the statuses RFC 9110 calls heuristically cacheable.
func heuristicStatus(s int) bool {
	switch s {
	case 200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501:
		return true
	}
	return false
}

func humanAge(s int64) string {
	switch {
	case s >= 86400 && s%86400 == 0:
		return strconv.FormatInt(s/86400, 10) + " d"
	case s >= 3600 && s%3600 == 0:
		return strconv.FormatInt(s/3600, 10) + " h"
	case s >= 60 && s%60 == 0:
		return strconv.FormatInt(s/60, 10) + " min"
	}
	return strconv.FormatInt(s, 10) + " s"
}

func parseCacheControl(values []string) map[string]string {
	out := map[string]string{}
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			k, val, _ := strings.Cut(strings.TrimSpace(part), "=")
			k = strings.ToLower(strings.TrimSpace(k))
			if k == "" {
				continue
			}
			if _, dup := out[k]; !dup {
				out[k] = strings.Trim(strings.TrimSpace(val), `"`)
			}
		}
	}
	return out
}

// fetched is a Resource with what the measurer keeps of the response.
type fetched struct {
	Resource
	url    *url.URL
	header http.Header
}

type counterKey struct{}

// countingConn counts the bytes read from a connection.
type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// client makes a client with a transport of its own, so that each response comes
// on a fresh connection whose byte count is that response alone. Keep-alive stays
// on, as in a browser (no "Connection: close" in the counted headers); the caller
// closes the idle connection afterwards.
func (m *measurer) client() (*http.Client, *http.Transport) {
	d := &net.Dialer{Timeout: 5 * time.Second}
	tr := &http.Transport{
		Proxy:              nil,
		DisableCompression: true, // Accept-Encoding is ours; bodies are counted as sent
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if err := load.CheckLoopback("http://" + addr); err != nil {
				return nil, err
			}
			c, err := d.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			n, _ := ctx.Value(counterKey{}).(*atomic.Int64)
			if n == nil {
				return c, nil
			}
			return countingConn{Conn: c, n: n}, nil
		},
	}
	return &http.Client{
		Timeout:       m.opt.Timeout,
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}, tr
}

func acceptFor(kind string) string {
	switch kind {
	case "html":
		return "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	case "stylesheet":
		return "text/css,*/*;q=0.1"
	case "image", "icon":
		return "image/avif,image/webp,image/svg+xml,image/*,*/*;q=0.8"
	}
	return "*/*"
}

// fetch GETs u on a fresh connection and measures the response. The body returned
// is decoded (nil when it could not be); extra headers are added to the request.
func (m *measurer) fetch(ctx context.Context, u *url.URL, kind, via string, extra http.Header) (fetched, []byte, error) {
	f := fetched{Resource: Resource{Path: u.RequestURI(), Kind: kind, Via: via}, url: u}
	if !m.sameOrigin(u) {
		return f, nil, fmt.Errorf("weight: %s is not on the measured origin", u)
	}
	b, resp, wire, err := m.get(ctx, u, kind, AcceptEncoding, extra)
	if err != nil {
		f.Err = err.Error()
		f.Wire, f.Gzip = wire, wire
		return f, nil, err
	}
	f.Status = resp.StatusCode
	f.header = resp.Header
	f.ContentType, _, _ = mime.ParseMediaType(resp.Header.Get("Content-Type"))
	f.Encoding = strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding")))
	if f.Encoding == "identity" {
		f.Encoding = ""
	}
	f.CacheControl = strings.Join(resp.Header.Values("Cache-Control"), ", ")
	f.Body = int64(len(b))
	f.Wire = wire
	f.Gzip = wire
	if f.Status >= 400 || f.Status < 200 {
		f.Err = fmt.Sprintf("status %d", f.Status)
	}
	decoded, derr := decode(f.Encoding, b)
	if derr != nil {
		// An encoding we cannot read (br): fetch the same again uncompressed, only
		// to read it; that second fetch is not counted.
		f.Decoded = -1
		decoded = nil
		if plain, _, _, err := m.get(ctx, u, kind, "identity", extra); err == nil {
			decoded = plain
			f.Decoded = int64(len(plain))
		}
	} else {
		f.Decoded = int64(len(decoded))
	}
	if f.Encoding == "" && len(b) > 0 && Compressible(f.ContentType) {
		// What the same response would weigh gzipped: the body replaced, one header
		// more. A server would not compress a body that does not shrink.
		if gz := wire - int64(len(b)) + gzipSize(b) + int64(len("Content-Encoding: gzip\r\n")); gz < wire {
			f.Gzip = gz
		}
	}
	return f, decoded, nil
}

func (m *measurer) get(ctx context.Context, u *url.URL, kind, encoding string, extra http.Header) ([]byte, *http.Response, int64, error) {
	var n atomic.Int64
	cctx := context.WithValue(ctx, counterKey{}, &n)
	req, err := http.NewRequestWithContext(cctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, 0, err
	}
	for k, vs := range m.opt.Header {
		req.Header[k] = slices.Clone(vs)
	}
	for k, vs := range extra {
		req.Header[k] = slices.Clone(vs)
	}
	req.Header.Set("Accept", acceptFor(kind))
	req.Header.Set("Accept-Encoding", encoding)
	c, tr := m.client()
	defer tr.CloseIdleConnections()
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, n.Load(), err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, nil, n.Load(), err
	}
	return b, resp, n.Load(), nil
}

// decode undoes a Content-Encoding; br is not read here.
func decode(enc string, b []byte) ([]byte, error) {
	switch enc {
	case "":
		return b, nil
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		return io.ReadAll(io.LimitReader(zr, maxBody))
	case "deflate":
		return io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(b)), maxBody))
	}
	return nil, errors.New("weight: cannot decode " + enc)
}

// gzipSize is the size of b gzipped at the default level.
func gzipSize(b []byte) int64 {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return int64(buf.Len())
}
