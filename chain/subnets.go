package chain

import (
	"encoding/binary"
	"fmt"
	"strconv"

	"github.com/gotensor/gotensor/store"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// SubnetInfo is what the chain records about a subnet when it is created
// (subtensor's SubnetOwner, SubnetOwnerHotkey, NetworkRegisteredAt,
// FirstEmissionBlockNumber, SubtokenEnabled, SubnetMechanism, SubnetLocked).
type SubnetInfo struct {
	Owner        tao.AccountID // coldkey that registered it and controls it
	OwnerHotkey  tao.AccountID // the owner's hotkey, uid 0 at registration
	RegisteredAt tao.BlockHeight
	// FirstEmissionBlock is the block from which the subnet emits, set by
	// start_call to the block after the call; 0 until then.
	FirstEmissionBlock tao.BlockHeight
	// SubtokenEnabled is set by start_call: staking and emissions may
	// begin.
	SubtokenEnabled bool
	// Dynamic is false for the root subnet (stable mechanism, 1:1 pool)
	// and true for every other subnet (balancer pool).
	Dynamic bool
	// Locked is the TAO the owner paid for the subnet (SubnetLocked); it
	// went into the pool's TAO reserve.
	Locked tao.Rao
}

// Started reports whether start_call has run, so that the coinbase may
// emit to the subnet from FirstEmissionBlock on. gotensor has no separate
// root switch (subtensor's SubnetEmissionEnabled): see docs/subnets.md.
func (i SubnetInfo) Started() bool { return i.FirstEmissionBlock != 0 && i.SubtokenEnabled }

// subnetKey is the key of a per-subnet record under prefix.
func subnetKey(prefix byte, n tao.NetUID) []byte { return []byte{prefix, byte(n >> 8), byte(n)} }

const subnetInfoVersion = 1

const subnetInfoLen = 1 + 32 + 32 + 8 + 8 + 1 + 8

const (
	subnetFlagSubtoken = 1 << iota
	subnetFlagDynamic
)

func encodeSubnetInfo(i SubnetInfo) []byte {
	b := make([]byte, 0, subnetInfoLen)
	b = append(b, subnetInfoVersion)
	b = append(b, i.Owner[:]...)
	b = append(b, i.OwnerHotkey[:]...)
	b = binary.BigEndian.AppendUint64(b, uint64(i.RegisteredAt))
	b = binary.BigEndian.AppendUint64(b, uint64(i.FirstEmissionBlock))
	var flags byte
	if i.SubtokenEnabled {
		flags |= subnetFlagSubtoken
	}
	if i.Dynamic {
		flags |= subnetFlagDynamic
	}
	b = append(b, flags)
	return binary.BigEndian.AppendUint64(b, uint64(i.Locked))
}

func decodeSubnetInfo(n tao.NetUID, b []byte) SubnetInfo {
	if len(b) != subnetInfoLen || b[0] != subnetInfoVersion {
		panic(fmt.Sprintf("chain: corrupt subnet %d record: %d bytes", n, len(b)))
	}
	b = b[1:]
	i := SubnetInfo{
		Owner:              tao.AccountID(b[:32]),
		OwnerHotkey:        tao.AccountID(b[32:64]),
		RegisteredAt:       tao.BlockHeight(binary.BigEndian.Uint64(b[64:])),
		FirstEmissionBlock: tao.BlockHeight(binary.BigEndian.Uint64(b[72:])),
		SubtokenEnabled:    b[80]&subnetFlagSubtoken != 0,
		Dynamic:            b[80]&subnetFlagDynamic != 0,
		Locked:             tao.Rao(binary.BigEndian.Uint64(b[81:])),
	}
	return i
}

// SubnetExists reports whether subnet n exists. The root subnet (0) exists
// from genesis.
func (s *State) SubnetExists(n tao.NetUID) bool { return s.kv.Has(subnetKey(prefixSubnet, n)) }

// Subnet returns subnet n's record, or false if it does not exist.
func (s *State) Subnet(n tao.NetUID) (SubnetInfo, bool) {
	b := s.kv.Get(subnetKey(prefixSubnet, n))
	if b == nil {
		return SubnetInfo{}, false
	}
	return decodeSubnetInfo(n, b), true
}

func (s *State) setSubnet(n tao.NetUID, i SubnetInfo) {
	s.kv.Set(subnetKey(prefixSubnet, n), encodeSubnetInfo(i))
}

// NetUIDs returns the netuids of every subnet except root, ascending.
func (s *State) NetUIDs() []tao.NetUID {
	var out []tao.NetUID
	start := subnetKey(prefixSubnet, tao.RootNetUID+1)
	it := s.kv.Iterator(start, store.PrefixEnd([]byte{prefixSubnet}))
	defer it.Close()
	for ; it.Valid(); it.Next() {
		out = append(out, tao.NetUID(binary.BigEndian.Uint16(it.Key()[1:])))
	}
	return out
}

// Identity returns subnet n's identity (empty fields if never set).
func (s *State) Identity(n tao.NetUID) tx.SubnetIdentity {
	b := s.kv.Get(subnetKey(prefixIdentity, n))
	if b == nil {
		return tx.SubnetIdentity{}
	}
	id, err := decodeIdentity(b)
	if err != nil {
		panic(fmt.Sprintf("chain: corrupt identity of subnet %d: %v", n, err))
	}
	return id
}

func (s *State) setIdentity(n tao.NetUID, id tx.SubnetIdentity) {
	s.kv.Set(subnetKey(prefixIdentity, n), encodeIdentity(id))
}

// identityFields lists the identity strings in storage order.
func identityFields(id *tx.SubnetIdentity) []*string {
	return []*string{&id.Name, &id.URL, &id.GitHub, &id.Contact, &id.Description, &id.Discord, &id.LogoURL, &id.TokenSymbol, &id.Additional}
}

// encodeIdentity writes each field as a u16 length and its bytes (the
// transaction decoder bounds every field well below 64 KiB).
func encodeIdentity(id tx.SubnetIdentity) []byte {
	var b []byte
	for _, f := range identityFields(&id) {
		b = binary.BigEndian.AppendUint16(b, uint16(len(*f)))
		b = append(b, *f...)
	}
	return b
}

func decodeIdentity(b []byte) (tx.SubnetIdentity, error) {
	var id tx.SubnetIdentity
	for _, f := range identityFields(&id) {
		if len(b) < 2 {
			return id, fmt.Errorf("truncated")
		}
		l := int(binary.BigEndian.Uint16(b))
		if len(b) < 2+l {
			return id, fmt.Errorf("truncated")
		}
		*f = string(b[2 : 2+l])
		b = b[2+l:]
	}
	if len(b) != 0 {
		return id, fmt.Errorf("%d trailing bytes", len(b))
	}
	return id, nil
}

func encodeU16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }

