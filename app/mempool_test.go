package app_test

import (
	"testing"

	"github.com/stretchr/testify/require"

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
