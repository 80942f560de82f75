package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/doseloop/doseloop/apidoc/apidoctest"
	"github.com/doseloop/doseloop/seed"
)

// notExercised lists documented operations the contract test does not call
// with a valid request, each with the reason. Keep it short: an entry here is
// an operation whose responses nothing checks against the document.
var notExercised = map[string]string{}

// contract drives a seeded server through a handler that validates every
// response against openapi.json and records which operations answered a
// valid request (status below 400).
type contract struct {
	t    *testing.T
	b    *bundle // b.h is the validating handler
	v    *apidoctest.Validator
	mu   sync.Mutex
	seen map[string]bool
	errs []string
}

func newContract(t *testing.T) *contract {
	t.Helper()
	b := setup(t, nil)
	ctx := context.Background()
	if _, err := seed.Seed(ctx, b.app.db, b.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := seed.History(ctx, b.app.db, b.clock.Now()); err != nil {
		t.Fatal(err)
	}
	v, err := apidoctest.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	c := &contract{t: t, v: v, seen: map[string]bool{}}
	c.b = &bundle{app: b.app, clock: b.clock, h: c.validating(b.h)}
	return c
}

// validating serves through h, checks the response against the document
// and passes it on unchanged.
func (c *contract) validating(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if r.Method == http.MethodHead {
			body = nil // a real server sends none
		}
		c.check(r, rec.Code, rec.Header(), body)
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.WriteHeader(rec.Code)
		w.Write(body)
	})
}

func (c *contract) check(r *http.Request, status int, h http.Header, body []byte) {
	op, err := c.v.Operation(r)
	if err == nil {
		err = c.v.ValidateResponse(r, status, h, body)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		c.errs = append(c.errs, err.Error()+"\n    body: "+trimBody(body))
	} else if status < 400 {
		c.seen[op] = true
	}
}

func trimBody(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// finish fails the test for every off-document response and every
// documented operation nothing exercised (and not allow-listed).
func (c *contract) finish() {
	c.t.Helper()
	for _, e := range c.errs {
		c.t.Errorf("response does not match openapi.json: %s", e)
	}
	ops, err := apidoctest.Operations()
	if err != nil {
		c.t.Fatal(err)
	}
	var missing []string
	for _, op := range ops {
		if !c.seen[op] && notExercised[op] == "" {
			missing = append(missing, op)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		c.t.Errorf("%d documented operations were not exercised with a valid request:\n  %s", len(missing), strings.Join(missing, "\n  "))
	}
	c.t.Logf("%d of %d documented operations exercised and validated", len(c.seen), len(ops))
}
