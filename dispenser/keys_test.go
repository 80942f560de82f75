package dispenser

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"

	"filippo.io/edwards25519"
)

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func repeat(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

func goodKey() ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("keys_test"))
	return ed25519.NewKeyFromSeed(seed[:])
}

// mixedOrderKey is a real public key plus a point of order 8: it verifies
// some signatures of the real key's owner and has eight "equivalent" forms.
func mixedOrderKey() []byte {
	a, _ := new(edwards25519.Point).SetBytes(goodKey().Public().(ed25519.PublicKey))
	t, _ := new(edwards25519.Point).SetBytes(mustHex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"))
	return new(edwards25519.Point).Add(a, t).Bytes()
}

// TestWeakKeysRefused is the table of known weak public keys: every one is
// refused by ParsePublicKey, which provisioning and every request use.
func TestWeakKeysRefused(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		raw  []byte
	}{
		{"identity (0,1): with it 01 00.. 00 signs anything", append([]byte{1}, make([]byte, 31)...)},
		{"all zero: (sqrt(-1),0), order 4", repeat(0)},
		{"all 0xFF: non-canonical y", repeat(0xff)},
		{"off the curve: y=2", append([]byte{2}, make([]byte, 31)...)},
		{"non-canonical encoding of y=3 (p+3)", append(append([]byte{0xf0}, bytes.Repeat([]byte{0xff}, 30)...), 0x7f)},
		{"identity with the sign bit set (-0)", append(append([]byte{1}, make([]byte, 30)...), 0x80)},
		{"(0,-1): order 2", mustHex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")},
		{"order 8", mustHex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05")},
		{"order 8 (other)", mustHex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a")},
		{"mixed order: real key + torsion", mixedOrderKey()},
		{"31 bytes", goodKey().Public().(ed25519.PublicKey)[:31]},
	}
	for _, c := range cases {
		if _, ok := ParsePublicKey(base64.StdEncoding.EncodeToString(c.raw)); ok {
			t.Errorf("%s: %x accepted", c.name, c.raw)
		}
	}
	good := base64.StdEncoding.EncodeToString(goodKey().Public().(ed25519.PublicKey))
	if _, ok := ParsePublicKey(good); !ok {
		t.Fatal("a real key was refused")
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	last := alphabet[strings.IndexByte(alphabet, good[42])|1] // same key, a padding bit set
	if _, ok := ParsePublicKey(good[:42] + string(last) + "="); ok {
		t.Error("a second base64 spelling of the key was accepted")
	}
}

// TestMalleableSignaturesRefused: only the one canonical form of a valid
// signature verifies.
func TestMalleableSignaturesRefused(t *testing.T) {
	t.Parallel()
	key := goodKey()
	pub := key.Public().(ed25519.PublicKey)
	msg := []byte("DOSELOOP-DISPENSER-V2\nSN-1\nPOST\n/v1/dispenser/heartbeat\n\n1773151200\n")
	sig := ed25519.Sign(key, msg)
	if !verify(pub, msg, sig) {
		t.Fatal("a valid signature was refused")
	}
	l := mustHex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")
	plusL := append([]byte(nil), sig...)
	addLE(plusL[32:], l)
	identity := append([]byte{1}, make([]byte, 31)...)
	forged := append(append([]byte{1}, make([]byte, 31)...), make([]byte, 32)...)
	cases := []struct {
		name     string
		pub, sig []byte
	}{
		{"S + L (same signature, second encoding)", pub, plusL},
		{"S = L", pub, append(append([]byte(nil), sig[:32]...), l...)},
		{"S all 0xFF", pub, append(append([]byte(nil), sig[:32]...), repeat(0xff)...)},
		{"R small order: identity-key forgery 01 00.. 00", identity, forged},
		{"R non-canonical (-0)", pub, append(append(append([]byte{1}, make([]byte, 30)...), 0x80), sig[32:]...)},
		{"short key", pub[:31], sig},
		{"short signature", pub, sig[:63]},
	}
	for _, c := range cases {
		if verify(c.pub, msg, c.sig) {
			t.Errorf("%s: verified", c.name)
		}
	}
}

// addLE adds b to a (both little-endian, same length) in place.
func addLE(a, b []byte) {
	carry := 0
	for i := range a {
		s := int(a[i]) + int(b[i]) + carry
		a[i], carry = byte(s), s>>8
	}
}

// BenchmarkVerifyRequest is the per-request cost of the key load and the
// strict signature check.
func BenchmarkVerifyRequest(b *testing.B) {
	key := goodKey()
	pub := base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey))
	msg, _ := StringToSign("DL-0042", "POST", "/v1/dispenser/events", "", "1773151200", []byte(`{"events":[]}`))
	sig := ed25519.Sign(key, msg)
	for b.Loop() {
		k, ok := ParsePublicKey(pub)
		if !ok || !verify(k, msg, sig) {
			b.Fatal("refused")
		}
	}
}

// BenchmarkStrongKey is the uncached key check.
func BenchmarkStrongKey(b *testing.B) {
	raw := goodKey().Public().(ed25519.PublicKey)
	for b.Loop() {
		StrongKey(raw)
	}
}

// BenchmarkPlainVerify is crypto/ed25519 alone, the v1 server's check.
func BenchmarkPlainVerify(b *testing.B) {
	key := goodKey()
	msg := []byte("POST\n/v1/dispenser/events\n1773151200\n0000")
	sig := ed25519.Sign(key, msg)
	for b.Loop() {
		ed25519.Verify(key.Public().(ed25519.PublicKey), msg, sig)
	}
}
