package fixed

// format is the layout of one fixed-point type: its width in bits (64 or
// 128), its number of fractional bits, and its signedness. Every arithmetic
// rule is written once here, over u128, and the exported types delegate.
// The one 64-bit format, I32F32, keeps its value sign-extended into hi, so
// the same helpers serve its conversions and tests.
type format struct {
	width  uint
	frac   uint
	signed bool
}

var (
	fmtI32F32 = format{width: 64, frac: 32, signed: true}
	fmtI64F64 = format{width: 128, frac: 64, signed: true}
	fmtU64F64 = format{width: 128, frac: 64}
	fmtI96F32 = format{width: 128, frac: 32, signed: true}
	fmtU96F32 = format{width: 128, frac: 32}
)

// max is the largest representable raw value.
func (f format) max() u128 {
	switch {
	case f.width == 64 && f.signed:
		return u128{0, 1<<63 - 1}
	case f.width == 64:
		return u128{0, ^uint64(0)}
	case f.signed:
		return maxI128
	}
	return maxU128
}

// min is the smallest representable raw value (sign-extended for width 64).
func (f format) min() u128 {
	switch {
	case !f.signed:
		return u128{}
	case f.width == 64:
		return u128{^uint64(0), 1 << 63}
	}
	return minI128
}

// saturate returns MIN for negative overflow and MAX otherwise.
func (f format) saturate(neg bool) u128 {
	if neg {
		return f.min()
	}
	return f.max()
}

func (f format) cmp(a, b u128) int {
	if f.signed {
		return a.cmpSigned(b)
	}
	return a.cmpUnsigned(b)
}

func (f format) isNeg(a u128) bool { return f.signed && a.isNeg() }

// magnitude splits a raw value into its sign and absolute value.
func (f format) magnitude(a u128) (neg bool, mag u128) {
	if f.isNeg(a) {
		return true, a.neg()
	}
	return false, a
}

// fromMagnitude builds the raw value -q or q. It reports overflow when the
// result does not fit; the value returned then is the wrapped one (the low
// bits of the exact result), which is what Rust's release-mode operators give.
func (f format) fromMagnitude(q wide, neg bool) (u128, bool) {
	v := q.low()
	fits := q.fits128()
	switch {
	case f.width == 64: // I32F32
		limit := uint64(1<<63 - 1)
		if neg {
			limit = 1 << 63
		}
		fits = fits && v.hi == 0 && v.lo <= limit
	case f.signed && neg:
		fits = fits && v.cmpUnsigned(minI128) <= 0
	case f.signed:
		fits = fits && !v.isNeg()
	}
	if neg && !v.isZero() {
		if !f.signed {
			fits = false
		}
		v = v.neg()
	}
	if f.width == 64 { // keep the extension canonical
		v.hi = 0
		if f.signed && int64(v.lo) < 0 {
			v.hi = ^uint64(0)
		}
	}
	return v, !fits
}

// narrow wraps an exact sign-extended result of a 64-bit signed format back
// to 64 bits, reporting whether it did not fit.
func narrow(v u128) (u128, bool) {
	ext := uint64(int64(v.lo) >> 63)
	return u128{ext, v.lo}, v.hi != ext
}

// add returns a+b (wrapped) and whether it overflowed.
func (f format) add(a, b u128) (u128, bool) {
	s, carry := a.add(b)
	if f.width == 64 { // operands are sign-extended: the 128-bit sum is exact
		return narrow(s)
	}
	if !f.signed {
		return s, carry != 0
	}
	return s, a.isNeg() == b.isNeg() && s.isNeg() != a.isNeg()
}

// sub returns a-b (wrapped) and whether it overflowed.
func (f format) sub(a, b u128) (u128, bool) {
	d, borrow := a.sub(b)
	if f.width == 64 {
		return narrow(d)
	}
	if !f.signed {
		return d, borrow != 0
	}
	return d, a.isNeg() != b.isNeg() && d.isNeg() != a.isNeg()
}

func (f format) saturatingAdd(a, b u128) u128 {
	s, over := f.add(a, b)
	if over {
		return f.saturate(f.isNeg(a))
	}
	return s
}

