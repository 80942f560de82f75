package sim

import "encoding/hex"

// IDSet is a compact set of event ids (16 bytes each instead of a 36-byte
// string), so a long load run's bookkeeping does not inflate the measured RSS.
type IDSet map[[16]byte]struct{}

// IDKey packs a canonical UUID into 16 bytes; anything else hashes to its
// first 16 bytes, which is fine for the ids this package generates.
func IDKey(id string) [16]byte {
	var k [16]byte
	var buf [32]byte
	n := 0
	for i := 0; i < len(id) && n < 32; i++ {
		if id[i] != '-' {
			buf[n] = id[i]
			n++
		}
	}
	if _, err := hex.Decode(k[:], buf[:n]); err != nil {
		copy(k[:], id)
	}
	return k
}

// Add puts id in the set.
func (s IDSet) Add(id string) { s[IDKey(id)] = struct{}{} }

// Has reports whether id is in the set.
func (s IDSet) Has(id string) bool {
	_, ok := s[IDKey(id)]
	return ok
}
