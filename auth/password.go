package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
)

// MinPasswordLen is the shortest password DoseLoop accepts. There is no
// maximum: argon2id hashes any length.
const MinPasswordLen = 12

// argonParams are argon2id's cost settings; they are stored in every hash,
// so changing them later re-hashes each password at its next sign-in.
type argonParams struct{ time, memory uint32 }

var (
	argonProd = argonParams{time: 2, memory: 19 * 1024} // OWASP's argon2id minimum: 19 MiB, 2 passes
	argonTest = argonParams{time: 1, memory: 1024}
)

// HashPassword hashes pw with argon2id. cost keeps the old bcrypt-style knob:
// a cost from 1 to bcrypt.MinCost (tests) selects cheap parameters; anything
// else, including 0 (a field left unset), production ones.
func HashPassword(pw string, cost int) (string, error) {
	if pw == "" {
		return "", errors.New("empty password")
	}
	p := argonProd
	if cost > 0 && cost <= bcrypt.MinCost { // only an explicit test cost is cheap; 0 (unset) is production
		p = argonTest
	}
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, p.time, p.memory, 1, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=1$%s$%s", argon2.Version, p.memory, p.time,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// dummyHash is compared against when the email is unknown, so a sign-in for
// a missing account takes as long as one with a wrong password.
var dummyHash, _ = HashPassword("doseloop-timing-equaliser", bcrypt.DefaultCost)

// checkPassword reports whether pw matches hash (argon2id or legacy bcrypt)
// and whether the hash should be replaced by a fresh argon2id one.
func checkPassword(hash, pw string) (ok, rehash bool) {
	switch {
	case hash == "":
		verifyArgon(dummyHash, pw)
		return false, false
	case strings.HasPrefix(hash, "$argon2id$"):
		ok, weak := verifyArgon(hash, pw)
		return ok, ok && weak
	default:
		if len(pw) > 72 { // bcrypt's limit: such a password cannot match a bcrypt hash
			verifyArgon(dummyHash, pw)
			return false, false
		}
		return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil, true
	}
}

// verifyArgon checks pw against a PHC-format argon2id hash; weak reports
// parameters below production ones.
func verifyArgon(hash, pw string) (ok, weak bool) {
	var v int
	var p argonParams
	var threads uint8
	parts := strings.Split(hash, "$")
	if len(parts) != 6 {
		return false, false
	}
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil {
		return false, false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &threads); err != nil || threads == 0 {
		return false, false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false, false
	}
	got := argon2.IDKey([]byte(pw), salt, p.time, p.memory, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, p.memory < argonProd.memory || p.time < argonProd.time
}
