package fixed

import "math/bits"

// I32F32 is a signed fixed-point number with 32 integer and 32 fractional
// bits (substrate-fixed's I32F32), the type of all Yuma epoch math. The zero
// value is 0. It is a value type: methods never modify their receiver.
type I32F32 struct{ bits int64 }

const oneI32F32 = 1 << 32

// I32F32FromBits returns the I32F32 whose raw two's-complement bits are b,
// i.e. the value b / 2^32.
func I32F32FromBits(b int64) I32F32 { return I32F32{b} }

// I32F32FromInt converts an integer, saturating outside [-2^31, 2^31).
func I32F32FromInt(x int64) I32F32 {
	switch {
	case x > 1<<31-1:
		return MaxI32F32()
	case x < -1<<31:
		return MinI32F32()
	}
	return I32F32{x << 32}
}

// I32F32FromRatio returns num/den computed as subtensor writes it,
// I32F32::from_num(num).safe_div(I32F32::from_num(den)): both integers
// saturate to the I32F32 range first, the quotient truncates toward zero,
// and a zero denominator gives 0.
func I32F32FromRatio(num, den int64) I32F32 {
	return I32F32FromInt(num).SafeDiv(I32F32FromInt(den))
}

// MaxI32F32 is the largest I32F32, 2^31 - 2^-32.
func MaxI32F32() I32F32 { return I32F32{1<<63 - 1} }

// MinI32F32 is the smallest I32F32, -2^31.
func MinI32F32() I32F32 { return I32F32{-1 << 63} }

// Bits returns the raw two's-complement representation (value * 2^32).
func (a I32F32) Bits() int64 { return a.bits }

func (a I32F32) raw() u128 { return u128{uint64(a.bits >> 63), uint64(a.bits)} }

// IsZero reports whether a == 0.
func (a I32F32) IsZero() bool { return a.bits == 0 }

// IsNeg reports whether a < 0.
func (a I32F32) IsNeg() bool { return a.bits < 0 }

// Cmp returns -1, 0 or +1 as a is less than, equal to or greater than b.
func (a I32F32) Cmp(b I32F32) int {
	switch {
	case a.bits < b.bits:
		return -1
	case a.bits > b.bits:
		return 1
	}
	return 0
}

// Less reports whether a < b.
func (a I32F32) Less(b I32F32) bool { return a.bits < b.bits }

// Min returns the smaller of a and b.
func (a I32F32) Min(b I32F32) I32F32 {
	if b.bits < a.bits {
		return b
	}
	return a
}

// Max returns the larger of a and b.
func (a I32F32) Max(b I32F32) I32F32 {
	if b.bits > a.bits {
		return b
	}
	return a
}

// Add returns a+b, wrapping on overflow like Rust's `+` in release builds
// (used where subtensor sums with `+` or `iter().sum()`).
func (a I32F32) Add(b I32F32) I32F32 { return I32F32{a.bits + b.bits} }

// Sub returns a-b, wrapping on overflow.
func (a I32F32) Sub(b I32F32) I32F32 { return I32F32{a.bits - b.bits} }

// CheckedAdd returns a+b and false on overflow.
func (a I32F32) CheckedAdd(b I32F32) (I32F32, bool) {
	s := a.bits + b.bits
	return I32F32{s}, (s > a.bits) == (b.bits > 0) || b.bits == 0
}

// SaturatingAdd returns a+b clamped to [MIN, MAX].
func (a I32F32) SaturatingAdd(b I32F32) I32F32 {
	s := a.bits + b.bits
	if (s > a.bits) != (b.bits > 0) && b.bits != 0 {
		return saturated(b.bits < 0)
	}
	return I32F32{s}
}

// SaturatingSub returns a-b clamped to [MIN, MAX].
func (a I32F32) SaturatingSub(b I32F32) I32F32 {
	d := a.bits - b.bits
	if (d < a.bits) == (b.bits > 0) || b.bits == 0 {
		return I32F32{d}
	}
	if b.bits < 0 {
		return MaxI32F32()
	}
	return MinI32F32()
}

// SaturatingNeg returns -a, with -MIN saturating to MAX.
func (a I32F32) SaturatingNeg() I32F32 {
	if a.bits == -1<<63 {
		return MaxI32F32()
	}
	return I32F32{-a.bits}
}

// mul returns floor(a*b / 2^32) (the arithmetic shift of the exact 128-bit
// product) wrapped to 64 bits, and whether it overflowed.
func (a I32F32) mul(b I32F32) (int64, bool) {
	hi, lo := bits.Mul64(uint64(a.bits), uint64(b.bits))
	// Signed correction of the unsigned product, branch-free.
	hi -= uint64(a.bits>>63)&uint64(b.bits) + uint64(b.bits>>63)&uint64(a.bits)
	r := int64(hi<<32 | lo>>32)
	return r, int64(hi)>>31 != r>>63
}

// Mul returns a*b rounded toward -inf, wrapping on overflow (Rust's `*`).
func (a I32F32) Mul(b I32F32) I32F32 {
	r, _ := a.mul(b)
	return I32F32{r}
}

// CheckedMul returns a*b (floor) and false on overflow.
func (a I32F32) CheckedMul(b I32F32) (I32F32, bool) {
	r, over := a.mul(b)
	return I32F32{r}, !over
}

