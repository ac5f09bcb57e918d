package load

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

func TestCheckLoopback(t *testing.T) {
	for _, ok := range []string{"http://127.0.0.1:8080", "http://127.0.0.1:1/x?y=z", "http://127.9.8.7:80", "http://[::1]:8080/"} {
		if err := CheckLoopback(ok); err != nil {
			t.Errorf("CheckLoopback(%q) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{
		"http://localhost:8080", "http://example.invalid/", "http://10.0.0.1:80", "http://192.0.2.1/",
		"http://0.0.0.0:80", "https://127.0.0.1:443", "http://[::2]:80", "127.0.0.1:80", "http://127.0.0.1.example.invalid/",
	} {
		if err := CheckLoopback(bad); !errors.Is(err, ErrNotLoopback) {
			t.Errorf("CheckLoopback(%q) = %v, want ErrNotLoopback", bad, err)
		}
	}
}

func TestClientDialsOnlyLoopback(t *testing.T) {
	for _, addr := range []string{"192.0.2.1:80", "example.invalid:80", "[2001:db8::1]:80"} {
		if err := checkAddr(addr); !errors.Is(err, ErrNotLoopback) {
			t.Errorf("checkAddr(%q) = %v, want ErrNotLoopback", addr, err)
		}
	}
	// The name is refused inside DialContext, before any lookup.
	_, err := client(1, time.Second).Get("http://example.invalid/")
	if !errors.Is(err, ErrNotLoopback) {
		t.Errorf("client.Get: %v, want ErrNotLoopback", err)
	}
}

func TestAttackRefusesOtherHosts(t *testing.T) {
	_, err := Attack(context.Background(), "http://example.invalid", Get("/"), Options{Duration: time.Second})
	if !errors.Is(err, ErrNotLoopback) {
		t.Fatalf("Attack: %v, want ErrNotLoopback", err)
	}
}

func TestAttackIsBoundedByCountAndSendsFreshBodies(t *testing.T) {
	var mu sync.Mutex
	bodies := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || r.Header.Get("X-Test") != "yes" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		mu.Lock()
		bodies[string(b)]++
		mu.Unlock()
		w.Write(bytes.Repeat([]byte("x"), 1000))
	}))
	defer srv.Close()

	req := Post("/statements", "application/json", StatementJSON)
	req.Header.Set("X-Test", "yes")
	res, err := Attack(context.Background(), srv.URL, req, Options{Duration: 10 * time.Second, MaxRequests: 300, Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests != 300 || res.Errors != 0 {
		t.Fatalf("requests %d errors %d (%v), want 300 and 0", res.Requests, res.Errors, res.Samples)
	}
	if len(bodies) != 300 {
		t.Errorf("%d distinct bodies, want 300", len(bodies))
	}
	if res.Throughput <= 0 || res.P50 <= 0 || res.P99 < res.P50 {
		t.Errorf("implausible result %+v", res)
	}
}

func TestAttackCountsErrorsAndStopsOnTime(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	start := time.Now()
	res, err := Attack(context.Background(), srv.URL, Get("/missing"), Options{Duration: 200 * time.Millisecond, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 10*time.Second { // generous: the machine may be busy
		t.Errorf("attack took %s, want about 200ms", took)
	}
	if res.Requests == 0 || res.Errors != res.Requests || res.Codes[404] != res.Requests {
		t.Errorf("requests %d errors %d codes %v", res.Requests, res.Errors, res.Codes)
	}
}
