package fixed

// U96F32 is an unsigned 128-bit fixed-point number with 96 integer and 32
// fractional bits (substrate-fixed's U96F32), used for coinbase, dividend distribution and the tao weight.
// The zero value is 0. It is a value type: methods never modify their receiver.
type U96F32 struct{ r u128 }

// U96F32FromBits returns the U96F32 whose raw bits are hi:lo
// (the value (hi*2^64 + lo) / 2^32).
func U96F32FromBits(hi, lo uint64) U96F32 { return U96F32{u128{hi, lo}} }

// U96F32FromUint converts an integer exactly.
func U96F32FromUint(x uint64) U96F32 { return U96F32{fmtU96F32.fromUint(x)} }

// U96F32FromRatio returns from_num(num).safe_div(from_num(den)): truncated
// toward zero, 0 when den is 0 or the quotient overflows.
func U96F32FromRatio(num, den uint64) U96F32 { return U96F32FromUint(num).SafeDiv(U96F32FromUint(den)) }

// MaxU96F32 is the largest U96F32.
func MaxU96F32() U96F32 { return U96F32{fmtU96F32.max()} }

// MinU96F32 is the smallest U96F32 (0).
func MinU96F32() U96F32 { return U96F32{fmtU96F32.min()} }

// ParseU96F32 parses a decimal number and rounds it to the nearest U96F32,
// ties to even (as Rust's from_num does for floats).
func ParseU96F32(s string) (U96F32, error) {
	r, err := parseDecimal(fmtU96F32, s)
	return U96F32{r}, err
}

// Bits returns the raw representation as hi:lo words.
func (a U96F32) Bits() (hi, lo uint64) { return a.r.hi, a.r.lo }

// IsZero reports whether a == 0.
func (a U96F32) IsZero() bool { return a.r.isZero() }

// Cmp returns -1, 0 or +1 as a is less than, equal to or greater than b.
func (a U96F32) Cmp(b U96F32) int { return fmtU96F32.cmp(a.r, b.r) }

// Less reports whether a < b.
func (a U96F32) Less(b U96F32) bool { return fmtU96F32.cmp(a.r, b.r) < 0 }

// Add returns a+b, wrapping on overflow like Rust's `+` in release builds.
func (a U96F32) Add(b U96F32) U96F32 {
	s, _ := fmtU96F32.add(a.r, b.r)
	return U96F32{s}
}

// Sub returns a-b, wrapping on overflow.
func (a U96F32) Sub(b U96F32) U96F32 {
	d, _ := fmtU96F32.sub(a.r, b.r)
	return U96F32{d}
}

// CheckedAdd returns a+b and false on overflow.
func (a U96F32) CheckedAdd(b U96F32) (U96F32, bool) {
	s, over := fmtU96F32.add(a.r, b.r)
	return U96F32{s}, !over
}

// CheckedSub returns a-b and false on overflow.
func (a U96F32) CheckedSub(b U96F32) (U96F32, bool) {
	d, over := fmtU96F32.sub(a.r, b.r)
	return U96F32{d}, !over
}

// SaturatingAdd returns a+b clamped to [MIN, MAX].
func (a U96F32) SaturatingAdd(b U96F32) U96F32 { return U96F32{fmtU96F32.saturatingAdd(a.r, b.r)} }

// SaturatingSub returns a-b clamped to [MIN, MAX].
func (a U96F32) SaturatingSub(b U96F32) U96F32 { return U96F32{fmtU96F32.saturatingSub(a.r, b.r)} }

// Mul returns a*b rounded toward -inf, wrapping on overflow (Rust's `*`).
func (a U96F32) Mul(b U96F32) U96F32 {
	p, _ := fmtU96F32.mul(a.r, b.r)
	return U96F32{p}
}

// CheckedMul returns a*b (floor) and false on overflow.
func (a U96F32) CheckedMul(b U96F32) (U96F32, bool) {
	p, over := fmtU96F32.mul(a.r, b.r)
	return U96F32{p}, !over
}

// SaturatingMul returns a*b (floor) clamped to [MIN, MAX].
func (a U96F32) SaturatingMul(b U96F32) U96F32 { return U96F32{fmtU96F32.saturatingMul(a.r, b.r)} }

// CheckedDiv returns a/b truncated toward zero, and false on division by
// zero or overflow.
func (a U96F32) CheckedDiv(b U96F32) (U96F32, bool) {
	q, ok := fmtU96F32.div(a.r, b.r)
	return U96F32{q}, ok
}

// SafeDiv is subtensor's safe_div: a/b truncated toward zero, or 0 on
// division by zero and on overflow.
func (a U96F32) SafeDiv(b U96F32) U96F32 { return U96F32{fmtU96F32.safeDiv(a.r, b.r)} }

// SaturatingDiv returns a/b truncated toward zero and clamped to [MIN, MAX].
// Division by zero (a panic in Rust) saturates by the sign of a.
func (a U96F32) SaturatingDiv(b U96F32) U96F32 { return U96F32{fmtU96F32.saturatingDiv(a.r, b.r)} }

// ToUint returns a rounded toward -inf, saturated to [0, 2^64-1]
// (saturating_to_num::<u64>).
func (a U96F32) ToUint() uint64 { return fmtU96F32.toUint(a.r) }

// String formats a exactly in decimal.
func (a U96F32) String() string { return formatDecimal(fmtU96F32, a.r) }

// Float64 returns the nearest float64. For display and tests only: consensus
// code must never use floating point.
func (a U96F32) Float64() float64 { return toFloat64(fmtU96F32, a.r) }
