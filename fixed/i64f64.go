package fixed

// I64F64 is a signed 128-bit fixed-point number with 64 integer and 64
// fractional bits (substrate-fixed's I64F64), used for raw stake vectors, stake normalisation and the bonds moving average.
// The zero value is 0. It is a value type: methods never modify their receiver.
type I64F64 struct{ r u128 }

// I64F64FromBits returns the I64F64 whose raw two's-complement bits are hi:lo
// (the value (hi*2^64 + lo) / 2^64).
func I64F64FromBits(hi, lo uint64) I64F64 { return I64F64{u128{hi, lo}} }

// I64F64FromInt converts an integer exactly.
func I64F64FromInt(x int64) I64F64 { return I64F64{fmtI64F64.fromInt(x)} }

// I64F64FromUint converts an unsigned integer, saturating at MAX.
func I64F64FromUint(x uint64) I64F64 { return I64F64{fmtI64F64.fromUint(x)} }

// I64F64FromRatio returns from_num(num).safe_div(from_num(den)): truncated
// toward zero, 0 when den is 0.
func I64F64FromRatio(num, den int64) I64F64 { return I64F64FromInt(num).SafeDiv(I64F64FromInt(den)) }

// MaxI64F64 is the largest I64F64.
func MaxI64F64() I64F64 { return I64F64{fmtI64F64.max()} }

// MinI64F64 is the smallest I64F64.
func MinI64F64() I64F64 { return I64F64{fmtI64F64.min()} }

// ParseI64F64 parses a decimal number and rounds it to the nearest I64F64,
// ties to even (as Rust's from_num does for floats).
func ParseI64F64(s string) (I64F64, error) {
	r, err := parseDecimal(fmtI64F64, s)
	return I64F64{r}, err
}

// Bits returns the raw two's-complement representation as hi:lo words.
func (a I64F64) Bits() (hi, lo uint64) { return a.r.hi, a.r.lo }

// IsZero reports whether a == 0.
func (a I64F64) IsZero() bool { return a.r.isZero() }

// IsNeg reports whether a < 0.
func (a I64F64) IsNeg() bool { return a.r.isNeg() }

// Cmp returns -1, 0 or +1 as a is less than, equal to or greater than b.
func (a I64F64) Cmp(b I64F64) int { return fmtI64F64.cmp(a.r, b.r) }

// Less reports whether a < b.
func (a I64F64) Less(b I64F64) bool { return fmtI64F64.cmp(a.r, b.r) < 0 }

// Add returns a+b, wrapping on overflow like Rust's `+` in release builds.
func (a I64F64) Add(b I64F64) I64F64 {
	s, _ := fmtI64F64.add(a.r, b.r)
	return I64F64{s}
}

// Sub returns a-b, wrapping on overflow.
func (a I64F64) Sub(b I64F64) I64F64 {
	d, _ := fmtI64F64.sub(a.r, b.r)
	return I64F64{d}
}

// CheckedAdd returns a+b and false on overflow.
func (a I64F64) CheckedAdd(b I64F64) (I64F64, bool) {
	s, over := fmtI64F64.add(a.r, b.r)
	return I64F64{s}, !over
}

// CheckedSub returns a-b and false on overflow.
func (a I64F64) CheckedSub(b I64F64) (I64F64, bool) {
	d, over := fmtI64F64.sub(a.r, b.r)
	return I64F64{d}, !over
}

// SaturatingAdd returns a+b clamped to [MIN, MAX].
func (a I64F64) SaturatingAdd(b I64F64) I64F64 { return I64F64{fmtI64F64.saturatingAdd(a.r, b.r)} }

// SaturatingSub returns a-b clamped to [MIN, MAX].
func (a I64F64) SaturatingSub(b I64F64) I64F64 { return I64F64{fmtI64F64.saturatingSub(a.r, b.r)} }

// Mul returns a*b rounded toward -inf, wrapping on overflow (Rust's `*`).
func (a I64F64) Mul(b I64F64) I64F64 {
	p, _ := fmtI64F64.mul(a.r, b.r)
	return I64F64{p}
}

// CheckedMul returns a*b (floor) and false on overflow.
func (a I64F64) CheckedMul(b I64F64) (I64F64, bool) {
	p, over := fmtI64F64.mul(a.r, b.r)
	return I64F64{p}, !over
}

// SaturatingMul returns a*b (floor) clamped to [MIN, MAX].
func (a I64F64) SaturatingMul(b I64F64) I64F64 { return I64F64{fmtI64F64.saturatingMul(a.r, b.r)} }

// CheckedDiv returns a/b truncated toward zero, and false on division by
// zero or overflow.
func (a I64F64) CheckedDiv(b I64F64) (I64F64, bool) {
	q, ok := fmtI64F64.div(a.r, b.r)
	return I64F64{q}, ok
}

// SafeDiv is subtensor's safe_div: a/b truncated toward zero, or 0 on
// division by zero and on overflow.
func (a I64F64) SafeDiv(b I64F64) I64F64 { return I64F64{fmtI64F64.safeDiv(a.r, b.r)} }

// SaturatingDiv returns a/b truncated toward zero and clamped to [MIN, MAX].
// Division by zero (a panic in Rust) saturates by the sign of a.
func (a I64F64) SaturatingDiv(b I64F64) I64F64 { return I64F64{fmtI64F64.saturatingDiv(a.r, b.r)} }

// ToInt returns a rounded toward -inf, saturated to the int64 range.
func (a I64F64) ToInt() int64 { return fmtI64F64.toInt(a.r) }

// ToUint returns a rounded toward -inf, saturated to [0, 2^64-1]
// (saturating_to_num::<u64>).
func (a I64F64) ToUint() uint64 { return fmtI64F64.toUint(a.r) }

// String formats a exactly in decimal.
func (a I64F64) String() string { return formatDecimal(fmtI64F64, a.r) }

// Float64 returns the nearest float64. For display and tests only: consensus
// code must never use floating point.
func (a I64F64) Float64() float64 { return toFloat64(fmtI64F64, a.r) }
