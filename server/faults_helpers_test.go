package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// answer is what a client saw for one request.
type answer struct {
	Method, Path, ContentType, RetryAfter, Code string
	Status                                      int
}

// recorder is an http.RoundTripper that keeps every answer, so a fault test
// can check that each one was a success or a proper 503.
type recorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	seen []answer
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	a := answer{Method: req.Method, Path: req.URL.Path, Status: resp.StatusCode,
		ContentType: resp.Header.Get("Content-Type"), RetryAfter: resp.Header.Get("Retry-After")}
	if resp.StatusCode >= 400 {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var p struct{ Code string }
		json.Unmarshal(body, &p)
		a.Code = p.Code
		resp.Body = io.NopCloser(strings.NewReader(string(body)))
	}
	r.mu.Lock()
	r.seen = append(r.seen, a)
	r.mu.Unlock()
	return resp, nil
}

// check fails t for any answer that is neither 2xx nor a 503 problem with
// Retry-After, and returns how many 503s there were.
func (r *recorder) check(t *testing.T) (ok, unavailable int) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, a := range r.seen {
		switch {
		case a.Path == "/readyz": // checked by the test itself (JSON, not a problem)
		case a.Status < 300:
			ok++
		case a.Status == http.StatusServiceUnavailable && a.ContentType == "application/problem+json" &&
			a.RetryAfter != "" && a.Code == "unavailable":
			unavailable++
		default:
			t.Errorf("%s %s answered %d %s (code %q, Retry-After %q): want success or 503 problem+json with Retry-After",
				a.Method, a.Path, a.Status, a.ContentType, a.Code, a.RetryAfter)
		}
	}
	return ok, unavailable
}
