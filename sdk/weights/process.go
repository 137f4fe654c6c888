package weights

import (
	"math"
	"slices"
)

// epsilon is normalize_max_weight's numerical-stability term.
const epsilon = 1e-7

// NormalizeMaxWeight is normalize_max_weight (sdk-spec §5.1): it returns x
// scaled to sum to 1 with no entry above limit, by clipping the largest
// entries at a common cutoff. If x sums to 0, or len(x)·limit ≤ 1 (no
// vector can satisfy the limit), it returns the uniform vector 1/len(x).
// Arithmetic is in F, as numpy's is in the array's dtype. x is not
// modified.
func NormalizeMaxWeight[F Float](x []F, limit float64) []F {
	n := len(x)
	if n == 0 {
		return []F{}
	}
	if sum(x) == 0 || float64(n)*limit <= 1 {
		return fill(n, 1/F(n))
	}
	values := slices.Clone(x)
	slices.Sort(values)
	total := sum(values)
	est := make([]F, n)
	for i, v := range values {
		est[i] = v / total
	}
	if float64(slices.Max(est)) <= limit {
		return scaled(x, sum(x))
	}
	// k counts the sorted entries that stay below the limit once every
	// larger one is clipped to the cutoff.
	cum := make([]F, n)
	var run F
	for i, e := range est {
		run += e
		cum[i] = run
	}
	k := 0
	for i, e := range est {
		if e/(F(n-i-1)*e+cum[i]+F(epsilon)) < F(limit) {
			k++
		}
	}
	// Python computes the cutoff from numpy scalars and Python floats, in
	// float64.
	var prefix float64
	if k > 0 {
		prefix = float64(cum[k-1])
	}
	cutoff := F((limit*prefix - epsilon) / (1 - limit*float64(n-k)) * float64(total))
	w := slices.Clone(x)
	for i := range w {
		if w[i] > cutoff {
			w[i] = cutoff
		}
	}
	return scaled(w, sum(w))
}

// ProcessWeights is process_weights (sdk-spec §5.3): it prepares a
// validator's scores for set_weights on a subnet of numNeurons neurons
// with the given min_allowed_weights and max_weight_limit (as a fraction),
// dropping the lowest excludeQuantile/65535 of the non-zero weights while
// at least minAllowedWeights remain. It returns the uids to set and their
// normalised weights:
//
//   - no non-zero weight, or numNeurons < minAllowedWeights: every uid
//     0…numNeurons−1, uniformly;
//   - fewer non-zero weights than minAllowedWeights: every uid, with 1e-5
//     added to each weight (in float64) so that enough are non-zero, then
//     NormalizeMaxWeight — this branch assumes uids[i] == i, as the SDK
//     does;
//   - otherwise the non-zero weights at or above the quantile, through
//     NormalizeMaxWeight.
func ProcessWeights[F Float](uids []int, weights []F, numNeurons, minAllowedWeights int, maxWeightLimit float64, excludeQuantile uint16) ([]int, []F) {
	var nzIdx []int
	for i, w := range weights {
		if w > 0 {
			nzIdx = append(nzIdx, i)
		}
	}
	switch {
	case len(nzIdx) == 0 || numNeurons < minAllowedWeights:
		return arange(numNeurons), fill(max(numNeurons, 0), 1/F(numNeurons))
	case len(nzIdx) < minAllowedWeights:
		padded := make([]float64, numNeurons)
		for i := range padded {
			padded[i] = 1e-5
		}
		for _, i := range nzIdx {
			padded[i] += float64(weights[i])
		}
		norm := NormalizeMaxWeight(padded, maxWeightLimit)
		out := make([]F, len(norm))
		for i, v := range norm {
			out[i] = F(v)
		}
		return arange(len(out)), out
	}
	nz := make([]F, len(nzIdx))
	for j, i := range nzIdx {
		nz[j] = weights[i]
	}
	maxExclude := float64(max(0, len(nz)-minAllowedWeights)) / float64(len(nz))
	q := min(float64(excludeQuantile)/math.MaxUint16, maxExclude)
	lowest := quantile(nz, q)
	var keptUIDs []int
	var kept []F
	for j, i := range nzIdx {
		if lowest <= float64(nz[j]) {
			keptUIDs = append(keptUIDs, uids[i])
			kept = append(kept, nz[j])
		}
	}
	return keptUIDs, NormalizeMaxWeight(kept, maxWeightLimit)
}

// quantile is numpy.quantile with linear interpolation (the default
// method), including its lerp that interpolates from the upper end for
// fractions of one half and more.
func quantile[F Float](x []F, q float64) float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	pos := q * float64(len(s)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(s)-1)
	g := pos - float64(lo)
	a, b := float64(s[lo]), float64(s[hi])
	if g >= 0.5 {
		return b - (b-a)*(1-g)
	}
	return a + (b-a)*g
}

// sum adds x as numpy's add.reduce does for a contiguous array (pairwise
// summation: eight partial sums per block of up to 128 elements), so
// float32 sums round as the SDK's do.
func sum[F Float](x []F) F {
	const block = 128
	n := len(x)
	switch {
	case n < 8:
		var s F
		for _, v := range x {
			s += v
		}
		return s
	case n <= block:
		var r [8]F
		copy(r[:], x[:8])
		i := 8
		for ; i < n-n%8; i += 8 {
			for j := range r {
				r[j] += x[i+j]
			}
		}
		s := (r[0] + r[1] + (r[2] + r[3])) + (r[4] + r[5] + (r[6] + r[7]))
		for ; i < n; i++ {
			s += x[i]
		}
		return s
	}
	half := n / 2
	half -= half % 8
	return sum(x[:half]) + sum(x[half:])
}

func scaled[F Float](x []F, by F) []F {
	out := make([]F, len(x))
	for i, v := range x {
		out[i] = v / by
	}
	return out
}

func fill[F Float](n int, v F) []F {
	out := make([]F, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func arange(n int) []int {
	out := make([]int, max(n, 0))
	for i := range out {
		out[i] = i
	}
	return out
}
