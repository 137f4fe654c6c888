package swap

import (
	"encoding/binary"
	"math/big"
	"math/bits"
)

// A fixed-width form of the ln/exp series of pow.go for the precision every
// swap uses (256 bits requested, 280 internal): the same operations, terms,
// floors and stopping rules, on five-word sign-magnitude numbers instead of
// math/big. Swaps on pools whose weights an injection moved off 0.5 take
// this path, once per block and subnet in the coinbase, so its speed bounds
// the coinbase's (TestSeries280_MatchesBig checks it against the big path).
//
// Magnitudes stay below 2^320: ln1p's argument is below 2^279, ln of a
// u64 below 2^287, and exp runs only for |x| < 16 (2^284), whose terms stay
// below 2^304. Larger exponents take the big path.

const (
	internal280 = 280
	words280    = 5
)

// s280 is a signed fixed-point number with 280 fraction bits in
// sign-magnitude form; zero is never negative.
type s280 struct {
	neg bool
	m   [words280]uint64 // little-endian
}

func (a s280) isZero() bool { return a.m == [words280]uint64{} }

// one280 is 1.0; expLimit280 bounds exp's argument (16.0).
var (
	one280      = s280{m: [words280]uint64{0, 0, 0, 0, 1 << 24}}
	expLimit280 = s280{m: [words280]uint64{0, 0, 0, 0, 1 << 28}}
)

