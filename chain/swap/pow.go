package swap

import (
	"math/big"
	"math/bits"
	"sync"
)

// This file reproduces safe-bigmath's SafeInt::pow_ratio_scaled, which
// subtensor's balancer uses for every power of a reserve ratio (spec §3.2):
//
//	floor((baseNum/baseDen)^(expNum/expDen) · scale)
//
// The exponent fraction is reduced first. If numerator and denominator are
// then both ≤ maxExactExponent the result is exact (integer q-th root).
// Otherwise a fixed-point ln/exp Taylor series is run with the same working
// precision, guard bits, truncations and stopping rules as the Rust crate,
// so the result matches it bit for bit. Everything is integer arithmetic.

const (
	maxExactExponent = 1024
	guardBits        = 24
	maxSeriesIters   = 4096
)

// powRatioScaled returns floor((bn/bd)^(en/ed) · scale) and false when the
// result is undefined (a zero denominator). All inputs are non-negative.
func powRatioScaled(bn, bd, en, ed *big.Int, precision uint, scale *big.Int) (*big.Int, bool) {
	if bd.Sign() == 0 || ed.Sign() == 0 {
		return nil, false
	}
	if bn.Sign() == 0 {
		return new(big.Int), true
	}
	if en.Sign() == 0 {
		return new(big.Int).Set(scale), true
	}
	p, q := new(big.Int).Set(en), new(big.Int).Set(ed)
	if g := new(big.Int).GCD(nil, nil, p, q); g.Cmp(bigOne) > 0 {
		p.Quo(p, g)
		q.Quo(q, g)
	}
	if p.IsUint64() && q.IsUint64() && p.Uint64() <= maxExactExponent && q.Uint64() <= maxExactExponent {
		pn, qn := uint(p.Uint64()), uint(q.Uint64())
		num := pow(bn, pn)
		num.Mul(num, pow(scale, qn))
		num.Quo(num, pow(bd, pn)) // r^q·d ≤ n ⇔ r^q ≤ floor(n/d)
		return iroot(num, qn), true
	}
	return powSeries(bn, bd, p, q, precision, scale), true
}

// powSeries is the ln/exp fallback of powRatioScaled.
func powSeries(bn, bd, p, q *big.Int, precision uint, scale *big.Int) *big.Int {
	c := seriesConsts(max(precision, 32, uint(scale.BitLen())+8))
	if c.internal == internal280 && bn.IsUint64() && bd.IsUint64() {
		if v, ok := powSeries280(bn.Uint64(), bd.Uint64(), p, q, scale, c); ok {
			return v
		}
	}
	return powSeriesBig(bn, bd, p, q, c, scale)
}

// powSeriesBig is the series on math/big integers, for any precision.
func powSeriesBig(bn, bd, p, q *big.Int, c *series, scale *big.Int) *big.Int {
	lnBase := c.ln(bn)
	lnBase.Sub(lnBase, c.ln(bd))
	lnBase.Mul(lnBase, p)
	floorDiv(lnBase, lnBase, q, new(big.Int))

	e := c.exp(lnBase)
	roundGuard(e, e)
	e.Mul(e, scale)
	return e.Rsh(e, c.internal-guardBits)
}

// series holds the working constants for one requested precision.
type series struct {
	internal uint     // requested precision + guard bits
	one      *big.Int // 1.0 at the internal precision
	ln2      *big.Int
	maxIters int
}

var (
	seriesMu    sync.Mutex
	seriesCache = map[uint]*series{}
)

// seriesConsts returns the constants for a requested precision, computing
// ln 2 once per precision (it is a pure function of the precision).
func seriesConsts(requested uint) *series {
	seriesMu.Lock()
	defer seriesMu.Unlock()
	if c, ok := seriesCache[requested]; ok {
		return c
	}
	internal := requested + guardBits
	c := &series{
		internal: internal,
		one:      new(big.Int).Lsh(bigOne, internal),
		maxIters: min(maxSeriesIters, int(internal)+128),
	}
	half := new(big.Int).Rsh(c.one, 1)
	c.ln2 = c.ln1p(half.Neg(half))
	c.ln2.Neg(c.ln2)
	seriesCache[requested] = c
	return c
}

// ln returns ln(v) for an integer v ≥ 1 at the internal precision: the
// mantissa is normalised into [0.5, 1.5) and ln1p'd, plus shift·ln 2.
func (c *series) ln(v *big.Int) *big.Int {
	shift := v.BitLen() - 1
	m := new(big.Int).Lsh(v, c.internal)
	m.Rsh(m, uint(shift))
	threshold := new(big.Int).Rsh(c.one, 1)
	threshold.Add(threshold, c.one)
	if m.Cmp(threshold) >= 0 {
		m.Rsh(m, 1)
		shift++
	}
	m.Sub(m, c.one)
	r := c.ln1p(m)
	return r.Add(r, new(big.Int).Mul(c.ln2, big.NewInt(int64(shift))))
}

