package yuma

import (
	"math/bits"

	"github.com/gotensor/gotensor/fixed"
)

// Arithmetic specialised to the epoch's common case, where every operand is
// a proportion in [0, 1] (raw I32F32 bits in [0, 2^32]). Each helper states
// the range in which it equals the general fixed operation it replaces;
// arith_test.go checks that on random and boundary inputs. Callers establish
// the range once per epoch (fastPath) rather than per operation.

// unit is the raw form of 1.0.
const unit = 1 << 32

// mulUnit is a.SaturatingMul(b) for 0 <= a, b <= 1: the product floored to
// 32 fractional bits needs neither the signed correction nor the overflow
// test (a·b <= 2^64, so the result is at most 2^32).
func mulUnit(a, b fixed.I32F32) fixed.I32F32 {
	hi, lo := bits.Mul64(uint64(a.Bits()), uint64(b.Bits()))
	return fixed.I32F32FromBits(int64(hi<<32 | lo>>32))
}

// divisor divides by a fixed d >= 1 with a multiplication instead of a
// hardware division, exactly: inv = floor((2^64-1)/d) underestimates 2^64/d
// by at most 1, so q = floor(n·inv/2^64) is floor(n/d) or one less for any
// n < 2^64, and one comparison of the remainder corrects it.
type divisor struct{ d, inv uint64 }

func newDivisor(d uint64) divisor { return divisor{d, ^uint64(0) / d} }

// div returns floor(n/d).
func (v divisor) div(n uint64) uint64 {
	q, _ := bits.Mul64(n, v.inv)
	if n-q*v.d >= v.d {
		q++
	}
	return q
}

// divUnit is a.SafeDiv(d) for 0 <= a <= d (raw d >= 1), as when an entry
// is divided by its column's sum or maximum: the quotient is at most 1, so
// never overflows. Below 1, (a<<32)/d has a 64-bit numerator and takes the
// reciprocal; from 1 on (a bond at its maximum, or a sum of repeated
// entries) it takes a 128-by-64-bit division, whose high word a>>32 is
// below d.
func (v divisor) divUnit(a fixed.I32F32) fixed.I32F32 {
	x := uint64(a.Bits())
	if x >= unit {
		q, _ := bits.Div64(x>>32, x<<32, v.d)
		return fixed.I32F32FromBits(int64(q))
	}
	return fixed.I32F32FromBits(int64(v.div(x << 32)))
}

// amount is Convert[I96F32](x).SaturatingMul(I96F32(emission)).ToUint(),
// the epoch's rao amounts: the I96F32 product of x (raw x·2^32) and an
// integer is exactly x_raw·emission/2^32, below 2^127 so never saturated;
// ToUint floors it and saturates at 2^64-1, and a negative product is 0.
func amount(x fixed.I32F32, emission uint64) uint64 {
	if x.IsNeg() {
		return 0
	}
	hi, lo := bits.Mul64(uint64(x.Bits()), emission)
	if hi >= 1<<32 {
		return ^uint64(0)
	}
	return hi<<32 | lo>>32
}
