package app_test

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/doseloop/doseloop/app/internal/bundle"
)

// The committed Firebase bundle is exactly what `go generate ./app` builds
// from app/package-lock.json's firebase: nobody ships a stale or hand-edited SDK.
func TestFirebaseBundleIsUpToDate(t *testing.T) {
	t.Parallel()
	want, err := bundle.Build(".")
	if errors.Is(err, bundle.ErrNoModules) {
		t.Skip("app/node_modules is absent: run `npm ci --ignore-scripts` in app/ to check the committed Firebase bundle (.ci/run does)")
	}
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(bundle.Output)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is out of date (%d bytes committed, %d built): run `npm ci --ignore-scripts` in app/, then `go generate ./app`, and commit it", bundle.Output, len(got), len(want))
	}
}
