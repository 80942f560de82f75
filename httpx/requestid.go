package httpx

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"time"

	"github.com/gin-gonic/gin"
)

const requestIDKey = "doseloop.request_id"

// RequestID returns the request's id (set by Logger).
func RequestID(c *gin.Context) string { return c.GetString(requestIDKey) }

// Logger assigns each request an id of the server's own (a client's
// X-Request-Id is only logged beside it, as client_request_id, so a client
// cannot choose the id audit rows carry), returns it in X-Request-Id, and
// writes one structured access-log line.
// It logs the route pattern, never the query string, so no token or health
// detail reaches the log.
func Logger() gin.HandlerFunc {
	return func(c *gin.Context) {
		rid, client := newID(), c.GetHeader("X-Request-Id")
		if len(client) > 64 || !printable(client) {
			client = ""
		}
		c.Set(requestIDKey, rid)
		c.Header("X-Request-Id", rid)
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "(unmatched)"
		}
		slog.InfoContext(c.Request.Context(), "request", "request_id", rid, "client_request_id", client, "method", c.Request.Method,
			"route", route, "status", c.Writer.Status(), "bytes", c.Writer.Size(),
			"duration_ms", float64(time.Since(start).Microseconds())/1000)
	}
}

func printable(s string) bool {
	for _, r := range s {
		if r < 0x21 || r > 0x7e {
			return false
		}
	}
	return true
}

func newID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}
