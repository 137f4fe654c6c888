package chain

import (
	"fmt"
	"math"

	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// EmissionParams are the global parameters of the coinbase and the epoch
// (subtensor-spec §7.2), settable by sudo through sudo_set_global (the rows
// made by emissionParam in globalParamTable).
type EmissionParams struct {
	// OwnerCut is SubnetOwnerCut: the subnet owner's share of each block's
	// alpha emission, in 65535ths (11,796 = 18 %).
	OwnerCut uint16
	// TaoWeight is the raw TaoWeight, a fraction of 2^64 − 1: how much a
	// TAO of root stake counts in stake weights, next to a unit of alpha.
	// sudo_set_global takes values up to 2^63 − 1 (≈ 0.5).
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

// stakeTaoWeight is TaoWeightFixed in the I64F64 of stake weights.
func (p EmissionParams) stakeTaoWeight() fixed.I64F64 {
	return fixed.Convert[fixed.I64F64](p.TaoWeightFixed())
}

// MovingAlphaFixed returns SubnetMovingAlpha as the I96F32 the moving-price
// update reads.
func (p EmissionParams) MovingAlphaFixed() fixed.I96F32 {
	return fixed.I96F32FromBits(0, p.MovingAlpha)
}

// emissionParamsCodec stores EmissionParams.
var emissionParamsCodec = recordCodec[EmissionParams]{what: "emission params", version: 1, fields: []func(*EmissionParams) any{
	func(p *EmissionParams) any { return &p.OwnerCut },
	func(p *EmissionParams) any { return &p.TaoWeight },
	func(p *EmissionParams) any { return &p.StakeThreshold },
	func(p *EmissionParams) any { return &p.MovingAlpha },
	func(p *EmissionParams) any { return &p.MaxEpochsPerBlock },
}}

// EmissionParams returns the current emission parameters, one read for
// all of them (the coinbase reads them every block).
func (s *State) EmissionParams() EmissionParams {
	p := DefaultEmissionParams()
	emissionParamsCodec.load(s, []byte{prefixEmissionParam}, &p)
	return p
}

func (s *State) setEmissionParams(p EmissionParams) {
	s.kv.Set([]byte{prefixEmissionParam}, emissionParamsCodec.encode(&p))
}

// emissionParam makes the sudo_set_global row of an EmissionParams field.
func emissionParam(name string, field func(*EmissionParams) any, lo, hi int64, unit string) globalParam {
	return recordParam((*State).EmissionParams, (*State).setEmissionParams, name, field, lo, hi, unit)
}

// setEmissionParam sets the emission parameter called name (its
// sudo_set_global name) to v directly, for tests and tools; transactions
// go through sudo_set_global and its bounds. found is false for an unknown
// name; err reports a value that does not fit the field.
func (s *State) setEmissionParam(name string, v uint64) (found bool, err error) {
	for i, f := range emissionParamsCodec.fields {
		if emissionParamNames[i] != name {
			continue
		}
		p := s.EmissionParams()
		switch ptr := f(&p).(type) {
		case *uint16:
			if v > math.MaxUint16 {
				return true, fmt.Errorf("%w: %s must be at most %d, got %d", tx.ErrInvalidArgument, name, math.MaxUint16, v)
			}
			*ptr = uint16(v)
		case *uint64:
			*ptr = v
		case *tao.Rao:
			*ptr = tao.Rao(v)
		}
		s.setEmissionParams(p)
		return true, nil
	}
	return false, nil
}

// emissionParamNames are the sudo_set_global names of the emission
// params, in storage order.
var emissionParamNames = []string{"subnet_owner_cut", "tao_weight", "stake_threshold", "subnet_moving_alpha", "max_epochs_per_block"}