func (f format) saturatingSub(a, b u128) u128 {
	d, over := f.sub(a, b)
	if !over {
		return d
	}
	if !f.signed {
		return u128{}
	}
	return f.saturate(a.isNeg())
}

// mul returns floor(a*b / 2^frac) from the exact double-width product, and
// whether it overflowed (the value is then wrapped).
func (f format) mul(a, b u128) (u128, bool) {
	na, ma := f.magnitude(a)
	nb, mb := f.magnitude(b)
	neg := na != nb
	p := mulFull(ma, mb)
	q := p.shr(f.frac)
	if neg && p.lowBitsNonzero(f.frac) {
		q = q.increment() // floor of a negative value rounds the magnitude up
	}
	return f.fromMagnitude(q, neg)
}

func (f format) saturatingMul(a, b u128) u128 {
	r, over := f.mul(a, b)
	if over {
		return f.saturate(f.isNeg(a) != f.isNeg(b))
	}
	return r
}

// div returns (a << frac) / b truncated toward zero. ok is false on division
// by zero and on overflow.
func (f format) div(a, b u128) (r u128, ok bool) {
	if b.isZero() {
		return u128{}, false
	}
	na, ma := f.magnitude(a)
	nb, mb := f.magnitude(b)
	q := divWide(shl(ma, f.frac), mb)
	r, over := f.fromMagnitude(q, na != nb)
	return r, !over
}

// saturatingDiv clamps an overflowing quotient to MIN or MAX. Division by
// zero, which panics in Rust, saturates by the sign of a (0/0 gives 0).
func (f format) saturatingDiv(a, b u128) u128 {
	if r, ok := f.div(a, b); ok {
		return r
	}
	if b.isZero() && a.isZero() {
		return u128{}
	}
	return f.saturate(f.isNeg(a) != f.isNeg(b))
}

// safeDiv is subtensor's safe_div: 0 on division by zero and on overflow.
func (f format) safeDiv(a, b u128) u128 {
	r, ok := f.div(a, b)
	if !ok {
		return u128{}
	}
	return r
}

// convert re-expresses raw value a of format from in format f: extra
// fractional bits are floored, and an integer part out of range saturates.
func (f format) convert(from format, a u128) u128 {
	neg, mag := from.magnitude(a)
	w := wide{mag.lo, mag.hi, 0, 0}
	var q wide
	if f.frac >= from.frac {
		q = w.shl(f.frac - from.frac)
	} else {
		s := from.frac - f.frac
		q = w.shr(s)
		if neg && w.lowBitsNonzero(s) {
			q = q.increment()
		}
	}
	r, over := f.fromMagnitude(q, neg)
	if over {
		return f.saturate(neg)
	}
	return r
}

// toUint floors a to an integer and saturates it to [0, 2^64-1].
func (f format) toUint(a u128) uint64 {
	if f.isNeg(a) {
		return 0
	}
	q := shl(a, 0).shr(f.frac)
	if q[1] != 0 {
		return ^uint64(0)
	}
	return q[0]
}

// toInt floors a to an integer and saturates it to the int64 range.
func (f format) toInt(a u128) int64 {
	neg, mag := f.magnitude(a)
	w := wide{mag.lo, mag.hi, 0, 0}
	q := w.shr(f.frac)
	if neg && w.lowBitsNonzero(f.frac) {
		q = q.increment()
	}
	switch {
	case !neg && (q[1] != 0 || q[0] > 1<<63-1):
		return 1<<63 - 1
	case neg && (q[1] != 0 || q[0] > 1<<63):
		return -1 << 63
	case neg:
		return -int64(q[0])
	}
	return int64(q[0])
}

// fromUint converts an integer, saturating at MAX.
func (f format) fromUint(x uint64) u128 {
	r, over := f.fromMagnitude(shl(u128{0, x}, f.frac), false)
	if over {
		return f.max()
	}
	return r
}

// fromInt converts an integer, saturating at MIN/MAX (negative to 0 when unsigned).
func (f format) fromInt(x int64) u128 {
	if x >= 0 {
		return f.fromUint(uint64(x))
	}
	r, over := f.fromMagnitude(shl(u128{0, uint64(-x)}, f.frac), true)
	if over {
		return f.saturate(true)
	}
	return r
}
