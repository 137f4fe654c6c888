package yuma

import (
	"slices"

	"github.com/gotensor/gotensor/fixed"
)

// The fast path: steps 6–10 with fewer passes over the weight matrix and
// the arithmetic of arith.go, for the epochs the chain runs, whose weight
// rows are in uid order (as set_weights callers send them) and whose
// weights and active stakes are proportions in [0, 1]. Everything else
// (rows out of order, a row summing past 2^31, stakes outside [0, 1], liquid
// alpha, an EMA factor outside [0, 1]) takes the reference steps, one
// function per spec step, which the fast path must equal bit for bit:
// TestRun_FastPathMatchesReference compares the two on random subnets.
//
// Three facts make the fusion exact:
//   - The consensus C_j is one of the column's weights or 0, so C >= 0 and
//     the clip keeps min(w, C_j) everywhere: an entry it would drop
//     (C_j = 0 < w) becomes 0, and a zero weight counts as no weight in the
//     trust and rank sums and in the (non-liquid) bond EMA, which keeps
//     positive results only.
//   - Sums of proportions never overflow or saturate (at most 65536 terms,
//     each at most 1), so saturating and wrapping adds agree and their
//     order does not matter, except where noted.
//   - Products and quotients of proportions take the exact helpers of
//     arith.go.

// fastPath reports whether steps 6–8 may take the fused path: W is in uid
// order, its entries and the active stakes lie in [0, 1].
func (e *epoch) fastPath() bool {
	if e.ws.reference || !e.unitWeights || !e.w.sorted() {
		return false
	}
	for _, a := range e.activeStakes {
		if a.IsNeg() || a.Bits() > unit {
			return false
		}
	}
	return true
}

// Steps 6–8 fused (consensus, clip, validator trust, ranks, incentive): the
// clip, trust and ranks are computed from each column of weights right
// after its median, while the column is in cache, instead of in a second
// pass over W; W̄ is never stored (step 9 recomputes min(w, C_j)).
// Trust and ranks only add non-negative terms, so the column order equals
// subtensor's row-major order; ranks accumulate over the validators in
// uid order as in matmul_sparse.
func (e *epoch) consensusClipRanks() {
	n := e.n
	e.cons = make([]fixed.I32F32, n)
	e.validatorTrust = make([]fixed.I32F32, n)
	e.incentive = make([]fixed.I32F32, n) // the ranks until normalised
	cm := newColumnMedians(e.activeStakes, e.w, fixed.I32F32FromU16Proportion(e.in.Params.Kappa))
	stake := make([]fixed.I32F32, len(cm.rows)) // A of the r-th validator
	for r, i := range cm.rows {
		stake[r] = e.activeStakes[i]
	}
	trust := make([]int64, len(cm.rows))
	cm.each(e.w, func(j int, scores []int64, c fixed.I32F32) {
		e.cons[j] = c
		var rank int64
		for r, w := range scores[:len(stake)] {
			w = min(w, c.Bits())
			trust[r] += w
			rank += mulUnit(stake[r], fixed.I32F32FromBits(w)).Bits()
		}
		e.incentive[j] = fixed.I32F32FromBits(rank)
	})
	// Rows of validators without active stake count for their own trust.
	next := 0 // index into cm.rows, which ascends
	for i := range n {
		if next < len(cm.rows) && cm.rows[next] == i {
			e.validatorTrust[i] = fixed.I32F32FromBits(trust[next])
			next++
			continue
		}
		cols, vals := e.w.row(i)
		var t int64
		for k, j := range cols {
			t += min(vals[k].Bits(), e.cons[j].Bits())
		}
		e.validatorTrust[i] = fixed.I32F32FromBits(t)
	}
	normalize(e.incentive)
}

