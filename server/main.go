// Command doseloop (built from ./server) is the DoseLoop binary: the HTTP
// API, the dashboard, the scheduler and the operator subcommands. `doseloop
// help` lists them all with their flags.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	_ "time/tzdata" // patients' IANA zones work on hosts and images without zoneinfo

	"github.com/doseloop/doseloop/buildinfo"
)

// program is the one name the binary calls itself, in usage and in errors.
const program = "doseloop"

func main() { os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr)) }

// run is main without the process: it returns the exit code (2 for usage and
// configuration errors) so tests can call it.
func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "-h", "-help", "--help", "help":
			printUsage(stdout, getenv)
			return 0
		case "-version", "--version":
			args[0] = "version"
		}
	}
	name := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	c, ok := lookup(name)
	if !ok {
		fmt.Fprintf(stderr, "%s: unknown subcommand %q (run '%s help' for the list)\n", program, name, program)
		return 2
	}
	if wantsHelp(args) {
		c.printHelp(stdout, getenv, args)
		return 0
	}
	return c.run(args, getenv, stdout, stderr)
}

// wantsHelp reports whether -h or --help appears among a subcommand's flags.
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

func cmdVersion(args []string, _ func(string) string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintf(stderr, "usage: %s version\n", program)
		return 2
	}
	fmt.Fprintln(stdout, buildinfo.Get())
	return 0
}

// loadConfigOrExit prints every configuration error on its own line, and a
// warning for each DOSELOOP_* variable in the environment that nothing reads.
func loadConfigOrExit(getenv func(string) string, stderr io.Writer) (Config, bool) {
	cfg, errs := LoadConfig(getenv)
	for _, err := range errs {
		fmt.Fprintln(stderr, "config error:", err)
	}
	for _, w := range unknownEnv(os.Environ()) {
		fmt.Fprintln(stderr, "config warning:", w)
	}
	return cfg, len(errs) == 0
}
