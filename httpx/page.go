package httpx

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/doseloop/doseloop/apperr"
	"github.com/gin-gonic/gin"
)

// Page is a cursor-pagination request: return up to Limit items after Cursor.
type Page struct {
	Limit  int
	Cursor string // opaque to clients; decoded by the handler's own key type
}

// ParsePage reads ?limit= (default 50, 1..200) and ?cursor=.
func ParsePage(c *gin.Context) (Page, error) {
	p := Page{Limit: 50}
	if s := c.Query("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 200 {
			return p, apperr.Validation(apperr.FieldError{Field: "limit", Message: "must be a whole number from 1 to 200"})
		}
		p.Limit = n
	}
	if s := c.Query("cursor"); s != "" {
		raw, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || len(raw) == 0 {
			return p, apperr.Validation(apperr.FieldError{Field: "cursor", Message: "is not a cursor this API gave out"})
		}
		p.Cursor = string(raw)
	}
	return p, nil
}

// EncodeCursor makes an opaque cursor from a handler's key (e.g. "1234" or "2026-01-01T00:00:00Z|99").
func EncodeCursor(key string) string { return base64.RawURLEncoding.EncodeToString([]byte(key)) }

// List is the envelope of every paginated answer.
type List[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// JSONWithETag answers v with a strong ETag over its encoding, and 304 when
// the client's If-None-Match already names it (apps poll these views).
func JSONWithETag(c *gin.Context, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		Fail(c, err)
		return
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	c.Header("ETag", etag)
	c.Header("Cache-Control", "no-store") // patient data: the app keeps the ETag itself
	if c.GetHeader("If-None-Match") == etag {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", body)
}

// Trim cuts rows fetched with Limit+1 down to the page and returns the
// cursor of the next page ("" on the last page), built from the last row kept.
func Trim[T any](rows []T, p Page, key func(last T) string) ([]T, string) {
	if len(rows) <= p.Limit {
		return rows, ""
	}
	rows = rows[:p.Limit]
	return rows, EncodeCursor(key(rows[len(rows)-1]))
}
