package chain

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/chain/swap"
	"github.com/gotensor/gotensor/tao"
)

// The cases of subtensor's tests/staking.rs test_max_amount_add_dynamic,
// test_max_amount_remove_dynamic and test_max_amount_move_dynamic_dynamic
// whose pools are above the runtime's MinimumReserve (the mock runtime's
// smaller reserves are not ours), with subtensor's tolerances. A case
// subtensor expects to fail has maximum 0 here.

func dynPool(taoIn, alphaIn tao.Rao) Pool {
	return Pool{Pool: swap.Pool{TAO: taoIn, AlphaIn: alphaIn, QuoteWeight: swap.DefaultQuoteWeight, FeeRate: swap.DefaultFeeRate}}
}

func TestMaxAmountAdd_Subtensor(t *testing.T) {
	for _, c := range []struct{ taoIn, alphaIn, limit, want tao.Rao }{
		{1_000_000_000, 1_000_000_000, 0, 0}, // PriceLimitExceeded
		{1_000_000, 1_000_000, 4_000_000_000, 1_000_500},
		{1_000_000, 1_000_000, 9_000_000_000, 2_001_000},
		{1_000_000, 1_000_000, 16_000_000_000, 3_001_500},
		{1_000_000_000_000, 1_000_000_000_000, 16_000_000_000, 3_001_500_000_000},
		{150_000_000_000, 100_000_000_000, 100_000_000, 0},
		{150_000_000_000, 100_000_000_000, 1_500_000_000, 0},
		{150_000_000_000, 100_000_000_000, 1_500_000_001, 49},
		{150_000_000_000, 100_000_000_000, 6_000_000_000, 150_075_000_000},
	} {
		got := maxAmount(dynPool(c.taoIn, c.alphaIn), c.limit, true)
		require.InDelta(t, float64(c.want), float64(got), float64(c.want/10_000), "%+v", c)
	}
}

func TestMaxAmountRemove_Subtensor(t *testing.T) {
	for _, c := range []struct{ taoIn, alphaIn, limit, want tao.Rao }{
		{10_000_000_000, 10_000_000_000, 0, 10_000_000_000_000},
		{1_000_000, 1_000_000, 250_000_000, 1_010_000},
		{1_000_000, 1_000_000, 62_500_000, 3_030_000},
		{1_000_000_000_000, 1_000_000_000_000, 62_500_000, 3_030_000_000_000},
		{200_000_000_000, 100_000_000_000, 0, 100_000_000_000_000},
		{200_000_000_000, 100_000_000_000, 500_000_000, 101_000_000_000},
		{200_000_000_000, 100_000_000_000, 125_000_000, 303_000_000_000},
		{200_000_000_000, 100_000_000_000, 2_000_000_000, 0},
		{200_000_000_000, 100_000_000_000, 2_000_000_001, 0},
		{200_000_000_000, 100_000_000_000, 1_999_999_999, 24},
		{200_000_000_000, 100_000_000_000, 1_999_999_990, 250},
		{21_000_000_000_000_000, 1_000_000, 21_000_000_000_000_000, 17_455_533},
		{21_000_000_000_000_000, 1_000_000, ^tao.Rao(0), 67_000},
		{21_000_000_000_000_000, 1_000_000_000_000_000_000, ^tao.Rao(0), 0},
		{21_000_000_000_000_000, 1_000_000_000_000_000_000, 20_000_000, 24_700_000_000_000_000},
		{21_000_000_000_000_000, 21_000_000_000_000_000, 999_999_999, 10_605_000},
	} {
		got := maxAmount(dynPool(c.taoIn, c.alphaIn), c.limit, false)
		require.InDelta(t, float64(c.want), float64(got), float64(c.want/100), "%+v", c)
	}
}

