package yuma

import (
	"math/rand/v2"
	"testing"

	"github.com/gotensor/gotensor/fixed"
	"github.com/stretchr/testify/require"
)

// unitSample draws a raw proportion in [0, 1], often at or next to the ends.
func unitSample(r *rand.Rand) int64 {
	switch r.IntN(8) {
	case 0:
		return []int64{0, 1, 2, unit - 1, unit, unit / 2, unit/2 + 1}[r.IntN(7)]
	case 1:
		return int64(r.IntN(1 << 16)) // tiny
	}
	return r.Int64N(unit + 1)
}

func TestMulUnit_MatchesSaturatingMul(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	for range 200_000 {
		a, b := fixed.I32F32FromBits(unitSample(r)), fixed.I32F32FromBits(unitSample(r))
		require.Equal(t, a.SaturatingMul(b), mulUnit(a, b), "%v × %v", a, b)
	}
}

func TestDivisor_MatchesDivision(t *testing.T) {
	r := rand.New(rand.NewPCG(33, 34))
	check := func(n, d uint64) {
		require.Equal(t, n/d, newDivisor(d).div(n), "%d / %d", n, d)
	}
	edges := []uint64{0, 1, 2, 3, 1<<32 - 1, 1 << 32, 1<<32 + 1, 1<<63 - 1, 1 << 63, 1<<64 - 1}
	for _, d := range append(edges[1:], 7, 65535, 1<<31-1) {
		for _, n := range edges {
			check(n, d)
			if n >= d {
				check(n-n%d, d) // exact multiples
				check(n-n%d-1, d)
			}
		}
	}
	for range 200_000 {
		d := max(1, r.Uint64()>>r.IntN(64))
		n := r.Uint64() >> r.IntN(64)
		check(n, d)
		check(n/d*d, d)
		if n/d*d > 0 {
			check(n/d*d-1, d)
		}
	}
}

func TestDivUnit_MatchesSafeDiv(t *testing.T) {
	r := rand.New(rand.NewPCG(35, 36))
	for range 200_000 {
		a := unitSample(r)
		if r.IntN(8) == 0 { // above 1: a sum of repeated entries
			a = r.Int64N(1 << 40)
		}
		// A divisor at least a: a column sum or maximum holding a.
		d := a + r.Int64N(1<<(r.IntN(40)+1))
		if d == 0 {
			d = 1
		}
		x, y := fixed.I32F32FromBits(a), fixed.I32F32FromBits(d)
		require.Equal(t, x.SafeDiv(y), newDivisor(uint64(d)).divUnit(x), "%v / %v", x, y)
	}
}

func TestAmount_MatchesI96F32(t *testing.T) {
	r := rand.New(rand.NewPCG(37, 38))
	general := func(x fixed.I32F32, e uint64) uint64 {
		return fixed.Convert[fixed.I96F32](x).SaturatingMul(fixed.I96F32FromUint(e)).ToUint()
	}
	for range 100_000 {
		x := fixed.I32F32FromBits(int64(r.Uint64()) >> r.IntN(64))
		if r.IntN(4) == 0 {
			x = fixed.I32F32FromBits(unitSample(r))
		}
		e := r.Uint64() >> r.IntN(64)
		if r.IntN(8) == 0 {
			e = 1<<64 - 1 - uint64(r.IntN(3))
		}
		require.Equal(t, general(x, e), amount(x, e), "%v × %d", x, e)
	}
}

func TestExpSafe_MatchesFixed(t *testing.T) {
	r := rand.New(rand.NewPCG(39, 40))
	check := func(x fixed.I32F32) {
		require.Equal(t, x.ExpSafe(), expSafe(x), "exp(%v)", x)
	}
	for _, b := range []int64{0, 1, -1, unit, -unit, unit + 1, unit - 1, -unit + 1, -unit - 1,
		20 * unit, -20 * unit, 20*unit + 1, -20*unit - 1, 1<<63 - 1, -1 << 63} {
		check(fixed.I32F32FromBits(b))
	}
	for range 100_000 {
		check(fixed.I32F32FromBits(r.Int64N(41*unit) - 20*unit - r.Int64N(unit)))
		check(fixed.I32F32FromBits(int64(r.Uint64()) >> r.IntN(64)))
	}
}

func TestReciprocal_MatchesSaturatingDiv(t *testing.T) {
	r := rand.New(rand.NewPCG(43, 44))
	one := fixed.I32F32FromInt(1)
	for range 100_000 {
		x := fixed.I32F32FromBits(unit + r.Int64N(1<<(r.IntN(62)+1)))
		require.Equal(t, one.SaturatingDiv(x), reciprocal(x), "1/%v", x)
	}
	require.Equal(t, one, reciprocal(one))
	require.Equal(t, one.SaturatingDiv(fixed.MaxI32F32()), reciprocal(fixed.MaxI32F32()))
}

func TestHalf_IsRatio(t *testing.T) {
	require.Equal(t, fixed.I32F32FromRatio(1, 2), fixed.I32F32FromBits(unit/2))
}
