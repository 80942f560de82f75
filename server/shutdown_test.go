package main

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

// TestGracefulShutdownFinishesInFlightRequests cancels the server while a
// request is running and checks the client still gets its complete answer.
func TestGracefulShutdownFinishesInFlightRequests(t *testing.T) {
	t.Parallel()
	b := setup(t, map[string]string{"DOSELOOP_ADDR": "127.0.0.1:0"})
	started, release := make(chan struct{}), make(chan struct{})
	b.app.routes = append(b.app.routes, func(r gin.IRouter) {
		r.GET("/slow", func(c *gin.Context) {
			close(started)
			<-release
			c.String(http.StatusOK, "finished")
		})
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.app.serve(ctx, io.Discard) }()
	var addr string
	for i := 0; i < 200 && addr == ""; i++ {
		time.Sleep(10 * time.Millisecond)
		addr = b.app.listening()
	}
	got := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + addr + "/slow")
		if err != nil {
			got <- "error: " + err.Error()
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- string(body)
	}()
	<-started
	cancel() // SIGTERM arrives while /slow is in flight
	time.Sleep(50 * time.Millisecond)
	close(release)
	if body := <-got; body != "finished" {
		t.Fatalf("in-flight request got %q, want its full answer", body)
	}
	if err := <-done; err != nil {
		t.Fatalf("serve returned %v", err)
	}
}
