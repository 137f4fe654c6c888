package swap

import (
	"math/big"
	"math/bits"

	"github.com/gotensor/gotensor/fixed"
)

// Perquintill is a fraction in parts per 10^18 (sp_arithmetic's
// Perquintill), the type of the balancer weights.
type Perquintill uint64

const (
	// PerquintillOne is 1.0.
	PerquintillOne Perquintill = 1_000_000_000_000_000_000
	// MinWeight is the smallest allowed weight, for either token (0.01).
	MinWeight = PerquintillOne / 100
	// DefaultQuoteWeight is the weight of a new pool (0.5): a plain
	// constant-product pool.
	DefaultQuoteWeight = PerquintillOne / 2
)

// validWeight reports whether a quote weight leaves both weights ≥ MinWeight.
func validWeight(quote Perquintill) bool {
	return quote >= MinWeight && quote <= PerquintillOne && PerquintillOne-quote >= MinWeight
}

// perquintillFromRational is sp_arithmetic's Perquintill::from_rational
// (rounding down) for p, q < 2^128: when q exceeds 10^18 both are first
// divided by ceil(q/10^18), so the result is not always floor(p/q·10^18).
// A zero q or p > q gives 1.0.
func perquintillFromRational(p, q *big.Int) Perquintill {
	if q.Sign() == 0 || p.Cmp(q) > 0 {
		return PerquintillOne
	}
	factor := new(big.Int).Add(q, perquintillScale)
	factor.Sub(factor, bigOne)
	factor.Quo(factor, perquintillScale) // ceil(q / 10^18) ≥ 1
	qr := new(big.Int).Quo(q, factor)
	pr := new(big.Int).Quo(p, factor)
	pr.Mul(pr, perquintillScale)
	return Perquintill(pr.Quo(pr, qr).Uint64())
}

// weights returns the base weight w1 and quote weight w2 in parts.
func weights(quote Perquintill) (w1, w2 uint64) {
	return uint64(PerquintillOne - min(quote, PerquintillOne)), uint64(quote)
}

// spotPrice is the balancer price (w1/w2)·(y/x) in U64F64, each quotient
// truncated and the product floored and saturated; 0 when x is 0.
func spotPrice(quote Perquintill, x, y uint64) fixed.U64F64 {
	w1, w2 := weights(quote)
	if w1 == w2 {
		return ratio(y, x) // the weight ratio is exactly 1
	}
	return ratio(w1, w2).SaturatingMul(ratio(y, x))
}

// ratio is U64F64::from_num(num).safe_div(from_num(den)) — num·2^64/den
// truncated, 0 when den is 0 — computed with two 128/64-bit divisions
// instead of a general 256-bit one. The quotient always fits.
func ratio(num, den uint64) fixed.U64F64 {
	if den == 0 {
		return fixed.U64F64{}
	}
	hi, rem := bits.Div64(0, num, den)
	lo, _ := bits.Div64(rem, 0, den)
	return fixed.U64F64FromBits(hi, lo)
}

var (
	perquintillScale = new(big.Int).SetUint64(uint64(PerquintillOne))
	u64Max           = new(big.Int).SetUint64(^uint64(0))
	oneU64F64        = fixed.U64F64FromUint(1)
)

// reserveFactor is the balancer's exp_scaled for a non-negative delta:
// e = min(1, (r/(r+d))^(num/den)) with the power taken by pow_ratio_scaled
// at precision 256 and scale 10^18, then divided by 10^18 in U64F64.
// r+d saturates at 2^64-1; a zero r+d gives 0.
func reserveFactor(r, d, num, den uint64) fixed.U64F64 {
	sum := r + d
	if sum < r {
		sum = ^uint64(0)
	}
	if sum == 0 {
		return fixed.U64F64{}
	}
	var scaled uint64
	if num == den {
		// Equal weights reduce the exponent to 1: the exact path is a
		// single division, done here without allocating.
		scaled = ratioScaled64(r, sum, uint64(PerquintillOne))
	} else {
		v, ok := powRatioScaled(new(big.Int).SetUint64(r), new(big.Int).SetUint64(sum),
			new(big.Int).SetUint64(num), new(big.Int).SetUint64(den), 256, perquintillScale)
		if !ok || !v.IsUint64() {
			return fixed.U64F64{}
		}
		scaled = v.Uint64()
	}
	e := ratio(scaled, uint64(PerquintillOne))
	if oneU64F64.Less(e) {
		return oneU64F64
	}
	return e
}

// outFor returns floor(reserve·(1−e)): the output paid for a reserve
// factor e.
func outFor(reserve uint64, e fixed.U64F64) uint64 {
	return fixed.U64F64FromUint(reserve).SaturatingMul(oneU64F64.SaturatingSub(e)).ToUint()
}

// limitDelta is the balancer's calculate_{quote,base}_delta_in: the input
// that moves the price to a limit, reserve·((num/den)^(w/10^18) − 1) with
// num and den the raw bits of two U64F64 prices and the power taken at
// precision 1024. It is 0 when den is 0.
func limitDelta(num, den fixed.U64F64, w uint64, reserve uint64) uint64 {
	v, ok := powRatioScaled(u64f64Big(num), u64f64Big(den), new(big.Int).SetUint64(w), perquintillScale, 1024, perquintillScale)
	if !ok {
		return 0
	}
	if v.Cmp(u64Max) > 0 {
		v = u64Max
	}
	f := ratio(v.Uint64(), uint64(PerquintillOne))
	return fixed.U64F64FromUint(reserve).SaturatingMul(f.SaturatingSub(oneU64F64)).ToUint()
}

// u64f64Big returns the raw bits of a as an integer.
func u64f64Big(a fixed.U64F64) *big.Int {
	hi, lo := a.Bits()
	v := new(big.Int).SetUint64(hi)
	v.Lsh(v, 64)
	return v.Or(v, new(big.Int).SetUint64(lo))
}
