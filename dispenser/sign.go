package dispenser

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/doseloop/doseloop/apperr"
)

// Header names of the device protocol.
const (
	HeaderSerial    = "X-Dispenser-Serial"
	HeaderTimestamp = "X-Dispenser-Timestamp"
	HeaderSignature = "X-Dispenser-Signature"
)

// SigningLabel is the first line of every string a device signs; it names the
// protocol version (PROTOCOL.md, "Signing every request").
const SigningLabel = "DOSELOOP-DISPENSER-V2"

// MaxSkew is how far a request's timestamp may be from the server's clock.
const MaxSkew = 300 * time.Second

// SignedHeaders are the parsed authentication headers of a device request.
type SignedHeaders struct {
	Serial       string
	Timestamp    int64  // unix seconds
	TimestampRaw string // the header's exact bytes, which are what is signed
	Signature    []byte
}

// StringToSign returns the v2 message a device signs, seven lines joined by
// "\n" (no trailing newline): SigningLabel, serial, method, path (as sent,
// without the query), canonical query (CanonicalQuery), the timestamp
// header's exact bytes and hex(sha256(body)). A query that cannot be
// canonicalised is an error.
func StringToSign(serial, method, path, rawQuery, timestamp string, body []byte) ([]byte, error) {
	q, err := CanonicalQuery(rawQuery)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	lines := []string{SigningLabel, serial, method, path, q, timestamp, hex.EncodeToString(sum[:])}
	return []byte(strings.Join(lines, "\n")), nil
}

// Sign returns the base64 X-Dispenser-Signature of a request to target (a
// path, optionally with "?query") sent with timestamp ts (decimal). It is
// what dispenser/sim and the tests use; firmware implements the same.
func Sign(key ed25519.PrivateKey, serial, method, target string, ts int64, body []byte) string {
	path, query, _ := strings.Cut(target, "?")
	msg, err := StringToSign(serial, method, path, query, strconv.FormatInt(ts, 10), body)
	if err != nil {
		return "" // the server refuses the query too; an empty signature says so early
	}
	return base64.StdEncoding.EncodeToString(ed25519.Sign(key, msg))
}

func authErr(reason, format string, args ...any) *apperr.Error {
	return apperr.E(apperr.Unauthorized, format, args...).WithReason(reason)
}

// ParseHeaders checks the syntax of the three authentication headers. It
// returns 401 errors with reason missing_headers, bad_serial, bad_timestamp or
// bad_signature; it does not check the signature itself.
func ParseHeaders(serial, ts, sig string) (SignedHeaders, error) {
	var h SignedHeaders
	if serial == "" || ts == "" || sig == "" {
		return h, authErr("missing_headers", "send %s, %s and %s", HeaderSerial, HeaderTimestamp, HeaderSignature)
	}
	if !validSerial(serial) {
		return h, authErr("bad_serial", "%s must be 3 to 64 letters, digits, '.', '_' or '-'", HeaderSerial)
	}
	n, ok := parseUnix(ts)
	if !ok {
		return h, authErr("bad_timestamp", "%s must be unix seconds (1 to 12 decimal digits)", HeaderTimestamp)
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(sig)
	if err != nil || len(raw) != ed25519.SignatureSize {
		return h, authErr("bad_signature", "%s must be a base64 Ed25519 signature (64 bytes)", HeaderSignature)
	}
	return SignedHeaders{Serial: serial, Timestamp: n, TimestampRaw: ts, Signature: raw}, nil
}

// parseUnix accepts 1 to 12 decimal digits.
func parseUnix(ts string) (int64, bool) {
	if len(ts) > 12 {
		return 0, false
	}
	for _, r := range ts {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(ts, 10, 64)
	return n, err == nil
}

// validSerial accepts 3..64 characters from [A-Za-z0-9._-].
func validSerial(s string) bool {
	if len(s) < 3 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-'
		if !ok {
			return false
		}
	}
	return true
}
