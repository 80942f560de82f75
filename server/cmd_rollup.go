package main

import (
	"context"
	"fmt"
	"io"

	"github.com/doseloop/doseloop/report"
	"github.com/doseloop/doseloop/store"
)

// cmdRollup is `doseloop rollup verify`: it compares the patient list's
// rollup (adherence_days) with the same sums computed from the doses and
// names the days that differ. Exit 0 exact, 1 different or unreadable, 2 usage.
func cmdRollup(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) != 1 || args[0] != "verify" {
		fmt.Fprintln(stderr, "usage: doseloop rollup verify")
		return 2
	}
	db, code := openConfigured(getenv, stderr)
	if db == nil {
		return code
	}
	defer store.Close(db)
	bad, err := report.VerifyRollup(context.Background(), db)
	if err != nil {
		fmt.Fprintln(stderr, "doseloop: rollup verify:", err)
		return 1
	}
	if len(bad) > 0 {
		for _, d := range bad {
			fmt.Fprintf(stdout, "rollup DIFFERS: patient %d, %s\n", d.PatientID, d.LocalDate)
		}
		return 1
	}
	fmt.Fprintln(stdout, "rollup exact: every patient-day equals its doses")
	return 0
}
