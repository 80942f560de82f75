package apidoctest

import (
	"github.com/doseloop/doseloop/apidoc"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

func TestDocumentIsValidOpenAPI31(t *testing.T) {
	t.Parallel()
	doc, err := Load()
	if err != nil {
		t.Fatalf("openapi.json does not validate: %v", err)
	}
	if !doc.IsOpenAPI31OrLater() {
		t.Fatalf("openapi = %q, want 3.1.x", doc.OpenAPI)
	}
}

func TestCheckRoutesReportsBothDirections(t *testing.T) {
	t.Parallel()
	doc, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	var routes []gin.RouteInfo
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			routes = append(routes, gin.RouteInfo{Method: method, Path: ginPath(path)})
		}
	}
	if err := CheckRoutes(routes); err != nil {
		t.Fatalf("routes built from the document itself: %v", err)
	}
	extra := append(routes[1:], gin.RouteInfo{Method: "GET", Path: "/v1/undocumented/:id"})
	err = CheckRoutes(extra)
	if err == nil || !strings.Contains(err.Error(), "GET /v1/undocumented/{id}") {
		t.Fatalf("want the undocumented route reported, got %v", err)
	}
	if !strings.Contains(err.Error(), routes[0].Method+" "+openAPIPath(routes[0].Path)) {
		t.Fatalf("want the unserved documented route %s %s reported, got %v", routes[0].Method, routes[0].Path, err)
	}
}

func ginPath(p string) string {
	return strings.NewReplacer("{", ":", "}", "").Replace(p)
}

func TestServesDocument(t *testing.T) {
	t.Parallel()
	gin.SetMode(gin.TestMode)
	r := gin.New()
	apidoc.Register(r)
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/openapi.json", nil))
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"openapi": "3.1.0"`) {
		t.Fatalf("GET /openapi.json = %d %.80s", w.Code, w.Body.String())
	}
	v, err := NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	if err := v.ValidateResponse(httptest.NewRequest(http.MethodGet, "/openapi.json", nil), w.Code, w.Header(), w.Body.Bytes()); err != nil {
		t.Fatal(err)
	}
	bad := httptest.NewRequest(http.MethodGet, "/healthz", nil)
	h := http.Header{"Content-Type": {"application/json"}}
	if err := v.ValidateResponse(bad, 200, h, []byte(`{"status": 5}`)); err == nil {
		t.Fatal("a body off-schema validated")
	}
	if err := v.ValidateResponse(bad, 418, h, []byte(`{}`)); err == nil {
		t.Fatal("an undocumented status validated")
	}
}
