package main

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/buildinfo"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/metrics"
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
	// Only the configured proxies may set the client address (X-Forwarded-For)
	// or scheme (X-Forwarded-Proto); with none, the TCP peer is the client.
	if err := r.SetTrustedProxies(a.cfg.TrustedProxies); err != nil {
		panic("trusted proxies passed config validation: " + err.Error())
	}
	r.Use(serverHeader(), httpx.Logger(), metrics.Middleware(), httpx.Recover(), httpx.Errors(), httpx.BodyLimit(httpx.DefaultBodyLimit), auth.WithClock(a.clock),
		httpx.Scheme(a.cfg.TrustedProxies, a.cfg.TLSCertFile != "" || len(a.cfg.TrustedProxies) > 0), httpx.NoStore(), httpx.RequireJSON())
	r.NoRoute(httpx.NoRoute)
	r.NoMethod(httpx.NoMethod)
	healthz := func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) }
	r.GET("/healthz", healthz)
	r.HEAD("/healthz", healthz)
	r.GET("/readyz", a.handleReady)
	r.HEAD("/readyz", a.handleReady)
	r.GET("/version", func(c *gin.Context) { c.JSON(http.StatusOK, buildinfo.Get()) })
	if a.cfg.MetricsAddr == "" {
		r.GET("/metrics", metrics.Handler())
	}
	r.GET("/", func(c *gin.Context) { c.Redirect(http.StatusFound, "/web/") })
	a.auth.Register(r)
	a.auth.RegisterBreakGlass(r)
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
			c.JSON(http.StatusServiceUnavailable, gin.H{"status": "migrations pending", "version": buildinfo.Version})
			return
		}
	}
	if err != nil {
		// A load balancer stops routing here; the pool reconnects by itself.
		c.Header("Retry-After", strconv.Itoa(httpx.RetryAfterSeconds))
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "database unreachable", "version": buildinfo.Version})
		return
	}
	in := buildinfo.Get()
	c.JSON(http.StatusOK, gin.H{"status": "ready", "version": in.Version, "revision": in.Revision})
}

// serverHeader names the release in every response's Server header.
func serverHeader() gin.HandlerFunc {
	v := buildinfo.Get().ServerHeader()
	return func(c *gin.Context) { c.Header("Server", v); c.Next() }
}