func decodeU16(what string, b []byte) uint16 {
	if len(b) != 2 {
		panic(fmt.Sprintf("chain: corrupt %s: %d bytes, want 2", what, len(b)))
	}
	return binary.BigEndian.Uint16(b)
}

func subnetAttr(n tao.NetUID) Attr { return Attr{"netuid", strconv.FormatUint(uint64(n), 10)} }

// checkSubnetInvariants verifies the subnets' bookkeeping: each subnet's
// neuron count matches its uid records, uids are dense from 0, the
// indexes point back at the records, every registered hotkey has an
// owner, and no subnet holds more neurons than it allows.
func checkSubnetInvariants(s *State) error {
	for _, n := range append([]tao.NetUID{tao.RootNetUID}, s.NetUIDs()...) {
		nrs := s.Neurons(n)
		if got := s.SubnetN(n); int(got) != len(nrs) {
			return fmt.Errorf("chain: invariant: subnet %d counts %d neurons, has %d uid records", n, got, len(nrs))
		}
		if max := s.Hyperparams(n).MaxAllowedUids; len(nrs) > int(max) {
			return fmt.Errorf("chain: invariant: subnet %d holds %d neurons, max_allowed_uids is %d", n, len(nrs), max)
		}
		for i, nr := range nrs {
			if int(nr.UID) != i {
				return fmt.Errorf("chain: invariant: subnet %d has uid %d at position %d", n, nr.UID, i)
			}
			if uid, ok := s.UIDOf(n, nr.Hotkey); !ok || uid != nr.UID {
				return fmt.Errorf("chain: invariant: subnet %d uid %d: hotkey index gives %d, %t", n, nr.UID, uid, ok)
			}
			if _, ok := s.HotkeyOwner(nr.Hotkey); !ok {
				return fmt.Errorf("chain: invariant: subnet %d uid %d: hotkey %s has no owner", n, nr.UID, nr.Hotkey)
			}
		}
	}
	return nil
}
