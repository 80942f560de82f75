package apidoctest

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/doseloop/doseloop/apidoc"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"
)

var (
	loadOnce sync.Once
	loaded   *openapi3.T
	loadErr  error
)

// Load parses and validates the embedded document (once).
func Load() (*openapi3.T, error) {
	loadOnce.Do(func() {
		l := openapi3.NewLoader()
		loaded, loadErr = l.LoadFromData(apidoc.JSON())
		if loadErr == nil {
			loadErr = loaded.Validate(context.Background())
		}
	})
	return loaded, loadErr
}

// CheckRoutes reports every API route the router serves that the document does
// not describe (HTML routes are not API and must not be in it), and every documented operation the router lacks. Gin's
// ":id" and "*path" parameters are compared as OpenAPI's "{id}" and "{path}".
func CheckRoutes(routes []gin.RouteInfo) error {
	doc, err := Load()
	if err != nil {
		return fmt.Errorf("openapi.json: %w", err)
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	served := map[string]bool{}
	for _, r := range routes {
		if !htmlRoute(r.Path) {
			served[r.Method+" "+openAPIPath(r.Path)] = true
		}
	}
	var missing, stale []string
	for k := range served {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if !served[k] {
			stale = append(stale, k)
		}
	}
	if len(missing)+len(stale) == 0 {
		return nil
	}
	sort.Strings(missing)
	sort.Strings(stale)
	return fmt.Errorf("router and openapi.json disagree:\n  served but not documented: %s\n  documented but not served: %s",
		strings.Join(missing, ", "), strings.Join(stale, ", "))
}

// htmlRoute reports whether a route serves pages for a browser (the
// dashboard, the patient app, the front door), which are not API and stay
// out of the document.
func htmlRoute(p string) bool {
	return p == "/" || p == "/web" || strings.HasPrefix(p, "/web/") || p == "/app" || strings.HasPrefix(p, "/app/")
}

// openAPIPath turns a Gin path pattern into an OpenAPI path template.
func openAPIPath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if len(s) > 1 && (s[0] == ':' || s[0] == '*') {
			parts[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}
