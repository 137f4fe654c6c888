package synapse

import (
	"errors"
	"fmt"
	"math/big"
	"net/netip"
	"strconv"

	"github.com/gotensor/gotensor/tao"
)

// AxonInfo is a neuron's served endpoint as published on chain (Python's
// AxonInfo, §3.10). JSON uses Python's field names, with the IP as text.
type AxonInfo struct {
	Version      int           `json:"version"` // VersionAsInt of the serving SDK
	IP           netip.Addr    `json:"ip"`      // the zero Addr or 0.0.0.0: not serving
	Port         uint16        `json:"port"`
	IPType       int           `json:"ip_type"` // 4 or 6
	Hotkey       tao.AccountID `json:"hotkey"`
	Coldkey      tao.AccountID `json:"coldkey"`
	Protocol     int           `json:"protocol"` // 4 (TCP) on Bittensor
	Placeholder1 int           `json:"placeholder1"`
	Placeholder2 int           `json:"placeholder2"`
}

// ProtocolTCP is the protocol number Python axons publish.
const ProtocolTCP = 4

// IsServing reports whether a has an address to dial. Python only treats
// 0.0.0.0 as not serving; the unspecified IPv6 address "::" cannot be
// dialed either, so it does not count as serving here.
func (a AxonInfo) IsServing() bool { return a.IP.IsValid() && !a.IP.IsUnspecified() }

// IPStr returns Python's ip_str form, "/ipv4/1.2.3.4:8091" (an IPv6 address
// is written without brackets, as Python does).
func (a AxonInfo) IPStr() string {
	t := a.IPType
	if t == 0 {
		t = IPType(a.IP)
	}
	return "/ipv" + strconv.Itoa(t) + "/" + a.IP.String() + ":" + strconv.Itoa(int(a.Port))
}

// Endpoint returns the address and port to dial.
func (a AxonInfo) Endpoint() netip.AddrPort { return netip.AddrPortFrom(a.IP, a.Port) }

// IPType returns 4 for an IPv4 address and 6 for any other (an IPv4-mapped
// IPv6 address included, as netaddr does).
func IPType(ip netip.Addr) int {
	if ip.Is4() {
		return 4
	}
	return 6
}

// ErrIPInt is returned (wrapped) by IPFromInt for an integer that is not an
// address.
var ErrIPInt = errors.New("synapse: invalid ip integer")

var maxIPv4 = big.NewInt(1<<32 - 1)

// IPToInt returns the integer the chain stores for ip: its 32 bits for an
// IPv4 address, its 128 bits for an IPv6 one. The zero Addr maps to 0.
func IPToInt(ip netip.Addr) *big.Int {
	if !ip.IsValid() {
		return new(big.Int)
	}
	b := ip.AsSlice()
	return new(big.Int).SetBytes(b)
}

// IPFromInt decodes the chain's integer with netaddr's rule: below 2³² it is
// IPv4, otherwise IPv6 (so "::ffff:1.2.3.4" stays IPv6).
func IPFromInt(n *big.Int) (netip.Addr, error) {
	switch {
	case n.Sign() < 0 || n.BitLen() > 128:
		return netip.Addr{}, fmt.Errorf("%w: %s is outside 0..2^128-1", ErrIPInt, n)
	case n.Cmp(maxIPv4) <= 0:
		var b [4]byte
		n.FillBytes(b[:])
		return netip.AddrFrom4(b), nil
	}
	var b [16]byte
	n.FillBytes(b[:])
	return netip.AddrFrom16(b), nil
}
