package yuma

import (
	"math/bits"
	"slices"

	"github.com/gotensor/gotensor/fixed"
)

// consensus returns, for every column of w, the stake-weighted median of
// the weights of validators with positive stake, at majority kappa
// (weighted_median_col_sparse). Validators without an entry in a column
// count with score 0.
func consensus(stake []fixed.I32F32, w *matrix, kappa fixed.I32F32) []fixed.I32F32 {
	out := make([]fixed.I32F32, w.n)
	newColumnMedians(stake, w, kappa).each(w, func(j int, _ []int64, c fixed.I32F32) { out[j] = c })
	return out
}

// columnMedians computes the consensus column by column: the validators
// with positive stake, their stakes renormalised, and the minority
// Σs − κ below which the median lies.
type columnMedians struct {
	rows     []int   // uids of the validators with positive stake
	stake    []int64 // their renormalised stakes (raw I32F32)
	minority int64
	total    int64 // Σ stake
}

func newColumnMedians(stake []fixed.I32F32, w *matrix, kappa fixed.I32F32) *columnMedians {
	cm := &columnMedians{}
	var use []fixed.I32F32 // positive stakes, renormalised
	for i, s := range stake[:min(len(stake), w.rows())] {
		if s.Cmp(fixed.I32F32{}) > 0 {
			use = append(use, s)
			cm.rows = append(cm.rows, i)
		}
	}
	normalize(use)
	stakeSum := sum(use)
	cm.minority, cm.total = stakeSum.SaturatingSub(kappa).Bits(), stakeSum.Bits()
	cm.stake = make([]int64, len(use))
	for k, s := range use {
		cm.stake[k] = s.Bits()
	}
	return cm
}

// each calls visit(j, scores, c) for every column j holding an entry of one
// of the rows, scores[r] being row rows[r]'s weight there (0 if none; for
// a repeated uid the last) and c the column's consensus. A column without
// such entries has consensus 0 and is not visited.
func (cm *columnMedians) each(w *matrix, visit func(j int, scores []int64, c fixed.I32F32)) {
	if len(cm.rows) == 0 {
		return
	}
	m := newMedian(len(cm.rows))
	f := func(j int, scores []int64) {
		visit(j, scores, fixed.I32F32FromBits(m.column(scores, cm.stake, cm.minority, cm.total)))
	}
	if w.sorted() {
		columnsByBlock(w, cm.rows, f)
	} else {
		columnsByTranspose(w, cm.rows, f)
	}
}

// scored is one validator's weight in a column (score) with its stake, as
// raw I32F32 bits.
type scored struct{ score, stake int64 }

// columnBlock is how many columns columnsByBlock gathers at a time. The
// block (columnBlock × validators scores, 512 KiB for 256 validators) stays
// in the core's L2 cache, while each row is read in runs of up to
// columnBlock entries: long enough for the hardware prefetcher, which does
// not follow one stream per validator. Gathering is bound by these reads.
const columnBlock = 256

// columnsByBlock calls f(j, scores) for every column j with an entry in one
// of the rows, scores[k] holding row rows[k]'s weight in column j (0 if
// none). Every row must be strictly increasing (w.sorted()): each is then
// read sequentially, one block of columns at a time, which keeps memory
// access streaming.
func columnsByBlock(w *matrix, rows []int, f func(j int, scores []int64)) {
	k := len(rows)
	cursor := make([]int, k)
	for r, i := range rows {
		cursor[r] = w.start[i]
	}
	// A column's scores start one word further than k apart, so that the
	// entries of one row in consecutive columns do not all fall into the
	// same cache sets (k·8 bytes is often a multiple of 4 KiB).
	stride := k + 1
	block := make([]int64, columnBlock*stride)
	var nonzero [columnBlock]bool
	col, val := w.col, w.val[:len(w.col)] // locals: no reloads through w
	for j0 := 0; j0 < w.n; j0 += columnBlock {
		clear(block)
		nonzero = [columnBlock]bool{}
		for r, i := range rows {
			c, end := cursor[r], w.start[i+1]
			for ; c < end; c++ {
				d := uint(col[c]) - uint(j0)
				if d >= columnBlock {
					break
				}
				block[int(d)*stride+r] = val[c].Bits()
				nonzero[d] = true
			}
			cursor[r] = c
		}
		for d := range min(columnBlock, w.n-j0) {
			if nonzero[d] {
				f(j0+d, block[d*stride:d*stride+k])
			}
		}
	}
}

