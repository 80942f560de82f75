package dispenser

import (
	"strings"
	"unicode/utf8"
)

// textProblem says what is wrong with a text field a device or admin sent
// for a column both databases must accept ("" if nothing): Postgres refuses
// invalid UTF-8 and NUL that SQLite stores, so both are refused here, before
// any transaction. Control characters other than tab and newline are
// refused too: no firmware string or model name needs them. max counts
// characters.
func textProblem(s string, max int) string {
	switch {
	case !utf8.ValidString(s):
		return "must be valid UTF-8"
	case strings.IndexByte(s, 0) >= 0:
		return "must not contain NUL (\\u0000)"
	case strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\t' && r != '\n' || r == 0x7f }):
		return "must not contain control characters"
	case utf8.RuneCountInString(s) > max:
		return "must be at most " + itoa(int64(max)) + " characters"
	}
	return ""
}
