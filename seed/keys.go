package seed

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
)

// DispenserKey derives a demo dispenser's Ed25519 key from its serial, so the
// simulator can sign as the demo devices. A real device generates its key in
// its secure element and never discloses it; this is for demo data only.
func DispenserKey(serial string) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("doseloop-demo-dispenser:" + serial))
	return ed25519.NewKeyFromSeed(seed[:])
}

// DispenserPublicKey is DispenserKey's public half, base64 (standard encoding).
func DispenserPublicKey(serial string) string {
	return base64.StdEncoding.EncodeToString(DispenserKey(serial).Public().(ed25519.PublicKey))
}
