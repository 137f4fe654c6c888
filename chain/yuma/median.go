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
	median := func(j int) {
		out[j] = m.weighted(minority, stakeSum)
	}
	if sorted := !slices.ContainsFunc(rowOf, func(i int) bool {
		cols, _ := w.row(i)
		return !sortedBelow(cols, w.n)
	}); sorted {
		columnsByCursor(w, rowOf, m.score, median)
	} else {
		columnsByTranspose(w, rowOf, m.score, median)
	}
	return out
}

// columnsByCursor fills score with column j of the rows rowOf (0 where a
// row has no entry) and calls f(j), for j = 0..n-1. Every row must be
// strictly increasing: one cursor per row then walks it once.
func columnsByCursor(w *matrix, rowOf []int, score []int64, f func(j int)) {
	cursor := make([]int, len(rowOf))
	end := make([]int, len(rowOf))
	for k, i := range rowOf {
		cursor[k], end[k] = w.start[i], w.start[i+1]
	}
	for j := range w.n {
		nonzero := false
		for k, c := range cursor {
			if c < end[k] && int(w.col[c]) == j {
				score[k] = w.val[c].Bits()
				cursor[k]++
				nonzero = true
			} else {
				score[k] = 0
			}
		}
		if nonzero { // otherwise every score, and so the median, is 0
			f(j)
		}
	}
}

// columnsByTranspose is columnsByCursor for arbitrary rows: it transposes
// them first, in row order so that a repeated uid overwrites as in Rust.
func columnsByTranspose(w *matrix, rowOf []int, score []int64, f func(j int)) {
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
	for j := range w.n {
		a, b := colStart[j], colStart[j+1]
		if a == b {
			continue
		}
		for e := a; e < b; e++ {
			score[colK[e]] = colV[e].Bits()
		}
		f(j)
		for e := a; e < b; e++ {
			score[colK[e]] = 0
		}
	}
}

// median holds the scratch space of weighted, reused across columns.
// Values are raw I32F32 bits.
type median struct {
	score, stake      []int64
	cur, lower, upper []int32
}

func newMedian(stake []fixed.I32F32) *median {
	k := len(stake)
	m := &median{
		score: make([]int64, k),
		stake: make([]int64, k),
		cur:   make([]int32, k),
		lower: make([]int32, k),
		upper: make([]int32, k),
	}
	for i, s := range stake {
		m.stake[i] = s.Bits()
	}
	return m
}

// weighted is subtensor's weighted_median over all indices: a
// deterministic quickselect with the middle element as pivot. lo and hi
// bound the stake of the current partition; it descends into the scores
// below the pivot while the minority lies below them, into those above
// while it lies at or above them, and returns the pivot otherwise.
//
// The stakes are normalised (each at most 2^32 raw), so no sum of them can
// overflow int64 and plain additions equal Rust's saturating ones. The
// partition loop is branch-free because the comparisons are unpredictable.
func (m *median) weighted(minority, hi fixed.I32F32) fixed.I32F32 {
	score, stake := m.score, m.stake
	cur, lower, upper := m.cur, m.lower, m.upper
	for k := range cur {
		cur[k] = int32(k)
	}
	minor, lo, h := minority.Bits(), int64(0), hi.Bits()
	n := len(cur)
	for iter := 0; iter <= len(m.cur); iter++ {
		switch n {
		case 0:
			return fixed.I32F32{}
		case 1:
			return fixed.I32F32FromBits(score[cur[0]])
		}
		pivot := score[cur[n/2]]
		var loStake, hiStake int64
		nl, nu := 0, 0
		for _, idx := range cur[:n] {
			s, st := score[idx], stake[idx]
			lower[nl], upper[nu] = idx, idx
			lt, gt := b2i(s < pivot), b2i(s > pivot)
			nl += lt
			nu += gt
			loStake += st & -int64(lt)
			hiStake += st & -int64(gt)
		}
		switch {
		case minor < lo+loStake && nl > 0:
			h = lo + loStake
			cur, lower, n = lower, cur, nl
		case h-hiStake <= minor && nu > 0:
			lo = h - hiStake
			cur, upper, n = upper, cur, nu
		default:
			return fixed.I32F32FromBits(pivot)
		}
	}
	return fixed.I32F32{}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
