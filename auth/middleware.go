package auth

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/httpx"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

// CookieName is the browser session cookie holding an access token (the
// dashboard sets it HttpOnly, SameSite=Strict, Secure over https).
const CookieName = "doseloop_access"

var errCookieRefused = apperr.E(apperr.Unauthorized,
	"the API takes an access token in Authorization: Bearer; the dashboard cookie only works for same-origin downloads (GET)").
	WithReason("missing_token")

// Required authenticates an API request and stores the Principal for
// PrincipalOf. Cookies are for pages and tokens for the API: the request
// must carry Authorization: Bearer, except a same-origin GET or HEAD (the
// dashboard's download links), which may use the session cookie. A
// cross-site request, or any write, with only the cookie is refused, so the
// API needs no CSRF token. Unauthenticated requests get 401 problem+json.
func (s *Service) Required() gin.HandlerFunc {
	return func(c *gin.Context) {
		token := bearer(c.GetHeader("Authorization"))
		if token == "" {
			cookie, _ := c.Cookie(CookieName)
			if cookie != "" && !cookieAllowed(c.Request) {
				s.refuse(c, "auth.cookie_refused", errCookieRefused)
				return
			}
			token = cookie
		}
		s.admit(c, token)
	}
}

// Page authenticates a dashboard page request from the session cookie (the
// dashboard checks its own CSRF token on every form).
func (s *Service) Page() gin.HandlerFunc {
	return func(c *gin.Context) {
		token, _ := c.Cookie(CookieName)
		s.admit(c, token)
	}
}

func (s *Service) admit(c *gin.Context, token string) {
	c.Set(auditDBKey, s.DB)
	if token == "" {
		httpx.Fail(c, errNoToken)
		return
	}
	p, err := s.Authenticate(c.Request.Context(), token)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Set(principalKey, p)
	if p.Required != "" && !restrictedAllowed(c.FullPath()) {
		s.refuse(c, "auth.restricted", errRestricted(p.Required))
		return
	}
	c.Next()
}

func (s *Service) refuse(c *gin.Context, action string, err *apperr.Error) {
	e := Entry(c, action, OutcomeRefused)
	e.Detail = c.Request.Method + " " + c.FullPath()
	Record(c.Request.Context(), s.DB, e)
	httpx.Fail(c, err)
}

// cookieAllowed admits the cookie only on a safe method that the browser
// says is same-origin (Sec-Fetch-Site), or, from browsers without fetch
// metadata, whose Origin (when sent) is this host.
func cookieAllowed(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin", "none":
		return sameOriginHeader(r)
	case "":
		return sameOriginHeader(r)
	}
	return false
}

func sameOriginHeader(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && strings.EqualFold(u.Host, r.Host)
}

// restrictedPaths are what a session that must first change its password
// or enrol in MFA may still use.
var restrictedPaths = map[string]bool{
	"/v1/me": true, "/v1/auth/logout": true, "/v1/auth/logout-all": true, "/v1/me/password": true,
	"/v1/me/mfa/totp/setup": true, "/v1/me/mfa/totp/enable": true,
	"/web/logout": true, "/web/password": true, "/web/mfa": true, "/web/mfa/enable": true,
}

func restrictedAllowed(path string) bool { return restrictedPaths[path] }

func errRestricted(req string) *apperr.Error {
	if req == RequiredPasswordChange {
		return apperr.E(apperr.Forbidden, "change your password first (POST /v1/me/password)").WithReason("password_change_required")
	}
	return apperr.E(apperr.Forbidden, "your clinic requires two-step sign-in: enrol first (POST /v1/me/mfa/totp/setup)").WithReason("mfa_enrolment_required")
}

func bearer(h string) string {
	const prefix = "bearer "
	if len(h) > len(prefix) && strings.EqualFold(h[:len(prefix)], prefix) {
		return strings.TrimSpace(h[len(prefix):])
	}
	return ""
}

const auditDBKey = "doseloop.audit_db"

// RequireRole lets only the named roles through; others get 403, audited.
// Use after Required.
func RequireRole(roles ...string) gin.HandlerFunc {
	return func(c *gin.Context) {
		p := PrincipalOf(c)
		for _, r := range roles {
			if p.Role == r {
				c.Next()
				return
			}
		}
		if db, ok := c.Get(auditDBKey); ok {
			e := Entry(c, "auth.wrong_role", OutcomeDenied)
			e.Detail = c.Request.Method + " " + c.FullPath()
			Record(c.Request.Context(), db.(*gorm.DB), e)
		}
		httpx.Fail(c, apperr.E(apperr.Forbidden, "this endpoint is for %s accounts", strings.Join(roles, " or ")).WithReason("wrong_role"))
	}
}
