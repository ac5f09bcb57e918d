package bench

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/onramp/onramp/bench/baseline"
	"github.com/onramp/onramp/bench/load"
)

const pagePath = "/courses/safe-banking/lessons/spot-a-fake-message?step=2"

// keepAliveClient keeps enough idle connections for every parallel goroutine.
func keepAliveClient(conns int) *http.Client {
	return &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{Proxy: nil, MaxIdleConns: conns, MaxIdleConnsPerHost: conns, DisableCompression: true},
	}
}

func do(b *testing.B, c *http.Client, req *http.Request) int64 {
	resp, err := c.Do(req)
	if err != nil {
		b.Error(err)
		return 0
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Errorf("status %d, %v", resp.StatusCode, err)
	}
	return n
}

// BenchmarkBarePageRender renders the bare page without HTTP: the template's own cost.
func BenchmarkBarePageRender(b *testing.B) {
	p, err := baseline.NewPage()
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, pagePath, nil)
	b.ReportAllocs()
	for b.Loop() {
		p.ServeHTTP(httptest.NewRecorder(), r)
	}
}

// BenchmarkBarePage is the bare page over HTTP on 127.0.0.1, client and server in
// this one process (the load driver in cmd/onrampbench keeps them apart).
func BenchmarkBarePage(b *testing.B) {
	p, err := baseline.NewPage()
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(p)
	defer srv.Close()
	b.SetParallelism(4)
	c := keepAliveClient(64)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodGet, srv.URL+pagePath, nil)
			do(b, c, req)
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkBatchedWrite is the bare page after one group-committed SQLite row per
// request, over HTTP; many requests in flight let the writer batch them.
func BenchmarkBatchedWrite(b *testing.B) {
	p, err := baseline.NewPage()
	if err != nil {
		b.Fatal(err)
	}
	w, err := baseline.OpenWriter(filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	srv := httptest.NewServer(&baseline.WriteHandler{Page: p, Writer: w, Now: time.Now})
	defer srv.Close()
	b.SetParallelism(8)
	c := keepAliveClient(64)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodPost, srv.URL+pagePath, bytes.NewReader(load.StatementJSON()))
			req.Header.Set("Content-Type", "application/json")
			do(b, c, req)
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}
