package yuma

import (
	"math/bits"

	"github.com/gotensor/gotensor/fixed"
)

// liquidAlpha holds the parameters of the per-bond EMA factor.
type liquidAlpha struct {
	low, high fixed.I32F32
	slope     fixed.I32F32 // steepness / -100, the same for every bond
	// atZero is the factor for d = 0, the most frequent case (a weight at
	// or below consensus when buying), computed once.
	atZero fixed.I32F32
}

func newLiquidAlpha(p Hyperparameters) liquidAlpha {
	la := liquidAlpha{
		low:   fixed.I32F32FromU16Proportion(p.AlphaLow),
		high:  fixed.I32F32FromU16Proportion(p.AlphaHigh),
		slope: fixed.I32F32FromInt(int64(p.AlphaSigmoidSteepness)).SaturatingDiv(fixed.I32F32FromInt(-100)),
	}
	la.atZero = la.sigmoid(fixed.I32F32{})
	return la
}

// alpha is subtensor's alpha_sigmoid: the EMA factor grows with how far a
// validator's weight runs ahead of consensus (when buying, w >= b) or its
// bond runs ahead of its weight (when selling), through a sigmoid centred
// at 0.5 and scaled into [low, high].
func (la liquidAlpha) alpha(c, w, b fixed.I32F32) fixed.I32F32 {
	zero, one := fixed.I32F32{}, fixed.I32F32FromInt(1)
	d := b.SaturatingSub(w).Min(one).Max(zero) // selling
	if !w.Less(b) {
		d = w.SaturatingSub(c).Min(one).Max(zero) // buying
	}
	if d.IsZero() {
		return la.atZero
	}
	return la.sigmoid(d)
}

// sigmoid is alpha for the distance d in [0, 1]:
// low + (high − low)/(1 + e^(slope·(d − 1/2))), clamped to [low, high].
func (la liquidAlpha) sigmoid(d fixed.I32F32) fixed.I32F32 {
	half := fixed.I32F32FromBits(unit / 2) // I32F32FromRatio(1, 2), exactly
	x := la.slope.SaturatingMul(d.SaturatingSub(half))
	s := reciprocal(fixed.I32F32FromInt(1).SaturatingAdd(expSafe(x)))
	a := la.low.SaturatingAdd(s.SaturatingMul(la.high.SaturatingSub(la.low)))
	return a.Min(la.high).Max(la.low)
}

// reciprocal is 1.SaturatingDiv(x) for x >= 1: the quotient 2^64/x_raw
// is at most 1, so one 128-by-64-bit division without saturation.
func reciprocal(x fixed.I32F32) fixed.I32F32 {
	q, _ := bits.Div64(1, 0, uint64(x.Bits()))
	return fixed.I32F32FromBits(int64(q))
}

// expE is Exp(1), which substrate-fixed returns as its 23-bit constant.
var expE, _ = fixed.I32F32FromInt(1).Exp()

// termDivisors[i] divides by i, for the series' terms.
var termDivisors = func() (d [32]divisor) {
	for i := 1; i < len(d); i++ {
		d[i] = newDivisor(uint64(i))
	}
	return d
}()

// expSafe is fixed's ExpSafe (exp_safe) in unsigned integer arithmetic.
// The input is clamped to [-20, 20], where no step of the Taylor series
// overflows (the largest term, 20^20/20! < 2^26, times 20 stays below 2^31,
// and e^20 < 2^29), so the checked operations are plain ones: a term times
// x floored to 32 fractional bits, then divided by i with truncation
// ((t<<32)/(i<<32) = t/i). A zero term stays zero, so the series may stop
// there. TestExpSafe_MatchesFixed compares it with ExpSafe.
func expSafe(a fixed.I32F32) fixed.I32F32 {
	x := a.Max(fixed.I32F32FromInt(-20)).Min(fixed.I32F32FromInt(20)).Bits()
	switch x {
	case 0:
		return fixed.I32F32FromInt(1)
	case unit:
		return expE
	}
	ux := uint64(x)
	if x < 0 {
		ux = uint64(-x)
	}
	result, term := ux+unit, ux
	for i := 2; i < 32 && term != 0; i++ {
		hi, lo := bits.Mul64(term, ux)
		term = termDivisors[i].div(hi<<32 | lo>>32)
		result += term
	}
	if x < 0 { // 1/e^|x|: (1<<32).CheckedDiv(result)
		return reciprocal(fixed.I32F32FromBits(int64(result)))
	}
	return fixed.I32F32FromBits(int64(result))
}

