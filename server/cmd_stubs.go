package main

import (
	"fmt"
	"io"
)

// cmdSimulate drives a running server with simulated dispensers (dispenser/sim).
func cmdSimulate(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "doseloop: simulate is not built yet")
	return 1
}

// cmdBench runs one of the documented benchmarks.
func cmdBench(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "doseloop: bench is not built yet")
	return 1
}
