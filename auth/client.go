package auth

import (
	"github.com/doseloop/doseloop/httpx"
	"github.com/gin-gonic/gin"
)

// Client describes where a request came from, for sign-in throttling and
// the audit trail. IP is the address Gin resolved (X-Forwarded-For is
// believed only from the configured trusted proxies).
type Client struct {
	IP        string
	UserAgent string
	RequestID string // the server's id for the request
}

// ClientOf returns the Client of the current request.
func ClientOf(c *gin.Context) Client {
	return Client{IP: c.ClientIP(), UserAgent: truncate(c.Request.UserAgent(), 300), RequestID: httpx.RequestID(c)}
}
