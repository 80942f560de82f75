package auth

import (
	"errors"

	"golang.org/x/crypto/bcrypt"
)

// MinPasswordLen is the shortest password DoseLoop accepts.
const MinPasswordLen = 10

// HashPassword hashes pw with bcrypt at cost (bcrypt.DefaultCost in production;
// tests use bcrypt.MinCost to stay fast).
func HashPassword(pw string, cost int) (string, error) {
	if len(pw) < MinPasswordLen {
		return "", errors.New("password too short")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), cost)
	return string(h), err
}

// dummyHash is compared against when the email is unknown, so a login for a
// missing account takes as long as one with a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("doseloop-timing-equaliser"), bcrypt.DefaultCost)

func checkPassword(hash, pw string) bool {
	if hash == "" {
		bcrypt.CompareHashAndPassword(dummyHash, []byte(pw))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}
