package synapse

import (
	"crypto/sha3"
	"encoding/hex"
)

// BodyHash returns the body hash of s (§3.4): the SHA3-256 hex digest of the
// concatenated SHA3-256 hex digests of PyStr of each HashFields value. A
// synapse without hash fields hashes to SHA3-256 of the empty string.
func BodyHash(s Synapse) string {
	var fields []any
	if h, ok := s.(Hasher); ok {
		fields = h.HashFields()
	}
	return hashStrings(fields)
}

// hashStrings hashes the Python strings of values as BodyHash does.
func hashStrings(values []any) string {
	outer := sha3.New256()
	var sum [32]byte
	var hexSum [64]byte
	for _, v := range values {
		inner := sha3.Sum256([]byte(PyStr(v)))
		hex.Encode(hexSum[:], inner[:])
		outer.Write(hexSum[:])
	}
	outer.Sum(sum[:0])
	return hex.EncodeToString(sum[:])
}
