// Package apidoctest gives tests two checks of the OpenAPI document:
// CheckRoutes (the document and the Gin router describe the same
// endpoints) and Validator (a real response matches its documented schema).
// Only tests import it, so kin-openapi stays out of the production binary.
package apidoctest
