// Package apidoc holds DoseLoop's OpenAPI 3.1 document (openapi.json,
// embedded), serves it at GET /openapi.json, and gives tests two checks:
// CheckRoutes (the document and the Gin router describe the same
// endpoints) and Validator (a real response matches its documented schema).
package apidoc
