package swap

import (
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"
)

func bi(s string) *big.Int {
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		panic(s)
	}
	return v
}

// Expected values are asserted by safe-bigmath's and subtensor's Rust tests.
func TestPowRatioScaled(t *testing.T) {
	const q = "1000000000000000000"
	for _, tc := range []struct {
		name           string
		bn, bd, en, ed string
		precision      uint
		scale, want    string
	}{
		{"doc example sqrt(2/3)", "2", "3", "1", "2", 0, "1000", "816"},
		{"perquintill power 0.6/0.4", "21000000000000000", "28000000000000000", "600000000000000000", "400000000000000000", 4096, q, "649519052838328985"},
		{"equal weights", "21000000000000000", "21000000000000100", "500000000000000000", "500000000000000000", 256, q, "999999999999995238"},
		{"near-equal weights series", "21000000000000000", "21000000000000100", "499999999999500000", "500000000000500000", 256, q, "999999999999995238"},
		{"near-equal weights series 2", "21000000000000000", "21000000000000100", "500000000000250000", "499999999999750000", 256, q, "999999999999995238"},
		{"boundary weights", "21000000000000000", "21000000000000001", "499999999500000000", "500000000500000000", 256, q, "999999999999999952"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := powRatioScaled(bi(tc.bn), bi(tc.bd), bi(tc.en), bi(tc.ed), tc.precision, bi(tc.scale))
			require.True(t, ok)
			require.Equal(t, tc.want, got.String())
		})
	}
}
