package yuma

import (
	"slices"

	"github.com/gotensor/gotensor/fixed"
)

// consensus returns, for every column of w, the stake-weighted median of
// the weights of validators with positive stake, at majority kappa
// (weighted_median_col_sparse). Validators without an entry in a column
// count with score 0.
func consensus(stake []fixed.I32F32, w *matrix, kappa fixed.I32F32) []fixed.I32F32 {
	out := make([]fixed.I32F32, w.n)
	var use []fixed.I32F32 // positive stakes, renormalised
	var rowOf []int        // their uids
	for i, s := range stake[:min(len(stake), w.rows())] {
		if s.Cmp(fixed.I32F32{}) > 0 {
			use = append(use, s)
			rowOf = append(rowOf, i)
		}
	}
	if len(use) == 0 {
		return out
	}
	normalize(use)
	stakeSum := sum(use)
	minority := stakeSum.SaturatingSub(kappa)

	raw := make([]int64, len(use))
	for k, s := range use {
		raw[k] = s.Bits()
	}
	m := newMedian(len(use))
	median := func(j int, col []scored) {
		out[j] = m.weighted(col, minority, stakeSum)
	}
	if w.sorted() {
		columnsByBlock(w, rowOf, raw, median)
	} else {
		columnsByTranspose(w, rowOf, raw, median)
	}
	return out
}

// scored is one validator's weight in a column (score) with its stake, as
// raw I32F32 bits.
type scored struct{ score, stake int64 }

// columnBlock is how many columns columnsByBlock gathers at a time: the
// block (columnBlock × validators entries) stays in cache.
const columnBlock = 64

// columnsByBlock calls f(j, col) for every column j with a non-zero entry,
// col[k] holding row rowOf[k]'s weight in column j (0 if none) and stake[k];
// a column without entries has median 0 and is skipped. Every row must be
// strictly increasing (w.sorted()): each is then read sequentially, one
// block of columns at a time, which keeps memory access streaming.
func columnsByBlock(w *matrix, rowOf []int, stake []int64, f func(j int, col []scored)) {
	k := len(rowOf)
	cursor := make([]int, k)
	for r, i := range rowOf {
		cursor[r] = w.start[i]
	}
	block := make([]scored, columnBlock*k)
	empty := make([]scored, k) // a column without entries: scores 0
	for r, st := range stake {
		empty[r].stake = st
	}
	var nonzero [columnBlock]bool
	for j0 := 0; j0 < w.n; j0 += columnBlock {
		for d := range columnBlock {
			copy(block[d*k:(d+1)*k], empty)
		}
		nonzero = [columnBlock]bool{}
		for r, i := range rowOf {
			c, end := cursor[r], w.start[i+1]
			for ; c < end && int(w.col[c]) < j0+columnBlock; c++ {
				d := int(w.col[c]) - j0
				block[d*k+r].score = w.val[c].Bits()
				nonzero[d] = true
			}
			cursor[r] = c
		}
		for d := range min(columnBlock, w.n-j0) {
			if nonzero[d] {
				f(j0+d, block[d*k:(d+1)*k])
			}
		}
	}
}

// columnsByTranspose is columnsByBlock for arbitrary rows: it transposes
// them first, in row order so that a repeated uid overwrites as in Rust.
func columnsByTranspose(w *matrix, rowOf []int, stake []int64, f func(j int, col []scored)) {
	colStart := make([]int, w.n+1)
	for _, i := range rowOf {
		cols, _ := w.row(i)
		for _, j := range cols {
			if int(j) < w.n {
				colStart[j+1]++
			}
		}
	}
	for j := range w.n {
		colStart[j+1] += colStart[j]
	}
	fill := slices.Clone(colStart[:w.n])
	colK := make([]int32, colStart[w.n])
	colV := make([]fixed.I32F32, colStart[w.n])
	for k, i := range rowOf {
		cols, vals := w.row(i)
		for e, j := range cols {
			if int(j) < w.n {
				colK[fill[j]], colV[fill[j]] = int32(k), vals[e]
				fill[j]++
			}
		}
	}
	col := make([]scored, len(rowOf))
	for r, st := range stake {
		col[r].stake = st
	}
	for j := range w.n {
		a, b := colStart[j], colStart[j+1]
		if a == b {
			continue
		}
		for e := a; e < b; e++ {
			col[colK[e]].score = colV[e].Bits()
		}
		f(j, col)
		for e := a; e < b; e++ {
			col[colK[e]].score = 0
		}
	}
}

// median holds the scratch space of weighted, reused across columns.
type median struct {
	buf [2][]scored // two generations of partitions
}

func newMedian(k int) *median {
	return &median{buf: [2][]scored{make([]scored, k), make([]scored, k)}}
}

// weighted is subtensor's weighted_median of the column's scores: a
// quickselect that descends into the scores below the pivot while the
// minority lies below their stake, into those above while it lies at or
// above the stake up to the pivot, and returns the pivot otherwise. lo and
// hi bound the stake of the current partition.
//
// Its result does not depend on the order of the entries: when
// 0 <= minority < hi it is the unique score v with
// stake(score < v) <= minority < stake(score <= v); when minority < 0 the
// smallest score; otherwise the largest. So the partitions are copied
// between two buffers (lower part from the front, upper from the back)
// instead of kept in subtensor's index order, which makes the loop
// branch-free and sequential; TestRun_SparseMatchesDense and the vectors
// check it against a literal transcription. Stakes are normalised (each
// at most 2^32 raw), so no sum overflows and plain adds equal Rust's
// saturating ones.
func (m *median) weighted(col []scored, minority, hi fixed.I32F32) fixed.I32F32 {
	minor, lo, h := minority.Bits(), int64(0), hi.Bits()
	cur := col
	for iter := 0; iter <= len(col); iter++ {
		switch len(cur) {
		case 0:
			return fixed.I32F32{}
		case 1:
			return fixed.I32F32FromBits(cur[0].score)
		}
		pivot := medianOf3(cur[0].score, cur[len(cur)/2].score, cur[len(cur)-1].score)
		dst := m.buf[iter%2][:len(cur)] // never the buffer cur lives in
		nl, ur, loStake, hiStake := split(cur, dst, pivot)
		switch {
		case minor < lo+loStake && nl > 0:
			h = lo + loStake
			cur = dst[:nl]
		case h-hiStake <= minor && ur < len(dst):
			lo = h - hiStake
			cur = dst[ur:]
		default:
			return fixed.I32F32FromBits(pivot)
		}
	}
	return fixed.I32F32{}
}

// split copies the entries of src scoring below pivot to the front of dst
// (dst[:nl]) and those above to its back (dst[ur:]), summing their stakes.
func split(src, dst []scored, pivot int64) (nl, ur int, loStake, hiStake int64) {
	ur = len(dst)
	u := ur - 1
	for _, e := range src {
		// Both slots are free: before each entry nl <= u, the lower part
		// being dst[:nl] and the upper dst[u+1:].
		dst[nl] = e
		dst[u] = e
		lt, gt := b2i(e.score < pivot), b2i(e.score > pivot)
		nl += lt
		u -= gt
		loStake += e.stake & -int64(lt)
		hiStake += e.stake & -int64(gt)
	}
	return nl, u + 1, loStake, hiStake
}

// medianOf3 is a cheap pivot close to the middle of the scores.
func medianOf3(a, b, c int64) int64 {
	return max(min(a, b), min(max(a, b), c))
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
