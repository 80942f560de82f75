package main

import (
	"fmt"
	"io"
)

// benchSchedule runs "bench schedule". (Not built yet.)
func benchSchedule(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "doseloop: bench schedule is not built yet")
	return 1
}
