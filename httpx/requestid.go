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

// Logger assigns each request an id (reusing a sane incoming X-Request-Id),
// echoes it in the response, and writes one structured access-log line.
// It logs the route pattern, never the query string, so no token or health
// detail reaches the log.
func Logger() gin.HandlerFunc {
	return func(c *gin.Context) {
		rid := c.GetHeader("X-Request-Id")
		if len(rid) < 8 || len(rid) > 64 {
			rid = newID()
		}
		c.Set(requestIDKey, rid)
		c.Header("X-Request-Id", rid)
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "(unmatched)"
		}
		slog.InfoContext(c.Request.Context(), "request", "request_id", rid, "method", c.Request.Method,
			"route", route, "status", c.Writer.Status(), "bytes", c.Writer.Size(),
			"duration_ms", float64(time.Since(start).Microseconds())/1000)
	}
}

func newID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}
