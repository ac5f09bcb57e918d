package baseline

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestPageIsAboutEightKB(t *testing.T) {
	p, err := NewPage()
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	p.ServeHTTP(rec, httptest.NewRequest("GET", "/?step=3&lang=lv", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	body := rec.Body.String()
	if n := len(body); n < 7<<10 || n > 9<<10 {
		t.Errorf("page is %d bytes, want about 8 KiB", n)
	}
	for _, want := range []string{"<form", "<nav", "<header", "Step 3 of 6", `value="lv" selected`, "Check my answer"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if got := rec.Header().Get("Content-Length"); got != fmt.Sprint(len(body)) {
		t.Errorf("Content-Length %q, body %d", got, len(body))
	}
}

func TestWriterGroupCommitsEveryAcknowledgedRow(t *testing.T) {
	w, err := OpenWriter(filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPage()
	if err != nil {
		t.Fatal(err)
	}
	h := &WriteHandler{Page: p, Writer: w, Now: time.Now}
	const n = 64
	var wg sync.WaitGroup
	codes := make([]int, n)
	for i := range n {
		wg.Go(func() {
			rec := httptest.NewRecorder()
			body := strings.NewReader(fmt.Sprintf(`{"n":%d}`, i))
			method := "POST"
			if i%2 == 0 {
				method = "GET"
			}
			h.ServeHTTP(rec, httptest.NewRequest(method, "/", body))
			codes[i] = rec.Code
		})
	}
	wg.Wait()
	for i, c := range codes {
		if c != http.StatusOK {
			t.Fatalf("request %d: status %d", i, c)
		}
	}
	got, err := w.Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got != n {
		t.Errorf("%d rows, want %d", got, n)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Record(context.Background(), Row{ID: "x"}); err != ErrClosed {
		t.Errorf("Record after Close: %v, want ErrClosed", err)
	}
}

func TestServeRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "10.0.0.1:0", "localhost:0"} {
		err := Serve(context.Background(), Config{Kind: KindPage, Addr: addr}, nil)
		if err == nil || !strings.Contains(err.Error(), "loopback") {
			t.Errorf("Serve(%q) = %v, want a loopback refusal", addr, err)
		}
	}
}
