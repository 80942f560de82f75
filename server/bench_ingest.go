package main

import (
	"fmt"
	"io"
)

// benchIngest runs "bench ingest". (Not built yet.)
func benchIngest(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "doseloop: bench ingest is not built yet")
	return 1
}
