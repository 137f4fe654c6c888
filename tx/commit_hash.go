package tx

import (
	"encoding/binary"

	"golang.org/x/crypto/blake2b"

	"github.com/gotensor/gotensor/tao"
)

// CommitHash is the hash commit_weights commits to and reveal_weights
// recomputes: BLAKE2b-256 of the SCALE encoding of (hotkey, netuid, uids,
// values, salt, version_key) — the 32-byte public key, netuid as u16 LE,
// each vector as a compact length followed by u16 LE items, version_key as
// u64 LE. It is subtensor's get_commit_hash and the Bittensor SDK's
// generate_weight_hash, so a commit made with either reveals on the other.
//
// The chain and the CLI both call this function: a client's commit can
// only match the chain's check if they hash the same bytes.
func CommitHash(hotkey tao.AccountID, netuid tao.NetUID, uids []tao.UID, values, salt []uint16, versionKey uint64) [32]byte {
	b := make([]byte, 0, 32+2+3*5+2*(len(uids)+len(values)+len(salt))+8)
	b = append(b, hotkey[:]...)
	b = binary.LittleEndian.AppendUint16(b, uint16(netuid))
	b = appendCompact(b, len(uids))
	for _, u := range uids {
		b = binary.LittleEndian.AppendUint16(b, uint16(u))
	}
	for _, v := range [...][]uint16{values, salt} {
		b = appendCompact(b, len(v))
		for _, x := range v {
			b = binary.LittleEndian.AppendUint16(b, x)
		}
	}
	b = binary.LittleEndian.AppendUint64(b, versionKey)
	return blake2b.Sum256(b)
}

// appendCompact appends n in SCALE's compact encoding (the modes for
// lengths below 2^30, which covers every vector a transaction can carry).
func appendCompact(b []byte, n int) []byte {
	switch {
	case n < 1<<6:
		return append(b, byte(n)<<2)
	case n < 1<<14:
		return binary.LittleEndian.AppendUint16(b, uint16(n)<<2|1)
	case n < 1<<30:
		return binary.LittleEndian.AppendUint32(b, uint32(n)<<2|2)
	}
	panic("tx: compact length above 2^30")
}
