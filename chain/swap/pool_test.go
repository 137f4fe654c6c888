package swap

import (
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/tao"
	"github.com/stretchr/testify/require"
)

// supply is the 21M TAO cap: no reserve or amount can exceed it on chain
// (alpha issuance follows the same capped curve).
const supply = uint64(tao.MaxSupply)

func cpPool(taoR, alpha tao.Rao) Pool {
	return Pool{TAO: taoR, AlphaIn: alpha, QuoteWeight: DefaultQuoteWeight, FeeRate: DefaultFeeRate}
}

// randAmount returns a log-uniform amount in [lo, hi].
func randAmount(rng *rand.Rand, lo, hi uint64) uint64 {
	span := min(uint64(1)<<(rng.UintN(55)+1), hi-lo)
	return lo + rng.Uint64N(span+1)
}

func ratOf(v uint64) *big.Rat { return new(big.Rat).SetInt(new(big.Int).SetUint64(v)) }

// excess returns out − reserveOut·in/(reserveIn+in): how far a swap's output
// is above the exact constant-product output.
func excess(reserveIn, reserveOut, in, out uint64) *big.Rat {
	exact := new(big.Rat).SetFrac(new(big.Int).Mul(new(big.Int).SetUint64(reserveOut), new(big.Int).SetUint64(in)),
		new(big.Int).Add(new(big.Int).SetUint64(reserveIn), new(big.Int).SetUint64(in)))
	return exact.Sub(ratOf(out), exact)
}

// The reserve factor e = (r/(r+Δ)) is truncated to 10^-18 and then to
// 2^-64, both in the trader's favour, so the output may exceed the exact
// constant-product output by up to reserveOut·1.06e-18 (< 0.03 rao under the
// supply cap); everything else floors in the pool's favour.
func TestSwap_ConstantProduct(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	bound := big.NewRat(106, 100) // × 10^-18 × reserveOut
	bound.Quo(bound, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)))
	for range 20_000 {
		p := cpPool(tao.Rao(randAmount(rng, 1_000_000, supply)), tao.Rao(randAmount(rng, 1_000_000, supply)))
		before := p
		o := Order{Amount: tao.Rao(randAmount(rng, 0, supply)), NoFee: rng.IntN(2) == 0}
		var r Result
		var err error
		var rin, rout uint64
		isBuy := rng.IntN(2) == 0
		if isBuy {
			r, err = p.BuyAlpha(o)
			rin, rout = uint64(before.TAO), uint64(before.AlphaIn)
		} else {
			r, err = p.SellAlpha(o)
			rin, rout = uint64(before.AlphaIn), uint64(before.TAO)
		}
		if err != nil {
			require.Equal(t, before, p, "a failed swap changes nothing")
			continue
		}
		require.Equal(t, o.Amount, r.In+r.Fee+r.Refund)
		// A market order is refunded only when its limit (MaxPrice or
		// MinPrice) binds. The price then stays on the near side of it; it
		// may stop well short, because the limit delta's power is scaled
		// by 10^18 and saturates at 2^64 (at most ×18.4 before the exponent).
		if isBuy {
			require.LessOrEqual(t, p.Price().Cmp(maxPrice), 0)
		} else {
			require.GreaterOrEqual(t, p.Price().Cmp(minPrice), 0)
		}
		limit := new(big.Rat).Mul(bound, ratOf(rout))
		require.True(t, excess(rin, rout, uint64(r.In), uint64(r.Out)).Cmp(limit) <= 0,
			"in=%d out=%d reserves %d/%d", r.In, r.Out, rin, rout)
		if isBuy {
			require.Equal(t, [2]tao.Rao{before.TAO + r.In, before.AlphaIn - r.Out}, [2]tao.Rao{p.TAO, p.AlphaIn})
		} else {
			require.Equal(t, [2]tao.Rao{before.TAO - r.Out, before.AlphaIn + r.In}, [2]tao.Rao{p.TAO, p.AlphaIn})
		}
	}
}

