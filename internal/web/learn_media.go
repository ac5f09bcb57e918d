package web

import (
	"bufio"
	"encoding/xml"
	"errors"
	"image"
	_ "image/jpeg" // image.DecodeConfig reads the size of JPEG pictures
	_ "image/png"  // and of PNG pictures
	"io"
	"io/fs"
	"math"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/onramp/onramp/internal/course"
	"github.com/onramp/onramp/internal/errs"
)

// svgPolicy is the Content-Security-Policy of an SVG opened on its own: it
// may style itself, and nothing else — no script, no loads, no forms.
const svgPolicy = "default-src 'none'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'"

// mediaTypes are the Content-Types of the files a course may have in media/.
func mediaTypes() map[string]string {
	return map[string]string{
		".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
		".webp": "image/webp", ".mp4": "video/mp4", ".webm": "video/webm",
	}
}

// media serves a picture or video of a course, cached for a day: lesson pages
// on a slow phone load them once.
func (l *learn) media(w http.ResponseWriter, r *http.Request) {
	lib := l.deps.Courses
	var c *course.Course
	if lib != nil {
		c = lib.Course(r.PathValue("slug"))
	}
	name := r.PathValue("file")
	ctype, known := mediaTypes()[strings.ToLower(path.Ext(name))]
	if c == nil || !known {
		l.notFound(w, r)
		return
	}
	f, err := c.OpenMedia(name)
	if err != nil {
		if errs.Is(err, errs.NotFound) || errors.Is(err, fs.ErrNotExist) {
			l.notFound(w, r)
			return
		}
		l.fail(w, r, err)
		return
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Cache-Control", "public, max-age=86400")
	if ctype == "image/svg+xml" {
		h.Set("Content-Security-Policy", svgPolicy)
	}
	var mod time.Time
	if st, err := f.Stat(); err == nil {
		mod = st.ModTime()
	}
	if rs, ok := f.(io.ReadSeeker); ok {
		http.ServeContent(w, r, name, mod, rs) // ranges, for video
		return
	}
	_, _ = io.Copy(w, f)
}

// imageSize is a picture's size in CSS pixels; zero when not known.
type imageSize struct{ W, H int }

// sizeOf returns the size of a course picture, reading it once per file.
func (l *learn) sizeOf(c *course.Course, name string) imageSize {
	key := c.Slug + "/" + name
	if v, ok := l.sizes.Load(key); ok {
		return v.(imageSize)
	}
	sz := readSize(c, name)
	l.sizes.Store(key, sz)
	return sz
}

func readSize(c *course.Course, name string) imageSize {
	f, err := c.OpenMedia(name)
	if err != nil {
		return imageSize{}
	}
	defer f.Close()
	if strings.EqualFold(path.Ext(name), ".svg") {
		return svgSize(io.LimitReader(f, 64<<10))
	}
	cfg, _, err := image.DecodeConfig(bufio.NewReader(f))
	if err != nil {
		return imageSize{}
	}
	return imageSize{W: cfg.Width, H: cfg.Height}
}

// svgSize reads the root element's width and height, or its viewBox.
func svgSize(r io.Reader) imageSize {
	dec := xml.NewDecoder(r)
	dec.Strict = false
	for {
		tok, err := dec.Token()
		if err != nil {
			return imageSize{}
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if el.Name.Local != "svg" {
			return imageSize{}
		}
		var w, h, vb string
		for _, a := range el.Attr {
			switch a.Name.Local {
			case "width":
				w = a.Value
			case "height":
				h = a.Value
			case "viewBox":
				vb = a.Value
			}
		}
		if sw, sh := svgLength(w), svgLength(h); sw > 0 && sh > 0 {
			return imageSize{W: sw, H: sh}
		}
		f := strings.FieldsFunc(vb, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' || r == '\n' })
		if len(f) == 4 {
			if vw, vh := svgLength(f[2]), svgLength(f[3]); vw > 0 && vh > 0 {
				return imageSize{W: vw, H: vh}
			}
		}
		return imageSize{}
	}
}

// svgLength reads a length in user units or px; percentages and other units give 0.
func svgLength(s string) int {
	s = strings.TrimSuffix(strings.TrimSpace(s), "px")
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v <= 0 || v > 10000 || math.IsNaN(v) {
		return 0
	}
	return int(math.Round(v))
}
