package fixed

// U64F64 is an unsigned 128-bit fixed-point number with 64 integer and 64
// fractional bits (substrate-fixed's U64F64), used for subnet shares, swap math and prices.
// The zero value is 0. It is a value type: methods never modify their receiver.
type U64F64 struct{ r u128 }

// U64F64FromBits returns the U64F64 whose raw bits are hi:lo
// (the value (hi*2^64 + lo) / 2^64).
func U64F64FromBits(hi, lo uint64) U64F64 { return U64F64{u128{hi, lo}} }

// U64F64FromUint converts an integer exactly.
func U64F64FromUint(x uint64) U64F64 { return U64F64{fmtU64F64.fromUint(x)} }

// U64F64FromRatio returns from_num(num).safe_div(from_num(den)): truncated
// toward zero, 0 when den is 0 or the quotient overflows.
func U64F64FromRatio(num, den uint64) U64F64 { return U64F64FromUint(num).SafeDiv(U64F64FromUint(den)) }

// MaxU64F64 is the largest U64F64.
func MaxU64F64() U64F64 { return U64F64{fmtU64F64.max()} }

// MinU64F64 is the smallest U64F64 (0).
func MinU64F64() U64F64 { return U64F64{fmtU64F64.min()} }

// ParseU64F64 parses a decimal number and rounds it to the nearest U64F64,
// ties to even (as Rust's from_num does for floats).
func ParseU64F64(s string) (U64F64, error) {
	r, err := parseDecimal(fmtU64F64, s)
	return U64F64{r}, err
}

// Bits returns the raw representation as hi:lo words.
func (a U64F64) Bits() (hi, lo uint64) { return a.r.hi, a.r.lo }

// IsZero reports whether a == 0.
func (a U64F64) IsZero() bool { return a.r.isZero() }

// Cmp returns -1, 0 or +1 as a is less than, equal to or greater than b.
func (a U64F64) Cmp(b U64F64) int { return fmtU64F64.cmp(a.r, b.r) }

// Less reports whether a < b.
func (a U64F64) Less(b U64F64) bool { return fmtU64F64.cmp(a.r, b.r) < 0 }

// Add returns a+b, wrapping on overflow like Rust's `+` in release builds.
func (a U64F64) Add(b U64F64) U64F64 {
	s, _ := fmtU64F64.add(a.r, b.r)
	return U64F64{s}
}

// Sub returns a-b, wrapping on overflow.
func (a U64F64) Sub(b U64F64) U64F64 {
	d, _ := fmtU64F64.sub(a.r, b.r)
	return U64F64{d}
}

// CheckedAdd returns a+b and false on overflow.
func (a U64F64) CheckedAdd(b U64F64) (U64F64, bool) {
	s, over := fmtU64F64.add(a.r, b.r)
	return U64F64{s}, !over
}

// CheckedSub returns a-b and false on overflow.
func (a U64F64) CheckedSub(b U64F64) (U64F64, bool) {
	d, over := fmtU64F64.sub(a.r, b.r)
	return U64F64{d}, !over
}

// SaturatingAdd returns a+b clamped to [MIN, MAX].
func (a U64F64) SaturatingAdd(b U64F64) U64F64 { return U64F64{fmtU64F64.saturatingAdd(a.r, b.r)} }

// SaturatingSub returns a-b clamped to [MIN, MAX].
func (a U64F64) SaturatingSub(b U64F64) U64F64 { return U64F64{fmtU64F64.saturatingSub(a.r, b.r)} }

// Mul returns a*b rounded toward -inf, wrapping on overflow (Rust's `*`).
func (a U64F64) Mul(b U64F64) U64F64 {
	p, _ := fmtU64F64.mul(a.r, b.r)
	return U64F64{p}
}

// CheckedMul returns a*b (floor) and false on overflow.
func (a U64F64) CheckedMul(b U64F64) (U64F64, bool) {
	p, over := fmtU64F64.mul(a.r, b.r)
	return U64F64{p}, !over
}

// SaturatingMul returns a*b (floor) clamped to [MIN, MAX].
func (a U64F64) SaturatingMul(b U64F64) U64F64 { return U64F64{fmtU64F64.saturatingMul(a.r, b.r)} }

// CheckedDiv returns a/b truncated toward zero, and false on division by
// zero or overflow.
func (a U64F64) CheckedDiv(b U64F64) (U64F64, bool) {
	q, ok := fmtU64F64.div(a.r, b.r)
	return U64F64{q}, ok
}

// SafeDiv is subtensor's safe_div: a/b truncated toward zero, or 0 on
// division by zero and on overflow.
func (a U64F64) SafeDiv(b U64F64) U64F64 { return U64F64{fmtU64F64.safeDiv(a.r, b.r)} }

// SaturatingDiv returns a/b truncated toward zero and clamped to [MIN, MAX].
// Division by zero (a panic in Rust) saturates by the sign of a.
func (a U64F64) SaturatingDiv(b U64F64) U64F64 { return U64F64{fmtU64F64.saturatingDiv(a.r, b.r)} }

// ToUint returns a rounded toward -inf, saturated to [0, 2^64-1]
// (saturating_to_num::<u64>).
func (a U64F64) ToUint() uint64 { return fmtU64F64.toUint(a.r) }

// String formats a exactly in decimal.
func (a U64F64) String() string { return formatDecimal(fmtU64F64, a.r) }

// Float64 returns the nearest float64. For display and tests only: consensus
// code must never use floating point.
func (a U64F64) Float64() float64 { return toFloat64(fmtU64F64, a.r) }
