package httpx

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/doseloop/doseloop/apperr"
	"github.com/gin-gonic/gin"
)

// DefaultBodyLimit caps request bodies unless a route sets its own.
const DefaultBodyLimit = 1 << 20

// BodyLimit caps the request body at n bytes; reading past it fails with
// http.MaxBytesError, which DecodeJSON turns into a 413 problem.
func BodyLimit(n int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > n {
			Fail(c, apperr.E(apperr.TooLarge, "request body is %d bytes; the limit is %d", c.Request.ContentLength, n))
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		c.Next()
	}
}

// Validator is implemented by request types that check their own fields.
type Validator interface{ Validate() error }

// DecodeJSON strictly decodes the body into v (unknown fields and trailing
// data are errors) and, when v implements Validator, validates it. Every
// failure is an apperr with a detail a client developer can act on.
func DecodeJSON(c *gin.Context, v any) error {
	if err := checkJSONType(c.GetHeader("Content-Type")); err != nil {
		return err
	}
	if err := decodeStrict(c.Request.Body, v); err != nil {
		return err
	}
	if val, ok := v.(Validator); ok {
		return val.Validate()
	}
	return nil
}

// checkJSONType refuses a body that is not declared as JSON: a browser can
// send a cross-site form (text/plain, urlencoded, multipart) without a
// preflight, but never application/json.
func checkJSONType(ct string) error {
	mt, _, _ := mime.ParseMediaType(ct)
	if mt != "application/json" && !strings.HasSuffix(mt, "+json") {
		if ct == "" {
			mt = "none"
		}
		return apperr.E(apperr.UnsupportedMedia, "Content-Type must be application/json (got %s)", mt).WithReason("unsupported_media_type")
	}
	return nil
}

// RequireJSON refuses (415) a write to the API whose body is not declared
// as JSON, before any handler runs; writes without a body pass.
func RequireJSON() gin.HandlerFunc {
	return func(c *gin.Context) {
		r := c.Request
		hasBody := r.ContentLength > 0 || (r.ContentLength < 0 && r.Body != nil && r.Body != http.NoBody)
		if hasBody && r.Method != http.MethodGet && r.Method != http.MethodHead && strings.HasPrefix(r.URL.Path, "/v1/") {
			if err := checkJSONType(c.GetHeader("Content-Type")); err != nil {
				Fail(c, err)
				return
			}
		}
		c.Next()
	}
}

// NoStore marks every API answer Cache-Control: no-store (they carry patient
// data or tokens); a handler may still set its own value.
func NoStore() gin.HandlerFunc {
	return func(c *gin.Context) {
		if strings.HasPrefix(c.Request.URL.Path, "/v1/") {
			c.Header("Cache-Control", "no-store")
		}
		c.Next()
	}
}

func decodeStrict(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err != nil {
			return jsonError(err)
		}
		return apperr.E(apperr.Invalid, "request body has data after the JSON value").WithReason("malformed_json")
	}
	return nil
}

func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	var domain *apperr.Error // from a type's own UnmarshalJSON (e.g. a field error naming a bad date)
	switch {
	case errors.As(err, &domain):
		return domain
	case errors.As(err, &tooBig):
		return apperr.E(apperr.TooLarge, "request body is larger than %d bytes", tooBig.Limit)
	case errors.Is(err, io.EOF):
		return apperr.E(apperr.Invalid, "request body is empty; a JSON object is required").WithReason("malformed_json")
	case errors.As(err, &syn):
		return apperr.E(apperr.Invalid, "malformed JSON at byte %d: %s", syn.Offset, syn.Error()).WithReason("malformed_json")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return apperr.E(apperr.Invalid, "malformed JSON: the body ends too early").WithReason("malformed_json")
	case errors.As(err, &typ):
		return apperr.Validation(apperr.FieldError{Field: typ.Field, Message: fmt.Sprintf("must be %s, not %s", typ.Type, typ.Value)})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return apperr.Validation(apperr.FieldError{Field: field, Message: "is not a known field"})
	default:
		return apperr.E(apperr.Invalid, "malformed JSON: %s", err.Error()).WithReason("malformed_json")
	}
}
