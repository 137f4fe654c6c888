package tao

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/gotensor/gotensor/ss58"
)

// NetUID identifies a subnet. Netuid 0 is the root subnet.
type NetUID uint16

// RootNetUID is the root subnet (stable 1:1 TAO pool).
const RootNetUID NetUID = 0

// UID is a neuron's position within a subnet, 0..n-1.
type UID uint16

// BlockHeight is a block number. All durations in the chain (tempo,
// immunity, rate limits, commit–reveal windows) are counted in blocks.
type BlockHeight uint64

// AccountID is a 32-byte sr25519 public key: a coldkey or a hotkey.
type AccountID [32]byte

// String returns the SS58 address with prefix 42.
func (a AccountID) String() string { return ss58.Encode(a, ss58.DefaultPrefix) }

// Hex returns the 0x-prefixed lowercase hex of the public key.
func (a AccountID) Hex() string { return "0x" + hex.EncodeToString(a[:]) }

// IsZero reports whether a is the all-zero account (never a valid key holder).
func (a AccountID) IsZero() bool { return a == AccountID{} }

// MarshalText encodes the account as its SS58 address (used by JSON).
func (a AccountID) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText accepts an SS58 address (any prefix) or 0x-hex public key.
func (a *AccountID) UnmarshalText(b []byte) error {
	id, err := ParseAccountID(string(b))
	if err != nil {
		return err
	}
	*a = id
	return nil
}

// ParseAccountID parses an SS58 address (any network prefix, checksum
// verified) or a 0x-prefixed 64-hex-digit public key.
func ParseAccountID(s string) (AccountID, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		b, err := hex.DecodeString(s[2:])
		if err != nil || len(b) != 32 {
			return AccountID{}, fmt.Errorf("invalid public key %q: want 0x followed by 64 hex digits", s)
		}
		var a AccountID
		copy(a[:], b)
		return a, nil
	}
	pub, _, err := ss58.Decode(s)
	if err != nil {
		return AccountID{}, fmt.Errorf("invalid address %q: %w", s, err)
	}
	return AccountID(pub), nil
}

// ParseNetUID parses a decimal netuid.
func ParseNetUID(s string) (NetUID, error) {
	v, err := strconv.ParseUint(strings.TrimSpace(s), 10, 16)
	if err != nil {
		return 0, fmt.Errorf("invalid netuid %q: want an integer 0..65535", s)
	}
	return NetUID(v), nil
}
