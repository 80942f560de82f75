package dispenser

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"time"

	"github.com/doseloop/doseloop/apperr"
)

// Header names of the device protocol.
const (
	HeaderSerial    = "X-Dispenser-Serial"
	HeaderTimestamp = "X-Dispenser-Timestamp"
	HeaderSignature = "X-Dispenser-Signature"
)

// MaxSkew is how far a request's timestamp may be from the server's clock.
const MaxSkew = 300 * time.Second

// SignedHeaders are the parsed authentication headers of a device request.
type SignedHeaders struct {
	Serial    string
	Timestamp int64 // unix seconds
	Signature []byte
}

// Canonical returns the string a device signs:
// METHOD "\n" PATH "\n" TIMESTAMP "\n" hex(sha256(body)).
func Canonical(method, path string, ts int64, body []byte) []byte {
	sum := sha256.Sum256(body)
	s := method + "\n" + path + "\n" + strconv.FormatInt(ts, 10) + "\n" + hex.EncodeToString(sum[:])
	return []byte(s)
}

// Sign returns the base64 X-Dispenser-Signature for a request.
func Sign(key ed25519.PrivateKey, method, path string, ts int64, body []byte) string {
	return base64.StdEncoding.EncodeToString(ed25519.Sign(key, Canonical(method, path, ts, body)))
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
	if len(ts) > 12 {
		return h, authErr("bad_timestamp", "%s must be unix seconds", HeaderTimestamp)
	}
	for _, r := range ts {
		if r < '0' || r > '9' {
			return h, authErr("bad_timestamp", "%s must be unix seconds", HeaderTimestamp)
		}
	}
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return h, authErr("bad_timestamp", "%s must be unix seconds", HeaderTimestamp)
	}
	raw, err := base64.StdEncoding.DecodeString(sig)
	if err != nil || len(raw) != ed25519.SignatureSize {
		return h, authErr("bad_signature", "%s must be a base64 Ed25519 signature (64 bytes)", HeaderSignature)
	}
	return SignedHeaders{Serial: serial, Timestamp: n, Signature: raw}, nil
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

// ParsePublicKey decodes a base64 (standard encoding) Ed25519 public key.
func ParsePublicKey(s string) (ed25519.PublicKey, bool) {
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(raw) != ed25519.PublicKeySize {
		return nil, false
	}
	return ed25519.PublicKey(raw), true
}
