package chain

import (
	"encoding/binary"
	"fmt"
)

// Value encodings: fixed-width big-endian integers and raw bytes. A value of
// the wrong length means the state is corrupt (or the layout changed without
// a migration): decoders panic with the key's collection in the message.

func encodeU64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

func decodeU64(what string, b []byte) uint64 {
	if len(b) != 8 {
		panic(fmt.Sprintf("chain: corrupt %s: %d bytes, want 8", what, len(b)))
	}
	return binary.BigEndian.Uint64(b)
}

func decode32(what string, b []byte) [32]byte {
	if len(b) != 32 {
		panic(fmt.Sprintf("chain: corrupt %s: %d bytes, want 32", what, len(b)))
	}
	return [32]byte(b)
}
