package fixed

// I96F32 is a signed 128-bit fixed-point number with 96 integer and 32
// fractional bits (substrate-fixed's I96F32), used for block emission and the epoch's rao scaling.
// The zero value is 0. It is a value type: methods never modify their receiver.
type I96F32 struct{ r u128 }

// I96F32FromBits returns the I96F32 whose raw two's-complement bits are hi:lo
// (the value (hi*2^64 + lo) / 2^32).
func I96F32FromBits(hi, lo uint64) I96F32 { return I96F32{u128{hi, lo}} }

// I96F32FromInt converts an integer exactly.
func I96F32FromInt(x int64) I96F32 { return I96F32{fmtI96F32.fromInt(x)} }

// I96F32FromUint converts an unsigned integer, saturating at MAX.
func I96F32FromUint(x uint64) I96F32 { return I96F32{fmtI96F32.fromUint(x)} }

// I96F32FromRatio returns from_num(num).safe_div(from_num(den)): truncated
// toward zero, 0 when den is 0.
func I96F32FromRatio(num, den int64) I96F32 { return I96F32FromInt(num).SafeDiv(I96F32FromInt(den)) }

// MaxI96F32 is the largest I96F32.
func MaxI96F32() I96F32 { return I96F32{fmtI96F32.max()} }

// MinI96F32 is the smallest I96F32.
func MinI96F32() I96F32 { return I96F32{fmtI96F32.min()} }

// ParseI96F32 parses a decimal number and rounds it to the nearest I96F32,
// ties to even (as Rust's from_num does for floats).
func ParseI96F32(s string) (I96F32, error) {
	r, err := parseDecimal(fmtI96F32, s)
	return I96F32{r}, err
}

// Bits returns the raw two's-complement representation as hi:lo words.
func (a I96F32) Bits() (hi, lo uint64) { return a.r.hi, a.r.lo }

// IsZero reports whether a == 0.
func (a I96F32) IsZero() bool { return a.r.isZero() }

// IsNeg reports whether a < 0.
func (a I96F32) IsNeg() bool { return a.r.isNeg() }

// Cmp returns -1, 0 or +1 as a is less than, equal to or greater than b.
func (a I96F32) Cmp(b I96F32) int { return fmtI96F32.cmp(a.r, b.r) }

// Less reports whether a < b.
func (a I96F32) Less(b I96F32) bool { return fmtI96F32.cmp(a.r, b.r) < 0 }

// Add returns a+b, wrapping on overflow like Rust's `+` in release builds.
func (a I96F32) Add(b I96F32) I96F32 {
	s, _ := fmtI96F32.add(a.r, b.r)
	return I96F32{s}
}

// Sub returns a-b, wrapping on overflow.
func (a I96F32) Sub(b I96F32) I96F32 {
	d, _ := fmtI96F32.sub(a.r, b.r)
	return I96F32{d}
}

// CheckedAdd returns a+b and false on overflow.
func (a I96F32) CheckedAdd(b I96F32) (I96F32, bool) {
	s, over := fmtI96F32.add(a.r, b.r)
	return I96F32{s}, !over
}

// CheckedSub returns a-b and false on overflow.
func (a I96F32) CheckedSub(b I96F32) (I96F32, bool) {
	d, over := fmtI96F32.sub(a.r, b.r)
	return I96F32{d}, !over
}

// SaturatingAdd returns a+b clamped to [MIN, MAX].
func (a I96F32) SaturatingAdd(b I96F32) I96F32 { return I96F32{fmtI96F32.saturatingAdd(a.r, b.r)} }

// SaturatingSub returns a-b clamped to [MIN, MAX].
func (a I96F32) SaturatingSub(b I96F32) I96F32 { return I96F32{fmtI96F32.saturatingSub(a.r, b.r)} }

// Mul returns a*b rounded toward -inf, wrapping on overflow (Rust's `*`).
func (a I96F32) Mul(b I96F32) I96F32 {
	p, _ := fmtI96F32.mul(a.r, b.r)
	return I96F32{p}
}

// CheckedMul returns a*b (floor) and false on overflow.
func (a I96F32) CheckedMul(b I96F32) (I96F32, bool) {
	p, over := fmtI96F32.mul(a.r, b.r)
	return I96F32{p}, !over
}

// SaturatingMul returns a*b (floor) clamped to [MIN, MAX].
func (a I96F32) SaturatingMul(b I96F32) I96F32 { return I96F32{fmtI96F32.saturatingMul(a.r, b.r)} }

// CheckedDiv returns a/b truncated toward zero, and false on division by
// zero or overflow.
func (a I96F32) CheckedDiv(b I96F32) (I96F32, bool) {
	q, ok := fmtI96F32.div(a.r, b.r)
	return I96F32{q}, ok
}

// SafeDiv is subtensor's safe_div: a/b truncated toward zero, or 0 on
// division by zero and on overflow.
func (a I96F32) SafeDiv(b I96F32) I96F32 { return I96F32{fmtI96F32.safeDiv(a.r, b.r)} }

// SaturatingDiv returns a/b truncated toward zero and clamped to [MIN, MAX].
// Division by zero (a panic in Rust) saturates by the sign of a.
func (a I96F32) SaturatingDiv(b I96F32) I96F32 { return I96F32{fmtI96F32.saturatingDiv(a.r, b.r)} }

// ToInt returns a rounded toward -inf, saturated to the int64 range.
func (a I96F32) ToInt() int64 { return fmtI96F32.toInt(a.r) }

// ToUint returns a rounded toward -inf, saturated to [0, 2^64-1]
// (saturating_to_num::<u64>).
func (a I96F32) ToUint() uint64 { return fmtI96F32.toUint(a.r) }

// String formats a exactly in decimal.
func (a I96F32) String() string { return formatDecimal(fmtI96F32, a.r) }

// Float64 returns the nearest float64. For display and tests only: consensus
// code must never use floating point.
func (a I96F32) Float64() float64 { return toFloat64(fmtI96F32, a.r) }
