package emission

import (
	"testing"

	"github.com/gotensor/gotensor/internal/testutil/vectors"
	"github.com/gotensor/gotensor/tao"
	"github.com/stretchr/testify/require"
)

func TestBlockEmission_Vector(t *testing.T) {
	var in struct{ Issuance []uint64 }
	var want struct{ Emission []uint64 }
	vectors.Subtensor(t, "get_block_emission_for_issuance", &in, &want)
	require.Len(t, in.Issuance, len(want.Emission))
	for i, iss := range in.Issuance {
		require.Equal(t, tao.Rao(want.Emission[i]), BlockEmission(tao.Rao(iss)), "issuance %d", iss)
	}
}

func TestBlockEmission_Halvings(t *testing.T) {
	// The k-th halving happens when the remaining supply has halved k
	// times, at 21M·(1 − 2^-k) TAO: exactly at that rao while 2^k divides
	// 21e15 (k ≤ 15), since x = 1 − 2^-k is then exact in I96F32.
	supply := uint64(tao.MaxSupply)
	for k := uint(1); k <= 15; k++ {
		at := tao.Rao(supply - supply>>k)
		require.Equal(t, tao.RaoPerTAO>>k, BlockEmission(at), "k=%d", k)
		require.Equal(t, tao.RaoPerTAO>>(k-1), BlockEmission(at-1), "k=%d", k)
	}
	require.Zero(t, BlockEmission(^tao.Rao(0)))
}

func TestBlockEmission_NonIncreasing(t *testing.T) {
	prev := BlockEmission(0)
	for i := tao.Rao(0); i <= tao.MaxSupply; i += tao.MaxSupply / 100_003 {
		e := BlockEmission(i)
		require.LessOrEqual(t, e, prev, "issuance %d", i)
		prev = e
	}
}

func TestNextHalving(t *testing.T) {
	at, blocks, ok := NextHalving(0)
	require.True(t, ok)
	require.Equal(t, 10_500_000*tao.RaoPerTAO, at)
	require.Equal(t, uint64(10_500_000), blocks, "one TAO per block")

	at, blocks, ok = NextHalving(10_500_000*tao.RaoPerTAO - 1)
	require.True(t, ok)
	require.Equal(t, 10_500_000*tao.RaoPerTAO, at)
	require.Equal(t, uint64(1), blocks)

	at, blocks, ok = NextHalving(12_000_000 * tao.RaoPerTAO)
	require.True(t, ok)
	require.Equal(t, 15_750_000*tao.RaoPerTAO, at)
	require.Equal(t, uint64(7_500_000), blocks, "3.75M TAO at 0.5 TAO per block")

	_, _, ok = NextHalving(tao.MaxSupply)
	require.False(t, ok)
}
