// Package apperr is DoseLoop's one error type. Domain errors carry a Code and a
// message that is safe to show a user; httpx maps codes to HTTP statuses.
// Anything that is not an *Error is an internal error: logged, never shown.
package apperr

import (
	"errors"
	"fmt"
)

// Code classifies an error for callers and for the HTTP mapping.
type Code string

// The codes a service method may return. Each method documents which.
const (
	Invalid      Code = "invalid"
	NotFound     Code = "not_found"
	Conflict     Code = "conflict"
	Unauthorized Code = "unauthorized"
	Forbidden    Code = "forbidden"
	TooLarge     Code = "too_large"
	RateLimited  Code = "rate_limited"
	// UnsupportedMedia is a request body in a media type the endpoint does not take.
	UnsupportedMedia Code = "unsupported_media_type"
	Unavailable      Code = "unavailable"
	Internal         Code = "internal"
)

// FieldError names one invalid input field.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is a domain error with a user-safe message.
type Error struct {
	Code    Code
	Message string
	// Reason is a short machine-readable reason (e.g. "stale_timestamp").
	Reason string
	// Fields lists per-field problems for validation errors.
	Fields []FieldError
	// Extra holds additional problem members (e.g. "next_allowed_at").
	Extra map[string]any
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// E builds an error with a formatted message.
func E(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// WithReason sets a machine-readable reason and returns e.
func (e *Error) WithReason(reason string) *Error { e.Reason = reason; return e }

// With adds an extra problem member and returns e.
func (e *Error) With(key string, value any) *Error {
	if e.Extra == nil {
		e.Extra = map[string]any{}
	}
	e.Extra[key] = value
	return e
}

// Validation builds an Invalid error from field problems.
func Validation(fields ...FieldError) *Error {
	msg := "the request has invalid fields"
	if len(fields) == 1 {
		msg = fields[0].Field + ": " + fields[0].Message
	}
	return &Error{Code: Invalid, Message: msg, Fields: fields}
}

// CodeOf returns the code of err, or Internal when err is not an *Error.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// Is reports whether err carries code.
func Is(err error, code Code) bool { return err != nil && CodeOf(err) == code }
