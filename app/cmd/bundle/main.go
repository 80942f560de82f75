// Command bundle writes app/src/vendor/firebase.js (run by `go generate ./app`).
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/doseloop/doseloop/app/internal/bundle"
)

func main() {
	out, err := bundle.Build(".")
	if err == nil {
		err = os.WriteFile(filepath.FromSlash(bundle.Output), out, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bundle:", err)
		os.Exit(1)
	}
	fmt.Printf("bundle: wrote %s (%d bytes)\n", bundle.Output, len(out))
}