// emaAlpha returns the EMA of bonds with a factor per entry
// (mat_ema_alpha_sparse): for each entry of row i of next,
// min(1, (1-α)·prev_ij + max(0, α·next_ij)) kept if positive, in next's
// order, in dst. A bond with no entry in next is dropped, not decayed. alphaAt gives
// α for column j from the weight w and bond b found there.
//
// w and b are looked up the way subtensor's compute_liquid_alpha_values_sparse
// walks a row: an entry is found only if every earlier entry of its row has
// a smaller uid, which for rows in ascending uid order (the usual case) is a
// plain lookup.
func emaAlpha(dst, next, prev *matrix, alphaAt func(j uint16, w, b fixed.I32F32) fixed.I32F32) *matrix {
	n := next.n
	zero, one := fixed.I32F32{}, fixed.I32F32FromInt(1)
	out := dst.reset(n, len(next.col))
	old := newLookup(n)
	seenW, seenB := newLookup(n), newLookup(n)
	for i := range next.rows() {
		nc, nv := next.row(i)
		pc, pv := prev.row(i)
		old.reset()
		seenW.reset()
		seenB.reset()
		for k, j := range pc {
			if int(j) < n {
				old.set(j, pv[k])
			}
		}
		seenW.setRecords(nc, nv)
		seenB.setRecords(pc, pv)
		for k, j := range nc {
			if int(j) >= n {
				continue
			}
			a := alphaAt(j, seenW.get(j), seenB.get(j))
			var decayed fixed.I32F32
			if v, ok := old.lookup(j); ok {
				decayed = one.SaturatingSub(a).SaturatingMul(v)
			}
			inc := a.SaturatingMul(nv[k]).Max(zero)
			if v := decayed.SaturatingAdd(inc).Min(one); v.Cmp(zero) > 0 {
				out.push(j, v)
			}
		}
		out.endRow()
	}
	return out
}

// lookup is a dense uid → value map that resets in time proportional to
// the number of entries set.
type lookup struct {
	val  []fixed.I32F32
	has  []bool
	keys []uint16
}

func newLookup(n int) *lookup {
	return &lookup{val: make([]fixed.I32F32, n), has: make([]bool, n)}
}

func (l *lookup) set(j uint16, v fixed.I32F32) {
	if !l.has[j] {
		l.has[j] = true
		l.keys = append(l.keys, j)
	}
	l.val[j] = v
}

// setRecords stores the entries a walk in ascending uid finds: those whose
// uid exceeds every uid before them in the row.
func (l *lookup) setRecords(cols []uint16, vals []fixed.I32F32) {
	for k, j := range cols {
		if int(j) >= len(l.val) {
			return // the walk never gets past an out-of-range uid
		}
		if len(l.keys) == 0 || j > l.keys[len(l.keys)-1] {
			l.set(j, vals[k])
		}
	}
}

func (l *lookup) lookup(j uint16) (fixed.I32F32, bool) { return l.val[j], l.has[j] }

func (l *lookup) get(j uint16) fixed.I32F32 { return l.val[j] }

func (l *lookup) reset() {
	for _, j := range l.keys {
		l.has[j], l.val[j] = false, fixed.I32F32{}
	}
	l.keys = l.keys[:0]
}
