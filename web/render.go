package web

import (
	"bytes"
	"embed"
	"html/template"
	"log/slog"
	"net/http"
	"strings"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/gin-gonic/gin"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static/app.css
var appCSS []byte

type pageTemplate = template.Template

// webPrincipalKey holds the principal for rendering, set once auth.Required
// has run (pages rendered before it, like sign-in, have none).
const webPrincipalKey = "web.principal"

// page is what every template gets.
type page struct {
	Title string
	CSRF  string
	Role  string // the signed-in user's role; "" on the sign-in page
	Nav   string
	// Attention counts open escalations for the navigation's badge.
	Attention int64
	Data      any
}

var pageNames = []string{"login", "error", "attention", "list", "patient", "regimens", "admin", "password", "mfa",
	"admin_users", "admin_dispensers", "admin_audit", "admin_patients", "admin_medications"}

func mustParse() map[string]*pageTemplate {
	out := map[string]*pageTemplate{}
	for _, name := range pageNames {
		t := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/forms.html", "templates/"+name+".html"))
		out[name] = t
	}
	return out
}

// render executes a page into a buffer first, so a template error becomes a
// clean 500 instead of half a page.
func (h *Handler) render(c *gin.Context, status int, name string, p page) {
	if v, ok := c.Get(webPrincipalKey); ok && p.Role == "" {
		pr := v.(auth.Principal)
		p.Role, p.CSRF = pr.Role, h.csrfToken(pr.SessionID)
		p.Attention, _ = openAlertCount(c.Request.Context(), h.DB, pr) // a badge is not worth failing the page
	}
	var buf bytes.Buffer
	if err := h.pages[name].Execute(&buf, p); err != nil {
		slog.Error("render page", "page", name, "request_id", httpx.RequestID(c), "err", err)
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("internal error"))
		c.Abort()
		return
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

func (h *Handler) errorPage(c *gin.Context, status int, msg string) {
	h.render(c, status, "error", page{Title: http.StatusText(status), Data: msg})
	c.Abort()
}

// fail renders a domain error as an HTML page with the status its code maps to.
func (h *Handler) fail(c *gin.Context, err error) {
	code := apperr.CodeOf(err)
	msg := "Something went wrong on our side; it has been logged."
	if code == apperr.Internal {
		slog.Error("dashboard", "request_id", httpx.RequestID(c), "route", c.FullPath(), "err", err)
	} else {
		msg = strings.TrimPrefix(err.Error(), string(code)+": ")
	}
	h.errorPage(c, httpx.Status(code), msg)
}

func serveCSS(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=3600")
	c.Data(http.StatusOK, "text/css; charset=utf-8", appCSS)
}