// SaturatingMul returns a*b (floor) clamped to [MIN, MAX]. It is written
// without calls so that it inlines into the epoch's loops.
func (a I32F32) SaturatingMul(b I32F32) I32F32 {
	hi, lo := bits.Mul64(uint64(a.bits), uint64(b.bits))
	hi -= uint64(a.bits>>63)&uint64(b.bits) + uint64(b.bits>>63)&uint64(a.bits)
	r := int64(hi<<32 | lo>>32)
	if int64(hi)>>31 != r>>63 { // overflow: MAX, or MIN (= ^MAX) when the signs differ
		r = (1<<63 - 1) ^ (a.bits^b.bits)>>63
	}
	return I32F32{r}
}

// saturated returns MIN for a negative overflow and MAX otherwise.
func saturated(neg bool) I32F32 {
	if neg {
		return MinI32F32()
	}
	return MaxI32F32()
}

// CheckedDiv returns (a << 32) / b truncated toward zero, and false on
// division by zero or overflow.
func (a I32F32) CheckedDiv(b I32F32) (I32F32, bool) {
	if b.bits == 0 {
		return I32F32{}, false
	}
	ua, ub := absU64(a.bits), absU64(b.bits)
	nhi, nlo := ua>>32, ua<<32
	if nhi >= ub {
		return I32F32{}, false
	}
	q, _ := bits.Div64(nhi, nlo, ub)
	if (a.bits < 0) != (b.bits < 0) {
		if q > 1<<63 {
			return I32F32{}, false
		}
		return I32F32{-int64(q)}, true
	}
	if q > 1<<63-1 {
		return I32F32{}, false
	}
	return I32F32{int64(q)}, true
}

// SafeDiv is subtensor's safe_div: a/b truncated toward zero, or 0 on
// division by zero and on overflow (not saturation).
func (a I32F32) SafeDiv(b I32F32) I32F32 {
	q, _ := a.CheckedDiv(b)
	return q
}

// SaturatingDiv returns a/b truncated toward zero, clamped to [MIN, MAX] on
// overflow. Division by zero (a panic in Rust) saturates by the sign of a.
func (a I32F32) SaturatingDiv(b I32F32) I32F32 {
	return I32F32{int64(fmtI32F32.saturatingDiv(a.raw(), b.raw()).lo)}
}

// Round rounds to the nearest integer, ties away from zero (fixed's round()),
// saturating at MAX.
func (a I32F32) Round() I32F32 {
	const half = 1 << 31
	if a.bits >= 0 {
		if a.bits > 1<<63-1-half {
			return MaxI32F32()
		}
		return I32F32{(a.bits + half) &^ (oneI32F32 - 1)}
	}
	m := absU64(a.bits) + half
	return I32F32{-int64(m &^ (oneI32F32 - 1))}
}

// ToInt returns a rounded toward -inf as an integer.
func (a I32F32) ToInt() int64 { return a.bits >> 32 }

// ToUint returns a rounded toward -inf, saturated to [0, 2^64-1]
// (saturating_to_num::<u64>).
func (a I32F32) ToUint() uint64 {
	if a.bits < 0 {
		return 0
	}
	return uint64(a.bits >> 32)
}

// ToU16 returns a rounded toward -inf, saturated to [0, 65535]
// (saturating_to_num::<u16>).
func (a I32F32) ToU16() uint16 {
	switch {
	case a.bits < 0:
		return 0
	case a.bits>>32 > 0xffff:
		return 0xffff
	}
	return uint16(a.bits >> 32)
}

// ToU16Proportion returns floor(a * 65535) clamped to [0, 65535], the u16
// encoding of a proportion (subtensor's fixed_proportion_to_u16).
func (a I32F32) ToU16Proportion() uint16 {
	switch {
	case a.bits <= 0:
		return 0
	case a.bits >= 1<<32+1: // above 1, floor(a*65535) > 65535 (and saturation clamps too)
		return 0xffff
	}
	return uint16(uint64(a.bits) * 0xffff >> 32)
}

// I32F32FromU16Proportion returns x / 65535 truncated, the value of
// I32F32FromRatio(x, 65535) (u16_proportion_to_fixed). It is on the epoch's
// hot path, so it divides by the constant directly: (x<<64)/(65535<<32) is
// (x<<32)/65535.
func I32F32FromU16Proportion(x uint16) I32F32 {
	return I32F32{int64(uint64(x) << 32 / 0xffff)}
}

// String formats a exactly in decimal.
func (a I32F32) String() string { return formatDecimal(fmtI32F32, a.raw()) }

// Float64 returns the nearest float64. For display and tests only: consensus
// code must never use floating point.
func (a I32F32) Float64() float64 { return float64(a.bits) / oneI32F32 }

// ParseI32F32 parses a decimal number ("0.25", "-3", "1e-3") and rounds it
// to the nearest I32F32, ties to even, as Rust's from_num does for floats.
func ParseI32F32(s string) (I32F32, error) {
	r, err := parseDecimal(fmtI32F32, s)
	return I32F32{int64(r.lo)}, err
}

func absU64(x int64) uint64 {
	if x < 0 {
		return uint64(-x)
	}
	return uint64(x)
}
