package fixed

import "math/bits"

// u128 is a 128-bit word pair. The signed types read it as two's complement;
// the arithmetic below is shared by all four 128-bit types so that each rule
// (floor on multiplication, truncation on division, saturation) lives once.
type u128 struct{ hi, lo uint64 }

var (
	maxU128 = u128{^uint64(0), ^uint64(0)}
	maxI128 = u128{1<<63 - 1, ^uint64(0)}
	minI128 = u128{1 << 63, 0}
)

func (a u128) add(b u128) (u128, uint64) {
	lo, c := bits.Add64(a.lo, b.lo, 0)
	hi, c := bits.Add64(a.hi, b.hi, c)
	return u128{hi, lo}, c
}

func (a u128) sub(b u128) (u128, uint64) {
	lo, bw := bits.Sub64(a.lo, b.lo, 0)
	hi, bw := bits.Sub64(a.hi, b.hi, bw)
	return u128{hi, lo}, bw
}

func (a u128) neg() u128 {
	r, _ := u128{}.sub(a)
	return r
}

func (a u128) isZero() bool { return a.hi|a.lo == 0 }

// isNeg reports the sign bit (meaningful for signed formats only).
func (a u128) isNeg() bool { return int64(a.hi) < 0 }

func (a u128) cmpUnsigned(b u128) int {
	switch {
	case a.hi < b.hi:
		return -1
	case a.hi > b.hi:
		return 1
	case a.lo < b.lo:
		return -1
	case a.lo > b.lo:
		return 1
	}
	return 0
}

func (a u128) cmpSigned(b u128) int {
	if ah, bh := int64(a.hi), int64(b.hi); ah != bh {
		if ah < bh {
			return -1
		}
		return 1
	}
	switch {
	case a.lo < b.lo:
		return -1
	case a.lo > b.lo:
		return 1
	}
	return 0
}

// abs returns the magnitude of a signed value (|MIN| = 2^127 fits unsigned).
func (a u128) abs() u128 {
	if a.isNeg() {
		return a.neg()
	}
	return a
}

// wide is an unsigned 256-bit integer, least significant word first.
type wide [4]uint64

// mulFull returns the exact 256-bit product of two unsigned 128-bit values.
func mulFull(a, b u128) wide {
	var w wide
	h, l := bits.Mul64(a.lo, b.lo)
	w[0] = l
	carry := h

	h1, l1 := bits.Mul64(a.hi, b.lo)
	h2, l2 := bits.Mul64(a.lo, b.hi)
	var c uint64
	w[1], c = bits.Add64(carry, l1, 0)
	h1 += c // cannot overflow: h1 <= 2^64-2
	w[1], c = bits.Add64(w[1], l2, 0)
	h2 += c

	h3, l3 := bits.Mul64(a.hi, b.hi)
	w[2], c = bits.Add64(h1, h2, 0)
	h3 += c
	w[2], c = bits.Add64(w[2], l3, 0)
	w[3] = h3 + c
	return w
}

// shr shifts w right by s (0 <= s < 64 or s == 64), flooring.
func (w wide) shr(s uint) wide {
	if s == 0 {
		return w
	}
	if s == 64 {
		return wide{w[1], w[2], w[3], 0}
	}
	return wide{
		w[0]>>s | w[1]<<(64-s),
		w[1]>>s | w[2]<<(64-s),
		w[2]>>s | w[3]<<(64-s),
		w[3] >> s,
	}
}

// lowBitsNonzero reports whether any of the s lowest bits of w are set.
func (w wide) lowBitsNonzero(s uint) bool {
	if s == 0 {
		return false
	}
	if s == 64 {
		return w[0] != 0
	}
	return w[0]<<(64-s) != 0
}

// increment adds one to w (no overflow possible for the values used here).
func (w wide) increment() wide {
	for i := range w {
		w[i]++
		if w[i] != 0 {
			break
		}
	}
	return w
}

func (w wide) low() u128      { return u128{w[1], w[0]} }
func (w wide) fits128() bool  { return w[2]|w[3] == 0 }
func shl(a u128, s uint) wide { return wide{a.lo, a.hi, 0, 0}.shl(s) }

// shl shifts w left by s (0 <= s <= 64); bits shifted out of the top are lost.
func (w wide) shl(s uint) wide {
	if s == 0 {
		return w
	}
	if s == 64 {
		return wide{0, w[0], w[1], w[2]}
	}
	return wide{
		w[0] << s,
		w[1]<<s | w[0]>>(64-s),
		w[2]<<s | w[1]>>(64-s),
		w[3]<<s | w[2]>>(64-s),
	}
}

// divWide divides n (< 2^192) by d (non-zero), truncating. The quotient is
// returned in full so the caller can detect overflow of its format.
func divWide(n wide, d u128) wide {
	if d.hi == 0 {
		var q wide
		var r uint64
		for i := 2; i >= 0; i-- {
			q[i], r = bits.Div64(r, n[i], d.lo)
		}
		return q
	}
	// Two-word divisor (Knuth D with 64-bit digits). The quotient fits in
	// 128 bits because n < 2^192 and d >= 2^64.
	s := uint(bits.LeadingZeros64(d.hi))
	dn := shl(d, s).low()
	u := n.shl(s) // n < 2^192, so nothing is lost in u[3]
	q1, r := div3by2(u[3], u[2], u[1], dn)
	q0, _ := div3by2(r.hi, r.lo, u[0], dn)
	return wide{q0, q1, 0, 0}
}

// div3by2 divides (u2,u1,u0) by the normalised d (top bit set), given
// (u2,u1) < d; it returns the one-word quotient and the remainder.
func div3by2(u2, u1, u0 uint64, d u128) (uint64, u128) {
	var qhat, rhat uint64
	refine := true
	if u2 >= d.hi { // u2 == d.hi: the estimate is B-1, rhat = u1 + d.hi
		qhat = ^uint64(0)
		var c uint64
		rhat, c = bits.Add64(u1, d.hi, 0)
		refine = c == 0
	} else {
		qhat, rhat = bits.Div64(u2, u1, d.hi)
	}
	for refine {
		ph, pl := bits.Mul64(qhat, d.lo)
		if ph < rhat || (ph == rhat && pl <= u0) {
			break
		}
		qhat--
		var c uint64
		rhat, c = bits.Add64(rhat, d.hi, 0)
		refine = c == 0
	}
	// (u2,u1,u0) - qhat*d
	p := mulFull(d, u128{0, qhat})
	r0, bw := bits.Sub64(u0, p[0], 0)
	r1, bw := bits.Sub64(u1, p[1], bw)
	_, bw = bits.Sub64(u2, p[2], bw)
	if bw != 0 { // estimate one too large: add back
		qhat--
		var c uint64
		r0, c = bits.Add64(r0, d.lo, 0)
		r1, _ = bits.Add64(r1, d.hi, c)
	}
	return qhat, u128{r1, r0}
}
