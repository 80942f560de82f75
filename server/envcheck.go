package main

import (
	"fmt"
	"sort"
	"strings"
)

// otherEnv are DOSELOOP_* variables read outside LoadConfig.
var otherEnv = []string{
	"DOSELOOP_TEST_DATABASE_URL",  // tests
	"DOSELOOP_SCREENSHOT_DIR",     // browser tests
	"DOSELOOP_SIM_ADMIN_PASSWORD", // simulate
	"DOSELOOP_CRASH_AT",           // crash tests (faults/crashpoint)
}

// knownEnv is every DOSELOOP_* name the binary reads: LoadConfig run once
// against an empty environment records each name it asks for, so a new
// variable needs no second list.
func knownEnv() map[string]bool {
	known := map[string]bool{}
	LoadConfig(func(name string) string { known[name] = true; return "" })
	for _, n := range otherEnv {
		known[n] = true
	}
	return known
}

// unknownEnv warns about each DOSELOOP_* variable of environ that nothing
// reads (a misspelling would otherwise be silently ignored), suggesting the
// closest known name.
func unknownEnv(environ []string) []string {
	known := knownEnv()
	var out []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "DOSELOOP_") || known[name] {
			continue
		}
		msg := fmt.Sprintf("%s is not a DoseLoop setting and is ignored", name)
		if s := closest(name, known); s != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", s)
		}
		out = append(out, msg)
	}
	sort.Strings(out)
	return out
}

// closest returns the known name within edit distance 3 of name, or "".
func closest(name string, known map[string]bool) string {
	best, bestD := "", 4
	for k := range known {
		if d := editDistance(name, k); d < bestD || (d == bestD && k < best) {
			best, bestD = k, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