// columnsByTranspose is columnsByBlock for arbitrary rows: it transposes
// them first, in row order so that a repeated uid overwrites as in Rust.
func columnsByTranspose(w *matrix, rows []int, f func(j int, scores []int64)) {
	colStart := make([]int, w.n+1)
	for _, i := range rows {
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
	for k, i := range rows {
		cols, vals := w.row(i)
		for e, j := range cols {
			if int(j) < w.n {
				colK[fill[j]], colV[fill[j]] = int32(k), vals[e]
				fill[j]++
			}
		}
	}
	scores := make([]int64, len(rows))
	for j := range w.n {
		a, b := colStart[j], colStart[j+1]
		if a == b {
			continue
		}
		for e := a; e < b; e++ {
			scores[colK[e]] = colV[e].Bits()
		}
		f(j, scores)
		for e := a; e < b; e++ {
			scores[colK[e]] = 0
		}
	}
}

// median holds the scratch space of weighted and column, reused across
// columns.
type median struct {
	buf  [2][]scored // two generations of partitions
	sel  []scored    // the entries column hands to the quickselect
	hist []int64     // stake per bucket of scores
}

func newMedian(k int) *median {
	// About one entry per bucket, at most 256 buckets to scan.
	buckets := 1 << min(8, max(0, bits.Len(uint(k))-1))
	return &median{
		buf:  [2][]scored{make([]scored, k), make([]scored, k)},
		sel:  make([]scored, k),
		hist: make([]int64, buckets, 256),
	}
}

// narrowFrom is the column size from which column buckets the scores
// before the quickselect.
const narrowFrom = 16

// column is weighted for the pairs (scores[r], stake[r]), with the
// minority and the stake sum as raw bits. Since the result depends only on
// the multiset of pairs (see weighted), it may narrow the search first: it
// spreads the stake over buckets of equal width between the smallest and
// the largest score, finds the bucket holding the median by the stake below
// it, and hands only that bucket's entries to the quickselect, with the
// stake below them. For the usual spread-out scores this leaves a handful
// of entries, so a column costs three sequential passes instead of several
// partitions.
func (m *median) column(scores, stake []int64, minority, total int64) int64 {
	k := len(scores)
	if k < narrowFrom {
		sel := m.sel[:k]
		for r, x := range scores {
			sel[r] = scored{x, stake[r]}
		}
		return m.selectFrom(sel, minority, 0, total)
	}
	lo, hi := minMax(scores)
	switch {
	case lo == hi || minority < 0:
		return lo
	case minority >= total:
		return hi
	}
	// Offsets from lo as unsigned words, so that any span fits; at most
	// len(m.hist) <= 256 buckets.
	span := uint64(hi) - uint64(lo)
	shift := uint(max(0, bits.Len64(span)-bits.Len(uint(len(m.hist)-1)))) & 63
	hist := (*[256]int64)(m.hist[:256])
	clear(hist[:len(m.hist)])
	stake = stake[:len(scores)]
	for r, x := range scores {
		hist[uint8((uint64(x)-uint64(lo))>>shift)] += stake[r]
	}
	// The bucket b with stake(below b) <= minority < stake(up to b): it
	// exists because the buckets' stakes add up to total > minority.
	b, below := 0, int64(0)
	for minority >= below+hist[uint8(b)] {
		below += hist[uint8(b)]
		b++
	}
	sel, c := m.sel[:len(scores)], 0
	for r, x := range scores {
		if (uint64(x)-uint64(lo))>>shift == uint64(b) { // rarely: a branch pays
			sel[c] = scored{x, stake[r]}
			c++
		}
	}
	return m.selectFrom(sel[:c], minority, below, below+hist[b])
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
	return fixed.I32F32FromBits(m.selectFrom(col, minority.Bits(), 0, hi.Bits()))
}

// selectFrom runs weighted's quickselect on cur, the entries whose scores
// lie between those of entries of stake lo below them and entries of stake
// total-h above them (so h-lo is cur's stake). cur must not live in m.buf.
func (m *median) selectFrom(cur []scored, minor, lo, h int64) int64 {
	for iter, limit := 0, len(cur); iter <= limit; iter++ { // each pass drops the pivot
		switch len(cur) {
		case 0:
			return 0
		case 1:
			return cur[0].score
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
			return pivot
		}
	}
	return 0
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

// minMax returns the smallest and the largest of a non-empty s. It is not
// inlined: on its own the compiler makes the loop branch-free (conditional
// moves), inlined into column it branches, mispredicting on spread scores.
//
//go:noinline
func minMax(s []int64) (lo, hi int64) {
	lo, hi = s[0], s[0]
	for _, x := range s {
		lo = min(lo, x)
		hi = max(hi, x)
	}
	return lo, hi
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