// bondsFused is steps 9–10 after consensusClipRanks. It reports false,
// having changed nothing, where the reference steps must run: liquid alpha
// in use, an EMA factor outside [0, 1], classic bond columns whose u16
// sums reach 2^31, or an input of 2^31 entries or more (see addColumns).
func (e *epoch) bondsFused() bool {
	p := e.in.Params
	alpha := e.bondsAlpha()
	if alpha.IsNeg() || alpha.Bits() > unit {
		return false
	}
	if p.Yuma3 && p.LiquidAlpha && slices.ContainsFunc(e.cons, func(c fixed.I32F32) bool { return !c.IsZero() }) {
		return false
	}
	bondCount := 0
	for i := range e.in.Neurons {
		bondCount += len(e.in.Neurons[i].Bonds)
	}
	if len(e.w.col)+bondCount >= 1<<31 {
		return false
	}
	if p.Yuma3 {
		e.bondsYuma3(alpha, bondCount)
		return true
	}
	return e.bondsClassic(alpha, bondCount)
}

// bondRows yields, row by row, the two inputs of the bond EMA: W_b (step 9)
// computed from W and C, and the stored bonds with the reset applied, as
// loadBonds reads them.
type bondRows struct {
	e     *epoch
	ratio fixed.I32F32 // β
	// rawNorm, for classic bonds, divides by each column's u16 sum (zero
	// for an empty column); nil for Yuma 3, whose bonds are u16/65535.
	rawNorm  []divisor
	resets   bool           // whether the reset drops any bond
	colSum   []fixed.I32F32 // column sums of the EMA rows so far (see addColumns)
	nextVals []fixed.I32F32
	prevCols []uint16
	prevVals []fixed.I32F32
}

func (e *epoch) newBondRows(rawNorm []divisor) *bondRows {
	var maxReg uint64 // uids beyond n count as registered at 0
	for _, r := range e.regAt {
		maxReg = max(maxReg, r)
	}
	return &bondRows{
		e:       e,
		ratio:   fixed.I32F32FromU16Proportion(e.in.Params.BondsPenalty),
		rawNorm: rawNorm,
		resets:  e.in.LastTempo <= maxReg,
		colSum:  make([]fixed.I32F32, e.n),
	}
}

// next returns row i of W_b = W + β(W̄ − W) (interpolate_sparse), with W̄
// = min(W, C): W itself for β = 0, W̄ for β = 1, otherwise the
// interpolation, whose non-positive results interpolate_sparse leaves out
// and which are 0 here (equal for the EMA). Its columns are W's.
func (b *bondRows) next(i int) ([]uint16, []fixed.I32F32) {
	cols, vals := b.e.w.row(i)
	if b.ratio.IsZero() {
		return cols, vals
	}
	out := slices.Grow(b.nextVals[:0], len(cols))[:len(cols)]
	cons := b.e.cons
	if b.ratio == fixed.I32F32FromInt(1) {
		for k, j := range cols {
			out[k] = vals[k].Min(cons[j])
		}
	} else {
		for k, j := range cols {
			v := vals[k]
			out[k] = v.SaturatingAdd(b.ratio.SaturatingMul(v.Min(cons[j]).SaturatingSub(v))).Max(fixed.I32F32{})
		}
	}
	b.nextVals = out
	return cols, out
}

// Shapes of a stored bond row after the reset, relative to its W_b row.
const (
	bondsUnsorted = iota // not strictly increasing below n
	bondsSorted          // strictly increasing below n
	bondsSame            // exactly W_b's columns (so sorted)
)

