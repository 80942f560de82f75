package app_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/doseloop/doseloop/app"
	"github.com/doseloop/doseloop/httpx"
	"github.com/gin-gonic/gin"
)

func serve(t *testing.T, fw *app.FirebaseWeb, path string) *httptest.ResponseRecorder {
	t.Helper()
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(httpx.Errors())
	app.New(fw).Register(r)
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	return w
}

// The shell, the worker and the manifest are served with the types and
// headers a browser needs to install the app; nothing outside src is.
func TestServesTheApp(t *testing.T) {
	t.Parallel()
	cases := []struct{ path, ctype, header, value string }{
		{"/app/", "text/html; charset=utf-8", "Content-Security-Policy", "script-src 'self'"},
		{"/app/sw.js", "text/javascript; charset=utf-8", "Service-Worker-Allowed", "/app/"},
		{"/app/manifest.webmanifest", "application/manifest+json", "Cache-Control", "no-cache"},
		{"/app/vendor/firebase.js", "text/javascript; charset=utf-8", "X-Content-Type-Options", "nosniff"},
		{"/app/icon-192.png", "image/png", "Cache-Control", "no-cache"},
	}
	for _, c := range cases {
		w := serve(t, nil, c.path)
		if w.Code != 200 || w.Header().Get("Content-Type") != c.ctype || !strings.Contains(w.Header().Get(c.header), c.value) {
			t.Errorf("%s: %d %q %s=%q", c.path, w.Code, w.Header().Get("Content-Type"), c.header, w.Header().Get(c.header))
		}
	}
	for _, p := range []string{"/app/../go.mod", "/app/app.go", "/app/firebase-entry.js", "/app/nope.js", "/app/%2e%2e/doc.go"} {
		if w := serve(t, nil, p); w.Code != 404 || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/problem+json") {
			t.Errorf("%s: %d %s", p, w.Code, w.Header().Get("Content-Type"))
		}
	}
}

// Without a Firebase web config the app is told push is off; with one it
// gets the values firebase.initializeApp and getToken need.
func TestConfigJSON(t *testing.T) {
	t.Parallel()
	var off map[string]any
	json.Unmarshal(serve(t, nil, "/app/config.json").Body.Bytes(), &off)
	if v, ok := off["firebase"]; !ok || v != nil {
		t.Fatalf("no config: %v", off)
	}
	fw := &app.FirebaseWeb{APIKey: "k", ProjectID: "p", MessagingSenderID: "1", AppID: "a", VAPIDKey: "v"}
	body := serve(t, fw, "/app/config.json").Body.String()
	for _, want := range []string{`"apiKey":"k"`, `"projectId":"p"`, `"messagingSenderId":"1"`, `"appId":"a"`, `"vapidKey":"v"`} {
		if !strings.Contains(body, want) {
			t.Errorf("config %s lacks %s", body, want)
		}
	}
}

// Whatever path a client sends, the handler answers 200 only with a file
// of src (never Go source, the npm entry or anything above src) or 404.
func FuzzServePath(f *testing.F) {
	for _, s := range []string{"/", "/sw.js", "/../go.mod", "/%2e%2e/app.go", "/vendor/../../doc.go", "//etc/passwd", "/config.json", "/a\x00b"} {
		f.Add(s)
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(httpx.Errors())
	app.New(nil).Register(r)
	f.Fuzz(func(t *testing.T, p string) {
		req, err := http.NewRequest(http.MethodGet, "http://x/app"+p, nil)
		if err != nil {
			return
		}
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		body := w.Body.String()
		if w.Code == 200 && (strings.Contains(body, "package app") || strings.Contains(body, "from 'firebase/app'")) {
			t.Fatalf("%q served source: %.80s", p, body)
		}
	})
}
