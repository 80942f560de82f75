package main

import (
	"fmt"
	"io"
)

// benchNotify runs "bench notify". (Not built yet.)
func benchNotify(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "doseloop: bench notify is not built yet")
	return 1
}
