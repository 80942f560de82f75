package auth

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/doseloop/doseloop/apperr"
)

// commonPasswords is the 10,000 most common passwords of a public breach
// corpus plus every password of 12 or more characters in its top million
// (SecLists, "10 million password list"), gzipped.
//
//go:embed common-passwords.txt.gz
var commonPasswordsGz []byte

var (
	commonOnce sync.Once
	commonSet  map[string]struct{}
)

func common() map[string]struct{} {
	commonOnce.Do(func() {
		commonSet = make(map[string]struct{}, 60000)
		zr, err := gzip.NewReader(bytes.NewReader(commonPasswordsGz))
		if err != nil {
			panic("auth: embedded password list: " + err.Error())
		}
		sc := bufio.NewScanner(zr)
		for sc.Scan() {
			commonSet[strings.ToLower(sc.Text())] = struct{}{}
		}
	})
	return commonSet
}

// CommonPasswordCount is how many passwords the embedded list refuses.
func CommonPasswordCount() int { return len(common()) }

// CheckPassword applies the password policy: at least MinPasswordLen
// characters, valid UTF-8 without NUL, not a common password and not the
// account's own email. Errors: Invalid (field given by field).
func CheckPassword(field, pw, email string) error {
	bad := func(msg string) error { return apperr.Validation(apperr.FieldError{Field: field, Message: msg}) }
	switch {
	case !utf8.ValidString(pw) || strings.ContainsRune(pw, 0):
		return bad("must be valid UTF-8 text without NUL characters")
	case utf8.RuneCountInString(pw) < MinPasswordLen:
		return bad("must be at least 12 characters long")
	case isCommon(pw):
		return bad("is one of the most commonly used passwords; choose another")
	case email != "" && strings.EqualFold(strings.TrimSpace(pw), strings.TrimSpace(email)):
		return bad("must not be the account's email address")
	}
	return nil
}

func isCommon(pw string) bool {
	_, ok := common()[strings.ToLower(pw)]
	return ok
}