func TestSwap_RoundTripNeverProfits(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 20_000 {
		y := randAmount(rng, 1_000_000, supply/2)
		p := cpPool(tao.Rao(y), tao.Rao(randAmount(rng, 1_000_000, supply)))
		amount := tao.Rao(randAmount(rng, 1, supply-y))
		noFee := rng.IntN(2) == 0
		bought, err := p.BuyAlpha(Order{Amount: amount, NoFee: noFee})
		if err != nil {
			continue
		}
		sold, err := p.SellAlpha(Order{Amount: bought.Out, NoFee: noFee})
		if err != nil {
			continue
		}
		require.LessOrEqual(t, sold.Out, amount, "pool %d/%d, fee-free %v", y, p.AlphaIn, noFee)
	}
}

func TestSwap_LimitStopsAtLimit(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	filled := 0
	for range 5_000 {
		p := cpPool(tao.Rao(randAmount(rng, 1_000_000_000, supply/4)), tao.Rao(randAmount(rng, 1_000_000_000, supply/4)))
		p.QuoteWeight = []Perquintill{DefaultQuoteWeight, PerquintillOne / 4, PerquintillOne * 3 / 5}[rng.IntN(3)]
		price := p.Price()
		spot := price.Float64() * 1e9
		amount := tao.Rao(randAmount(rng, 1000, uint64(p.TAO)*10))

		// Buy with a limit 0.1%..50% above the spot price.
		limit := tao.Rao(spot * (1.001 + rng.Float64()/2))
		if limit == 0 {
			continue
		}
		q := p
		r, err := q.BuyAlpha(Order{Amount: amount, Limit: limit, AllowPartial: true})
		if errors.Is(err, ErrReservesTooLow) {
			continue // too little TAO to buy one rao of alpha
		}
		require.NoError(t, err)
		require.Equal(t, amount, r.In+r.Fee+r.Refund)
		require.LessOrEqual(t, q.Price().Cmp(priceOf(limit)), 0, "price ends at or below the limit")
		if r.Refund > 0 {
			filled++
			q2 := p
			_, err := q2.BuyAlpha(Order{Amount: amount, Limit: limit})
			require.ErrorIs(t, err, ErrSlippage)
			require.Equal(t, p, q2)
		}

		// Sell with a limit 0.1%..50% below the spot price.
		limit = tao.Rao(spot * (0.999 - rng.Float64()/2))
		q = p
		r, err = q.SellAlpha(Order{Amount: tao.Rao(randAmount(rng, 1000, uint64(p.AlphaIn)*10)), Limit: limit, AllowPartial: true})
		if errors.Is(err, ErrPriceLimit) && limit <= MinPrice || errors.Is(err, ErrReservesTooLow) {
			continue
		}
		require.NoError(t, err)
		require.GreaterOrEqual(t, q.Price().Cmp(priceOf(limit)), 0, "price ends at or above the limit")
	}
	require.Greater(t, filled, 100, "the limit bound often enough to test it")
}

