package main

import (
	"testing"

	"github.com/doseloop/doseloop/apidoc/apidoctest"
)

// TestOpenAPIDocumentsEveryRoute keeps /openapi.json and the router from
// drifting: every route is documented and every documented path is served.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	if err := apidoctest.CheckRoutes(b.app.router().Routes()); err != nil {
		t.Fatal(err)
	}
}