// prev returns row i of the stored bonds without those towards uids
// registered since the last epoch step (a uid beyond n counts as
// registered at 0), as proportions (Yuma 3) or column-normalised (classic;
// entries beyond n keep their integer value, which the EMA ignores), and
// its shape relative to nc, row i's W_b columns.
func (b *bondRows) prev(i int, nc []uint16) ([]uint16, []fixed.I32F32, int) {
	bonds := b.e.in.Neurons[i].Bonds
	cols := slices.Grow(b.prevCols[:0], len(bonds))[:len(bonds)]
	vals := slices.Grow(b.prevVals[:0], len(bonds))[:len(bonds)]
	b.prevCols, b.prevVals = cols, vals
	shape := bondsSame // the steady state: bonds on exactly the weighted uids
	switch {
	case b.resets || !sameUIDs(bonds, nc):
		kept := keepBonds(cols, vals, bonds, b.e.regAt, b.e.in.LastTempo)
		cols, vals = cols[:kept], vals[:kept]
		shape = bondsUnsorted
		if sortedBelow(cols, b.e.n) {
			shape = bondsSorted
		}
	case b.rawNorm == nil: // Yuma 3: converted right away
		for k, en := range bonds {
			vals[k] = fixed.I32F32FromU16Proportion(en.Value)
		}
		return nc, vals, shape
	default:
		cols = nc
		for k, en := range bonds {
			vals[k] = fixed.I32F32FromInt(int64(en.Value))
		}
	}
	switch {
	case b.rawNorm == nil:
		for k, v := range vals {
			vals[k] = fixed.I32F32FromU16Proportion(uint16(v.ToInt()))
		}
	case shape != bondsUnsorted: // every uid below n
		for k, j := range cols {
			if d := b.rawNorm[j]; d.d != 0 {
				vals[k] = fixed.I32F32FromBits(int64(d.div(uint64(vals[k].Bits()))))
			}
		}
	default:
		for k, j := range cols {
			if int(j) < len(b.rawNorm) && b.rawNorm[j].d != 0 {
				vals[k] = fixed.I32F32FromBits(int64(b.rawNorm[j].div(uint64(vals[k].Bits()))))
			}
		}
	}
	return cols, vals, shape
}

// sameUIDs reports whether bonds holds exactly the uids cols, in order.
func sameUIDs(bonds []Entry, cols []uint16) bool {
	if len(bonds) != len(cols) {
		return false
	}
	for k, en := range bonds {
		if en.UID != cols[k] {
			return false
		}
	}
	return true
}

// keepBonds writes the entries of a stored bond row that survive the reset
// (lastTempo > registered_at, 0 for uids beyond regAt) to cols and vals
// (with room for the row), the values as integers, and returns how many.
func keepBonds(cols []uint16, vals []fixed.I32F32, bonds []Entry, regAt []uint64, lastTempo uint64) (kept int) {
	cols, vals = cols[:len(bonds)], vals[:len(bonds)]
	for _, en := range bonds {
		var reg uint64
		if j := int(en.UID); j < len(regAt) {
			reg = regAt[j]
		}
		if lastTempo > reg {
			cols[kept], vals[kept] = en.UID, fixed.I32F32FromInt(int64(en.Value))
			kept++
		}
	}
	return kept
}

// ema appends row i of B' to out (see emaRow) and adds it to the column
// sums while it is in cache.
func (b *bondRows) ema(out *matrix, rows *emaRows, i int, nc []uint16, nv []fixed.I32F32, alpha, oneMinus fixed.I32F32) {
	m := len(out.col)
	b.emaRow(out, rows, i, nc, nv, alpha, oneMinus)
	addColumns(b.colSum, out.col[m:], out.val[m:])
}

// emaRow appends to out the EMA row α·next + (1−α)·prev of row i
// (mat_ema_sparse): for rows in uid order a merge (or, for the same
// columns, a pairwise pass) in unit arithmetic, whose values
// α·x + (1−α)·y with x, y, α in [0, 1] add without saturation; otherwise
// the reference row (repeated uids add up).
func (b *bondRows) emaRow(out *matrix, rows *emaRows, i int, nc []uint16, nv []fixed.I32F32, alpha, oneMinus fixed.I32F32) {
	pc, pv, shape := b.prev(i, nc)
	if shape == bondsUnsorted {
		rows.row(out, nc, nv, pc, pv, alpha, oneMinus, false)
		return
	}
	m, need := len(out.col), len(nc)+len(pc)
	col, val := slices.Grow(out.col, need), slices.Grow(out.val, need)
	var kept int
	if shape == bondsSame || slices.Equal(nc, pc) {
		kept = emaPairUnit(col[m:m+len(nc)], val[m:m+len(nc)], nc, nv, pv, alpha, oneMinus)
	} else {
		kept = emaMergeUnit(col[m:m+need], val[m:m+need], nc, nv, pc, pv, alpha, oneMinus)
	}
	out.col, out.val = col[:m+kept], val[:m+kept]
	out.endRow()
}

