package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"net/http"
	"time"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

// Handler serves the dashboard.
type Handler struct {
	DB            *gorm.DB
	Clock         clock.Clock
	Auth          *auth.Service
	SecureCookies bool // true forces Secure cookies; false lets them follow the request's scheme
	PasswordCost  int  // bcrypt cost for passwords the admin pages set; 0: the default
	csrfKey       []byte
	pages         map[string]*pageTemplate
}

// New returns a dashboard handler. The CSRF key is derived from the auth
// token secret, so every replica agrees on it without more configuration.
func New(db *gorm.DB, clk clock.Clock, a *auth.Service, secureCookies bool) *Handler {
	mac := hmac.New(sha256.New, a.Secret)
	mac.Write([]byte("doseloop-dashboard-csrf"))
	return &Handler{DB: db, Clock: clk, Auth: a, SecureCookies: secureCookies, csrfKey: mac.Sum(nil), pages: mustParse()}
}

// Register mounts the dashboard under /web.
func (h *Handler) Register(r gin.IRouter) {
	g := r.Group("/web", securityHeaders)
	g.GET("/static/app.css", serveCSS)
	g.GET("/login", h.loginPage)
	g.POST("/login", h.login)
	s := g.Group("", h.gate, h.Auth.Page(), h.csrfCheck)
	s.POST("/logout", h.logout)
	s.GET("/password", h.passwordPage)
	s.POST("/password", h.changePassword)
	s.GET("/mfa", h.mfaPage)
	s.POST("/mfa", h.startMFA)
	s.POST("/mfa/enable", h.enableMFA)
	s.GET("", func(c *gin.Context) { c.Redirect(http.StatusSeeOther, "/web/attention") })
	s.GET("/attention", h.attentionPage)
	s.POST("/alerts/:aid/ack", h.ackAlert)
	s.GET("/patients", h.listPage)
	s.GET("/patients/:id", h.patientPage)
	s.GET("/patients/:id/report.pdf", h.reportPDF)
	s.GET("/patients/:id/regimens", h.regimensPage)
	s.POST("/patients/:id/regimens", h.createRegimen)
	s.POST("/patients/:id/regimens/:rid", h.changeRegimen)
	s.POST("/patients/:id/regimens/:rid/stop", h.stopRegimen)
	s.GET("/patients/:id/regimens/:rid/edit", h.editPage)
	s.GET("/patients/:id/regimens/:rid/stop", h.stopPage)
	a := s.Group("/admin", h.adminOnly)
	a.GET("/users", h.adminUsers)
	a.POST("/users", h.createUser)
	a.POST("/users/:uid/:action", h.userAction)
	a.POST("/mfa", h.requireMFA)
	a.GET("/patients", h.adminPatients)
	a.POST("/patients", h.addPatient)
	a.POST("/patients/:pid/:action", h.patientAction)
	a.GET("/medications", h.adminMedications)
	a.POST("/medications", h.addMedication)
	a.GET("/care-teams", h.adminCareTeams)
	a.GET("/dispensers", h.adminDispensers)
	a.POST("/dispensers", h.provision)
	a.POST("/dispensers/:serial/:action", h.dispenserAction)
	a.GET("/audit", h.adminAudit)
}

// csp allows only this origin's stylesheet; charts are inline SVG with
// presentation attributes, so no inline style or script is needed.
const csp = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; " +
	"frame-ancestors 'none'; base-uri 'none'"

func securityHeaders(c *gin.Context) {
	hd := c.Writer.Header()
	hd.Set("Content-Security-Policy", csp)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Referrer-Policy", "same-origin")
	hd.Set("Cache-Control", "private, no-store")
	c.Next()
}

func (h *Handler) adminOnly(c *gin.Context) {
	if auth.PrincipalOf(c).Role != store.RoleAdmin {
		h.errorPage(c, http.StatusForbidden, "These pages are for clinic admins.")
		return
	}
	c.Next()
}

func (h *Handler) now() time.Time { return h.Clock.Now() }
