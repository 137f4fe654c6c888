package chain_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/internal/testutil"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// TestSubnets_Randomized runs random subnet calls, valid and not, block
// after block; the harness checks every invariant after each block, and
// CheckTx must agree with the block's verdict on every call.
func TestSubnets_Randomized(t *testing.T) {
	blocks := 150
	if testing.Short() {
		blocks = 40
	}
	coldkeys := testutil.Pairs(t, "rand-cold", 4)
	g := testutil.SubnetCalls{Coldkeys: coldkeys, Hotkeys: testutil.Pairs(t, "rand-hot", 12), Sudo: alice(t)}
	h := testutil.NewHarness(t, testutil.Genesis(100_000*tao.RaoPerTAO, coldkeys...))
	// Cheap, quickly decaying locks and a low limit, so that subnets get
	// pruned and dissolved along the way.
	testutil.RequireOK(t, h.Block(
		h.Tx(g.Sudo, tx.SudoSetGlobal{Name: "network_lock_reduction_interval", Value: 10}),
		h.Tx(g.Sudo, tx.SudoSetGlobal{Name: "subnet_limit", Value: 3}),
		h.Tx(g.Sudo, tx.SudoSetGlobal{Name: "network_immunity_period", Value: 20}),
	))
	r := rand.New(rand.NewPCG(7, 7))
	ok, dissolved := 0, 0
	for range blocks {
		var txs [][]byte
		st := h.State()
		for range 3 {
			p, call := g.Next(r, st)
			txs = append(txs, h.Tx(p, call))
		}
		res := h.Block(txs...)
		for _, tr := range res.TxResults {
			if tr.Code == 0 {
				ok++
			}
			if _, found := testutil.EventAttr(tr.Events, chain.EventSubnetDissolved, "netuid"); found {
				dissolved++
			}
		}
	}
	require.NoError(t, chain.CheckInvariants(h.State()))
	t.Logf("%d calls succeeded, %d subnets dissolved", ok, dissolved)
	require.Greater(t, ok, blocks/2, "most generated calls succeed")
	require.NotEmpty(t, h.State().NetUIDs())
}
