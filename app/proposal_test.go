package app_test

import (
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/internal/testutil"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// TestProposer_ReusedExecutionMatches: a proposer finalizes its own block
// from PrepareProposal's execution; a node that did not propose executes
// the same block from scratch. Results, events and app hashes must agree,
// block after block, including when the decided block is not the one this
// node prepared.
func TestProposer_ReusedExecutionMatches(t *testing.T) {
	senders := testutil.Pairs(t, "proposer", 8)
	g := testutil.Genesis(tao.RaoPerTAO, senders...)
	proposer, follower := testutil.NewHarness(t, g), testutil.NewHarness(t, g)
	alice := testutil.Pair(t, "//Alice")
	for b := 0; b < 12; b++ {
		var candidates [][]byte
		for i, p := range senders {
			amount := tao.Rao(1000 * (i + 1))
			if (b+i)%5 == 0 {
				amount = 2 * tao.RaoPerTAO // fails: dropped by PrepareProposal
				proposer.ResetNonce(p)
				candidates = append(candidates, proposer.Sign(p, proposer.Body(proposer.Account(p.Public()).Nonce, tx.Transfer{Dest: alice.Public(), Amount: amount})))
				continue
			}
			candidates = append(candidates, proposer.Tx(p, tx.Transfer{Dest: alice.Public(), Amount: amount}))
		}
		var res *abci.ResponseFinalizeBlock
		var kept [][]byte
		if b%4 == 3 {
			// Another validator's block wins the round: this node prepared one
			// block and finalizes a different one.
			_, err := proposer.App.PrepareProposal(ctx, &abci.RequestPrepareProposal{Txs: candidates, MaxTxBytes: 1 << 20, Height: proposer.Height + 1})
			require.NoError(t, err)
			kept = candidates[:2]
			res = proposer.Block(kept...)
		} else {
			kept, res = proposer.Propose(candidates...)
		}
		want := follower.Block(kept...)
		require.Equal(t, want.AppHash, res.AppHash, "block %d", b)
		require.Equal(t, want.TxResults, res.TxResults, "block %d", b)
		require.Equal(t, want.Events, res.Events, "block %d", b)
		for _, p := range senders {
			proposer.ResetNonce(p)
		}
	}
	require.NoError(t, chain.CheckInvariants(proposer.State()))
	require.Equal(t, 9, proposer.App.Reused(), "the proposer's own blocks reuse their execution")
	require.Zero(t, follower.App.Reused())
}
