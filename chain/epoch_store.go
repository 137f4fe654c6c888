package chain

import (
	"encoding/binary"
	"fmt"

	"github.com/gotensor/gotensor/chain/yuma"
	"github.com/gotensor/gotensor/store"
	"github.com/gotensor/gotensor/tao"
)

// The persisted outputs of a subnet's last epoch (subtensor-spec §1.1,
// §1.3 step 12): one value per subnet and vector, indexed by uid, as
// subtensor stores them, plus one bond row per validator. A vector is as
// long as the subnet was at its last epoch; uids registered since read as
// zero (or false).

// epochVector identifies one per-uid output vector.
type epochVector byte

const (
	vecActive          epochVector = 1 // bool
	vecValidatorPermit epochVector = 2 // bool
	vecStakeWeight     epochVector = 3 // u16
	vecConsensus       epochVector = 4 // u16
	vecIncentive       epochVector = 5 // u16
	vecDividends       epochVector = 6 // u16
	vecValidatorTrust  epochVector = 7 // u16
	vecEmission        epochVector = 8 // u64 rao
)

var allEpochVectors = [...]epochVector{vecActive, vecValidatorPermit, vecStakeWeight, vecConsensus,
	vecIncentive, vecDividends, vecValidatorTrust, vecEmission}

func epochVectorKey(n tao.NetUID, v epochVector) []byte {
	return append(keyNet(prefixEpochVector, n), byte(v))
}

func bondsKey(n tao.NetUID, uid tao.UID) []byte {
	return append(keyNet(prefixBonds, n), byte(uid>>8), byte(uid))
}

func (s *State) u16Vector(n tao.NetUID, v epochVector) []uint16 {
	b := s.kv.Get(epochVectorKey(n, v))
	if len(b)%2 != 0 {
		panic(fmt.Sprintf("chain: corrupt epoch vector %d of subnet %d", v, n))
	}
	out := make([]uint16, len(b)/2)
	for i := range out {
		out[i] = binary.BigEndian.Uint16(b[2*i:])
	}
	return out
}

func (s *State) boolVector(n tao.NetUID, v epochVector) []bool {
	b := s.kv.Get(epochVectorKey(n, v))
	out := make([]bool, len(b))
	for i, x := range b {
		out[i] = x != 0
	}
	return out
}

// Active returns, per uid, whether the neuron set weights within the
// activity cutoff at the last epoch.
func (s *State) Active(n tao.NetUID) []bool { return s.boolVector(n, vecActive) }

// ValidatorPermit returns, per uid, the validator permit the last epoch
// granted (top-k by stake weight, and the owner's uid).
func (s *State) ValidatorPermit(n tao.NetUID) []bool { return s.boolVector(n, vecValidatorPermit) }

// StakeWeight returns, per uid, the normalised stake weight of the last
// epoch, as floor(x·65535).
func (s *State) StakeWeight(n tao.NetUID) []uint16 { return s.u16Vector(n, vecStakeWeight) }

// Consensus returns, per uid, the stake-weighted median weight of the last
// epoch, as floor(x·65535).
func (s *State) Consensus(n tao.NetUID) []uint16 { return s.u16Vector(n, vecConsensus) }

// Incentive returns, per uid, the miners' share of the last epoch's
// emission, as floor(x·65535).
func (s *State) Incentive(n tao.NetUID) []uint16 { return s.u16Vector(n, vecIncentive) }

// Dividends returns, per uid, the validators' share of the last epoch's
// emission, as floor(x·65535).
func (s *State) Dividends(n tao.NetUID) []uint16 { return s.u16Vector(n, vecDividends) }

// ValidatorTrust returns, per uid, the sum of the validator's weights
// clipped at consensus at the last epoch, as floor(x·65535).
func (s *State) ValidatorTrust(n tao.NetUID) []uint16 { return s.u16Vector(n, vecValidatorTrust) }

// Emission returns, per uid, the alpha (rao) the last epoch emitted to it,
// miner and validator parts together.
func (s *State) Emission(n tao.NetUID) []tao.Rao {
	return decodeU64s[tao.Rao]("emission vector", s.kv.Get(epochVectorKey(n, vecEmission)))
}

// BondsRow returns the bonds uid holds on subnet n after the last epoch,
// as a sparse row of (target uid, u16) in the order the epoch produced it.
// Only validators holding a permit keep a row.
func (s *State) BondsRow(n tao.NetUID, uid tao.UID) []yuma.Entry {
	return decodeEntries("bonds row", s.kv.Get(bondsKey(n, uid)))
}

