package app_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/internal/testutil"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// TestCheckTx_SeesTheNextBlocksStart: CheckTx judges a call on the state
// the next block's transactions will see, after that block's start (burn
// decay, coinbase, epochs). An owner's hyperparameter change sent in the
// block whose epoch runs first is outside the freeze window there: CheckTx
// must admit it as the block accepts it, not refuse it as if the epoch were
// still ahead.
func TestCheckTx_SeesTheNextBlocksStart(t *testing.T) {
	h := testutil.NewHarness(t, testutil.Genesis(tao.RaoPerTAO))
	owner := testutil.Pair(t, "//Bob") // not sudo: the freeze window applies
	sn := testutil.NewSubnet(h, owner, 0)
	testutil.SudoSet(h, sn.NetUID, "tempo", 10)
	for range 30 {
		if h.State().ShouldRunEpoch(sn.NetUID, tao.BlockHeight(h.Height+1)) {
			break
		}
		h.Block()
	}
	require.True(t, h.State().ShouldRunEpoch(sn.NetUID, tao.BlockHeight(h.Height+1)), "the next block runs the epoch")

	raw := h.Tx(owner, tx.SetHyperparameter{NetUID: sn.NetUID, Name: "immunity_period", Value: 100})
	check := h.CheckTx(raw)
	require.Zero(t, check.Code, "CheckTx: %s", check.Log)
	res := h.Block(raw)
	require.Zero(t, res.TxResults[0].Code, "block: %s", res.TxResults[0].Log)
	require.Equal(t, uint16(100), h.State().Hyperparams(sn.NetUID).ImmunityPeriod)
}

// TestReadPending: the pending state holds what CheckTx admitted and the
// next block's start, for the next height; a reader's writes are dropped.
func TestReadPending(t *testing.T) {
	h := testutil.NewHarness(t, testutil.Genesis(tao.RaoPerTAO))
	alice, bob := testutil.Pair(t, "//Alice"), testutil.Pair(t, "//Bob")
	h.Block()
	for range 2 {
		check := h.CheckTx(h.Tx(alice, tx.Transfer{Dest: bob.Public(), Amount: 1}))
		require.Zero(t, check.Code, check.Log)
	}
	committed := h.State()
	third := h.Tx(alice, tx.Transfer{Dest: bob.Public(), Amount: 1})
	var nonce uint64
	var height int64
	var issuance tao.Rao
	require.True(t, h.App.ReadPending(func(st *chain.State, at int64) {
		nonce, height, issuance = st.Account(alice.Public()).Nonce, at, st.TotalIssuance()
		decoded, err := tx.Decode(third)
		require.NoError(t, err)
		require.Zero(t, chain.Apply(st, chain.Block{Height: tao.BlockHeight(at)}, decoded, false).Code)
	}))
	require.Equal(t, uint64(2), nonce, "both admitted transfers")
	require.Zero(t, committed.Account(alice.Public()).Nonce)
	require.Equal(t, h.Height+1, height)
	require.Greater(t, issuance, committed.TotalIssuance(), "the next block's coinbase")
	h.App.ReadPending(func(st *chain.State, _ int64) { nonce = st.Account(alice.Public()).Nonce })
	require.Equal(t, uint64(2), nonce, "what a reader applies is dropped")
}
