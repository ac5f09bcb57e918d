package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/onramp/onramp/internal/course"
	"github.com/onramp/onramp/internal/errs"
	"github.com/onramp/onramp/internal/progress"
)

// Offline lessons. A small service worker (static/sw.js, served at /sw.js so
// its scope is the whole site) keeps the pages, pictures and static files of
// the courses a learner opens; learn.js and app.js queue what is done offline
// and send it when the connection is back. Everything here only enhances:
// without JavaScript the pages work exactly as before.
//
//	GET /sw.js                     the service worker; its cache names carry a
//	                               version that changes with every static file
//	GET /courses/{slug}/offline    what to keep of a course: {"version", "urls"}

// offlineRoutes are the two routes of offline use.
func (s *Server) offlineRoutes() []Route {
	o := &offline{Server: s}
	o.script, o.version = serviceWorkerScript(s.views.assets, s.deps.Version)
	return []Route{
		{"GET /sw.js", http.HandlerFunc(o.serviceWorker), Public},
		{"GET /courses/{slug}/offline", http.HandlerFunc(o.courseList), Public},
	}
}

type offline struct {
	*Server
	script  []byte   // sw.js with its version filled in
	version string   // of the static files and the build
	lists   sync.Map // offlineKey -> offlineList without the person's part
}

// swVersionMark is replaced in sw.js by the version of the static files.
const swVersionMark = "__ONRAMP_SW_VERSION__"

// serviceWorkerScript reads sw.js and fills in a version made of every static
// file's hash and the build: a new deployment changes the script, the browser
// installs it, and its activation drops the caches of the old one (pages that
// point at old static files included).
func serviceWorkerScript(assets map[string]string, build string) ([]byte, string) {
	names := make([]string, 0, len(assets))
	for name := range assets {
		names = append(names, name)
	}
	slices.Sort(names)
	h := sha256.New()
	h.Write([]byte(build + "\n"))
	for _, name := range names {
		h.Write([]byte(assets[name] + "\n"))
	}
	version := hex.EncodeToString(h.Sum(nil)[:6])
	b, err := fs.ReadFile(staticFS, "static/sw.js")
	if err != nil {
		return nil, version
	}
	return bytes.ReplaceAll(b, []byte(swVersionMark), []byte(version)), version
}

// serviceWorker serves sw.js. no-cache makes the browser ask every time it
// checks for an update (a 304 while nothing changed); Service-Worker-Allowed
// lets its scope be the whole site.
func (o *offline) serviceWorker(w http.ResponseWriter, r *http.Request) {
	if o.script == nil {
		o.notFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("Service-Worker-Allowed", "/")
	h.Set("ETag", `"`+o.version+`"`)
	http.ServeContent(w, r, "sw.js", time.Time{}, bytes.NewReader(o.script))
}

// offlineList is what the service worker keeps of a course: the course page,
// every step of every lesson as the player addresses it, the lessons' done
// pages and the course's pictures. Videos are left out: they are large, come
// in ranges, and a phone on a small data plan should not fetch them unasked.
// Version changes whenever any of those pages would: the content in the
// language and country, the static files, the display settings and the person.
type offlineList struct {
	Version string   `json:"version"`
	URLs    []string `json:"urls"`
}

type offlineKey struct{ slug, lang, country string }

// courseList answers GET /courses/{slug}/offline. It only reads.
func (o *offline) courseList(w http.ResponseWriter, r *http.Request) {
	lib := o.deps.Courses
	var c *course.Course
	if lib != nil {
		c = lib.Course(r.PathValue("slug"))
	}
	if c == nil {
		o.apiError(w, r, http.StatusNotFound, errs.E(errs.NotFound, "learn.error.no_course", nil))
		return
	}
	p := who(r)
	lang := langOf(r)
	country := o.country(r.Context(), p)
	key := offlineKey{c.Slug, lang, country.Code}
	v, ok := o.lists.Load(key)
	if !ok {
		v, _ = o.lists.LoadOrStore(key, o.buildList(c, lang, country))
	}
	list := v.(offlineList)
	h := sha256.New()
	h.Write([]byte(list.Version + "\n" + o.version + "\n" + displayOf(r).cookieValue() + "\n"))
	if p != nil {
		h.Write([]byte(p.User.ID))
	}
	list.Version = hex.EncodeToString(h.Sum(nil)[:8])
	writeJSON(w, http.StatusOK, list)
}

// buildList lists a course's offline addresses, with a hash of their content.
// The library never changes after loading, so the list is made once per
// course, language and country.
func (o *offline) buildList(c *course.Course, lang string, country *course.Country) offlineList {
	h := sha256.New()
	enc := json.NewEncoder(h)
	courseURL := "/courses/" + c.Slug
	list := offlineList{URLs: []string{courseURL}}
	_ = enc.Encode([]string{c.Title(lang), c.Summary(lang), c.Intro(lang, country.Code)})
	for _, ref := range c.Lessons {
		ls := o.deps.Courses.Lesson(c.Slug, ref.Slug, lang)
		if ls == nil {
			continue
		}
		ls = ls.In(country.Code)
		for n := 1; n <= len(ls.Steps); n++ {
			list.URLs = append(list.URLs, lessonURL(c.Slug, ls.Slug, n))
		}
		list.URLs = append(list.URLs, lessonURL(c.Slug, ls.Slug, 1)+"/done")
		_ = enc.Encode(ls.Title)
		_ = enc.Encode(ls.Steps)
	}
	types := mediaTypes()
	for _, name := range c.Media() {
		ctype := types[strings.ToLower(path.Ext(name))]
		if !strings.HasPrefix(ctype, "image/") {
			continue
		}
		list.URLs = append(list.URLs, courseURL+"/media/"+url.PathEscape(name))
		size := int64(-1)
		if f, err := c.OpenMedia(name); err == nil {
			if st, err := f.Stat(); err == nil {
				size = st.Size()
			}
			f.Close()
		}
		_ = enc.Encode([]any{name, size})
	}
	list.Version = hex.EncodeToString(h.Sum(nil)[:8])
	return list
}

// useClientID lets an answer form carry its own statement id (the hidden sid
// field, a UUID made in the browser), so a form sent twice — a retry from the
// offline queue, a reload that posts again — is recorded once. A UUIDv7 also
// carries the time it was made, which becomes the statement's time: the time
// of the answer, not of its sending, and the same on every retry, so a retry
// is a duplicate of the first. It reports whether the form's id was used.
func useClientID(st *progress.Statement, f *form, now time.Time) bool {
	sid := f.Get("sid")
	if !progress.IsID(sid) {
		return false
	}
	st.ID = sid
	if sid[14] == '7' {
		if t, ok := uuidTime(sid); ok && t.Year() >= 2020 && !t.After(now) {
			st.Timestamp = t
		}
	}
	st.Context.Offline = f.Get("offline") == "1"
	return true
}

// uuidTime reads the milliseconds since 1970 in the first 48 bits of a UUIDv7.
func uuidTime(s string) (time.Time, bool) {
	b, err := hex.DecodeString(s[:8] + s[9:13])
	if err != nil {
		return time.Time{}, false
	}
	var ms int64
	for _, x := range b {
		ms = ms<<8 | int64(x)
	}
	return time.UnixMilli(ms).UTC(), true
}
