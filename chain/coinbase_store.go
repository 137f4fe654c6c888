package chain

import (
	"encoding/binary"
	"fmt"

	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/tao"
)

// Pending is a subnet's alpha emission accumulated block by block and paid
// out at its next epoch (PendingServerEmission, PendingValidatorEmission,
// PendingRootAlphaDivs, PendingOwnerCut). The alpha is already counted in
// the subnet's AlphaOut.
type Pending struct {
	Server    tao.Rao // miners' half
	Validator tao.Rao // validators' half, less the root share
	Root      tao.Rao // root stakers' share (only while the root sell flag holds)
	OwnerCut  tao.Rao // the subnet owner's cut
}

// Total returns the alpha held in the four buckets.
func (p Pending) Total() tao.Rao {
	return p.Server.SaturatingAdd(p.Validator).SaturatingAdd(p.Root).SaturatingAdd(p.OwnerCut)
}

const pendingLen = 4 * 8

// Pending returns subnet n's pending emission.
func (s *State) Pending(n tao.NetUID) Pending {
	b := s.kv.Get(keyNet(prefixPending, n))
	if b == nil {
		return Pending{}
	}
	if len(b) != pendingLen {
		panic(fmt.Sprintf("chain: corrupt pending emission of subnet %d", n))
	}
	u := func(i int) tao.Rao { return tao.Rao(binary.BigEndian.Uint64(b[8*i:])) }
	return Pending{Server: u(0), Validator: u(1), Root: u(2), OwnerCut: u(3)}
}

func (s *State) setPending(n tao.NetUID, p Pending) {
	if p == (Pending{}) {
		s.kv.Delete(keyNet(prefixPending, n))
		return
	}
	b := make([]byte, 0, pendingLen)
	for _, v := range [...]tao.Rao{p.Server, p.Validator, p.Root, p.OwnerCut} {
		b = binary.BigEndian.AppendUint64(b, uint64(v))
	}
	s.kv.Set(keyNet(prefixPending, n), b)
}

// SubnetEmission is what the coinbase did for a subnet in the last block
// that emitted to it, and what its last epoch withheld from miners: the
// figures subtensor keeps as SubnetTaoInEmission, SubnetAlphaInEmission,
// SubnetAlphaOutEmission, SubnetExcessTao, RootProp and MinerBurned.
type SubnetEmission struct {
	// Block is the block these figures are from.
	Block tao.BlockHeight
	// TAO is the subnet's share of the block emission.
	TAO tao.Rao
	// TAOIn and AlphaIn are the liquidity injected into the pool.
	TAOIn, AlphaIn tao.Rao
	// ExcessTAO is the TAO that bought alpha for the protocol, and
	// AlphaBought what it bought.
	ExcessTAO, AlphaBought tao.Rao
	// AlphaOut is the alpha emitted to participants (pending buckets).
	AlphaOut tao.Rao
	// RootProp is the root proportion after the injection.
	RootProp fixed.U96F32
	// MinerBurned is the fraction of the last epoch's miner emission that
	// went to the owner's hotkeys and was burned; it lowers the subnet's
	// TAO share (spec §2.3 step 3).
	MinerBurned fixed.U96F32
}

const subnetEmissionLen = 7*8 + 2*16

// SubnetEmission returns subnet n's last emission figures.
func (s *State) SubnetEmission(n tao.NetUID) SubnetEmission {
	b := s.kv.Get(keyNet(prefixSubnetFlow, n))
	if b == nil {
		return SubnetEmission{}
	}
	if len(b) != subnetEmissionLen {
		panic(fmt.Sprintf("chain: corrupt emission record of subnet %d", n))
	}
	u := func(i int) uint64 { return binary.BigEndian.Uint64(b[8*i:]) }
	return SubnetEmission{
		Block:       tao.BlockHeight(u(0)),
		TAO:         tao.Rao(u(1)),
		TAOIn:       tao.Rao(u(2)),
		AlphaIn:     tao.Rao(u(3)),
		ExcessTAO:   tao.Rao(u(4)),
		AlphaBought: tao.Rao(u(5)),
		AlphaOut:    tao.Rao(u(6)),
		RootProp:    fixed.U96F32FromBits(u(7), u(8)),
		MinerBurned: fixed.U96F32FromBits(u(9), u(10)),
	}
}

func (s *State) setSubnetEmission(n tao.NetUID, e SubnetEmission) {
	b := make([]byte, 0, subnetEmissionLen)
	for _, v := range [...]uint64{uint64(e.Block), uint64(e.TAO), uint64(e.TAOIn), uint64(e.AlphaIn),
		uint64(e.ExcessTAO), uint64(e.AlphaBought), uint64(e.AlphaOut)} {
		b = binary.BigEndian.AppendUint64(b, v)
	}
	for _, f := range [...]fixed.U96F32{e.RootProp, e.MinerBurned} {
		hi, lo := f.Bits()
		b = binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(b, hi), lo)
	}
	s.kv.Set(keyNet(prefixSubnetFlow, n), b)
}

// removeSubnetCoinbase deletes every coinbase record of subnet n (schedule,
// pending emission, emission figures, epoch outputs), for a dissolved
// subnet. Its pending alpha disappears with the subnet's pool.
func (s *State) removeSubnetCoinbase(n tao.NetUID) {
	for _, p := range [...]byte{prefixSchedule, prefixPending, prefixSubnetFlow} {
		s.kv.Delete(keyNet(p, n))
	}
	s.removeEpochOutputs(n)
}
