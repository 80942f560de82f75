package main

import (
	"fmt"
	"io"
	"net/http"
	"time"
)

// cmdProbe GETs a URL and exits 0 on a 2xx answer: a health check for
// images that have no curl (the distroless image in the Dockerfile).
func cmdProbe(args []string, _ func(string) string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintf(stderr, "usage: %s probe URL\n", program)
		return 2
	}
	client := &http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get(args[0])
	if err != nil {
		fmt.Fprintf(stderr, "%s: probe: %v\n", program, err)
		return 1
	}
	resp.Body.Close()
	fmt.Fprintln(stdout, resp.Status)
	if resp.StatusCode/100 != 2 {
		return 1
	}
	return 0
}
