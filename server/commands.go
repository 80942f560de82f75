package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// command is one subcommand: its synopsis, what it does, and whether it
// parses flags (then `NAME -h` lets its FlagSet print them).
type command struct {
	name, synopsis, summary string
	flags                   bool
	run                     func(args []string, getenv func(string) string, stdout, stderr io.Writer) int
}

// commands is every subcommand, in the order help lists them.
func commands() []command {
	return []command{
		{"serve", "serve [flags]", "run the HTTP server, the scheduler and the dispatcher (the default)", true,
			func(a []string, g func(string) string, o, e io.Writer) int { return cmdServe(a, g, o, e, false) }},
		{"demo", "demo [flags]", "serve with the demo clinic and simulated dispensers (same as serve -demo)", true,
			func(a []string, g func(string) string, o, e io.Writer) int { return cmdServe(a, g, o, e, true) }},
		{"migrate", "migrate up|down|status", "apply, roll back one, or list the database migrations", false, cmdMigrate},
		{"seed", "seed", "load the demo clinic into the configured database (idempotent) and print its logins", false, cmdSeed},
		{"simulate", "simulate [flags]", "drive a running server with simulated, signed dispensers", true, cmdSimulate},
		{"bench", "bench " + strings.Join(benchNames(), "|") + " [flags]", "run a benchmark (see README, Benchmarks)", true, cmdBench},
		{"audit", "audit verify", "walk every clinic's audit hash chain; name the first altered or missing row", false, cmdAudit},
		{"rollup", "rollup verify", "compare the patient list's rollup with the doses; name the days that differ", false, cmdRollup},
		{"probe", "probe URL", "GET URL and exit 0 on a 2xx answer (a container health check)", false, cmdProbe},
		{"version", "version", "print the release version, VCS revision and Go version (also -version)", false, cmdVersion},
		{"help", "help", "print this list (also -h, --help)", false, nil},
	}
}

func lookup(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name && c.run != nil {
			return c, true
		}
	}
	return command{}, false
}

func benchNames() []string {
	var names []string
	for n := range benches {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// printUsage lists every subcommand with its flags.
func printUsage(w io.Writer, getenv func(string) string) {
	fmt.Fprintf(w, "usage: %s [subcommand] [flags]\n\nSubcommands:\n", program)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-34s %s\n", c.synopsis, c.summary)
	}
	fmt.Fprintf(w, "\nRun '%s SUBCOMMAND -h' for a subcommand's flags. Configuration comes from\n", program)
	fmt.Fprintln(w, "DOSELOOP_* environment variables; README.md lists every one.")
	fmt.Fprintf(w, "\nFlags of serve (also accepted with no subcommand, e.g. '%s -demo'):\n", program)
	lookupRun("serve", []string{"-h"}, getenv, w)
}

// printHelp prints one subcommand's synopsis and, for flag-parsing ones, its
// flags (its FlagSet prints them when given -h; nothing else runs).
func (c command) printHelp(w io.Writer, getenv func(string) string, args []string) {
	fmt.Fprintf(w, "usage: %s %s\n  %s\n", program, c.synopsis, c.summary)
	if !c.flags {
		return
	}
	if c.name == "bench" && len(args) > 0 && benches[args[0]] != nil {
		fmt.Fprintf(w, "\nFlags of bench %s:\n", args[0])
		benches[args[0]]([]string{"-h"}, getenv, w, w)
		return
	}
	if c.name == "bench" {
		fmt.Fprintf(w, "Run '%s bench NAME -h' for a benchmark's flags.\n", program)
		return
	}
	fmt.Fprintln(w, "\nFlags:")
	c.run([]string{"-h"}, getenv, w, w)
}

func lookupRun(name string, args []string, getenv func(string) string, w io.Writer) {
	if c, ok := lookup(name); ok {
		c.run(args, getenv, w, w)
	}
}
