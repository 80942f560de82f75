package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Middleware records every request's status and latency under its route
// pattern (never the raw path, so ids do not explode the label space).
func Middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		HTTPRequests.WithLabelValues(route, c.Request.Method, strconv.Itoa(c.Writer.Status())).Inc()
		HTTPDuration.WithLabelValues(route, c.Request.Method).Observe(time.Since(start).Seconds())
	}
}

// HTTPHandler serves Registry in the Prometheus text format.
func HTTPHandler() http.Handler {
	return promhttp.HandlerFor(Registry, promhttp.HandlerOpts{Registry: Registry})
}

// Handler is HTTPHandler for a Gin route.
func Handler() gin.HandlerFunc { return gin.WrapH(HTTPHandler()) }

// ObserveJob records one run of a background job.
func ObserveJob(job string, rows int, took time.Duration, err error) {
	JobDuration.WithLabelValues(job).Observe(took.Seconds())
	if err != nil {
		JobRuns.WithLabelValues(job, "error").Inc()
		return
	}
	JobRuns.WithLabelValues(job, "ok").Inc()
	JobRows.WithLabelValues(job).Add(float64(rows))
	JobLastSuccess.WithLabelValues(job).SetToCurrentTime()
}
