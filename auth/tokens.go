package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// accessClaims are what an access token carries: who, which session, until when.
type accessClaims struct {
	Role     string `json:"role"`
	ClinicID int64  `json:"clinic"`
	jwt.RegisteredClaims
}

func (s *Service) signAccess(p Principal, now time.Time) (string, time.Time, error) {
	exp := now.Add(s.AccessTTL)
	claims := accessClaims{Role: p.Role, ClinicID: p.ClinicID, RegisteredClaims: jwt.RegisteredClaims{
		Subject: strconv.FormatInt(p.UserID, 10), ID: p.SessionID, Issuer: "doseloop",
		IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(exp),
	}}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(s.Secret)
	return tok, exp, err
}

// parseAccess verifies an access token's signature and expiry against the
// service clock and returns the principal it names.
func (s *Service) parseAccess(raw string) (Principal, error) {
	var claims accessClaims
	_, err := jwt.ParseWithClaims(raw, &claims, func(*jwt.Token) (any, error) { return s.Secret, nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithIssuer("doseloop"), jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(s.Clock.Now))
	if err != nil {
		if errors.Is(err, jwt.ErrTokenExpired) {
			return Principal{}, errExpired
		}
		return Principal{}, errBadToken
	}
	id, err := strconv.ParseInt(claims.Subject, 10, 64)
	if err != nil || claims.ID == "" {
		return Principal{}, errBadToken
	}
	return Principal{UserID: id, SessionID: claims.ID, Role: claims.Role, ClinicID: claims.ClinicID}, nil
}

// newOpaque returns a random URL-safe token and its SHA-256 hex (what we store).
func newOpaque() (token, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func newSessionID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}
