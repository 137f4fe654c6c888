package pricing

import (
	"math/bits"

	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/tao"
)

// q32One is 1.0 in Q32 (a uint64 with 32 fractional bits).
const q32One = 1 << 32

// BurnSchedule is one subnet's burn-price configuration (spec §4.2, §7.1).
type BurnSchedule struct {
	HalfLife uint16       // BurnHalfLife: blocks for the burn to halve; 0 disables decay
	Mult     fixed.U64F64 // BurnIncreaseMult: factor applied on each registration (values below 1 count as 1)
	Min, Max tao.Rao      // MinBurn, MaxBurn: the burn is clamped to [Min, Max]
}

// Decay returns the burn for block now given the previous block's burn:
// burn·f (Q32, floored) with f = DecayFactorQ32(HalfLife), clamped to
// [Min, Max]. No decay applies at blocks 0 and 1 or when HalfLife is 0,
// but the clamp always does.
func (s BurnSchedule) Decay(burn tao.Rao, now tao.BlockHeight) tao.Rao {
	if s.HalfLife > 0 && now > 1 {
		burn = tao.Rao(MulQ32(uint64(burn), DecayFactorQ32(s.HalfLife)))
	}
	return s.clamp(burn)
}

// Bump returns the burn right after a registration: floor(burn·max(1, Mult))
// clamped to [Min, Max]. The root subnet does not bump; callers skip it.
func (s BurnSchedule) Bump(burn tao.Rao) tao.Rao {
	mult := s.Mult
	if one := fixed.U64F64FromUint(1); mult.Less(one) {
		mult = one
	}
	return s.clamp(tao.Rao(fixed.U64F64FromUint(uint64(burn)).SaturatingMul(mult).ToUint()))
}

// clamp applies the lower bound first, then the upper one, as subtensor
// does (so Max wins if Min > Max).
func (s BurnSchedule) clamp(burn tao.Rao) tao.Rao {
	burn = max(burn, s.Min)
	return min(burn, s.Max)
}

// DecayFactorQ32 returns the per-block decay factor for a half-life of
// halfLife blocks: the largest Q32 value f with PowQ32(f, halfLife) ≤ 0.5,
// found by binary search. A half-life of 0 gives 1.0 (no decay).
func DecayFactorQ32(halfLife uint16) uint64 {
	if halfLife == 0 {
		return q32One
	}
	lo, hi := uint64(0), uint64(q32One)
	for lo+1 < hi {
		mid := lo + (hi-lo)/2
		if PowQ32(mid, halfLife) > q32One/2 {
			hi = mid
		} else {
			lo = mid
		}
	}
	return lo
}

// PowQ32 returns base^exp in Q32 by square-and-multiply, every product
// floored by MulQ32.
func PowQ32(base uint64, exp uint16) uint64 {
	result := uint64(q32One)
	for e := exp; e > 0; {
		if e&1 == 1 {
			result = MulQ32(result, base)
		}
		e >>= 1
		if e > 0 {
			base = MulQ32(base, base)
		}
	}
	return result
}

// MulQ32 returns floor(v·f / 2^32) for a Q32 factor f, saturated to the
// uint64 range.
func MulQ32(v, f uint64) uint64 {
	hi, lo := bits.Mul64(v, f)
	if hi>>32 != 0 {
		return ^uint64(0)
	}
	return hi<<32 | lo>>32
}