func (s *State) setBondsRow(n tao.NetUID, uid tao.UID, row []yuma.Entry) {
	s.setRow(bondsKey(n, uid), row)
}

// setRow stores a sparse row (weights, bonds) at key; an empty row is
// deleted, so only rows with entries take space.
func (s *State) setRow(key []byte, row []yuma.Entry) {
	if len(row) == 0 {
		s.kv.Delete(key)
		return
	}
	s.kv.Set(key, encodeEntries(row))
}

// persistEpoch stores one epoch's outputs for subnet n: every vector, and
// the bond row of each uid holding the new permit (other rows are deleted).
func (s *State) persistEpoch(n tao.NetUID, out []yuma.Result) {
	bools := func(f func(r *yuma.Result) bool) []byte {
		b := make([]byte, len(out))
		for i := range out {
			if f(&out[i]) {
				b[i] = 1
			}
		}
		return b
	}
	u16s := func(f func(r *yuma.Result) uint16) []byte {
		b := make([]byte, 0, 2*len(out))
		for i := range out {
			b = binary.BigEndian.AppendUint16(b, f(&out[i]))
		}
		return b
	}
	emission := make([]tao.Rao, len(out))
	for i := range out {
		emission[i] = out[i].Emission
	}
	set := func(v epochVector, b []byte) { s.kv.Set(epochVectorKey(n, v), b) }
	set(vecActive, bools(func(r *yuma.Result) bool { return r.Active }))
	set(vecValidatorPermit, bools(func(r *yuma.Result) bool { return r.ValidatorPermit }))
	set(vecStakeWeight, u16s(func(r *yuma.Result) uint16 { return r.StakeWeight }))
	set(vecConsensus, u16s(func(r *yuma.Result) uint16 { return r.Consensus }))
	set(vecIncentive, u16s(func(r *yuma.Result) uint16 { return r.Incentive }))
	set(vecDividends, u16s(func(r *yuma.Result) uint16 { return r.Dividends }))
	set(vecValidatorTrust, u16s(func(r *yuma.Result) uint16 { return r.ValidatorTrust }))
	set(vecEmission, encodeU64s(emission))
	for uid := range out {
		var row []yuma.Entry
		if out[uid].ValidatorPermit {
			row = out[uid].Bonds
		}
		s.setBondsRow(n, tao.UID(uid), row)
	}
	if len(out) <= 0xFFFF { // rows of uids the subnet no longer has
		s.deleteRange(bondsKey(n, tao.UID(len(out))), store.PrefixEnd(keyNet(prefixBonds, n)))
	}
}

// resetEpochOutputs clears what the last epoch recorded for uid on subnet
// n, for a uid taken by a new neuron (part of resetNeuron): its entry in
// every vector becomes zero and its bond row is deleted. Bonds other
// validators hold towards the uid are reset by the next epoch (uids
// registered after the last step lose their incoming bonds).
func (s *State) resetEpochOutputs(n tao.NetUID, uid tao.UID) {
	for _, v := range allEpochVectors {
		k := epochVectorKey(n, v)
		b := s.kv.Get(k)
		width := 2
		switch v {
		case vecActive, vecValidatorPermit:
			width = 1
		case vecEmission:
			width = 8
		}
		i := int(uid) * width
		if i+width > len(b) {
			continue
		}
		c := append([]byte(nil), b...)
		clear(c[i : i+width])
		s.kv.Set(k, c)
	}
	s.kv.Delete(bondsKey(n, uid))
}

// removeEpochOutputs deletes every epoch output of subnet n, for a
// dissolved subnet.
func (s *State) removeEpochOutputs(n tao.NetUID) {
	for _, p := range [...]byte{prefixEpochVector, prefixBonds} {
		k := keyNet(p, n)
		s.deleteRange(k, store.PrefixEnd(k))
	}
}

// deleteRange deletes every key in [start, end). Keys are collected first:
// a store must not change under an open iterator.
func (s *State) deleteRange(start, end []byte) {
	var ks [][]byte
	it := s.kv.Iterator(start, end)
	for ; it.Valid(); it.Next() {
		ks = append(ks, append([]byte(nil), it.Key()...))
	}
	it.Close()
	for _, k := range ks {
		s.kv.Delete(k)
	}
}