func TestSwap_Errors(t *testing.T) {
	base := cpPool(10*tao.RaoPerTAO, 40*tao.RaoPerTAO)
	for _, tc := range []struct {
		name string
		pool Pool
		buy  bool
		o    Order
		want error
	}{
		{"buy over 1000x the TAO reserve", base, true, Order{Amount: 10_100 * tao.RaoPerTAO}, ErrInputTooLarge},
		{"sell over 1000x the alpha reserve", base, false, Order{Amount: 40_100 * tao.RaoPerTAO}, ErrInputTooLarge},
		{"limit order over 1000x the reserve", base, true, Order{Amount: 10_001 * tao.RaoPerTAO, Limit: 10 * tao.RaoPerTAO, AllowPartial: true}, ErrInputTooLarge},
		{"alpha reserve under the minimum", cpPool(tao.RaoPerTAO, MinimumReserve-1), true, Order{Amount: 1000}, ErrReservesTooLow},
		{"TAO reserve under the minimum", cpPool(MinimumReserve-1, tao.RaoPerTAO), false, Order{Amount: 1000}, ErrReservesTooLow},
		{"buy too small to pay any alpha", cpPool(tao.RaoPerTAO, MinimumReserve), true, Order{Amount: 1}, ErrReservesTooLow},
		{"buy limit below the price", base, true, Order{Amount: 1000, Limit: 200_000_000}, ErrPriceLimit},
		{"buy limit at the price", base, true, Order{Amount: 1000, Limit: 250_000_000}, ErrPriceLimit},
		{"sell limit above the price", base, false, Order{Amount: 1000, Limit: 300_000_000}, ErrPriceLimit},
		{"market sell below the minimum price", cpPool(MinimumReserve, 1_000_000*tao.RaoPerTAO), false, Order{Amount: 1000}, ErrPriceLimit},
		{"fill-or-kill beyond the limit", base, true, Order{Amount: 5 * tao.RaoPerTAO, Limit: 260_000_000}, ErrSlippage},
		{"quote weight below the minimum", Pool{TAO: tao.RaoPerTAO, AlphaIn: tao.RaoPerTAO, QuoteWeight: MinWeight - 1}, true, Order{Amount: 1000}, ErrWeight},
		{"alpha weight below the minimum", Pool{TAO: tao.RaoPerTAO, AlphaIn: tao.RaoPerTAO, QuoteWeight: PerquintillOne - MinWeight + 1}, false, Order{Amount: 1000}, ErrWeight},
		{"zero weight (uninitialised pool)", Pool{TAO: tao.RaoPerTAO, AlphaIn: tao.RaoPerTAO}, true, Order{Amount: 1000}, ErrWeight},
		{"stable buy limit under 1 TAO", Pool{TAO: tao.RaoPerTAO, Stable: true}, true, Order{Amount: 1000, Limit: tao.RaoPerTAO - 1}, ErrPriceLimit},
		{"stable sell limit over 1 TAO", Pool{TAO: tao.RaoPerTAO, Stable: true}, false, Order{Amount: 1000, Limit: tao.RaoPerTAO + 1}, ErrPriceLimit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.pool
			var err error
			if tc.buy {
				_, err = p.BuyAlpha(tc.o)
			} else {
				_, err = p.SellAlpha(tc.o)
			}
			require.ErrorIs(t, err, tc.want)
			require.Equal(t, tc.pool, p, "the pool is unchanged")
		})
	}
}

func TestSwap_Bookkeeping(t *testing.T) {
	p := cpPool(1000*tao.RaoPerTAO, 4000*tao.RaoPerTAO)
	p.AlphaOut = 500 * tao.RaoPerTAO
	before := p
	r, err := p.BuyAlpha(Order{Amount: 10 * tao.RaoPerTAO})
	require.NoError(t, err)
	require.Equal(t, Pool{TAO: before.TAO + r.In, AlphaIn: before.AlphaIn - r.Out, AlphaOut: before.AlphaOut + r.Out,
		QuoteWeight: DefaultQuoteWeight, FeeRate: DefaultFeeRate}, p)
	require.Equal(t, tao.Rao(10*uint64(tao.RaoPerTAO)*33/65535), r.Fee)

	before = p
	s, err := p.SellAlpha(Order{Amount: r.Out})
	require.NoError(t, err)
	require.Equal(t, Pool{TAO: before.TAO - s.Out, AlphaIn: before.AlphaIn + s.In, AlphaOut: before.AlphaOut - s.In,
		QuoteWeight: DefaultQuoteWeight, FeeRate: DefaultFeeRate}, p)

	sim := p
	q, err := sim.SimBuy(Order{Amount: tao.RaoPerTAO})
	require.NoError(t, err)
	require.Equal(t, p, sim, "SimBuy does not mutate")
	got, err := p.BuyAlpha(Order{Amount: tao.RaoPerTAO})
	require.NoError(t, err)
	require.Equal(t, q, got, "SimBuy quotes what BuyAlpha does")
}

