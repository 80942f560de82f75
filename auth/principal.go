package auth

import (
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/gin-gonic/gin"
)

// Principal is the authenticated caller.
type Principal struct {
	UserID    int64
	SessionID string
	Role      string
	ClinicID  int64
	// Required is what the user must do before anything else is allowed
	// (RequiredPasswordChange, RequiredMFAEnrolment); empty when nothing.
	Required string
	// Now is the service clock's time when the request was authenticated
	// (break-glass expiry is judged against it).
	Now time.Time
}

const principalKey = "doseloop.principal"

// PrincipalOf returns the caller authenticated by Required. It panics when
// called on a route without Required: that is a wiring bug, not a user error.
func PrincipalOf(c *gin.Context) Principal {
	p, ok := c.Get(principalKey)
	if !ok {
		panic("auth.PrincipalOf on a route without auth.Required")
	}
	return p.(Principal)
}

var (
	errExpired  = apperr.E(apperr.Unauthorized, "the access token has expired; refresh it").WithReason("token_expired")
	errBadToken = apperr.E(apperr.Unauthorized, "the access token is not valid").WithReason("invalid_token")
	errNoToken  = apperr.E(apperr.Unauthorized, "sign in first: send Authorization: Bearer <access token>").WithReason("missing_token")
	errRevoked  = apperr.E(apperr.Unauthorized, "this session has ended; sign in again").WithReason("session_revoked")
)
