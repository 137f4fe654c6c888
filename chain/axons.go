package chain

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"github.com/gotensor/gotensor/store"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// EventAxonServed: netuid, hotkey, ip, port — serve_axon published an
// endpoint.
const EventAxonServed = "axon_served"

// AxonInfo is a neuron's published endpoint (subtensor's AxonInfo), stored
// per (netuid, hotkey) by serve_axon.
type AxonInfo struct {
	Block        tao.BlockHeight // block of the last serve_axon, for the rate limit
	Version      uint32
	IP           [16]byte // IPv6, or IPv4-mapped (::ffff:a.b.c.d) for IPv4
	Port         uint16
	IPType       uint8 // 4 or 6
	Protocol     uint8
	Placeholder1 uint8
	Placeholder2 uint8
}

// IPString returns the address in text form: dotted quad for IPType 4,
// eight hex groups otherwise.
func (a AxonInfo) IPString() string { return ipString(a.IP, a.IPType) }

func ipString(ip [16]byte, ipType uint8) string {
	if ipType == 4 {
		return fmt.Sprintf("%d.%d.%d.%d", ip[12], ip[13], ip[14], ip[15])
	}
	groups := make([]string, 8)
	for i := range groups {
		groups[i] = strconv.FormatUint(uint64(binary.BigEndian.Uint16(ip[2*i:])), 16)
	}
	return strings.Join(groups, ":")
}

// isIPv4Mapped reports whether ip is ::ffff:a.b.c.d.
func isIPv4Mapped(ip [16]byte) bool {
	return ip[10] == 0xff && ip[11] == 0xff && [10]byte(ip[:10]) == [10]byte{}
}

const axonLen = 8 + 4 + 16 + 2 + 4

func axonKey(n tao.NetUID, hotkey tao.AccountID) []byte {
	k := make([]byte, 0, 3+32)
	k = append(k, prefixAxon, byte(n>>8), byte(n))
	return append(k, hotkey[:]...)
}

func encodeAxon(a AxonInfo) []byte {
	b := make([]byte, 0, axonLen)
	b = binary.BigEndian.AppendUint64(b, uint64(a.Block))
	b = binary.BigEndian.AppendUint32(b, a.Version)
	b = append(b, a.IP[:]...)
	b = binary.BigEndian.AppendUint16(b, a.Port)
	return append(b, a.IPType, a.Protocol, a.Placeholder1, a.Placeholder2)
}

func decodeAxon(b []byte) AxonInfo {
	if len(b) != axonLen {
		panic(fmt.Sprintf("chain: corrupt axon: %d bytes, want %d", len(b), axonLen))
	}
	return AxonInfo{
		Block:        tao.BlockHeight(binary.BigEndian.Uint64(b)),
		Version:      binary.BigEndian.Uint32(b[8:]),
		IP:           [16]byte(b[12:28]),
		Port:         binary.BigEndian.Uint16(b[28:]),
		IPType:       b[30],
		Protocol:     b[31],
		Placeholder1: b[32],
		Placeholder2: b[33],
	}
}

// Axon returns the axon hotkey published on subnet n, or false if none.
func (s *State) Axon(n tao.NetUID, hotkey tao.AccountID) (AxonInfo, bool) {
	b := s.kv.Get(axonKey(n, hotkey))
	if b == nil {
		return AxonInfo{}, false
	}
	return decodeAxon(b), true
}

// Axons returns every axon published on subnet n, by hotkey, with one
// prefix iteration.
func (s *State) Axons(n tao.NetUID) map[tao.AccountID]AxonInfo {
	out := map[tao.AccountID]AxonInfo{}
	prefix := subnetKey(prefixAxon, n)
	it := s.kv.Iterator(prefix, store.PrefixEnd(prefix))
	defer it.Close()
	for ; it.Valid(); it.Next() {
		out[tao.AccountID(it.Key()[3:])] = decodeAxon(it.Value())
	}
	return out
}

// serveAxon publishes the signer hotkey's endpoint on a subnet it is
// registered on (serve_axon), at most once per ServingRateLimit blocks.
func serveAxon(s *State, b Block, hotkey tao.AccountID, c tx.ServeAxon) error {
	if !s.SubnetExists(c.NetUID) {
		return fmt.Errorf("%w: netuid %d; list subnets with `gotensor subnets list`", tx.ErrSubnetNotFound, c.NetUID)
	}
	if _, ok := s.UIDOf(c.NetUID, hotkey); !ok {
		return fmt.Errorf("%w: hotkey %s on netuid %d; register it first with `gotensor subnets register`", tx.ErrNotRegistered, hotkey, c.NetUID)
	}
	if err := validAxon(c); err != nil {
		return err
	}
	if prev, ok := s.Axon(c.NetUID, hotkey); ok && prev.Block != 0 {
		limit := tao.BlockHeight(s.Hyperparams(c.NetUID).ServingRateLimit)
		if next := prev.Block + limit; b.Height < next {
			return fmt.Errorf("%w: served at block %d, next allowed at block %d (%d blocks left)",
				tx.ErrServingRateLimit, prev.Block, next, next-b.Height)
		}
	}
	a := AxonInfo{Block: b.Height, Version: c.Version, IP: c.IP, Port: c.Port, IPType: c.IPType,
		Protocol: c.Protocol, Placeholder1: c.Placeholder1, Placeholder2: c.Placeholder2}
	s.kv.Set(axonKey(c.NetUID, hotkey), encodeAxon(a))
	s.emit(EventAxonServed, subnetAttr(c.NetUID), accountAttr("hotkey", hotkey),
		Attr{"ip", a.IPString()}, Attr{"port", strconv.Itoa(int(a.Port))})
	return nil
}

// validAxon checks an endpoint as subtensor's validate_serve_axon does:
// IPType 4 or 6 matching the address, a routable-looking address (not
// unspecified) and a port other than 0.
func validAxon(c tx.ServeAxon) error {
	mapped := isIPv4Mapped(c.IP)
	switch {
	case c.IPType != 4 && c.IPType != 6:
		return fmt.Errorf("%w: ip_type %d, want 4 or 6", tx.ErrInvalidAxon, c.IPType)
	case c.IPType == 4 && !mapped:
		return fmt.Errorf("%w: ip_type 4 needs an IPv4 address, have %s", tx.ErrInvalidAxon, ipString(c.IP, 6))
	case c.IPType == 6 && mapped:
		return fmt.Errorf("%w: ip_type 6 with the IPv4 address %s; use ip_type 4", tx.ErrInvalidAxon, ipString(c.IP, 4))
	case c.IP == [16]byte{} || (mapped && [4]byte(c.IP[12:]) == [4]byte{}):
		return fmt.Errorf("%w: the unspecified address cannot be served; give the address validators reach you at", tx.ErrInvalidAxon)
	case c.Port == 0:
		return fmt.Errorf("%w: port 0; give the port your axon listens on", tx.ErrInvalidAxon)
	}
	return nil
}
