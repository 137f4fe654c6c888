package swap

import (
	"math/big"
	"testing"

	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/tao"
	"github.com/stretchr/testify/require"
)

func TestAdjustWeights_KeepsPrice(t *testing.T) {
	for _, tc := range []struct {
		name           string
		pool           Pool
		taoIn, alphaIn tao.Rao
	}{
		{"proportional", cpPool(1000*tao.RaoPerTAO, 4000*tao.RaoPerTAO), tao.RaoPerTAO / 3, 0},
		{"tao only", cpPool(1000*tao.RaoPerTAO, 4000*tao.RaoPerTAO), tao.RaoPerTAO, 0},
		{"alpha only", cpPool(1000*tao.RaoPerTAO, 4000*tao.RaoPerTAO), 0, tao.RaoPerTAO},
		{"weighted pool", Pool{TAO: 7_000 * tao.RaoPerTAO, AlphaIn: 3_000 * tao.RaoPerTAO, QuoteWeight: PerquintillOne * 3 / 10}, 123_456_789, 987_654},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.pool
			if tc.name == "proportional" {
				tc.alphaIn = tao.Rao(fixed.U64F64FromUint(uint64(tc.taoIn)).SafeDiv(p.Price()).ToUint())
			}
			before := p.Price().Float64()
			ti, ai := p.AdjustWeights(tc.taoIn, tc.alphaIn)
			require.Equal(t, [2]tao.Rao{tc.taoIn, tc.alphaIn}, [2]tao.Rao{ti, ai})
			require.Equal(t, tc.pool.TAO, p.TAO, "reserves are the caller's to change")
			p.TAO += ti
			p.AlphaIn += ai
			require.InEpsilon(t, before, p.Price().Float64(), 1e-12)
		})
	}
}

func TestAdjustWeights_RejectsImbalance(t *testing.T) {
	p := cpPool(tao.RaoPerTAO, tao.RaoPerTAO)
	ti, ai := p.AdjustWeights(1000*tao.RaoPerTAO, 0)
	require.Zero(t, ti)
	require.Zero(t, ai)
	require.Equal(t, cpPool(tao.RaoPerTAO, tao.RaoPerTAO), p, "weight unchanged")

	empty := Pool{QuoteWeight: PerquintillOne / 3}
	ti, ai = empty.AdjustWeights(5, 7)
	require.Equal(t, [2]tao.Rao{5, 7}, [2]tao.Rao{ti, ai})
	require.Equal(t, DefaultQuoteWeight, empty.QuoteWeight, "empty reserves reset the weights to 0.5")
}

func TestInject(t *testing.T) {
	p := cpPool(1000*tao.RaoPerTAO, 4000*tao.RaoPerTAO)
	p.AlphaOut = 10 * tao.RaoPerTAO
	price := p.Price().Float64()
	inj := p.Inject(100_000_000, 400_000_000, 50_000_000)
	require.Equal(t, tao.Rao(100_000_000), inj.TAOIn)
	require.Equal(t, tao.Rao(400_000_000), inj.AlphaIn)
	require.Equal(t, tao.Rao(50_000_000), inj.ExcessIn, "fee-free: all excess enters")
	require.Positive(t, inj.AlphaBought)
	require.Equal(t, 1000*tao.RaoPerTAO+150_000_000, p.TAO)
	require.Equal(t, 4000*tao.RaoPerTAO+400_000_000-inj.AlphaBought, p.AlphaIn)
	require.Equal(t, 10*tao.RaoPerTAO+inj.AlphaBought, p.AlphaOut)
	require.Greater(t, p.Price().Float64(), price, "only the excess buy moves the price")

	// The excess buy sees the reserves before the injection (subtensor's
	// order): it pays what a fee-free buy on the original pool pays.
	q := cpPool(1000*tao.RaoPerTAO, 4000*tao.RaoPerTAO)
	want, err := q.SimBuy(Order{Amount: 50_000_000, NoFee: true})
	require.NoError(t, err)
	require.Equal(t, want.Out, inj.AlphaBought)

	thin := cpPool(tao.RaoPerTAO, 100)
	got := thin.Inject(0, 0, tao.RaoPerTAO)
	require.Equal(t, Injection{}, got, "a failed buy injects nothing")
	require.Equal(t, cpPool(tao.RaoPerTAO, 100), thin)

	stable := Pool{TAO: 5, Stable: true}
	require.Equal(t, Injection{}, stable.Inject(1, 2, 3))
}

func TestQuoteWeightFor_Errors(t *testing.T) {
	_, err := QuoteWeightFor(0, 0, fixed.U64F64FromUint(1))
	require.ErrorIs(t, err, ErrWeight)
	_, err = QuoteWeightFor(tao.RaoPerTAO, tao.RaoPerTAO, fixed.U64F64FromUint(1000))
	require.ErrorIs(t, err, ErrWeight, "a price 1000x the reserve ratio needs w2 < 0.01")
	w, err := QuoteWeightFor(tao.RaoPerTAO, tao.RaoPerTAO, fixed.U64F64FromUint(1))
	require.NoError(t, err)
	require.Equal(t, DefaultQuoteWeight, w)
}

func TestPerquintillFromRational(t *testing.T) {
	b := func(v uint64) *big.Int { return new(big.Int).SetUint64(v) }
	require.Equal(t, PerquintillOne, perquintillFromRational(b(1), b(0)))
	require.Equal(t, PerquintillOne, perquintillFromRational(b(3), b(2)))
	require.Equal(t, Perquintill(333333333333333333), perquintillFromRational(b(1), b(3)))
	// Above 10^18 the operands are first divided by ceil(q/10^18) = 3:
	// floor(p/3)·10^18 / floor(q/3) = 666666666666666666·10^18 / 1000000000000000000.
	p, q := b(2_000_000_000_000_000_000), b(3_000_000_000_000_000_000)
	require.Equal(t, Perquintill(666666666666666666), perquintillFromRational(p, q))
}
