package app_test

import (
	"sync"
	"sync/atomic"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/internal/testutil"
	"github.com/gotensor/gotensor/tx"
)

// TestConcurrentReadsDuringBlocks drives blocks on one goroutine while
// others use the connections CometBFT runs concurrently (mempool, query)
// and the API's read side. Run with -race. Readers must always see a
// consistent committed state: the supply invariants hold in every one.
func TestConcurrentReadsDuringBlocks(t *testing.T) {
	g := testutil.Genesis(0)
	h := testutil.NewHarness(t, g)
	alice, bob := testutil.Pair(t, "//Alice"), testutil.Pair(t, "//Bob")
	blocks := 30
	if testing.Short() {
		blocks = 10
	}
	// Pre-sign a second account's transactions for the mempool goroutine.
	pending := make([][]byte, 3*blocks)
	for i := range pending {
		pending[i] = h.Tx(bob, tx.Transfer{Dest: alice.Public(), Amount: 1000})
	}

	var done atomic.Bool
	var wg sync.WaitGroup
	wg.Add(3)
	go func() { // mempool connection
		defer wg.Done()
		for i := 0; !done.Load(); i = (i + 1) % len(pending) {
			_, err := h.App.CheckTx(ctx, &abci.RequestCheckTx{Tx: pending[i]})
			if err != nil {
				t.Error(err)
				return
			}
		}
	}()
	go func() { // query connection
		defer wg.Done()
		for !done.Load() {
			if _, err := h.App.Info(ctx, &abci.RequestInfo{}); err != nil {
				t.Error(err)
				return
			}
			if _, err := h.App.Query(ctx, &abci.RequestQuery{Path: "/store/key", Data: chain.AccountKey(alice.Public()), Prove: true}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	go func() { // the HTTP API
		defer wg.Done()
		for !done.Load() {
			st, _, ok := h.App.LatestState()
			if !ok {
				continue
			}
			if err := chain.CheckInvariants(st); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for i := 0; i < blocks; i++ {
		testutil.RequireOK(t, h.Block(h.Tx(alice, tx.Transfer{Dest: bob.Public(), Amount: 5000})))
	}
	done.Store(true)
	wg.Wait()
	require.Equal(t, uint64(blocks), h.Account(alice.Public()).Nonce)
}
