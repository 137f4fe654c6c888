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

	m := newMedian(use)
	median := func(j int, score []int64) {
		out[j] = m.weighted(score, minority, stakeSum)
	}
	if sorted := !slices.ContainsFunc(rowOf, func(i int) bool {
		cols, _ := w.row(i)
		return !sortedBelow(cols, w.n)
	}); sorted {
		columnsByBlock(w, rowOf, median)
	} else {
		columnsByTranspose(w, rowOf, median)
	}
	return out
}

// columnBlock is how many columns columnsByBlock gathers at a time: the
// block (columnBlock × validators scores) stays in cache.
const columnBlock = 64

// columnsByBlock calls f(j, score) for every column j with a non-zero
// entry, score[k] being row rowOf[k]'s weight in column j (0 if none); a
// column without entries has median 0 and is skipped. Every row must be
// strictly increasing: each is then read sequentially, one block of
// columns at a time, which keeps memory access streaming.
func columnsByBlock(w *matrix, rowOf []int, f func(j int, score []int64)) {
	k := len(rowOf)
	cursor := make([]int, k)
	for r, i := range rowOf {
		cursor[r] = w.start[i]
	}
	block := make([]int64, columnBlock*k)
	var nonzero [columnBlock]bool
	for j0 := 0; j0 < w.n; j0 += columnBlock {
		clear(block)
		nonzero = [columnBlock]bool{}
		for r, i := range rowOf {
			c, end := cursor[r], w.start[i+1]
			for ; c < end && int(w.col[c]) < j0+columnBlock; c++ {
				d := int(w.col[c]) - j0
				block[d*k+r] = w.val[c].Bits()
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
func columnsByTranspose(w *matrix, rowOf []int, f func(j int, score []int64)) {
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
	score := make([]int64, len(rowOf))
	for j := range w.n {
		a, b := colStart[j], colStart[j+1]
		if a == b {
			continue
		}
		for e := a; e < b; e++ {
			score[colK[e]] = colV[e].Bits()
		}
		f(j, score)
		for e := a; e < b; e++ {
			score[colK[e]] = 0
		}
	}
}

// median holds the scratch space of weighted, reused across columns.
// Values are raw I32F32 bits.
type median struct {
	stake        []int64
	lower, upper [2][]int32 // two generations of partitions
}

func newMedian(stake []fixed.I32F32) *median {
	k := len(stake)
	m := &median{stake: make([]int64, k)}
	for i := range m.lower {
		m.lower[i], m.upper[i] = make([]int32, k), make([]int32, k)
	}
	for i, s := range stake {
		m.stake[i] = s.Bits()
	}
	return m
}

// weighted is subtensor's weighted_median of score over all indices: a
// deterministic quickselect with the middle element as pivot. lo and hi
// bound the stake of the current partition; it descends into the scores
// below the pivot while the minority lies below them, into those above
// while it lies at or above them, and returns the pivot otherwise.
//
// The stakes are normalised (each at most 2^32 raw), so no sum of them can
// overflow int64 and plain additions equal Rust's saturating ones.
func (m *median) weighted(score []int64, minority, hi fixed.I32F32) fixed.I32F32 {
	var cur []int32 // nil: all indices, in order
	n := len(score)
	minor, lo, h := minority.Bits(), int64(0), hi.Bits()
	for iter := 0; iter <= len(score); iter++ {
		switch n {
		case 0:
			return fixed.I32F32{}
		case 1:
			return fixed.I32F32FromBits(score[index(cur, 0)])
		}
		pivot := score[index(cur, n/2)]
		lower, upper := m.lower[iter%2], m.upper[iter%2] // never the buffer cur lives in
		nl, nu, loStake, hiStake := m.split(score, cur, n, pivot, lower, upper)
		switch {
		case minor < lo+loStake && nl > 0:
			h = lo + loStake
			cur, n = lower, nl
		case h-hiStake <= minor && nu > 0:
			lo = h - hiStake
			cur, n = upper, nu
		default:
			return fixed.I32F32FromBits(pivot)
		}
	}
	return fixed.I32F32{}
}

// index is cur[i], or i when cur is nil (all indices).
func index(cur []int32, i int) int32 {
	if cur == nil {
		return int32(i)
	}
	return cur[i]
}

// split partitions the first n indices of cur around pivot into lower (<)
// and upper (>), keeping their order, and sums their stakes. It is
// branch-free because the comparisons are unpredictable.
func (m *median) split(score []int64, cur []int32, n int, pivot int64, lower, upper []int32) (nl, nu int, loStake, hiStake int64) {
	stake := m.stake
	for k := range n {
		idx := index(cur, k)
		s, st := score[idx], stake[idx]
		lower[nl], upper[nu] = idx, idx
		lt, gt := b2i(s < pivot), b2i(s > pivot)
		nl += lt
		nu += gt
		loStake += st & -int64(lt)
		hiStake += st & -int64(gt)
	}
	return nl, nu, loStake, hiStake
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
