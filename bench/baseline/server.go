package baseline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/google/uuid"
)

// Kinds of baseline server.
const (
	KindPage  = "page"  // the bare page
	KindWrite = "write" // the bare page after one group-committed SQLite row
)

// WriteHandler records one row per request through w, then renders the page.
// A POST records its body (up to 4 KiB) as the payload; any other method records a
// payload made from the request. The answer is sent only after the row is committed.
type WriteHandler struct {
	Page   *Page
	Writer *Writer
	Now    func() time.Time
}

func (h *WriteHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, err := uuid.NewV7()
	if err != nil {
		http.Error(w, "id failed", http.StatusInternalServerError)
		return
	}
	now := h.Now().UTC()
	var payload string
	if r.Method == http.MethodPost {
		b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 4<<10))
		if err != nil {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		payload = string(b)
	} else {
		payload = fmt.Sprintf(`{"verb":"viewed","object":%q,"agent":%q,"lang":%q,"at":%q}`,
			r.URL.Path, r.UserAgent(), r.URL.Query().Get("lang"), now.Format(time.RFC3339Nano))
	}
	row := Row{ID: id.String(), Payload: payload, CreatedAt: now.Format(time.RFC3339Nano)}
	if err := h.Writer.Record(r.Context(), row); err != nil {
		http.Error(w, "write failed", http.StatusServiceUnavailable)
		return
	}
	h.Page.ServeHTTP(w, r)
}

// Config says which baseline server to run and where.
type Config struct {
	Kind string // KindPage or KindWrite
	Addr string // loopback host:port; port 0 picks a free one
	Dir  string // directory for the SQLite file (KindWrite)
}

// Serve runs the baseline server until ctx is done, then shuts it down gracefully.
// Once listening it writes the address (host:port) as one line to ready.
func Serve(ctx context.Context, cfg Config, ready io.Writer) error {
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("baseline: refusing to listen on %q: only loopback IP addresses", cfg.Addr)
	}
	page, err := NewPage()
	if err != nil {
		return err
	}
	var handler http.Handler = page
	var writer *Writer
	switch cfg.Kind {
	case KindPage:
	case KindWrite:
		if cfg.Dir == "" {
			return errors.New("baseline: the write server needs a directory")
		}
		writer, err = OpenWriter(filepath.Join(cfg.Dir, "baseline.db"))
		if err != nil {
			return err
		}
		defer writer.Close()
		handler = &WriteHandler{Page: page, Writer: writer, Now: time.Now}
	default:
		return fmt.Errorf("baseline: unknown kind %q (want %s or %s)", cfg.Kind, KindPage, KindWrite)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if _, err := fmt.Fprintln(ready, ln.Addr().String()); err != nil {
		srv.Close()
		return err
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}
