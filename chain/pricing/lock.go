package pricing

import (
	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/tao"
)

// NetworkLock is the state that prices a subnet registration (spec §3.3).
type NetworkLock struct {
	LastCost          tao.Rao         // NetworkLastLockCost: the lock paid by the last registration
	LastBlock         tao.BlockHeight // block of the last registration; 0 means none yet
	MinCost           tao.Rao         // NetworkMinLockCost
	ReductionInterval uint64          // NetworkLockReductionInterval, in blocks at full emission
}

// Cost returns the lock cost at block now, when the chain emits
// blockEmission rao per block:
//
//	max(MinCost, m·LastCost − floor(LastCost/interval)·(now − LastBlock))
//
// with m = 1 before the first registration and 2 after, and interval =
// ReductionInterval scaled by blockEmission/1 TAO (so the decay slows as
// emission halves). Every step saturates; an interval of 0 disables decay.
func (l NetworkLock) Cost(now tao.BlockHeight, blockEmission tao.Rao) tao.Rao {
	m := tao.Rao(2)
	if l.LastBlock == 0 {
		m = 1
	}
	cost := l.LastCost
	if cost > ^tao.Rao(0)/m {
		cost = ^tao.Rao(0)
	} else {
		cost *= m
	}
	if interval := ReductionInterval(l.ReductionInterval, blockEmission); interval > 0 {
		perBlock := uint64(l.LastCost) / interval
		elapsed := uint64(0)
		if now > l.LastBlock {
			elapsed = uint64(now - l.LastBlock)
		}
		cost = cost.SaturatingSub(tao.Rao(saturatingMul(perBlock, elapsed)))
	}
	return max(cost, l.MinCost)
}

// ReductionInterval returns interval·(blockEmission/1e9) in I64F64, floored
// to whole blocks (subtensor's get_lock_reduction_interval).
func ReductionInterval(interval uint64, blockEmission tao.Rao) uint64 {
	halving := fixed.I64F64FromUint(uint64(blockEmission)).SafeDiv(fixed.I64F64FromUint(uint64(tao.RaoPerTAO)))
	return fixed.I64F64FromUint(interval).SaturatingMul(halving).ToUint()
}

func saturatingMul(a, b uint64) uint64 {
	if a != 0 && b > ^uint64(0)/a {
		return ^uint64(0)
	}
	return a * b
}
