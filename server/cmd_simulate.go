package main

import (
	"fmt"
	"io"
)

// cmdSimulate drives a running server with simulated dispensers (dispenser/sim). (Not built yet.)
func cmdSimulate(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "doseloop: simulate is not built yet")
	return 1
}
