package dispenser

import (
	"net/url"
	"sort"
	"strings"

	"github.com/doseloop/doseloop/apperr"
)

// CanonicalQuery returns the query string in the form that is signed: each
// name=value pair decoded as the server reads it (percent-escapes, '+' as a
// space), re-encoded with every byte outside A-Z a-z 0-9 - . _ ~ written as
// %XX (upper-case hex), sorted by name and then value, joined by '&'. A
// pair without '=' gets one ("flag" -> "flag="); empty pairs are dropped.
// The empty query is the empty string. A bad escape is a 400 bad_query.
func CanonicalQuery(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	type pair struct{ k, v string }
	var pairs []pair
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		dk, err1 := url.QueryUnescape(k)
		dv, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil || strings.Contains(part, ";") {
			return "", apperr.E(apperr.Invalid, "the query string has a bad escape or a ';'").WithReason("bad_query")
		}
		pairs = append(pairs, pair{escape(dk), escape(dv)})
	}
	sort.Slice(pairs, func(i, j int) bool {
		return pairs[i].k < pairs[j].k || pairs[i].k == pairs[j].k && pairs[i].v < pairs[j].v
	})
	var sb strings.Builder
	for i, p := range pairs {
		if i > 0 {
			sb.WriteByte('&')
		}
		sb.WriteString(p.k + "=" + p.v)
	}
	return sb.String(), nil
}

// escape percent-encodes every byte outside RFC 3986's unreserved set.
func escape(s string) string {
	const hex = "0123456789ABCDEF"
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			sb.WriteByte(c)
			continue
		}
		sb.WriteByte('%')
		sb.WriteByte(hex[c>>4])
		sb.WriteByte(hex[c&15])
	}
	return sb.String()
}
