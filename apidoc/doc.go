// Package apidoc holds DoseLoop's OpenAPI 3.1 document (openapi.json,
// embedded) and serves it at GET /openapi.json. The checks that tests run
// against it live in apidoc/apidoctest, so the validator they need
// (kin-openapi) is linked into test binaries only, never the server.
package apidoc
