package chain

import (
	"encoding/binary"
	"fmt"

	"github.com/gotensor/gotensor/chain/yuma"
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

// encodeEntries encodes a sparse row (weights, bonds) as (uid u16, value
// u16) pairs, big-endian.
func encodeEntries(row []yuma.Entry) []byte {
	b := make([]byte, 0, 4*len(row))
	for _, e := range row {
		b = binary.BigEndian.AppendUint16(b, e.UID)
		b = binary.BigEndian.AppendUint16(b, e.Value)
	}
	return b
}

func decodeEntries(what string, b []byte) []yuma.Entry {
	if len(b)%4 != 0 {
		panic(fmt.Sprintf("chain: corrupt %s: %d bytes", what, len(b)))
	}
	out := make([]yuma.Entry, len(b)/4)
	for i := range out {
		out[i] = yuma.Entry{UID: binary.BigEndian.Uint16(b[4*i:]), Value: binary.BigEndian.Uint16(b[4*i+2:])}
	}
	return out
}

// encodeU64s encodes a per-uid vector of u64 (LastUpdate, epoch emission)
// big-endian.
func encodeU64s[T ~uint64](v []T) []byte {
	b := make([]byte, 0, 8*len(v))
	for _, x := range v {
		b = binary.BigEndian.AppendUint64(b, uint64(x))
	}
	return b
}

func decodeU64s[T ~uint64](what string, b []byte) []T {
	if len(b)%8 != 0 {
		panic(fmt.Sprintf("chain: corrupt %s: %d bytes", what, len(b)))
	}
	out := make([]T, len(b)/8)
	for i := range out {
		out[i] = T(binary.BigEndian.Uint64(b[8*i:]))
	}
	return out
}
