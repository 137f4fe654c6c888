// Package ss58 encodes and decodes Substrate SS58 addresses.
//
// An address is base58(prefix ‖ payload ‖ checksum) where the checksum is the
// first two bytes of blake2b-512("SS58PRE" ‖ prefix ‖ payload). Bittensor uses
// the generic Substrate prefix 42; decoding accepts any prefix and reports it.
package ss58

import (
	"errors"
	"fmt"

	"github.com/mr-tron/base58"
	"golang.org/x/crypto/blake2b"
)

// DefaultPrefix is the network prefix Bittensor (and gotensor) use.
const DefaultPrefix = 42

// Errors returned by Decode. They are wrapped with detail; test with errors.Is.
var (
	ErrEncoding = errors.New("ss58: not base58")
	ErrLength   = errors.New("ss58: bad length")
	ErrChecksum = errors.New("ss58: bad checksum")
	ErrPrefix   = errors.New("ss58: bad prefix")
)

var checksumPrefix = []byte("SS58PRE")

// Encode returns the SS58 address of a 32-byte public key under prefix
// (0..16383). It panics on an out-of-range prefix, a programming error.
func Encode(pub [32]byte, prefix uint16) string {
	if prefix > 16383 {
		panic(fmt.Sprintf("ss58: prefix %d out of range", prefix))
	}
	var buf []byte
	if prefix < 64 {
		buf = append(buf, byte(prefix))
	} else {
		buf = append(buf, byte(((prefix&0xFC)>>2)|0x40), byte((prefix>>8)|((prefix&0x03)<<6)))
	}
	buf = append(buf, pub[:]...)
	sum := checksum(buf)
	buf = append(buf, sum[0], sum[1])
	return base58.Encode(buf)
}

// Decode parses an SS58 address of a 32-byte account and returns the public
// key and the network prefix. Any valid prefix is accepted.
func Decode(addr string) (pub [32]byte, prefix uint16, err error) {
	raw, err := base58.Decode(addr)
	if err != nil || len(addr) == 0 {
		return pub, 0, fmt.Errorf("%w: %q", ErrEncoding, addr)
	}
	if len(raw) < 1 {
		return pub, 0, ErrLength
	}
	var plen int
	switch first := raw[0]; {
	case first < 64:
		prefix, plen = uint16(first), 1
	case first < 128:
		if len(raw) < 2 {
			return pub, 0, ErrLength
		}
		lower := uint16(first<<2) | uint16(raw[1]>>6)
		upper := uint16(raw[1] & 0x3F)
		prefix, plen = lower|(upper<<8), 2
	default:
		return pub, 0, fmt.Errorf("%w: first byte %d is reserved", ErrPrefix, first)
	}
	if len(raw) != plen+32+2 {
		return pub, 0, fmt.Errorf("%w: %d bytes, want %d for a 32-byte account", ErrLength, len(raw), plen+34)
	}
	body := raw[:plen+32]
	sum := checksum(body)
	if sum[0] != raw[plen+32] || sum[1] != raw[plen+33] {
		return pub, 0, ErrChecksum
	}
	copy(pub[:], raw[plen:plen+32])
	return pub, prefix, nil
}

func checksum(body []byte) [64]byte {
	h, _ := blake2b.New512(nil)
	h.Write(checksumPrefix)
	h.Write(body)
	var out [64]byte
	copy(out[:], h.Sum(nil))
	return out
}