func TestMaxAmountMove_Subtensor(t *testing.T) {
	s := newTestState(t)
	for _, c := range []struct{ tao1, alpha1, tao2, alpha2, limit, want, precision tao.Rao }{
		{0, 1_000_000_000, 1_000_000_000, 1_000_000_000, 100, 0, 1},
		{1_000_000_000, 0, 1_000_000_000, 1_000_000_000, 100, 0, 1},
		{1_000_000_000, 1_000_000_000, 0, 1_000_000_000, 100, 0, 1},
		{1_000_000_000, 1_000_000_000, 1_000_000_000, 0, 100, 0, 1},
		{1, 1, 1, 1, 0, ^tao.Rao(0), 1},
		{1, 1, 1, 1, 1, 500_000_000, 1},
		{1, 1, 1, 1, 2, 250_000_000, 1},
		{1, 1, 1, 1, 3, 166_666_666, 1},
		{1, 1, 1, 1, 4, 125_000_000, 1},
		{1, 1, 1, 1, 1_000, 500_000, 1},
		{1_000, 1_000, 1_000, 1_000, 500_000_000, 500, 1},
		{1_000, 1_000, 1_000, 1_000, 100_000_000, 4_500, 1},
		{150_000_000_000, 100_000_000_000, 100_000_000_000, 100_000_000_000, 100_000_000, 560_000_000_000, 1_000_000},
		{150_000_000_000, 100_000_000_000, 100_000_000_000, 100_000_000_000, 500_000_000, 80_000_000_000, 1_000_000},
		{150_000_000_000, 100_000_000_000, 100_000_000_000, 100_000_000_000, 750_000_000, 40_000_000_000, 1_000_000},
		{150_000_000_000, 100_000_000_000, 100_000_000_000, 100_000_000_000, 1_000_000_000, 20_000_000_000, 1_000},
		{150_000_000_000, 100_000_000_000, 100_000_000_000, 100_000_000_000, 1_250_000_000, 8_000_000_000, 1_000},
		{150_000_000_000, 100_000_000_000, 100_000_000_000, 100_000_000_000, 1_499_999_999, 27, 1},
		{150_000_000_000, 100_000_000_000, 100_000_000_000, 100_000_000_000, 1_500_000_000, 0, 1},
		{150_000_000_000, 100_000_000_000, 100_000_000_000, 100_000_000_000, 1_500_000_001, 0, 1},
		{150_000_000_000, 100_000_000_000, 100_000_000_000, 100_000_000_000, 2_000_000_000, 0, 1},
		{150_000_000_000, 100_000_000_000, 100_000_000_000, 100_000_000_000, ^tao.Rao(0), 0, 1},
		{100_000_000_000, 200_000_000_000, 300_000_000_000, 400_000_000_000, 500_000_000, 50_000_000_000, 1_000},
		{1_000_000_000, 1_000_000_000, 1_000_000_000, 1_000_000_000, 1, 499_999_999_500_000_000, 100_000_000},
		{1_000_000, 1_000_000, 21_000_000_000_000_000, 1_000_000_000_000_000_000, 1, 48_000_000_000_000_000, 1_000_000_000_000_000},
		{1_000_000, 1_000_000, 21_000_000_000_000_000, 1_000_000_000_000_000_000, ^tao.Rao(0), 0, 1},
	} {
		s.setPool(1, dynPool(c.tao1, c.alpha1))
		s.setPool(2, dynPool(c.tao2, c.alpha2))
		got := s.maxAmountMove(1, 2, c.limit)
		diff := max(got, c.want) - min(got, c.want)
		require.LessOrEqual(t, diff, c.precision, "%+v: got %d", c, got)
	}
}

// TestMaxAmountMove_Stable reproduces test_max_amount_move_stable_dynamic
// and test_max_amount_move_dynamic_stable with root as the stable side.
func TestMaxAmountMove_Stable(t *testing.T) {
	s := newTestState(t)
	root := tao.RootNetUID
	max64 := ^tao.Rao(0)

	s.setPool(1, dynPool(50_000_000_000, 100_000_000_000)) // price 0.5
	require.Equal(t, max64, s.maxAmountMove(root, 1, 0))
	require.Zero(t, s.maxAmountMove(root, 1, 2_000_000_000))
	require.Zero(t, s.maxAmountMove(root, 1, 3_000_000_000))
	require.InDelta(t, 50_000_000_000*1.003, float64(s.maxAmountMove(root, 1, 500_000_000)), 500_000_000)
	require.Positive(t, s.maxAmountMove(root, 1, 1_999_999_000))
	require.Zero(t, s.maxAmountMove(root, 1, max64))
	require.Zero(t, s.maxAmountMove(root, 1, max64/2))

	alphaIn := tao.Rao(100_000_000_000)
	s.setPool(1, dynPool(150_000_000_000, alphaIn)) // price 1.5
	require.Equal(t, alphaIn*1000, s.maxAmountMove(1, root, 0))
	for _, l := range []tao.Rao{1, 2, 3, 1_499_999_999} {
		require.Positive(t, s.maxAmountMove(1, root, l), "limit %d", l)
	}
	require.Zero(t, s.maxAmountMove(1, root, 1_500_000_001))
	require.InDelta(t, 0, float64(s.maxAmountMove(1, root, 1_500_000_000)), 10_000)
	require.InDelta(t, float64(alphaIn+alphaIn/2000), float64(s.maxAmountMove(1, root, 375_000_000)), float64(alphaIn/10_000))
	require.Less(t, s.maxAmountMove(1, root, max64), tao.Rao(21_000_000_000_000_000))

	// Root to root never moves the price: all or nothing.
	require.Equal(t, max64, s.maxAmountMove(root, root, tao.RaoPerTAO))
	require.Zero(t, s.maxAmountMove(root, root, tao.RaoPerTAO+1))
}