// cmpMag compares magnitudes.
func cmpMag(a, b *[words280]uint64) int {
	for i := words280 - 1; i >= 0; i-- {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

func addMag(a, b [words280]uint64) [words280]uint64 {
	var c uint64
	for i := range a {
		a[i], c = bits.Add64(a[i], b[i], c)
	}
	return a
}

func subMag(a, b [words280]uint64) [words280]uint64 { // a ≥ b
	var c uint64
	for i := range a {
		a[i], c = bits.Sub64(a[i], b[i], c)
	}
	return a
}

// add returns a + b.
func (a s280) add(b s280) s280 {
	if a.neg == b.neg {
		return s280{neg: a.neg, m: addMag(a.m, b.m)}
	}
	switch cmpMag(&a.m, &b.m) {
	case 0:
		return s280{}
	case 1:
		return s280{neg: a.neg, m: subMag(a.m, b.m)}
	}
	return s280{neg: b.neg, m: subMag(b.m, a.m)}
}

// sub returns a − b.
func (a s280) sub(b s280) s280 {
	if !b.isZero() {
		b.neg = !b.neg
	}
	return a.add(b)
}

// mulShiftMag returns a·b / 2^280 rounded down, or up when up is set.
// Zero words are skipped: the series' terms shrink as they go.
func mulShiftMag(a, b *[words280]uint64, up bool) [words280]uint64 {
	alo, ahi := span(a)
	blo, bhi := span(b)
	var p [2*words280 + 1]uint64
	for i := alo; i <= ahi; i++ {
		var carry uint64
		for j := blo; j <= bhi; j++ {
			hi, lo := bits.Mul64(a[i], b[j])
			var c uint64
			lo, c = bits.Add64(lo, p[i+j], 0)
			hi += c
			lo, c = bits.Add64(lo, carry, 0)
			hi += c
			p[i+j], carry = lo, hi
		}
		p[i+bhi+1] = carry
	}
	const shiftWords, shiftBits = internal280 / 64, internal280 % 64 // 4, 24
	var r [words280]uint64
	for i := range words280 {
		r[i] = p[i+shiftWords]>>shiftBits | p[i+shiftWords+1]<<(64-shiftBits)
	}
	if up && p[0]|p[1]|p[2]|p[3]|p[shiftWords]<<(64-shiftBits) != 0 {
		addMagTo(&r, &[words280]uint64{1})
	}
	return r
}

// span returns the lowest and highest non-zero word of m (0, 0 for zero).
func span(m *[words280]uint64) (lo, hi int) {
	hi = words280 - 1
	for hi > 0 && m[hi] == 0 {
		hi--
	}
	for lo < hi && m[lo] == 0 {
		lo++
	}
	return lo, hi
}

// mulSmall returns a·k for a small k ≥ 0 (no overflow for our operands).
func (a *s280) mulSmall(k uint64) s280 {
	var r s280
	var carry uint64
	for i := range words280 {
		hi, lo := bits.Mul64(a.m[i], k)
		var c uint64
		r.m[i], c = bits.Add64(lo, carry, 0)
		carry = hi + c
	}
	r.neg = a.neg && !r.isZero()
	return r
}

// roundGuard is pow.go's roundGuard: sign(v)·floor((|v| + 2^23) / 2^24).
func (a *s280) roundGuard() s280 {
	m0, c := bits.Add64(a.m[0], 1<<(guardBits-1), 0)
	m1, c := bits.Add64(a.m[1], 0, c)
	m2, c := bits.Add64(a.m[2], 0, c)
	m3, c := bits.Add64(a.m[3], 0, c)
	m4, _ := bits.Add64(a.m[4], 0, c)
	const g = guardBits
	r := s280{m: [words280]uint64{m0>>g | m1<<(64-g), m1>>g | m2<<(64-g), m2>>g | m3<<(64-g), m3>>g | m4<<(64-g), m4 >> g}}
	r.neg = a.neg && !r.isZero()
	return r
}

// ln1p280 is series.ln1p at 280 internal bits for x = ±X·2^(280−sh), the
// form ln's argument always has, so each term costs one word
// multiplication and a shift instead of a full product.
//
// The signs of the terms are known in advance: with x ≥ 0 every term is
// positive and the result alternates; with x < 0 the terms alternate and
// every step moves the result down. So the loop works on magnitudes,
// rounding up where series.ln1p's floor meets a negative value, and sums
// the positive and negative steps apart (integer sums: the order does not
// matter).
//
// series.ln1p also stops once the result rounded to the requested precision
// stops changing, but that cannot happen while |next| ≥ 2^24 (a change of at
// least 2^24 always moves the rounded value: same signs move it by one
// bucket, opposite signs would need both results below 2^23), and for
// |next| < 2^24 it stops anyway; so the rounding is not computed.
func ln1p280(X uint64, xneg bool, sh uint, maxIters int) s280 {
	var term, next, pos, neg [words280]uint64
	k := internal280 - sh
	term[k/64] = X << (k % 64)
	if k%64 != 0 && k/64+1 < words280 {
		term[k/64+1] = X >> (64 - k%64)
	}
	if xneg {
		neg = term
	} else {
		pos = term
	}
	top := words280 - 1 // the terms only shrink: |x| < 1
	for i := 2; i <= maxIters; i++ {
		for top > 0 && term[top] == 0 {
			top--
		}
		up := xneg && i%2 == 1 // term i, and so next, is negative: floor rounds the magnitude up
		if !mulWordShiftMag(&term, top, X, sh, up) || !divSmallMag(&next, &term, top, uint64(i), up) {
			break
		}
		if xneg || i%2 == 0 {
			addMagTo(&neg, &next)
		} else {
			addMagTo(&pos, &next)
		}
		if next[1]|next[2]|next[3]|next[4] == 0 && next[0] < 1<<guardBits {
			break
		}
	}
	return s280{m: pos}.sub(s280{m: neg})
}

// mulWordShiftMag sets t = t·X / 2^sh (sh ≤ 64), rounded down, or up when
// up is set, and reports whether the result is non-zero. Words of t above
// top are zero.
func mulWordShiftMag(t *[words280]uint64, top int, X uint64, sh uint, up bool) bool {
	var p [words280 + 1]uint64
	var carry uint64
	for i := 0; i <= top; i++ {
		hi, lo := bits.Mul64(t[i], X)
		var c uint64
		p[i], c = bits.Add64(lo, carry, 0)
		carry = hi + c
	}
	p[top+1] = carry
	var inexact bool
	if sh == 64 {
		copy(t[:], p[1:])
		inexact = p[0] != 0
	} else {
		for i := range words280 {
			t[i] = p[i]>>sh | p[i+1]<<(64-sh)
		}
		inexact = p[0]<<(64-sh) != 0 // a shift by 64 gives 0: exact when sh is 0
	}
	if up && inexact {
		addMagTo(t, &[words280]uint64{1})
	}
	return t[0]|t[1]|t[2]|t[3]|t[4] != 0
}

// divSmallMag sets q = t/d rounded down, or up when up is set, and reports
// whether it is non-zero. Words of t above top are zero.
func divSmallMag(q, t *[words280]uint64, top int, d uint64, up bool) bool {
	*q = [words280]uint64{}
	var rem uint64
	for i := top; i >= 0; i-- {
		q[i], rem = bits.Div64(rem, t[i], d)
	}
	if up && rem != 0 {
		addMagTo(q, &[words280]uint64{1})
	}
	return q[0]|q[1]|q[2]|q[3]|q[4] != 0
}

// addMagTo adds b to a in place.
func addMagTo(a, b *[words280]uint64) {
	var c uint64
	a[0], c = bits.Add64(a[0], b[0], 0)
	a[1], c = bits.Add64(a[1], b[1], c)
	a[2], c = bits.Add64(a[2], b[2], c)
	a[3], c = bits.Add64(a[3], b[3], c)
	a[4], _ = bits.Add64(a[4], b[4], c)
}

// ln280 is series.ln for a u64 v ≥ 1: v = m·2^shift with m in [0.5, 1.5),
// ln v = ln1p(m − 1) + shift·ln 2. In internal units m − 1 is
// (v − 2^shift)·2^(280−shift), or (v − 2^(shift+1))·2^(279−shift) once v
// ≥ 1.5·2^shift moves m below 1.
func ln280(v uint64, ln2 s280, maxIters int) s280 {
	shift := uint(bits.Len64(v) - 1)
	var r s280
	if shift > 0 && v >= 3<<(shift-1) {
		r = ln1p280(uint64(1)<<(shift+1)-v, true, shift+1, maxIters) // 2^64 − v wraps right at shift 63
		shift++
	} else {
		r = ln1p280(v-1<<shift, false, shift, maxIters)
	}
	return r.add(ln2.mulSmall(uint64(shift)))
}

// exp280 is series.exp at 280 internal bits, for |x| < 16. As in
// ln1p280, term i has the sign of x^i, so the loop works on magnitudes
// (rounding up for negative terms) and sums positive and negative terms
// apart, and the rounded-result check is implied by the guard check.
func exp280(x s280, maxIters int) s280 {
	term, pos := one280.m, one280.m
	var neg [words280]uint64
	for i := 1; i <= maxIters; i++ {
		up := x.neg && i%2 == 1
		prod := mulShiftMag(&term, &x.m, up)
		_, top := span(&prod)
		if !divSmallMag(&term, &prod, top, uint64(i), up) {
			break
		}
		if up {
			addMagTo(&neg, &term)
		} else {
			addMagTo(&pos, &term)
		}
		if term[1]|term[2]|term[3]|term[4] == 0 && term[0] < 1<<guardBits {
			break
		}
	}
	return s280{m: pos}.sub(s280{m: neg})
}

// toBig280 and fromBig280 convert at the fixed path's edges.
func toBig280(a s280) *big.Int {
	var b [words280 * 8]byte
	for i, w := range a.m {
		binary.BigEndian.PutUint64(b[len(b)-8*(i+1):], w)
	}
	v := new(big.Int).SetBytes(b[:])
	if a.neg {
		v.Neg(v)
	}
	return v
}

func fromBig280(v *big.Int) (s280, bool) {
	if v.BitLen() > 64*words280 {
		return s280{}, false
	}
	var b [words280 * 8]byte
	v.FillBytes(b[:])
	var r s280
	for i := range r.m {
		r.m[i] = binary.BigEndian.Uint64(b[len(b)-8*(i+1):])
	}
	r.neg = v.Sign() < 0
	return r, true
}

// powSeries280 is powSeries for 64-bit bases at 256 bits of requested
// precision. ok is false when the exponent's magnitude reaches 16, where
// the caller must take the big path.
func powSeries280(bn, bd uint64, p, q *big.Int, scale *big.Int, c *series) (*big.Int, bool) {
	ln2, _ := fromBig280(c.ln2)
	lnBase := toBig280(ln280(bn, ln2, c.maxIters).sub(ln280(bd, ln2, c.maxIters)))
	lnBase.Mul(lnBase, p)
	floorDiv(lnBase, lnBase, q, new(big.Int))
	x, fits := fromBig280(lnBase)
	if !fits || cmpMag(&x.m, &expLimit280.m) >= 0 {
		return nil, false
	}
	r := exp280(x, c.maxIters)
	e := toBig280(r.roundGuard())
	e.Mul(e, scale)
	return e.Rsh(e, internal280-guardBits), true
}
