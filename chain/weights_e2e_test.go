package chain_test

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/chain/yuma"
	"github.com/gotensor/gotensor/internal/testutil"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// TestCommitReveal_AcrossEpochs: commit–reveal through real blocks and
// epochs (tempo 10): the commit masks the epoch input from its block, the
// reveal is refused by CheckTx until the reveal epoch, and once revealed
// the row is what the epoch reads. A second commit left unrevealed expires
// and stops masking.
func TestCommitReveal_AcrossEpochs(t *testing.T) {
	h := testutil.NewHarness(t, testutil.Genesis(0))
	alice := testutil.Pair(t, "//Alice")
	sn := testutil.NewSubnet(h, alice, 2)
	n := sn.NetUID
	testutil.SudoSet(h, n, "tempo", 10)
	testutil.SudoSet(h, n, "weights_rate_limit", 2)
	hk := sn.OwnerHotkey // uid 0: sets weights without permit or stake

	preview := func() yuma.Neuron {
		st := h.State()
		return chain.PreviewEpochInput(st, n, tao.BlockHeight(h.Height+1)).Neurons[0]
	}
	require.Equal(t, yuma.NoCommit, preview().CommitBlock)

	reveal := tx.RevealWeights{NetUID: n, UIDs: []tao.UID{1, 2}, Values: []uint16{1, 3}, Salt: []uint16{9, 9, 9}}
	hash := tx.CommitHash(hk.Public(), n, reveal.UIDs, reveal.Values, reveal.Salt, 0)
	res := h.Block(h.Tx(hk, tx.CommitWeights{NetUID: n, Hash: hash}))
	testutil.RequireOK(t, res)
	commitBlock := uint64(h.Height)
	revealEpoch, ok := testutil.EventAttr(res.TxResults[0].Events, chain.EventWeightsCommitted, "reveal_epoch")
	require.True(t, ok)
	require.Equal(t, commitBlock, preview().CommitBlock, "the epoch masks from the commit block")
	require.Empty(t, preview().Weights)

	// Too early: the mempool refuses the reveal, naming the epochs.
	check := h.CheckTx(h.Tx(hk, reveal))
	require.Equal(t, tx.ErrRevealTooEarly.Code, check.Code, check.Log)
	require.Contains(t, check.Log, "reveal in epoch "+revealEpoch)
	h.ResetNonce(hk)

	due, err := strconv.ParseUint(revealEpoch, 10, 64)
	require.NoError(t, err)
	testutil.UntilEpoch(h, n, due, 50)
	testutil.RequireOK(t, h.Block(h.Tx(hk, reveal)))
	in := preview()
	require.Equal(t, []yuma.Entry{{UID: 1, Value: 21845}, {UID: 2, Value: 65535}}, in.Weights)
	require.Equal(t, yuma.NoCommit, in.CommitBlock, "the revealed commit is gone")

	// An unrevealed commit expires after its reveal epoch.
	for range 2 {
		h.Block() // the rate limit counts from the last commit
	}
	testutil.RequireOK(t, h.Block(h.Tx(hk, tx.CommitWeights{NetUID: n, Hash: [32]byte{1}})))
	require.Equal(t, uint64(h.Height), preview().CommitBlock)
	testutil.UntilEpoch(h, n, h.State().EpochIndex(n)+2, 50)
	require.Equal(t, yuma.NoCommit, preview().CommitBlock)
	require.Len(t, h.State().WeightCommits(n, hk.Public()), 1, "pruned only by the hotkey's next commit or reveal")
}