// emaPairUnit writes the positive α·nv + (1−α)·pv of two rows with the
// same columns cols to dc and dv, returning how many.
func emaPairUnit(dc []uint16, dv []fixed.I32F32, cols []uint16, nv, pv []fixed.I32F32, alpha, oneMinus fixed.I32F32) (kept int) {
	nv, pv, dc, dv = nv[:len(cols)], pv[:len(cols)], dc[:len(cols)], dv[:len(cols)]
	for k, j := range cols {
		acc := mulUnit(alpha, nv[k]).Add(mulUnit(oneMinus, pv[k]))
		dc[kept], dv[kept] = j, acc // kept only if positive
		kept += b2i(acc.Bits() > 0)
	}
	return kept
}

// emaMergeUnit is emaPairUnit for rows with different columns, both
// strictly increasing: a merge.
func emaMergeUnit(dc []uint16, dv []fixed.I32F32, nc []uint16, nv []fixed.I32F32, pc []uint16, pv []fixed.I32F32, alpha, oneMinus fixed.I32F32) (kept int) {
	x, y := 0, 0
	for x < len(nc) || y < len(pc) {
		var j uint16
		var acc fixed.I32F32
		switch {
		case y == len(pc) || x < len(nc) && nc[x] < pc[y]:
			j, acc = nc[x], mulUnit(alpha, nv[x])
			x++
		case x == len(nc) || pc[y] < nc[x]:
			j, acc = pc[y], mulUnit(oneMinus, pv[y])
			y++
		default:
			j, acc = nc[x], mulUnit(alpha, nv[x]).Add(mulUnit(oneMinus, pv[y]))
			x++
			y++
		}
		dc[kept], dv[kept] = j, acc
		kept += b2i(acc.Bits() > 0)
	}
	return kept
}

// addColumns adds a row's entries to the column sums s. It is colSums for
// the fused bond steps' matrices, whose entries are below n and
// non-negative, so the sums cannot saturate: every weight and stored bond
// entry of the input adds at most 1 to the matrix (an EMA row with a
// repeated bond uid adds it twice to one entry), and bondsFused admits
// fewer than 2^31 entries.
func addColumns(s []fixed.I32F32, cols []uint16, vals []fixed.I32F32) {
	vals = vals[:len(cols)]
	for k, j := range cols {
		s[j] = s[j].Add(vals[k])
	}
}

// bondsYuma3 is the Yuma 3 bond EMA and dividends without liquid alpha:
// B' = α·W_b + (1−α)·B row by row, then tb_i = Σ_j (B'_ij / Σ_i B'_ij)·I_j
// and D_i = tb_i·A_i. Every B' entry is positive and at most its column
// sum, so the column normalisation divides exactly by divUnit; the
// quotient and I are at most 1, so mulUnit.
func (e *epoch) bondsYuma3(alpha fixed.I32F32, bondCount int) {
	oneMinus := fixed.I32F32FromInt(1).SaturatingSub(alpha)
	src := e.newBondRows(nil)
	rows := newEMARows(e.n)
	b := e.ws.bonds.reset(e.n, len(e.w.col)+bondCount)
	for i := range e.n {
		nc, nv := src.next(i)
		src.ema(b, rows, i, nc, nv, alpha, oneMinus)
	}
	b.order = orderSorted
	e.bonds = b

	// In the same pass, the rows in stored form (step 12), for output.
	norm := columnDivisors(src.colSum)
	e.storedBonds = make([]Entry, len(b.col))
	e.dividends = make([]fixed.I32F32, e.n)
	for i := range e.n {
		a, z := b.start[i], b.start[i+1]
		tb := bondIncentive(e.storedBonds[a:z], b.col[a:z], b.val[a:z], norm, e.incentive)
		e.dividends[i], _ = tb.CheckedMul(e.activeStakes[i])
	}
	normalize(e.dividends)
}

// bondIncentive returns tb = Σ_j (b_j / s_j)·I_j over a row of B', with
// norm[j] dividing by the column sum s_j, and writes the row in stored
// form to stored.
func bondIncentive(stored []Entry, cols []uint16, vals []fixed.I32F32, norm []divisor, incentive []fixed.I32F32) fixed.I32F32 {
	stored, vals = stored[:len(cols)], vals[:len(cols)]
	var tb fixed.I32F32
	for k, j := range cols {
		v := vals[k]
		stored[k] = Entry{UID: j, Value: v.ToU16Proportion()}
		tb = tb.Add(mulUnit(norm[j].divUnit(v), incentive[j]))
	}
	return tb
}

