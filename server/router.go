package main

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
)

// router builds the Gin engine: shared middleware first (request id and
// access log, panic recovery, problem rendering, body limit), then the
// operational endpoints, auth, and every feature's routes.
func (a *app) router() *gin.Engine {
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.ContextWithFallback = true
	r.Use(httpx.Logger(), httpx.Recover(), httpx.Errors(), httpx.BodyLimit(httpx.DefaultBodyLimit), auth.WithClock(a.clock))
	r.NoRoute(httpx.NoRoute)
	r.NoMethod(httpx.NoMethod)
	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/readyz", a.handleReady)
	r.GET("/", func(c *gin.Context) { c.Redirect(http.StatusFound, "/web/") })
	a.auth.Register(r)
	for _, register := range a.routes {
		register(r)
	}
	return r
}

// handleReady answers 200 only when the database answers and its schema is current.
func (a *app) handleReady(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	m, err := store.NewMigrator(a.db)
	if err == nil {
		var current bool
		if current, err = m.Current(ctx); err == nil && !current {
			c.JSON(http.StatusServiceUnavailable, gin.H{"status": "migrations pending"})
			return
		}
	}
	if err != nil {
		// A load balancer stops routing here; the pool reconnects by itself.
		c.Header("Retry-After", strconv.Itoa(httpx.RetryAfterSeconds))
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "database unreachable"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}
