package chain

import (
	"encoding/binary"
	"fmt"

	"github.com/gotensor/gotensor/store"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// MaxUIDs is the most neurons a subnet may hold. Subtensor caps
// MaxAllowedUids at 256 (and owners still are); gotensor lets sudo raise it
// to 4096 for large subnets.
const MaxUIDs = 4096

// Neurons are the uids of a subnet: uid → (hotkey, registration block) in
// one record per uid, with the reverse index (netuid, hotkey) → uid and
// (hotkey, netuid) → uid for "where is this hotkey registered". The count
// is stored apart so that SubnetN is one small read.

func neuronKey(n tao.NetUID, uid tao.UID) []byte {
	return []byte{prefixNeuron, byte(n >> 8), byte(n), byte(uid >> 8), byte(uid)}
}

func uidKey(n tao.NetUID, hotkey tao.AccountID) []byte {
	k := make([]byte, 0, 3+32)
	k = append(k, prefixUID, byte(n>>8), byte(n))
	return append(k, hotkey[:]...)
}

func hotkeySubnetKey(hotkey tao.AccountID, n tao.NetUID) []byte {
	k := make([]byte, 0, 1+32+2)
	k = append(k, prefixHotkeySubnet)
	k = append(k, hotkey[:]...)
	return append(k, byte(n>>8), byte(n))
}

func hotkeyOwnerKey(hotkey tao.AccountID) []byte {
	return append([]byte{prefixHotkeyOwner}, hotkey[:]...)
}

func ownedHotkeyKey(coldkey, hotkey tao.AccountID) []byte {
	k := make([]byte, 0, 1+64)
	k = append(k, prefixOwnedHotkey)
	k = append(k, coldkey[:]...)
	return append(k, hotkey[:]...)
}

// Neuron is one uid's registration record.
type Neuron struct {
	UID          tao.UID
	Hotkey       tao.AccountID
	RegisteredAt tao.BlockHeight // BlockAtRegistration
}

const neuronLen = 32 + 8

func decodeNeuron(uid tao.UID, b []byte) Neuron {
	if len(b) != neuronLen {
		panic(fmt.Sprintf("chain: corrupt neuron %d: %d bytes, want %d", uid, len(b), neuronLen))
	}
	return Neuron{UID: uid, Hotkey: tao.AccountID(b[:32]), RegisteredAt: tao.BlockHeight(binary.BigEndian.Uint64(b[32:]))}
}

// SubnetN returns the number of neurons of subnet n (SubnetworkN).
func (s *State) SubnetN(n tao.NetUID) uint16 {
	b := s.kv.Get(subnetKey(prefixSubnetN, n))
	if b == nil {
		return 0
	}
	return decodeU16("subnet size", b)
}

// HotkeyAt returns the hotkey of uid on subnet n (Keys).
func (s *State) HotkeyAt(n tao.NetUID, uid tao.UID) (tao.AccountID, bool) {
	nr, ok := s.NeuronAt(n, uid)
	return nr.Hotkey, ok
}

// NeuronAt returns uid's record on subnet n.
func (s *State) NeuronAt(n tao.NetUID, uid tao.UID) (Neuron, bool) {
	b := s.kv.Get(neuronKey(n, uid))
	if b == nil {
		return Neuron{}, false
	}
	return decodeNeuron(uid, b), true
}

// UIDOf returns the uid of hotkey on subnet n (Uids).
func (s *State) UIDOf(n tao.NetUID, hotkey tao.AccountID) (tao.UID, bool) {
	b := s.kv.Get(uidKey(n, hotkey))
	if b == nil {
		return 0, false
	}
	return tao.UID(decodeU16("uid", b)), true
}

// Neurons returns subnet n's neurons in uid order, with one prefix
// iteration.
func (s *State) Neurons(n tao.NetUID) []Neuron {
	out := make([]Neuron, 0, s.SubnetN(n))
	prefix := subnetKey(prefixNeuron, n)
	it := s.kv.Iterator(prefix, store.PrefixEnd(prefix))
	defer it.Close()
	for ; it.Valid(); it.Next() {
		uid := tao.UID(binary.BigEndian.Uint16(it.Key()[3:]))
		out = append(out, decodeNeuron(uid, it.Value()))
	}
	return out
}

// Hotkeys returns subnet n's hotkeys, indexed by uid.
func (s *State) Hotkeys(n tao.NetUID) []tao.AccountID {
	nrs := s.Neurons(n)
	out := make([]tao.AccountID, len(nrs))
	for i, nr := range nrs {
		out[i] = nr.Hotkey
	}
	return out
}

// SubnetsOf returns the subnets hotkey is registered on, ascending
// (IsNetworkMember).
func (s *State) SubnetsOf(hotkey tao.AccountID) []tao.NetUID {
	var out []tao.NetUID
	prefix := append([]byte{prefixHotkeySubnet}, hotkey[:]...)
	it := s.kv.Iterator(prefix, store.PrefixEnd(prefix))
	defer it.Close()
	for ; it.Valid(); it.Next() {
		out = append(out, tao.NetUID(binary.BigEndian.Uint16(it.Key()[33:])))
	}
	return out
}

// HotkeyOwner returns the coldkey that owns hotkey (Owner). A hotkey is
// claimed by the first coldkey that registers it on a subnet, creates a
// subnet with it, or associates it (associate_hotkey).
func (s *State) HotkeyOwner(hotkey tao.AccountID) (tao.AccountID, bool) {
	b := s.kv.Get(hotkeyOwnerKey(hotkey))
	if b == nil {
		return tao.AccountID{}, false
	}
	return tao.AccountID(decode32("hotkey owner", b)), true
}

// OwnedHotkeys returns the hotkeys coldkey owns, in byte order
// (OwnedHotkeys).
func (s *State) OwnedHotkeys(coldkey tao.AccountID) []tao.AccountID {
	var out []tao.AccountID
	prefix := append([]byte{prefixOwnedHotkey}, coldkey[:]...)
	it := s.kv.Iterator(prefix, store.PrefixEnd(prefix))
	defer it.Close()
	for ; it.Valid(); it.Next() {
		out = append(out, tao.AccountID(it.Key()[33:]))
	}
	return out
}

// claimHotkey makes coldkey the owner of hotkey if it has none. It fails,
// changing nothing, if another coldkey owns it.
func (s *State) claimHotkey(coldkey, hotkey tao.AccountID) error {
	owner, ok := s.HotkeyOwner(hotkey)
	switch {
	case ok && owner == coldkey:
		return nil
	case ok:
		return fmt.Errorf("%w: hotkey %s belongs to coldkey %s; use a hotkey of your own wallet", tx.ErrHotkeyInUse, hotkey, owner)
	}
	s.kv.Set(hotkeyOwnerKey(hotkey), coldkey[:])
	s.kv.Set(ownedHotkeyKey(coldkey, hotkey), []byte{})
	return nil
}

// setNeuron writes uid's record and indexes.
func (s *State) setNeuron(n tao.NetUID, nr Neuron) {
	v := make([]byte, 0, neuronLen)
	v = append(v, nr.Hotkey[:]...)
	v = binary.BigEndian.AppendUint64(v, uint64(nr.RegisteredAt))
	s.kv.Set(neuronKey(n, nr.UID), v)
	s.kv.Set(uidKey(n, nr.Hotkey), encodeU16(uint16(nr.UID)))
	s.kv.Set(hotkeySubnetKey(nr.Hotkey, n), encodeU16(uint16(nr.UID)))
}

// appendNeuron registers hotkey as the next uid of subnet n
// (append_neuron) and returns it. The caller checked that there is room.
func (s *State) appendNeuron(n tao.NetUID, hotkey tao.AccountID, b Block) tao.UID {
	uid := tao.UID(s.SubnetN(n))
	s.kv.Set(subnetKey(prefixSubnetN, n), encodeU16(uint16(uid)+1))
	s.setNeuron(n, Neuron{UID: uid, Hotkey: hotkey, RegisteredAt: b.Height})
	s.resetNeuron(n, uid, b)
	return uid
}

// replaceNeuron gives uid of subnet n to hotkey (replace_neuron): the old
// hotkey leaves the subnet (its stake stays), and every per-uid record
// starts afresh.
func (s *State) replaceNeuron(n tao.NetUID, uid tao.UID, hotkey tao.AccountID, b Block) {
	if old, ok := s.HotkeyAt(n, uid); ok {
		s.kv.Delete(uidKey(n, old))
		s.kv.Delete(hotkeySubnetKey(old, n))
		s.kv.Delete(axonKey(n, old))
	}
	s.setNeuron(n, Neuron{UID: uid, Hotkey: hotkey, RegisteredAt: b.Height})
	s.resetNeuron(n, uid, b)
}

// resetNeuron clears every per-uid record of uid on subnet n for a new
// registration at block b: weights, bonds, epoch outputs, and sets
// LastUpdate to b. Every area with per-uid state adds its line here.
func (s *State) resetNeuron(n tao.NetUID, uid tao.UID, b Block) {
	s.resetEpochOutputs(n, uid)
	s.resetNeuronWeights(n, uid, b)
}

// removeNeurons deletes every neuron of subnet n and its indexes (subnet
// dissolution).
func (s *State) removeNeurons(n tao.NetUID) {
	for _, nr := range s.Neurons(n) {
		s.kv.Delete(neuronKey(n, nr.UID))
		s.kv.Delete(uidKey(n, nr.Hotkey))
		s.kv.Delete(hotkeySubnetKey(nr.Hotkey, n))
		s.kv.Delete(axonKey(n, nr.Hotkey))
	}
	s.kv.Delete(subnetKey(prefixSubnetN, n))
}
