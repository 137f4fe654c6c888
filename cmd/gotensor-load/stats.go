package main

import (
	"fmt"
	"slices"
	"time"
)

// percentiles returns the p-th percentiles (0..100) of xs by the
// nearest-rank method.
func percentiles[T int64 | time.Duration](xs []T, ps ...float64) []T {
	if len(xs) == 0 {
		return make([]T, len(ps))
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	out := make([]T, len(ps))
	for i, p := range ps {
		rank := int(p/100*float64(len(s))+0.999999) - 1
		out[i] = s[min(max(rank, 0), len(s)-1)]
	}
	return out
}

// ms formats a duration in milliseconds with one decimal.
func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }
