package auth

import (
	"strings"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/httpx"
	"github.com/gin-gonic/gin"
)

// CookieName is the browser session cookie holding an access token (the
// dashboard sets it HttpOnly, Secure, SameSite=Strict).
const CookieName = "doseloop_access"

// Required authenticates the request (Bearer header, else the session
// cookie) and stores the Principal for PrincipalOf. Unauthenticated requests
// get 401 problem+json.
func (s *Service) Required() gin.HandlerFunc {
	return func(c *gin.Context) {
		token := bearer(c.GetHeader("Authorization"))
		if token == "" {
			token, _ = c.Cookie(CookieName)
		}
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
		c.Next()
	}
}

func bearer(h string) string {
	const prefix = "bearer "
	if len(h) > len(prefix) && strings.EqualFold(h[:len(prefix)], prefix) {
		return strings.TrimSpace(h[len(prefix):])
	}
	return ""
}

// RequireRole lets only the named roles through; others get 403. Use after Required.
func RequireRole(roles ...string) gin.HandlerFunc {
	return func(c *gin.Context) {
		p := PrincipalOf(c)
		for _, r := range roles {
			if p.Role == r {
				c.Next()
				return
			}
		}
		httpx.Fail(c, apperr.E(apperr.Forbidden, "this endpoint is for %s accounts", strings.Join(roles, " or ")).WithReason("wrong_role"))
	}
}
