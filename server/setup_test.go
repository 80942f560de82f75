package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/doseloop/doseloop/clock"
	"github.com/gin-gonic/gin"
)

// bundle is a wired app on a fresh SQLite file with a fake clock.
type bundle struct {
	app   *app
	clock *clock.Fake
	h     http.Handler
}

func setup(t *testing.T, env map[string]string) *bundle {
	t.Helper()
	gin.SetMode(gin.ReleaseMode)
	base := map[string]string{
		"DOSELOOP_DATABASE_URL":             "sqlite:" + filepath.Join(t.TempDir(), "t.db"),
		"DOSELOOP_BOOTSTRAP_ADMIN_EMAIL":    "root@example.test",
		"DOSELOOP_BOOTSTRAP_ADMIN_PASSWORD": "bootstrap-password",
		"DOSELOOP_SCHEDULER":                "off",
	}
	for k, v := range env {
		base[k] = v
	}
	cfg, errs := LoadConfig(func(k string) string { return base[k] })
	if len(errs) > 0 {
		t.Fatalf("config: %v", errs)
	}
	clk := clock.NewFake(time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC))
	a, err := newApp(context.Background(), cfg, clk, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.close)
	return &bundle{app: a, clock: clk, h: a.router()}
}

// do sends a request and returns the recorder; body may be a string or a value to encode.
func (b *bundle) do(method, path string, body any, header ...string) *httptest.ResponseRecorder {
	var r io.Reader
	switch v := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(v)
	default:
		buf, _ := json.Marshal(v)
		r = bytes.NewReader(buf)
	}
	req := httptest.NewRequest(method, path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	b.h.ServeHTTP(w, req)
	return w
}

func decode(t *testing.T, w *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, w.Body.String())
	}
	return m
}

// login signs in and returns the Authorization header pair for do.
func (b *bundle) login(t *testing.T, email, password string) []string {
	t.Helper()
	w := b.do("POST", "/v1/auth/login", map[string]string{"email": email, "password": password})
	if w.Code != 200 {
		t.Fatalf("login %s: %d %s", email, w.Code, w.Body.String())
	}
	return []string{"Authorization", "Bearer " + decode(t, w)["access_token"].(string)}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
