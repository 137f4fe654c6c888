package yuma

import "github.com/gotensor/gotensor/fixed"

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

	// Transpose the kept rows into columns of (validator index, weight),
	// in validator order so a repeated uid in a row overwrites as in Rust.
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
	fill := append([]int(nil), colStart[:w.n]...)
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

	m := newMedian(len(use))
	for j := range w.n {
		a, b := colStart[j], colStart[j+1]
		if a == b {
			continue // every score is 0: so is the median
		}
		for e := a; e < b; e++ {
			m.score[colK[e]] = colV[e]
		}
		out[j] = m.weighted(use, minority, stakeSum)
		for e := a; e < b; e++ {
			m.score[colK[e]] = fixed.I32F32{}
		}
	}
	return out
}

// median holds the scratch space of weightedMedian, reused across columns.
type median struct {
	score             []fixed.I32F32
	cur, lower, upper []int32
}

func newMedian(k int) *median {
	return &median{
		score: make([]fixed.I32F32, k),
		cur:   make([]int32, 0, k),
		lower: make([]int32, 0, k),
		upper: make([]int32, 0, k),
	}
}

// weighted is subtensor's weighted_median over all indices: a
// deterministic quickselect with the middle element as pivot. lo and hi
// bound the stake of the current partition; it descends into the scores
// below the pivot while the minority lies below them, into those above
// while it lies at or above them, and returns the pivot otherwise.
func (m *median) weighted(stake []fixed.I32F32, minority, hi fixed.I32F32) fixed.I32F32 {
	var lo fixed.I32F32
	cur, lower, upper := m.cur[:0], m.lower, m.upper
	for k := range stake {
		cur = append(cur, int32(k))
	}
	limit := len(cur)
	for iter := 0; iter <= limit; iter++ {
		switch len(cur) {
		case 0:
			return fixed.I32F32{}
		case 1:
			return m.score[cur[0]]
		}
		pivot := m.score[cur[len(cur)/2]]
		var loStake, hiStake fixed.I32F32
		lower, upper = lower[:0], upper[:0]
		for _, idx := range cur {
			switch s := m.score[idx]; s.Cmp(pivot) {
			case -1:
				loStake = loStake.SaturatingAdd(stake[idx])
				lower = append(lower, idx)
			case 1:
				hiStake = hiStake.SaturatingAdd(stake[idx])
				upper = append(upper, idx)
			}
		}
		switch {
		case minority.Less(lo.SaturatingAdd(loStake)) && len(lower) > 0:
			hi = lo.SaturatingAdd(loStake)
			cur, lower = lower, cur
		case !minority.Less(hi.SaturatingSub(hiStake)) && len(upper) > 0:
			lo = hi.SaturatingSub(hiStake)
			cur, upper = upper, cur
		default:
			return pivot
		}
	}
	return fixed.I32F32{}
}