// ln1p is the Taylor series of ln(1+x), stopping when a term falls below
// the guard bits or the value rounded to the requested precision settles.
func (c *series) ln1p(x *big.Int) *big.Int {
	term := new(big.Int).Set(x)
	result := new(big.Int).Set(x)
	var prod, next, n, rem, rounded, prev big.Int
	roundGuard(&prev, result)
	for i := 2; i <= c.maxIters; i++ {
		prod.Mul(term, x)           // not in place: an aliased Mul allocates
		term.Rsh(&prod, c.internal) // arithmetic shift: floor division by 1.0
		if term.Sign() == 0 {
			break
		}
		floorDiv(&next, term, n.SetInt64(int64(i)), &rem)
		if next.Sign() == 0 {
			break
		}
		if i%2 == 0 {
			result.Sub(result, &next)
		} else {
			result.Add(result, &next)
		}
		roundGuard(&rounded, result)
		if next.CmpAbs(guardFactor) < 0 || rounded.Cmp(&prev) == 0 {
			break
		}
		prev.Set(&rounded)
	}
	return result
}

// exp is the Taylor series of e^x with the same stopping rule as ln1p.
func (c *series) exp(x *big.Int) *big.Int {
	term := new(big.Int).Set(c.one)
	result := new(big.Int).Set(c.one)
	var prod, n, rem, rounded, prev big.Int
	roundGuard(&prev, result)
	for i := 1; i <= c.maxIters; i++ {
		// floor(t·x/(1.0·i)) = floor(floor(t·x/1.0)/i): shift, then a
		// one-word division.
		prod.Mul(term, x)
		term.Rsh(&prod, c.internal)
		floorDiv(term, term, n.SetInt64(int64(i)), &rem)
		if term.Sign() == 0 {
			break
		}
		result.Add(result, term)
		roundGuard(&rounded, result)
		if term.CmpAbs(guardFactor) < 0 || rounded.Cmp(&prev) == 0 {
			break
		}
		prev.Set(&rounded)
	}
	return result
}

var (
	bigOne      = big.NewInt(1)
	guardFactor = new(big.Int).Lsh(bigOne, guardBits)
	guardHalf   = new(big.Int).Lsh(bigOne, guardBits-1)
)

// roundGuard sets z to v with the guard bits dropped, rounding half away
// from zero: sign(v)·floor((|v| + 2^23) / 2^24).
func roundGuard(z, v *big.Int) *big.Int {
	neg := v.Sign() < 0
	z.Abs(v)
	z.Add(z, guardHalf)
	z.Rsh(z, guardBits)
	if neg {
		z.Neg(z)
	}
	return z
}

// floorDiv sets z = floor(x/y) for y > 0 (num_integer's div_floor), using
// rem as scratch.
func floorDiv(z, x, y, rem *big.Int) {
	z.QuoRem(x, y, rem)
	if rem.Sign() < 0 {
		z.Sub(z, bigOne)
	}
}

func pow(b *big.Int, e uint) *big.Int {
	return new(big.Int).Exp(b, new(big.Int).SetUint64(uint64(e)), nil)
}

// iroot returns floor(n^(1/k)) for n ≥ 0, k ≥ 1.
func iroot(n *big.Int, k uint) *big.Int {
	switch {
	case k == 1 || n.Sign() == 0:
		return new(big.Int).Set(n)
	case k == 2:
		return new(big.Int).Sqrt(n)
	}
	// Newton's method from an overestimate decreases monotonically to the
	// floor of the root.
	x := new(big.Int).Lsh(bigOne, uint(n.BitLen())/k+1)
	km1 := new(big.Int).SetUint64(uint64(k - 1))
	kb := new(big.Int).SetUint64(uint64(k))
	for {
		y := new(big.Int).Quo(n, pow(x, k-1))
		y.Add(y, new(big.Int).Mul(km1, x))
		y.Quo(y, kb)
		if y.Cmp(x) >= 0 {
			return x
		}
		x = y
	}
}

// ratioScaled64 is powRatioScaled for the exponent 1 (equal weights):
// floor(bn·scale/bd) with 64-bit operands and no allocation.
func ratioScaled64(bn, bd, scale uint64) uint64 {
	hi, lo := bits.Mul64(bn, scale)
	if hi >= bd {
		return ^uint64(0) // does not fit; callers only use bn ≤ bd
	}
	q, _ := bits.Div64(hi, lo, bd)
	return q
}
