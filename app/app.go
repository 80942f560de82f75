package app

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/httpx"
	"github.com/gin-gonic/gin"
)

//go:embed src
var embedded embed.FS

// FirebaseWeb is the Firebase web app configuration (public values from the
// Firebase console) plus the VAPID key for web push. The JSON names are the
// ones firebase.initializeApp expects.
type FirebaseWeb struct {
	APIKey            string `json:"apiKey"`
	ProjectID         string `json:"projectId"`
	MessagingSenderID string `json:"messagingSenderId"`
	AppID             string `json:"appId"`
	VAPIDKey          string `json:"vapidKey"`
}

// Handler serves the app's files and its config.
type Handler struct {
	files  fs.FS
	config []byte
}

// New returns the handler; fw nil means push is off.
func New(fw *FirebaseWeb) *Handler {
	sub, _ := fs.Sub(embedded, "src")
	cfg, _ := json.Marshal(map[string]any{"firebase": fw})
	return &Handler{files: sub, config: cfg}
}

// Register mounts GET /app/*path (GET /app redirects to /app/).
func (h *Handler) Register(r gin.IRouter) { r.GET("/app/*path", h.serve) }

// contentTypes are the types of the app's files by extension.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
	".json": "application/json", ".webmanifest": "application/manifest+json", ".svg": "image/svg+xml", ".png": "image/png",
}

// csp allows only the app's own files, plus the Google endpoints the
// Firebase SDK calls to get a push token.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; worker-src 'self'; manifest-src 'self'; " +
	"connect-src 'self' https://firebaseinstallations.googleapis.com https://fcmregistrations.googleapis.com; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

func (h *Handler) serve(c *gin.Context) {
	name := strings.TrimPrefix(path.Clean(c.Param("path")), "/")
	if name == "" || name == "." {
		name = "index.html"
	}
	body, err := h.file(name)
	if err != nil {
		httpx.Fail(c, apperr.E(apperr.NotFound, "no such app file"))
		return
	}
	hd := c.Writer.Header()
	hd.Set("Content-Type", contentTypes[path.Ext(name)])
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cache-Control", "no-cache") // revalidate by ETag: a new release shows at once
	hd.Set("ETag", etag(body))
	if name == "index.html" {
		hd.Set("Content-Security-Policy", csp)
		hd.Set("Referrer-Policy", "no-referrer")
	}
	if name == "sw.js" {
		hd.Set("Service-Worker-Allowed", "/app/")
	}
	http.ServeContent(c.Writer, c.Request, name, time.Time{}, bytes.NewReader(body))
}

// file reads an app file; config.json is generated, the entry source is not served.
func (h *Handler) file(name string) ([]byte, error) {
	if name == "config.json" {
		return h.config, nil
	}
	if _, ok := contentTypes[path.Ext(name)]; !ok || name == "firebase-entry.js" {
		return nil, fs.ErrNotExist
	}
	return fs.ReadFile(h.files, name)
}

func etag(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}
