package emission

import (
	"testing"

	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/internal/testutil/vectors"
	"github.com/gotensor/gotensor/tao"
	"github.com/stretchr/testify/require"
)

func i96(t *testing.T, s string) fixed.I96F32 {
	t.Helper()
	v, err := fixed.ParseI96F32(s)
	require.NoError(t, err)
	return v
}

func TestUpdateMovingPrice_Vectors(t *testing.T) {
	type input struct {
		SpotPrice                string  `json:"-"`
		Spot                     float64 `json:"spot_price"`
		Initial                  float64 `json:"initial_moving_price"`
		SubnetMovingAlpha        float64
		FirstEmissionBlockNumber uint64
		CurrentBlock             uint64 `json:"current_block"`
		EMAPriceHalvingBlocks    uint64
		Iterations               int `json:"iterations"`
	}
	var want struct {
		MovingPrice float64 `json:"moving_price"`
	}
	for _, name := range []string{"update_moving_price, 14 iterations", "update_moving_price"} {
		var in input
		vectors.Subtensor(t, name, &in, &want)
		require.Equal(t, 1.0, in.Spot)
		require.Equal(t, 0.0, in.Initial)
		params := MovingPriceParams{Alpha: i96(t, strconvF(in.SubnetMovingAlpha)), HalvingBlocks: in.EMAPriceHalvingBlocks}
		price := fixed.I96F32{}
		for range max(in.Iterations, 1) {
			price = UpdateMovingPrice(MovingAlphaPrice(price, false), fixed.U64F64FromUint(1), params,
				tao.BlockHeight(in.CurrentBlock), tao.BlockHeight(in.FirstEmissionBlockNumber))
		}
		require.InDelta(t, want.MovingPrice, price.Float64(), 1e-3, name)
	}
}

func strconvF(f float64) string {
	switch f {
	case 0.1:
		return "0.1"
	case 0.5:
		return "0.5"
	}
	panic("unexpected alpha")
}

func TestUpdateMovingPrice(t *testing.T) {
	// SubnetMovingAlpha = 1 at block 7 200 000: one update from 0 gives ≥ 0.95.
	p := UpdateMovingPrice(fixed.U64F64{}, fixed.U64F64FromUint(1), MovingPriceParams{Alpha: fixed.I96F32FromInt(1), HalvingBlocks: 201_600}, 7_200_000, 1)
	require.GreaterOrEqual(t, p.Float64(), 0.95)

	// Right after start_call the EMA barely moves (test_update_moving_price_initial).
	def := MovingPriceParams{Alpha: i96(t, "0.000003"), HalvingBlocks: 201_600}
	p = UpdateMovingPrice(fixed.U64F64{}, fixed.U64F64FromUint(1), def, 510, 500)
	require.Less(t, p.Float64(), 0.001)

	// The spot price is capped at 1 before entering the EMA.
	half := MovingPriceParams{Alpha: i96(t, "0.5"), HalvingBlocks: 0}
	require.Equal(t, UpdateMovingPrice(fixed.U64F64{}, fixed.U64F64FromUint(1), half, 100, 1),
		UpdateMovingPrice(fixed.U64F64{}, fixed.U64F64FromUint(1000), half, 100, 1))
	// With h = 0, α is exactly Alpha: ½·1 + ½·0.5 = 0.75.
	require.Equal(t, i96(t, "0.75"), UpdateMovingPrice(fixed.U64F64FromRatio(1, 2), fixed.U64F64FromUint(2), half, 100, 1))
	// No blocks since start_call: α = 0, the price is unchanged.
	old := fixed.U64F64FromRatio(3, 8)
	require.Equal(t, fixed.Convert[fixed.I96F32](old), UpdateMovingPrice(old, fixed.U64F64FromUint(1), def, 99, 100))
	require.Equal(t, fixed.Convert[fixed.I96F32](old), UpdateMovingPrice(old, fixed.U64F64FromUint(1), def, 0, 0))
}