func TestSwap_FeeFree(t *testing.T) {
	p := cpPool(1000*tao.RaoPerTAO, 4000*tao.RaoPerTAO)
	r, err := p.SimBuy(Order{Amount: tao.RaoPerTAO, NoFee: true})
	require.NoError(t, err)
	require.Zero(t, r.Fee)
	require.Equal(t, tao.RaoPerTAO, r.In)
	p.FeeRate = MaxFeeRate
	r, err = p.SimSell(Order{Amount: 65535})
	require.NoError(t, err)
	// The rate 10000/65535 is truncated to U64F64 before the product, so
	// 65535 rao pay 9999, not 10000.
	require.Equal(t, tao.Rao(MaxFeeRate-1), r.Fee)
}

func TestSwap_Stable(t *testing.T) {
	p := Pool{TAO: 5 * tao.RaoPerTAO, Stable: true}
	require.Equal(t, fixed.U64F64FromUint(1), p.Price())
	r, err := p.BuyAlpha(Order{Amount: 3 * tao.RaoPerTAO})
	require.NoError(t, err)
	require.Equal(t, Result{In: 3 * tao.RaoPerTAO, Out: 3 * tao.RaoPerTAO}, r)
	require.Equal(t, Pool{TAO: 8 * tao.RaoPerTAO, AlphaOut: 3 * tao.RaoPerTAO, Stable: true}, p)
	r, err = p.SellAlpha(Order{Amount: tao.RaoPerTAO, Limit: tao.RaoPerTAO})
	require.NoError(t, err)
	require.Equal(t, Result{In: tao.RaoPerTAO, Out: tao.RaoPerTAO}, r)
	require.Equal(t, Pool{TAO: 7 * tao.RaoPerTAO, AlphaIn: tao.RaoPerTAO, AlphaOut: 2 * tao.RaoPerTAO, Stable: true}, p)
}

// Weighted pools follow the balancer formula: checked against float64
// within its precision.
func TestSwap_WeightedMatchesFormula(t *testing.T) {
	for _, w2 := range []Perquintill{PerquintillOne / 4, DefaultQuoteWeight + 123_456_789, PerquintillOne * 9 / 10} {
		p := Pool{TAO: 1000 * tao.RaoPerTAO, AlphaIn: 4000 * tao.RaoPerTAO, QuoteWeight: w2}
		wq := float64(w2) / 1e18
		x, y := float64(p.AlphaIn), float64(p.TAO)
		require.InEpsilon(t, (1-wq)/wq*y/x, p.Price().Float64(), 1e-12)

		dy := 50 * float64(tao.RaoPerTAO)
		r, err := p.SimBuy(Order{Amount: tao.Rao(dy), NoFee: true})
		require.NoError(t, err)
		require.InEpsilon(t, x*(1-math.Pow(y/(y+dy), wq/(1-wq))), float64(r.Out), 1e-9)

		dx := 70 * float64(tao.RaoPerTAO)
		r, err = p.SimSell(Order{Amount: tao.Rao(dx), NoFee: true})
		require.NoError(t, err)
		require.InEpsilon(t, y*(1-math.Pow(x/(x+dx), (1-wq)/wq)), float64(r.Out), 1e-9)
	}
}

func TestRatio_MatchesSafeDiv(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for range 10_000 {
		n, d := rng.Uint64()>>rng.UintN(64), rng.Uint64()>>rng.UintN(64)
		require.Equal(t, fixed.U64F64FromUint(n).SafeDiv(fixed.U64F64FromUint(d)), ratio(n, d), "%d/%d", n, d)
	}
}
