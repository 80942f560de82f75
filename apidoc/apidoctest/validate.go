package apidoctest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// Validator checks real requests' responses against the document.
type Validator struct {
	router routers.Router
}

// NewValidator loads the document and builds a Validator.
func NewValidator() (*Validator, error) {
	doc, err := Load()
	if err != nil {
		return nil, err
	}
	// Servers would restrict matching to their hosts; tests call any host.
	doc2 := *doc
	doc2.Servers = nil
	r, err := legacy.NewRouter(&doc2)
	if err != nil {
		return nil, err
	}
	return &Validator{router: r}, nil
}

// ValidateResponse checks that status, headers and body are what the
// document promises for req (req's body is not read). An undocumented
// status or a body off-schema is an error.
func (v *Validator) ValidateResponse(req *http.Request, status int, header http.Header, body []byte) error {
	route, params, err := v.router.FindRoute(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, err)
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status, Header: header,
		Body: io.NopCloser(bytes.NewReader(body)), Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		return fmt.Errorf("%s %s → %d: %w", req.Method, route.Path, status, err)
	}
	return nil
}
