package mobileapi

import (
	"strconv"
	"strings"
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

// errNotFound is the answer for every id the caller may not know: the same
// message whether the object is foreign or missing.
func errNotFound(what string) error { return apperr.E(apperr.NotFound, "no such %s", what) }

// idParam reads a positive integer path parameter. A malformed id is a 404,
// like an unknown one: the path names nothing.
func idParam(c *gin.Context, what string) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound(what)
	}
	return id, nil
}

// db returns the database bound to the request's context.
func (a *API) db(c *gin.Context) *gorm.DB { return a.DB.WithContext(c.Request.Context()) }

// timeKey is a keyset cursor over (instant, id), the order of every
// time-ordered list in this package.
type timeKey struct {
	At time.Time
	ID int64
}

func (k timeKey) encode() string {
	return strconv.FormatInt(k.At.UnixMicro(), 10) + "|" + strconv.FormatInt(k.ID, 10)
}

// parseTimeKey decodes a cursor made by encode. Errors: Invalid.
func parseTimeKey(s string) (timeKey, error) {
	bad := apperr.Validation(apperr.FieldError{Field: "cursor", Message: "is not a cursor this API gave out"})
	at, id, ok := strings.Cut(s, "|")
	if !ok {
		return timeKey{}, bad
	}
	us, err1 := strconv.ParseInt(at, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil || n <= 0 {
		return timeKey{}, bad
	}
	return timeKey{At: time.UnixMicro(us).UTC(), ID: n}, nil
}

// parseIDKey decodes an id cursor. Errors: Invalid.
func parseIDKey(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, apperr.Validation(apperr.FieldError{Field: "cursor", Message: "is not a cursor this API gave out"})
	}
	return n, nil
}

// parseDate reads a YYYY-MM-DD query parameter. Errors: Invalid.
func parseDate(field, s string) (string, error) {
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return "", apperr.Validation(apperr.FieldError{Field: field, Message: "must be a date YYYY-MM-DD"})
	}
	return s, nil
}

// zone loads an IANA zone stored on a patient, falling back to UTC for a
// value that no longer loads (the stored data predates validation).
func zone(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil {
		return loc
	}
	return time.UTC
}
