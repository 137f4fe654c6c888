package chain

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/chain/swap"
	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/store"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

func newTestState(t *testing.T) *State {
	t.Helper()
	s := NewState(store.OpenMemory())
	require.NoError(t, InitGenesis(s, "c", [32]byte{}, DefaultGenesis()))
	return s
}

func acct(b byte) tao.AccountID { return tao.AccountID{b} }

// TestPool_StoredRoundTrip: every field of a pool survives its encoding.
func TestPool_StoredRoundTrip(t *testing.T) {
	s := newTestState(t)
	p := Pool{
		Pool:          swap.Pool{TAO: 1, AlphaIn: 2, AlphaOut: 3, QuoteWeight: swap.DefaultQuoteWeight + 7, FeeRate: 99},
		ProtocolAlpha: 4, Dust: 5, Volume: 6, MovingPrice: fixed.I96F32FromBits(8, 9),
	}
	s.setPool(3, p)
	require.Equal(t, p, s.Pool(3))
	require.True(t, s.Pool(tao.RootNetUID).Stable, "root is stable without a record")
	require.False(t, s.Pool(3).Stable)
	require.True(t, s.Pool(4).Price().IsZero(), "no pool, no price")
}

// TestStake_AddRemoveDistribute: nominators share a hotkey's emission pro
// rata, and removing a whole stake removes its records.
func TestStake_AddRemoveDistribute(t *testing.T) {
	s := newTestState(t)
	hk, c1, c2 := acct(1), acct(2), acct(3)
	require.NoError(t, s.addStakeAlpha(c1, hk, 1, 3000))
	require.NoError(t, s.addStakeAlpha(c2, hk, 1, 1000))
	require.NoError(t, s.distributeToHotkey(hk, 1, 400))
	require.Equal(t, tao.Rao(3300), s.StakeOf(c1, hk, 1))
	require.Equal(t, tao.Rao(1100), s.StakeOf(c2, hk, 1))
	require.Equal(t, tao.Rao(4400), s.HotkeyAlpha(hk, 1))

	err := s.removeStakeAlpha(c2, hk, 1, 1101)
	require.ErrorIs(t, err, tx.ErrNotEnoughStake)
	require.Equal(t, tao.Rao(1100), s.StakeOf(c2, hk, 1), "a failed removal changes nothing")

	require.NoError(t, s.removeStakeAlpha(c2, hk, 1, 1100))
	require.Nil(t, s.kv.Get(stakeKey(c2, hk, 1)))
	require.Nil(t, s.kv.Get(stakeIndexKey(1, hk, c2)))
	require.Equal(t, []Stake{{Coldkey: c1, Hotkey: hk, NetUID: 1, Alpha: 3300}}, s.StakersOn(1))
	require.Equal(t, []Stake{{Coldkey: c1, Hotkey: hk, NetUID: 1, Alpha: 3300}}, s.StakesOf(c1))

	require.ErrorIs(t, s.distributeToHotkey(acct(9), 1, 5), tx.ErrNoStake)
}

// TestPool_FeeRate: root sets a subnet's fee rate up to MaxFeeRate; the
// root pool has none.
func TestPool_FeeRate(t *testing.T) {
	s := newTestState(t)
	s.initPool(1, tao.RaoPerTAO, tao.RaoPerTAO)
	require.Equal(t, swap.DefaultFeeRate, s.Pool(1).FeeRate)
	require.NoError(t, s.setPoolFeeRate(1, swap.MaxFeeRate))
	require.Equal(t, swap.MaxFeeRate, s.Pool(1).FeeRate)
	require.ErrorIs(t, s.setPoolFeeRate(1, swap.MaxFeeRate+1), tx.ErrHyperparameterBounds)
	require.ErrorIs(t, s.setPoolFeeRate(tao.RootNetUID, 1), tx.ErrRootSubnet)
	require.ErrorIs(t, s.setPoolFeeRate(2, 1), tx.ErrSubnetNotFound)
}

// TestRemoveSubnetStakes: dissolving a subnet's stakes returns them with
// their alpha and leaves other subnets' stakes alone.
func TestRemoveSubnetStakes(t *testing.T) {
	s := newTestState(t)
	hk, c1, c2 := acct(1), acct(2), acct(3)
	require.NoError(t, s.addStakeAlpha(c1, hk, 1, 300))
	require.NoError(t, s.addStakeAlpha(c2, hk, 1, 100))
	require.NoError(t, s.addStakeAlpha(c1, hk, 2, 50))
	s.initPool(1, tao.RaoPerTAO, tao.RaoPerTAO)
	got := s.removeSubnetStakes(1)
	require.ElementsMatch(t, []Stake{{Coldkey: c1, Hotkey: hk, NetUID: 1, Alpha: 300}, {Coldkey: c2, Hotkey: hk, NetUID: 1, Alpha: 100}}, got)
	require.Empty(t, s.StakersOn(1))
	require.Zero(t, s.HotkeyAlpha(hk, 1))
	require.Equal(t, []Stake{{Coldkey: c1, Hotkey: hk, NetUID: 2, Alpha: 50}}, s.StakesOf(c1))
	s.removePool(1)
	require.False(t, s.hasPool(1))
}

// TestStakingInvariants_SameReportEveryRun: with stake on two subnets that
// have no pool, the check names the lowest netuid every time (it ranged
// over a map and named either).
func TestStakingInvariants_SameReportEveryRun(t *testing.T) {
	s := newTestState(t)
	require.NoError(t, s.addStakeAlpha(acct(1), acct(2), 7, 100))
	require.NoError(t, s.addStakeAlpha(acct(1), acct(3), 5, 100))
	for range 50 {
		_, err := checkStakingInvariants(s)
		require.EqualError(t, err, "chain: invariant: 100 alpha staked on subnet 5, which has no pool")
	}
}
