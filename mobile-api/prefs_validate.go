package mobileapi

import (
	"regexp"
	"strings"
	"time"

	"github.com/doseloop/doseloop/apperr"
)

var localeRE = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$`)

func validLocale(s string) bool { return len(s) <= 35 && localeRE.MatchString(s) }

// ValidClock reports whether s is a wall-clock time "HH:MM" (00:00–23:59).
func ValidClock(s string) bool {
	if len(s) != 5 {
		return false
	}
	_, err := time.Parse("15:04", s)
	return err == nil
}

// ValidZone reports whether s names an IANA time zone ("UTC" included;
// "Local" and the empty string, which mean the server's zone, are not).
func ValidZone(s string) bool {
	if s == "" || s == "Local" || len(s) > 64 || strings.ContainsAny(s, `\`) || strings.HasPrefix(s, "/") || strings.Contains(s, "..") {
		return false
	}
	_, err := time.LoadLocation(s)
	return err == nil
}

type prefsRequest struct {
	Locale            *string `json:"locale"`
	QuietStart        *string `json:"quiet_start"`
	QuietEnd          *string `json:"quiet_end"`
	LockScreenPrivate *bool   `json:"lock_screen_private"`
	TimeZone          *string `json:"time_zone"`
	TravelPolicy      *string `json:"travel_policy"`
}

func (r *prefsRequest) Validate() error {
	var f []apperr.FieldError
	bad := func(field, msg string) { f = append(f, apperr.FieldError{Field: field, Message: msg}) }
	if r.Locale != nil && !validLocale(*r.Locale) {
		bad("locale", "must be a language tag such as en or pt-BR")
	}
	if r.QuietStart != nil && *r.QuietStart != "" && !ValidClock(*r.QuietStart) {
		bad("quiet_start", `must be a time "HH:MM" or "" for none`)
	}
	if r.QuietEnd != nil && *r.QuietEnd != "" && !ValidClock(*r.QuietEnd) {
		bad("quiet_end", `must be a time "HH:MM" or "" for none`)
	}
	if (r.QuietStart == nil) != (r.QuietEnd == nil) || (r.QuietStart != nil && (*r.QuietStart == "") != (*r.QuietEnd == "")) {
		bad("quiet_end", "quiet_start and quiet_end are set (or cleared) together")
	}
	if r.TimeZone != nil && !ValidZone(*r.TimeZone) {
		bad("time_zone", "must be an IANA time zone such as Europe/Berlin")
	}
	if r.TravelPolicy != nil && *r.TravelPolicy != "home" && *r.TravelPolicy != "local" {
		bad("travel_policy", "must be home or local")
	}
	if len(f) > 0 {
		return apperr.Validation(f...)
	}
	return nil
}