// columnDivisors returns a divisor per positive column sum or maximum.
func columnDivisors(s []fixed.I32F32) []divisor {
	d := make([]divisor, len(s))
	for j, x := range s {
		if x.Cmp(fixed.I32F32{}) > 0 {
			d[j] = newDivisor(uint64(x.Bits()))
		}
	}
	return d
}

// bondsClassic is the classic bond EMA and dividends: bonds B are the
// stored u16 values column-normalised, ΔB = W_b∘A column-normalised,
// B' = α·ΔB + (1−α)·B column-normalised, D = B'·I, and the stored rows are
// B' divided by its column maxima. Every normalisation divides entries of
// at most their column's sum (or maximum) by it, so divUnit; a stored bond
// x in a column of u16 sum X < 2^31 normalises to (x<<32).SafeDiv(X<<32) =
// floor(x·2^32/X), an integer division by X.
func (e *epoch) bondsClassic(alpha fixed.I32F32, bondCount int) bool {
	n, regAt, lastTempo := e.n, e.regAt, e.in.LastTempo
	rawSum := make([]int64, n)
	for i := range e.in.Neurons {
		for _, en := range e.in.Neurons[i].Bonds {
			if j := int(en.UID); j < n && lastTempo > regAt[j] {
				rawSum[j] += int64(en.Value)
			}
		}
	}
	rawNorm := make([]divisor, n)
	for j, x := range rawSum {
		if x >= 1<<31 { // the I32F32 column sum would saturate
			return false
		}
		if x > 0 {
			rawNorm[j] = newDivisor(uint64(x))
		}
	}
	src := e.newBondRows(rawNorm)

	// ΔB = W_b∘A, column-normalised.
	delta := e.ws.delta.reset(n, len(e.w.col))
	deltaSum := make([]fixed.I32F32, n)
	for i := range n {
		cols, vals := src.next(i)
		a := e.activeStakes[i]
		m := len(delta.col)
		delta.col, delta.val = append(delta.col, cols...), slices.Grow(delta.val, len(vals))[:m+len(vals)]
		for k, v := range vals {
			delta.val[m+k] = mulUnit(v, a)
		}
		addColumns(deltaSum, cols, delta.val[m:])
		delta.endRow()
	}
	deltaNorm := columnDivisors(deltaSum)
	for k, j := range delta.col {
		if deltaNorm[j].d != 0 {
			delta.val[k] = deltaNorm[j].divUnit(delta.val[k])
		}
	}

	// B' = α·ΔB + (1−α)·B.
	oneMinus := fixed.I32F32FromInt(1).SaturatingSub(alpha)
	rows := newEMARows(n)
	b := e.ws.bonds.reset(n, len(delta.col)+bondCount)
	for i := range n {
		nc, nv := delta.row(i)
		src.ema(b, rows, i, nc, nv, alpha, oneMinus)
	}
	b.order = orderSorted

	// B' column-normalised, dividends, column maxima.
	norm := columnDivisors(src.colSum)
	mx := make([]fixed.I32F32, n)
	incentive := e.incentive
	e.dividends = make([]fixed.I32F32, n)
	for i := range n {
		cols, vals := b.row(i)
		var d fixed.I32F32
		for k, j := range cols {
			v := norm[j].divUnit(vals[k])
			vals[k] = v
			d = d.SaturatingAdd(mulUnit(incentive[j], v))
			mx[j] = mx[j].Max(v)
		}
		e.dividends[i] = d
	}
	normalize(e.dividends)

	// Stored rows: only those of the new permit holders are output.
	up := columnDivisors(mx)
	for i := range n {
		if !e.newPermit[i] {
			continue
		}
		cols, vals := b.row(i)
		for k, j := range cols {
			if up[j].d != 0 {
				vals[k] = up[j].divUnit(vals[k])
			}
		}
	}
	e.bonds = b
	return true
}
