// Package httpx is the HTTP plumbing every handler shares: one error
// middleware that renders RFC 9457 problem+json, request ids and access logs,
// body limits, strict JSON decoding, cursor pagination and ETags.
//
// Handlers return errors by calling Fail (c.Error + abort); they never write
// error bodies themselves, so every error looks the same to clients.
package httpx

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/doseloop/doseloop/apperr"
	"github.com/gin-gonic/gin"
)

// ProblemContentType is the media type of every error body.
const ProblemContentType = "application/problem+json"

var statusOf = map[apperr.Code]int{
	apperr.Invalid:          http.StatusBadRequest,
	apperr.NotFound:         http.StatusNotFound,
	apperr.Conflict:         http.StatusConflict,
	apperr.Unauthorized:     http.StatusUnauthorized,
	apperr.Forbidden:        http.StatusForbidden,
	apperr.TooLarge:         http.StatusRequestEntityTooLarge,
	apperr.RateLimited:      http.StatusTooManyRequests,
	apperr.UnsupportedMedia: http.StatusUnsupportedMediaType,
	apperr.Unavailable:      http.StatusServiceUnavailable,
	apperr.Internal:         http.StatusInternalServerError,
}

// Status maps an error code to its HTTP status.
func Status(code apperr.Code) int {
	if s, ok := statusOf[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Fail records err for the error middleware and stops the handler chain.
func Fail(c *gin.Context, err error) {
	_ = c.Error(err)
	c.Abort()
}

// Errors renders the last error a handler recorded as problem+json. Internal
// errors are logged with the request id and shown only as a generic message.
func Errors() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Next()
		if len(c.Errors) == 0 || c.Writer.Written() {
			return
		}
		WriteProblem(c, c.Errors.Last().Err)
	}
}

// WriteProblem writes err as an RFC 9457 problem document.
func WriteProblem(c *gin.Context, err error) {
	var e *apperr.Error
	if (errors.Is(err, context.Canceled) || errors.Is(err, sql.ErrTxDone)) && c.Request.Context().Err() != nil {
		// (database/sql rolls a transaction back when its context ends, so a
		// handler that goes on finds it done.)
		// The client went away mid-request: nothing to answer, nothing broken.
		slog.DebugContext(c.Request.Context(), "client disconnected", "request_id", RequestID(c), "route", c.FullPath())
		c.Abort()
		return
	}
	down, isDown := asUnavailable(err)
	switch {
	case errors.As(err, &e):
	case isDown:
		slog.WarnContext(c.Request.Context(), "database unavailable", "request_id", RequestID(c), "route", c.FullPath(), "err", err)
		e = down
	default:
		slog.ErrorContext(c.Request.Context(), "internal error", "request_id", RequestID(c),
			"method", c.Request.Method, "route", c.FullPath(), "err", err)
		e = apperr.E(apperr.Internal, "something went wrong on our side; it has been logged (request %s)", RequestID(c))
	}
	status := Status(e.Code)
	body := gin.H{
		"type":   "https://doseloop.dev/problems/" + string(e.Code),
		"title":  http.StatusText(status),
		"status": status,
		"detail": e.Message,
		"code":   e.Code,
	}
	if e.Reason != "" {
		body["reason"] = e.Reason
	}
	if len(e.Fields) > 0 {
		body["errors"] = e.Fields
	}
	for k, v := range e.Extra {
		body[k] = v
	}
	if rid := RequestID(c); rid != "" {
		body["request_id"] = rid
	}
	if secs, ok := e.Extra["retry_after"].(int); ok && secs > 0 {
		c.Header("Retry-After", strconv.Itoa(secs))
	}
	c.Header("Content-Type", ProblemContentType)
	c.Header("Cache-Control", "no-store")
	if status == http.StatusServiceUnavailable && c.Writer.Header().Get("Retry-After") == "" {
		c.Header("Retry-After", retryAfter)
	}
	c.AbortWithStatusJSON(status, body)
	c.Writer.Header().Set("Content-Type", ProblemContentType)
}

// NoRoute answers unknown paths with a 404 problem.
func NoRoute(c *gin.Context) {
	WriteProblem(c, apperr.E(apperr.NotFound, "no endpoint %s %s", c.Request.Method, c.Request.URL.Path))
}

// NoMethod answers a known path with the wrong method with a 405 problem.
func NoMethod(c *gin.Context) {
	c.Header("Content-Type", ProblemContentType)
	c.AbortWithStatusJSON(http.StatusMethodNotAllowed, gin.H{
		"type":   "https://doseloop.dev/problems/method_not_allowed",
		"title":  http.StatusText(http.StatusMethodNotAllowed),
		"status": http.StatusMethodNotAllowed,
		"detail": "method " + c.Request.Method + " is not allowed on " + c.Request.URL.Path,
		"code":   "method_not_allowed",
	})
}

// Recover turns a panic into a logged 500 problem instead of a dropped connection.
func Recover() gin.HandlerFunc {
	return gin.CustomRecoveryWithWriter(nil, func(c *gin.Context, rec any) {
		slog.ErrorContext(c.Request.Context(), "panic", "request_id", RequestID(c), "route", c.FullPath(), "panic", rec)
		WriteProblem(c, errors.New("panic"))
	})
}
