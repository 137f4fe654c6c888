package pricing

import (
	"math"
	"testing"

	"github.com/gotensor/gotensor/internal/testutil/vectors"
	"github.com/gotensor/gotensor/tao"
	"github.com/stretchr/testify/require"
)

// Asserted by subtensor's test_migrate_network_lock_cost_2500_sets_price_and_decay.
func TestNetworkLock_Vector(t *testing.T) {
	var in struct {
		NetworkLastLockCost          uint64
		NetworkLockReductionInterval uint64
		BlockEmission                uint64 `json:"block_emission"`
		NetworkMinLockCost           uint64
	}
	var want struct {
		CostAtSameBlock   uint64 `json:"cost_at_same_block"`
		CostOneBlockLater uint64 `json:"cost_one_block_later"`
	}
	vectors.Subtensor(t, "get_network_lock_cost", &in, &want)
	const now = 5000
	l := NetworkLock{
		LastCost:          tao.Rao(in.NetworkLastLockCost),
		LastBlock:         now,
		MinCost:           tao.Rao(in.NetworkMinLockCost),
		ReductionInterval: in.NetworkLockReductionInterval,
	}
	be := tao.Rao(in.BlockEmission)
	require.Equal(t, tao.Rao(want.CostAtSameBlock), l.Cost(now, be))
	require.Equal(t, tao.Rao(want.CostOneBlockLater), l.Cost(now+1, be))
}

func TestNetworkLock_Cost(t *testing.T) {
	const taoR = tao.RaoPerTAO
	l := NetworkLock{LastCost: 1000 * taoR, LastBlock: 0, MinCost: 1000 * taoR, ReductionInterval: 100_800}
	require.Equal(t, 1000*taoR, l.Cost(0, taoR), "before any registration the multiplier is 1")

	l.LastBlock = 7200
	require.Equal(t, 2000*taoR, l.Cost(7200, taoR))
	// floor(1000 TAO / 100800) rao per block.
	perBlock := tao.Rao(1000 * uint64(taoR) / 100_800)
	require.Equal(t, 2000*taoR-perBlock*50_400, l.Cost(7200+50_400, taoR))
	require.Equal(t, 1000*taoR, l.Cost(7200+100_801, taoR), "floored at the minimum")
	require.Equal(t, 1000*taoR, l.Cost(math.MaxUint64, taoR), "saturating elapsed")

	// At half emission the interval halves and the cost falls twice as fast.
	require.Equal(t, 2000*taoR-tao.Rao(1000*uint64(taoR)/50_400)*1000, l.Cost(7200+1000, taoR/2))
	require.Equal(t, 2000*taoR, l.Cost(100, taoR), "now before LastBlock counts as no time")

	l.ReductionInterval = 0
	require.Equal(t, 2000*taoR, l.Cost(1_000_000, taoR), "interval 0 disables decay")
	l.LastCost = math.MaxUint64
	require.Equal(t, tao.Rao(math.MaxUint64), l.Cost(1_000_000, taoR), "doubling saturates")
}

func TestReductionInterval(t *testing.T) {
	require.Equal(t, uint64(100_800), ReductionInterval(100_800, tao.RaoPerTAO))
	require.Equal(t, uint64(50_400), ReductionInterval(100_800, tao.RaoPerTAO/2))
	require.Equal(t, uint64(25_200), ReductionInterval(100_800, tao.RaoPerTAO/4))
	require.Equal(t, uint64(0), ReductionInterval(100_800, 0))
	// 976562 rao (emission after ten halvings) is not a binary fraction of
	// 1e9: the I64F64 quotient truncates, then the product floors.
	require.Equal(t, uint64(98), ReductionInterval(100_800, 976_562))
}
