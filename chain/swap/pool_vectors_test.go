package swap

import (
	"math/big"
	"testing"

	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/internal/testutil/vectors"
	"github.com/gotensor/gotensor/tao"
	"github.com/stretchr/testify/require"
)

// test_swap_basic: every order starts from the same reserves.
func TestSwapBasic_Vector(t *testing.T) {
	var in struct {
		TAOReserve   uint64  `json:"tao_reserve"`
		AlphaReserve uint64  `json:"alpha_reserve"`
		FeeRate      uint16  `json:"fee_rate_u16"`
		Orders       [][]any `json:"orders"`
	}
	var want struct {
		Fee       []uint64 `json:"fee"`
		DeltaIn   []uint64 `json:"delta_in"`
		AmountOut []uint64 `json:"amount_out"`
	}
	vectors.Subtensor(t, "balancer swap at w_quote=0.5", &in, &want)
	require.Len(t, in.Orders, len(want.Fee))
	for i, o := range in.Orders {
		p := Pool{TAO: tao.Rao(in.TAOReserve), AlphaIn: tao.Rao(in.AlphaReserve), QuoteWeight: DefaultQuoteWeight, FeeRate: in.FeeRate}
		order := Order{Amount: tao.Rao(o[1].(float64))}
		var r Result
		var err error
		switch o[0] {
		case "buy_alpha_with_tao":
			r, err = p.BuyAlpha(order)
		case "sell_alpha_for_tao":
			r, err = p.SellAlpha(order)
		default:
			t.Fatalf("order %v", o)
		}
		require.NoError(t, err, "order %d", i)
		require.Equal(t, Result{In: tao.Rao(want.DeltaIn[i]), Fee: tao.Rao(want.Fee[i]), Out: tao.Rao(want.AmountOut[i])}, r, "order %d %v", i, o)
	}
}

// fromF64 converts a float64 to the nearest U64F64, ties to even, as
// substrate-fixed's from_num does for the literals in the Rust tests.
func fromF64(f float64) fixed.U64F64 {
	scaled := new(big.Float).SetPrec(256).SetFloat64(f)
	scaled.SetMantExp(scaled, 64) // exact: f·2^64
	n, _ := scaled.Int(nil)       // truncated
	rest := new(big.Float).Sub(scaled, new(big.Float).SetInt(n))
	if c := rest.Cmp(big.NewFloat(0.5)); c > 0 || (c == 0 && n.Bit(0) == 1) {
		n.Add(n, big.NewInt(1))
	}
	return fixed.U64F64FromBits(new(big.Int).Rsh(n, 64).Uint64(), new(big.Int).And(n, new(big.Int).SetUint64(^uint64(0))).Uint64())
}

func TestPowRatioScaled_Vector(t *testing.T) {
	var in struct{ X, Dx, W1, W2 uint64 }
	var want struct{ Result uint64 }
	vectors.Subtensor(t, "SafeInt::pow_ratio_scaled", &in, &want)
	x := new(big.Int).SetUint64(in.X)
	got, ok := powRatioScaled(x, new(big.Int).Add(x, new(big.Int).SetUint64(in.Dx)),
		new(big.Int).SetUint64(in.W1), new(big.Int).SetUint64(in.W2), 4096, perquintillScale)
	require.True(t, ok)
	require.Equal(t, want.Result, got.Uint64())
}

func TestLimitDeltas_Vector(t *testing.T) {
	type leg struct {
		WQuote       float64 `json:"w_quote"`
		CurrentPrice float64 `json:"current_price"`
		TargetPrice  float64 `json:"target_price"`
		TAOReserve   uint64  `json:"tao_reserve"`
		AlphaReserve uint64  `json:"alpha_reserve"`
	}
	var in struct{ Quote, Base leg }
	var want struct {
		QuoteDeltaIn uint64 `json:"quote_delta_in"`
		BaseDeltaIn  uint64 `json:"base_delta_in"`
	}
	vectors.Subtensor(t, "limit-order deltas", &in, &want)
	require.Equal(t, 0.25, in.Quote.WQuote)
	require.Equal(t, 0.25, in.Base.WQuote)
	p := Pool{QuoteWeight: PerquintillOne / 4, TAO: tao.Rao(in.Quote.TAOReserve), AlphaIn: tao.Rao(in.Base.AlphaReserve)}
	require.Equal(t, tao.Rao(want.QuoteDeltaIn), p.deltaToLimit(fromF64(in.Quote.CurrentPrice), fromF64(in.Quote.TargetPrice), buy))
	require.Equal(t, tao.Rao(want.BaseDeltaIn), p.deltaToLimit(fromF64(in.Base.CurrentPrice), fromF64(in.Base.TargetPrice), sell))
	// A limit on the wrong side needs no input (test_calculate_*_delta_in_impossible).
	require.Zero(t, p.deltaToLimit(fromF64(0.1), fromF64(0.05), buy))
	require.Zero(t, p.deltaToLimit(fromF64(0.1), fromF64(0.2), sell))
}

func TestInitialize_Vector(t *testing.T) {
	var in struct {
		TAOReserve   uint64 `json:"tao_reserve"`
		AlphaReserve uint64 `json:"alpha_reserve"`
	}
	var want struct{ Price []float64 }
	vectors.Subtensor(t, "maybe_initialize_palswap", &in, &want)
	y, x := tao.Rao(in.TAOReserve), tao.Rao(in.AlphaReserve)

	p := Pool{TAO: y, AlphaIn: x, QuoteWeight: DefaultQuoteWeight}
	require.InDelta(t, want.Price[0], p.Price().Float64(), 1e-9)

	w, err := QuoteWeightFor(y, x, fromF64(0.2))
	require.NoError(t, err)
	// The float 0.2 is slightly above 0.2, so p·x floors to 8e8 and
	// w2 = floor(1e9·1e18 / 1.8e9).
	require.Equal(t, Perquintill(555555555555555555), w)
	p.QuoteWeight = w
	require.InDelta(t, want.Price[1], p.Price().Float64(), 1e-9)

	// The U64F64 nearest to decimal 0.2 is below it: p·x floors to 799999999.
	dec, err := fixed.ParseU64F64("0.2")
	require.NoError(t, err)
	w2, err := QuoteWeightFor(y, x, dec)
	require.NoError(t, err)
	require.Equal(t, Perquintill(555555555864197531), w2)
}
