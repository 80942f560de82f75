package main

import (
	"context"
	"fmt"
	"io"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/store"
)

// cmdAudit is `doseloop audit verify`: it walks every clinic's audit hash chain
// and names the first altered or missing row. Exit 0 intact, 1 broken or
// unreadable, 2 usage.
func cmdAudit(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) != 1 || args[0] != "verify" {
		fmt.Fprintln(stderr, "usage: doseloop audit verify")
		return 2
	}
	db, code := openConfigured(getenv, stderr)
	if db == nil {
		return code
	}
	defer store.Close(db)
	rep, err := auth.VerifyChains(context.Background(), db)
	if err != nil {
		fmt.Fprintln(stderr, "doseloop: audit verify:", err)
		return 1
	}
	if !rep.OK() {
		fmt.Fprintf(stdout, "audit chain BROKEN: %s\n", rep.Problem)
		return 1
	}
	fmt.Fprintf(stdout, "audit chain intact: %d rows in %d chains verified (%d older rows predate the chain)\n",
		rep.Rows, rep.Chains, rep.Legacy)
	return 0
}
