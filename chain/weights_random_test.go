package chain_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/internal/testutil"
	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// TestWeights_Randomized sends random weights calls (valid and not) by
// registered and unregistered hotkeys to two subnets, one with
// commit–reveal, through the ABCI harness with short tempos, so that
// epochs read the rows and commits. The harness checks CheckInvariants
// (weights rows fit their subnets, at most 10 commits per hotkey…) after
// every block; every successful kind must occur and every failure must
// carry a catalog code.
func TestWeights_Randomized(t *testing.T) {
	blocks, perBlock := 150, 12
	if testing.Short() {
		blocks = 40
	}
	h := testutil.NewHarness(t, testutil.Genesis(0))
	alice, bob := testutil.Pair(t, "//Alice"), testutil.Pair(t, "//Bob")
	testutil.RequireOK(t, h.Block(h.Tx(alice, tx.SudoSetGlobal{Name: "network_rate_limit", Value: 0})))
	a := testutil.NewSubnet(h, alice, 3)
	b := testutil.NewSubnet(h, bob, 3)
	for _, n := range []tao.NetUID{a.NetUID, b.NetUID} {
		testutil.SudoSet(h, n, "tempo", 7)
		testutil.SudoSet(h, n, "weights_rate_limit", 1)
	}
	testutil.SudoSet(h, b.NetUID, "commit_reveal_weights_enabled", 0)

	hotkeys := append([]*keys.Pair{a.OwnerHotkey, b.OwnerHotkey}, a.Hotkeys...)
	hotkeys = append(hotkeys, testutil.Pairs(t, "unregistered", 1)...)
	g := &testutil.WeightCalls{Hotkeys: hotkeys}
	r := rand.New(rand.NewPCG(3, 5))
	ok := map[tx.Kind]int{}
	for range blocks {
		st := h.State()
		txs := make([][]byte, 0, perBlock)
		kinds := make([]tx.Kind, 0, perBlock)
		for range perBlock {
			signer, call := g.Next(r, st)
			txs = append(txs, h.Tx(signer, call))
			kinds = append(kinds, call.Kind())
		}
		res := h.Block(txs...)
		for i, tr := range res.TxResults {
			if tr.Code == 0 {
				ok[kinds[i]]++
				continue
			}
			require.NotNil(t, tx.Lookup(tr.Code), "code %d: %s", tr.Code, tr.Log)
		}
		for _, p := range hotkeys {
			h.ResetNonce(p) // rejected transactions did not use their nonce
		}
	}
	t.Logf("successes: %v", ok)
	for _, k := range []tx.Kind{tx.KindSetWeights, tx.KindCommitWeights, tx.KindRevealWeights, tx.KindBatchSetWeights} {
		require.Positive(t, ok[k], "no successful %s in %v", k, ok)
	}
}
