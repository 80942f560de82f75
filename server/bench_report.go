package main

import (
	"fmt"
	"io"
)

// benchReport runs "bench report". (Not built yet.)
func benchReport(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "doseloop: bench report is not built yet")
	return 1
}
