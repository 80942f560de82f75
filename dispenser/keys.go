package dispenser

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"sync"
	"sync/atomic"

	"filippo.io/edwards25519"
)

// lMinus1 is the group order L minus one, little-endian: the largest
// canonical scalar. [L]A is computed as [L-1]A + A because L itself is not
// a canonical scalar.
var lMinus1 = []byte{
	0xec, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
}

// ParsePublicKey decodes a base64 (standard, padded) Ed25519 public key and
// accepts it only if it is a key a real device could have generated: the
// canonical encoding of a curve point in the prime-order subgroup, not of
// small order. The identity point, all-zero, off-curve, non-canonical and
// mixed-order keys are refused: with them a signature can verify for any
// message, or one key can have several encodings.
func ParsePublicKey(s string) (ed25519.PublicKey, bool) {
	if k, ok := strongKeys.Load(s); ok {
		return k.(ed25519.PublicKey), true
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil || len(raw) != ed25519.PublicKeySize || !StrongKey(raw) {
		return nil, false
	}
	if strongKeyCount.Add(1) > maxCachedKeys {
		strongKeys.Clear() // a crude bound; a fleet's keys fit many times over
		strongKeyCount.Store(1)
	}
	strongKeys.Store(s, ed25519.PublicKey(raw))
	return ed25519.PublicKey(raw), true
}

// strongKeys caches keys that passed ParsePublicKey: the subgroup check is
// a scalar multiplication, as dear as the signature check itself, and a
// key's strength never changes. Weak keys are not cached (they are rare and
// would let a flood of bad keys evict good ones).
var (
	strongKeys     sync.Map // base64 -> ed25519.PublicKey
	strongKeyCount atomic.Int64
)

const maxCachedKeys = 100_000

// StrongKey reports whether raw is a canonically encoded point of the
// prime-order subgroup other than the identity (which is the only point of
// small order inside that subgroup).
func StrongKey(raw []byte) bool {
	p, err := new(edwards25519.Point).SetBytes(raw)
	if err != nil || !bytes.Equal(p.Bytes(), raw) {
		return false // off the curve, or a non-canonical encoding
	}
	if new(edwards25519.Point).MultByCofactor(p).Equal(edwards25519.NewIdentityPoint()) == 1 {
		return false // small order: identity or a torsion point
	}
	l1, _ := new(edwards25519.Scalar).SetCanonicalBytes(lMinus1)
	q := new(edwards25519.Point).ScalarMult(l1, p)
	return q.Add(q, p).Equal(edwards25519.NewIdentityPoint()) == 1 // [L]A = 0: no torsion component
}

// verify checks an Ed25519 signature strictly: S must be canonical (S < L)
// and R must be the canonical encoding of a point that is not of small
// order, so a signature has exactly one accepted form (no malleability).
// crypto/ed25519 then checks the equation with cofactorless verification.
func verify(pub ed25519.PublicKey, msg, sig []byte) bool {
	if len(pub) != ed25519.PublicKeySize || len(sig) != ed25519.SignatureSize {
		return false
	}
	if _, err := new(edwards25519.Scalar).SetCanonicalBytes(sig[32:]); err != nil {
		return false
	}
	r, err := new(edwards25519.Point).SetBytes(sig[:32])
	if err != nil || !bytes.Equal(r.Bytes(), sig[:32]) ||
		new(edwards25519.Point).MultByCofactor(r).Equal(edwards25519.NewIdentityPoint()) == 1 {
		return false
	}
	return ed25519.Verify(pub, msg, sig)
}
