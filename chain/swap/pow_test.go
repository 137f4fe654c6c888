package swap

import (
	"math/big"
	"math/rand/v2"
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

// refPowSeries is a literal transcription of safe-bigmath's fallback path
// (div_floor and div_rem everywhere, no shortcuts), used to check that the
// shift-and-small-division forms in pow.go give identical results.
func refPowSeries(bn, bd, p, q *big.Int, precision uint, scale *big.Int) *big.Int {
	divFloor := func(a, b *big.Int) *big.Int {
		z, _ := new(big.Int).DivMod(a, b, new(big.Int)) // Euclidean; b > 0 here, so floor
		return z
	}
	round := func(v *big.Int) *big.Int {
		g := new(big.Int).Lsh(big.NewInt(1), guardBits)
		t, r := new(big.Int).QuoRem(v, g, new(big.Int))
		if r.Sign() != 0 && new(big.Int).Lsh(new(big.Int).Abs(r), 1).Cmp(g) >= 0 {
			t.Add(t, big.NewInt(int64(r.Sign())))
		}
		return t
	}
	requested := max(precision, 32, uint(scale.BitLen())+8)
	internal := requested + guardBits
	maxIters := min(maxSeriesIters, int(internal)+128)
	one := new(big.Int).Lsh(big.NewInt(1), internal)
	guard := new(big.Int).Lsh(big.NewInt(1), guardBits)
	ln1p := func(x *big.Int) *big.Int {
		term, result := new(big.Int).Set(x), new(big.Int).Set(x)
		prev := round(result)
		for n := 2; n <= maxIters; n++ {
			term = divFloor(new(big.Int).Mul(term, x), one)
			if term.Sign() == 0 {
				break
			}
			next := divFloor(term, big.NewInt(int64(n)))
			if next.Sign() == 0 {
				break
			}
			if n%2 == 0 {
				result.Sub(result, next)
			} else {
				result.Add(result, next)
			}
			r := round(result)
			if new(big.Int).Abs(next).Cmp(guard) < 0 || r.Cmp(prev) == 0 {
				break
			}
			prev = r
		}
		return result
	}
	ln2 := ln1p(new(big.Int).Neg(new(big.Int).Rsh(one, 1)))
	ln2.Neg(ln2)
	ln := func(v *big.Int) *big.Int {
		shift := v.BitLen() - 1
		m := new(big.Int).Rsh(new(big.Int).Lsh(v, internal), uint(shift))
		if m.Cmp(new(big.Int).Add(one, new(big.Int).Rsh(one, 1))) >= 0 {
			m.Rsh(m, 1)
			shift++
		}
		r := ln1p(m.Sub(m, one))
		return r.Add(r, new(big.Int).Mul(ln2, big.NewInt(int64(shift))))
	}
	lnBase := new(big.Int).Sub(ln(bn), ln(bd))
	x := divFloor(lnBase.Mul(lnBase, p), q)
	term, result := new(big.Int).Set(one), new(big.Int).Set(one)
	prev := round(result)
	for n := 1; n <= maxIters; n++ {
		term = divFloor(new(big.Int).Mul(term, x), new(big.Int).Mul(one, big.NewInt(int64(n))))
		if term.Sign() == 0 {
			break
		}
		result.Add(result, term)
		r := round(result)
		if new(big.Int).Abs(term).Cmp(guard) < 0 || r.Cmp(prev) == 0 {
			break
		}
		prev = r
	}
	e := round(result)
	return divFloor(e.Mul(e, scale), new(big.Int).Lsh(big.NewInt(1), requested))
}

func TestPowSeries_MatchesLiteralTranscription(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	scale := new(big.Int).SetUint64(uint64(PerquintillOne))
	for i := range 40 {
		bn := new(big.Int).SetUint64(1 + rng.Uint64()>>rng.UintN(63))
		bd := new(big.Int).SetUint64(1 + rng.Uint64()>>rng.UintN(63))
		if i%2 == 0 && bn.Cmp(bd) > 0 {
			bn, bd = bd, bn // mostly bases below 1, as swaps use them
		}
		w := 1 + rng.Uint64N(uint64(PerquintillOne)-1)
		p, q := new(big.Int).SetUint64(w), new(big.Int).SetUint64(uint64(PerquintillOne)-w+1)
		precision := []uint{256, 1024}[i%2]
		got := powSeries(bn, bd, p, q, precision, scale)
		require.Equal(t, refPowSeries(bn, bd, p, q, precision, scale).String(), got.String(), "%s/%s ^ %s/%s", bn, bd, p, q)
	}
}

// TestSeries280_MatchesBig checks the fixed-width series against the
// math/big one on random bases, near-equal bases (the coinbase's small
// buys), and exponents up to the fixed path's limit.
func TestSeries280_MatchesBig(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	scale := new(big.Int).SetUint64(uint64(PerquintillOne))
	c := seriesConsts(256)
	n := 3000
	if testing.Short() {
		n = 300
	}
	fixedRuns := 0
	for i := range n {
		var bn, bd uint64
		switch i % 3 {
		case 0: // arbitrary
			bn, bd = 1+rng.Uint64()>>rng.UintN(63), 1+rng.Uint64()>>rng.UintN(63)
		case 1: // reserve and reserve plus a small buy
			bn = 1_000_000 + rng.Uint64N(1<<60)
			bd = bn + 1 + rng.Uint64N(bn/1000+1)
		default: // a large swap on a small reserve
			bn = 1_000_000 + rng.Uint64N(1<<40)
			bd = bn * (1 + rng.Uint64N(1000))
		}
		w := 1 + rng.Uint64N(uint64(PerquintillOne)-1)
		if i%4 == 0 {
			w = uint64(PerquintillOne)/2 + rng.Uint64N(1<<30) // weights just off 0.5
		}
		p, q := new(big.Int).SetUint64(w), new(big.Int).SetUint64(uint64(PerquintillOne)-w)
		if g := new(big.Int).GCD(nil, nil, p, q); g.Cmp(bigOne) > 0 {
			p.Quo(p, g)
			q.Quo(q, g)
		}
		want := powSeriesBig(new(big.Int).SetUint64(bn), new(big.Int).SetUint64(bd), p, q, c, scale)
		got, ok := powSeries280(bn, bd, p, q, scale, c)
		if !ok {
			continue
		}
		fixedRuns++
		require.Equal(t, want.String(), got.String(), "(%d/%d)^(%s/%s)", bn, bd, p, q)
	}
	require.Greater(t, fixedRuns, n/2, "most cases take the fixed path")
}
