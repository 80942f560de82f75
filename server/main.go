// Command server is the DoseLoop binary: the HTTP API, the dashboard, the
// scheduler and the operator subcommands.
//
//	server [serve] [-demo]       run the server (default), optionally with demo data
//	server demo                  same as serve -demo
//	server migrate up|down|status
//	server seed                  load the demo clinic into the database
//	server simulate [flags]      drive a running server with simulated dispensers
//	server bench ingest|schedule|notify|report
//	server audit verify          check the audit log's hash chains
package main

import (
	"fmt"
	"io"
	"os"
	"strings"
)

func main() { os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr)) }

// run is main without the process: it returns the exit code (2 for usage and
// configuration errors) so tests can call it.
func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return cmdServe(args, getenv, stdout, stderr, false)
	case "demo":
		return cmdServe(args, getenv, stdout, stderr, true)
	case "migrate":
		return cmdMigrate(args, getenv, stdout, stderr)
	case "seed":
		return cmdSeed(args, getenv, stdout, stderr)
	case "simulate":
		return cmdSimulate(args, getenv, stdout, stderr)
	case "bench":
		return cmdBench(args, getenv, stdout, stderr)
	case "audit":
		return cmdAudit(args, getenv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "doseloop: unknown subcommand %q\n%s\n", cmd, usage)
	return 2
}

const usage = `usage: server [serve|demo|migrate|seed|simulate|bench|audit] [flags]
  serve [-demo] [-addr :8080]     run the server (default subcommand)
  demo                            serve with the demo clinic and simulated dispensers
  migrate up|down|status          manage the database schema
  seed                            load the demo clinic into the database
  simulate [flags]                drive a running server with simulated dispensers
  bench ingest|schedule|notify|report   run a benchmark (see README)
  audit verify                    check the audit log's hash chains; names the first altered or missing row
Configuration comes from DOSELOOP_* environment variables (see README).`

// loadConfigOrExit prints every configuration error on its own line.
func loadConfigOrExit(getenv func(string) string, stderr io.Writer) (Config, bool) {
	cfg, errs := LoadConfig(getenv)
	for _, err := range errs {
		fmt.Fprintln(stderr, "config error:", err)
	}
	return cfg, len(errs) == 0
}
