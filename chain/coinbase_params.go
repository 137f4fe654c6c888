package chain

import (
	"fmt"
	"math"

	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// EmissionParams are the global parameters of the coinbase and the epoch
// (subtensor-spec §7.2), settable by sudo through sudo_set_global under the
// names of emissionParamTable.
type EmissionParams struct {
	// OwnerCut is SubnetOwnerCut: the subnet owner's share of each block's
	// alpha emission, in 65535ths (11,796 = 18 %).
	OwnerCut uint16
	// TaoWeight is the raw TaoWeight, a fraction of 2^64 − 1: how much a
	// TAO of root stake counts in stake weights, next to a unit of alpha.
	TaoWeight uint64
	// StakeThreshold is the stake weight (rao) below which a neuron's stake
	// counts as 0 in the epoch (the subnet owner is exempt).
	StakeThreshold tao.Rao
	// MovingAlpha is SubnetMovingAlpha, the raw bits of an I96F32 (value
	// ×2^32): the base rate of the moving-price EMA.
	MovingAlpha uint64
	// MaxEpochsPerBlock is how many subnets may run their epoch in one
	// block; the others are deferred by a block.
	MaxEpochsPerBlock uint64
}

// DefaultEmissionParams returns subtensor's code defaults: 18 % owner cut,
// TaoWeight ≈ 0.0527, no stake threshold, SubnetMovingAlpha =
// I96F32::from_num(0.000003), two epochs per block.
func DefaultEmissionParams() EmissionParams {
	return EmissionParams{
		OwnerCut:          11_796,
		TaoWeight:         971_718_665_099_567_868,
		StakeThreshold:    0,
		MovingAlpha:       12_885, // round(0.000003 × 2^32)
		MaxEpochsPerBlock: DefaultMaxEpochsPerBlock,
	}
}

// TaoWeightFixed is get_tao_weight: TaoWeight / (2^64 − 1) in U96F32.
func (p EmissionParams) TaoWeightFixed() fixed.U96F32 {
	return fixed.U96F32FromUint(p.TaoWeight).SafeDiv(fixed.U96F32FromUint(math.MaxUint64))
}

// MovingAlphaFixed returns SubnetMovingAlpha as the I96F32 the moving-price
// update reads.
func (p EmissionParams) MovingAlphaFixed() fixed.I96F32 {
	return fixed.I96F32FromBits(0, p.MovingAlpha)
}

// emissionParam is one settable emission parameter: its sudo_set_global
// name, storage id (under prefixEmissionParam), bounds and field.
type emissionParam struct {
	name     string
	id       byte
	min, max uint64
	unit     string
	get      func(EmissionParams) uint64
	set      func(*EmissionParams, uint64)
}

// emissionParamTable lists the emission parameters sudo may set. Ids are
// never reused.
var emissionParamTable = []emissionParam{
	{"subnet_owner_cut", 0x01, 0, math.MaxUint16, "/65535",
		func(p EmissionParams) uint64 { return uint64(p.OwnerCut) },
		func(p *EmissionParams, v uint64) { p.OwnerCut = uint16(v) }},
	{"tao_weight", 0x02, 0, math.MaxUint64, "/(2^64-1)",
		func(p EmissionParams) uint64 { return p.TaoWeight },
		func(p *EmissionParams, v uint64) { p.TaoWeight = v }},
	{"stake_threshold", 0x03, 0, uint64(tao.MaxSupply), "rao",
		func(p EmissionParams) uint64 { return uint64(p.StakeThreshold) },
		func(p *EmissionParams, v uint64) { p.StakeThreshold = tao.Rao(v) }},
	{"subnet_moving_alpha", 0x04, 0, 1 << 32, "/2^32",
		func(p EmissionParams) uint64 { return p.MovingAlpha },
		func(p *EmissionParams, v uint64) { p.MovingAlpha = v }},
	{"max_epochs_per_block", 0x05, 1, math.MaxUint16, "count",
		func(p EmissionParams) uint64 { return p.MaxEpochsPerBlock },
		func(p *EmissionParams, v uint64) { p.MaxEpochsPerBlock = v }},
}

// EmissionParams returns the current emission parameters; one never set
// has its default.
func (s *State) EmissionParams() EmissionParams {
	p := DefaultEmissionParams()
	for _, e := range emissionParamTable {
		if b := s.kv.Get([]byte{prefixEmissionParam, e.id}); b != nil {
			e.set(&p, decodeU64("emission param "+e.name, b))
		}
	}
	return p
}

// setEmissionParam sets the emission parameter called name to v, for
// sudo_set_global (whose handler checks the origin). found is false for a
// name that is not an emission parameter; err reports a value out of its
// bounds and changes nothing.
func (s *State) setEmissionParam(name string, v uint64) (found bool, err error) {
	for _, e := range emissionParamTable {
		if e.name != name {
			continue
		}
		if v < e.min || v > e.max {
			return true, fmt.Errorf("%w: %s must be in [%d, %d], got %d", tx.ErrInvalidArgument, name, e.min, e.max, v)
		}
		s.kv.Set([]byte{prefixEmissionParam, e.id}, encodeU64(v))
		return true, nil
	}
	return false, nil
}
