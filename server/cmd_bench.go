package main

import (
	"fmt"
	"io"
	"strings"
)

// benches maps "bench NAME" to its implementation (bench_<name>.go).
var benches = map[string]func(args []string, getenv func(string) string, stdout, stderr io.Writer) int{
	"ingest":   benchIngest,
	"schedule": benchSchedule,
	"notify":   benchNotify,
	"report":   benchReport,
	"failover": benchFailover,
	"soak":     benchSoak,
}

// cmdBench runs one of the documented benchmarks (see README, Benchmarks).
func cmdBench(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 || benches[args[0]] == nil {
		fmt.Fprintf(stderr, "usage: %s bench %s [flags]\n", program, strings.Join(benchNames(), "|"))
		return 2
	}
	return benches[args[0]](args[1:], getenv, stdout, stderr)
}
