package chain

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/params"
	"github.com/gotensor/gotensor/store"
	"github.com/gotensor/gotensor/tao"
)

// TestBeginBlock_MintsCappedAtSupply: the treasury receives the block
// emission, and the last mint stops exactly at the total supply.
func TestBeginBlock_MintsCappedAtSupply(t *testing.T) {
	s := NewState(store.OpenMemory())
	g := DefaultGenesis()
	g.InitialIssuance = params.TotalSupply - 1 // one rao short of the cap, all in the treasury
	require.NoError(t, InitGenesis(s, "c", [32]byte{}, g))

	BeginBlock(s, Block{Height: 1})
	// At TotalSupply−1 the schedule gives 0 (2^54·1 ≤ S), so nothing is minted.
	require.Equal(t, tao.Rao(0), s.BlockEmission())
	require.Equal(t, params.TotalSupply-1, s.TotalIssuance())
	require.NoError(t, CheckInvariants(s))

	s = NewState(store.OpenMemory())
	g.InitialIssuance = params.HalvingIssuance - 1
	require.NoError(t, InitGenesis(s, "c", [32]byte{}, g))
	BeginBlock(s, Block{Height: 1})
	require.Equal(t, params.DefaultBlockEmission, s.BlockEmission())
	BeginBlock(s, Block{Height: 2})
	require.Equal(t, params.DefaultBlockEmission/2, s.BlockEmission(), "halved once issuance passed half the supply")
	require.Equal(t, params.HalvingIssuance-1+params.DefaultBlockEmission*3/2, s.Account(params.Treasury).Free)
	require.NoError(t, CheckInvariants(s))
}

func TestMint_NeverExceedsSupply(t *testing.T) {
	s := NewState(store.OpenMemory())
	g := DefaultGenesis()
	g.InitialIssuance = params.TotalSupply - 10
	require.NoError(t, InitGenesis(s, "c", [32]byte{}, g))
	require.Equal(t, tao.Rao(10), s.mint(params.Treasury, 1000, ReasonEmission))
	require.Equal(t, params.TotalSupply, s.TotalIssuance())
	require.Equal(t, tao.Rao(0), s.mint(params.Treasury, 1000, ReasonEmission))
	require.NoError(t, CheckInvariants(s))
}
