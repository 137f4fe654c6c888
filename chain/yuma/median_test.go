package yuma

import (
	"math/rand/v2"
	"testing"

	"github.com/gotensor/gotensor/fixed"
	"github.com/stretchr/testify/require"
)

// TestMedianColumn_MatchesLiteral: the bucketed narrowing gives the literal
// quickselect's result on columns of every shape: spread-out, clustered,
// tied, with outliers, zero stakes, any int64 scores, and minorities below
// 0, inside and at or above the stake sum.
func TestMedianColumn_MatchesLiteral(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	iters := 20000
	if testing.Short() {
		iters = 3000
	}
	for it := range iters {
		k := 1 + r.IntN(300)
		stake, score := make([]fixed.I32F32, k), make([]fixed.I32F32, k)
		shape := r.IntN(6)
		for i := range k {
			switch r.IntN(6) {
			case 0: // zero stake
			case 1: // a whale
				stake[i] = fixed.I32F32FromBits(int64(r.IntN(1 << 40)))
			default:
				stake[i] = fixed.I32F32FromBits(int64(r.IntN(1 << 20)))
			}
			var x int64
			switch shape {
			case 0: // spread over [0, 1]
				x = r.Int64N(unit + 1)
			case 1: // clustered
				x = 1<<30 + r.Int64N(1<<12)
			case 2: // few values: ties
				x = int64(r.IntN(3)) << 30
			case 3: // one outlier, the rest tiny
				x = r.Int64N(8)
				if i == 0 {
					x = unit
				}
			case 4: // anything, negative included
				x = int64(r.Uint64())
			default: // absent entries (0) among small weights
				if r.IntN(2) == 0 {
					x = r.Int64N(1 << 20)
				}
			}
			score[i] = fixed.I32F32FromBits(x)
		}
		normalize(stake)
		total := sum(stake)
		var minority fixed.I32F32
		switch r.IntN(5) {
		case 0:
			minority = total.Sub(fixed.I32F32FromBits(int64(r.IntN(1<<34)) - 1<<32))
		case 1:
			minority = fixed.I32F32FromBits(total.Bits() - int64(r.IntN(3)))
		default:
			minority = fixed.I32F32FromBits(r.Int64N(total.Bits() + 1))
		}
		idx := make([]int, k)
		scores, stakes := make([]int64, k), make([]int64, k)
		for i := range k {
			idx[i] = i
			scores[i], stakes[i] = score[i].Bits(), stake[i].Bits()
		}
		want := denseWeightedMedian(stake, score, idx, minority, fixed.I32F32{}, total)
		got := newMedian(k).column(scores, stakes, minority.Bits(), total.Bits())
		require.Equal(t, want.Bits(), got, "iteration %d (k=%d, shape %d)", it, k, shape)
	}
}

// TestTopKNonzero_MatchesTranscription: the packed-key sort and the stable
// sort (for values outside [0, 2^48)) both pick is_topk_nonzero's uids,
// ties included.
func TestTopKNonzero_MatchesTranscription(t *testing.T) {
	r := rand.New(rand.NewPCG(45, 46))
	for it := range 5000 {
		v := make([]fixed.I32F32, r.IntN(60))
		few := r.IntN(2) == 0
		for i := range v {
			switch {
			case r.IntN(5) == 0: // zero
			case few: // ties
				v[i] = fixed.I32F32FromBits(int64(r.IntN(4)) << 28)
			case it%7 == 0: // outside the packed range
				v[i] = fixed.I32F32FromBits(int64(r.Uint64()))
			default:
				v[i] = fixed.I32F32FromBits(r.Int64N(unit + 1))
			}
		}
		k := r.IntN(len(v) + 2)
		require.Equal(t, denseTopKNonzero(v, k), topKNonzero(v, k), "iteration %d", it)
	}
}
