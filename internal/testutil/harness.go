package testutil

import (
	"bytes"
	"context"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/gotensor/gotensor/app"
	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// GenesisTime is the genesis time of test chains; block n is n seconds
// later, so runs are reproducible.
var GenesisTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Harness drives an app.App in process, the way CometBFT would with one
// validator: InitChain, then for each block ProcessProposal, FinalizeBlock
// and Commit. It is not safe for concurrent use.
type Harness struct {
	T           testing.TB
	App         *app.App
	AppState    []byte
	GenesisHash [32]byte
	// Height is the last committed height.
	Height int64

	nonces map[tao.AccountID]uint64
}

// NewHarness starts an in-memory app on genesis g (InitChain) and commits
// block 1 (empty), so the committed state is readable at once. The app has
// invariant checking on.
func NewHarness(t testing.TB, g chain.Genesis) *Harness {
	t.Helper()
	return OpenHarness(t, app.Config{CheckInvariants: true}, g)
}

// OpenHarness is NewHarness with an explicit app configuration (for
// example a data directory). If the store already holds a chain, InitChain
// is skipped and the harness continues from its last height.
func OpenHarness(t testing.TB, cfg app.Config, g chain.Genesis) *Harness {
	t.Helper()
	a, err := app.New(cfg)
	if err != nil {
		t.Fatalf("testutil: %v", err)
	}
	t.Cleanup(func() { a.Close() })
	h := &Harness{T: t, App: a, AppState: AppState(t, g), nonces: map[tao.AccountID]uint64{}}
	h.GenesisHash = chain.GenesisHash(ChainID, 1, GenesisTime.UnixNano(), h.AppState)
	info, err := a.Info(context.Background(), &abci.RequestInfo{})
	if err != nil {
		t.Fatalf("testutil: Info: %v", err)
	}
	if info.LastBlockHeight > 0 {
		h.Height = info.LastBlockHeight
		return h
	}
	_, err = a.InitChain(context.Background(), &abci.RequestInitChain{
		Time: GenesisTime, ChainId: ChainID, AppStateBytes: h.AppState, InitialHeight: 1,
	})
	if err != nil {
		t.Fatalf("testutil: InitChain: %v", err)
	}
	h.Block()
	return h
}

// WithT returns a copy of h that reports to t, sharing the app, for use
// inside subtests and fuzz targets. Blocks committed through the copy are
// not seen by h's Height.
func (h *Harness) WithT(t testing.TB) *Harness {
	c := *h
	c.T = t
	return &c
}

// Block runs the next block with txs through ProcessProposal (which must
// accept it), FinalizeBlock and Commit, and returns FinalizeBlock's response.
func (h *Harness) Block(txs ...[]byte) *abci.ResponseFinalizeBlock {
	h.T.Helper()
	height := h.Height + 1
	t := GenesisTime.Add(time.Duration(height) * time.Second)
	ctx := context.Background()
	pp, err := h.App.ProcessProposal(ctx, &abci.RequestProcessProposal{Txs: txs, Height: height, Time: t})
	if err != nil || pp.Status != abci.ResponseProcessProposal_ACCEPT {
		h.T.Fatalf("testutil: block %d: ProcessProposal: %v %v", height, pp.GetStatus(), err)
	}
	res := h.Finalize(txs...)
	if _, err := h.App.Commit(ctx, &abci.RequestCommit{}); err != nil {
		h.T.Fatalf("testutil: block %d: Commit: %v", height, err)
	}
	h.Height = height
	if got := h.AppHash(); !bytes.Equal(got, res.AppHash) {
		h.T.Fatalf("testutil: block %d: committed hash %X, finalized %X", height, got, res.AppHash)
	}
	return res
}

// Propose runs the next block as its proposer would: PrepareProposal over
// the candidate txs, ProcessProposal and FinalizeBlock of what it kept, and
// Commit. It returns the kept transactions and FinalizeBlock's response.
func (h *Harness) Propose(candidates ...[]byte) ([][]byte, *abci.ResponseFinalizeBlock) {
	h.T.Helper()
	height := h.Height + 1
	t := GenesisTime.Add(time.Duration(height) * time.Second)
	prep, err := h.App.PrepareProposal(context.Background(), &abci.RequestPrepareProposal{
		Txs: candidates, MaxTxBytes: 100 << 20, Height: height, Time: t,
	})
	if err != nil {
		h.T.Fatalf("testutil: block %d: PrepareProposal: %v", height, err)
	}
	return prep.Txs, h.Block(prep.Txs...)
}

// Finalize runs FinalizeBlock for the next height without committing.
func (h *Harness) Finalize(txs ...[]byte) *abci.ResponseFinalizeBlock {
	h.T.Helper()
	height := h.Height + 1
	res, err := h.App.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{
		Txs: txs, Height: height, Time: GenesisTime.Add(time.Duration(height) * time.Second),
	})
	if err != nil {
		h.T.Fatalf("testutil: block %d: FinalizeBlock: %v", height, err)
	}
	return res
}

// CheckTx submits raw to the mempool check.
func (h *Harness) CheckTx(raw []byte) *abci.ResponseCheckTx {
	h.T.Helper()
	res, err := h.App.CheckTx(context.Background(), &abci.RequestCheckTx{Tx: raw, Type: abci.CheckTxType_New})
	if err != nil {
		h.T.Fatalf("testutil: CheckTx: %v", err)
	}
	return res
}

// State returns the last committed state.
func (h *Harness) State() *chain.State {
	h.T.Helper()
	st, _, ok := h.App.LatestState()
	if !ok {
		h.T.Fatal("testutil: no committed state")
	}
	return st
}

// Account returns an account of the last committed state.
func (h *Harness) Account(id tao.AccountID) chain.Account { return h.State().Account(id) }

// AppHash returns the last committed app hash.
func (h *Harness) AppHash() []byte {
	h.T.Helper()
	info, err := h.App.Info(context.Background(), &abci.RequestInfo{})
	if err != nil {
		h.T.Fatalf("testutil: Info: %v", err)
	}
	return info.LastBlockAppHash
}

// Body returns a transaction body for this chain with the given nonce.
func (h *Harness) Body(nonce uint64, call tx.Call) tx.Body {
	return tx.Body{ChainID: ChainID, GenesisHash: h.GenesisHash, Nonce: nonce, Call: call}
}

// Sign signs body with p.
func (h *Harness) Sign(p *keys.Pair, body tx.Body) []byte {
	h.T.Helper()
	raw, err := tx.Sign(p, body)
	if err != nil {
		h.T.Fatalf("testutil: signing: %v", err)
	}
	return raw
}

// Tx signs call by p with the next nonce of p: its committed nonce the first
// time, then one more for each Tx since. Use ResetNonce after a transaction
// that did not make it into a block.
func (h *Harness) Tx(p *keys.Pair, call tx.Call) []byte {
	h.T.Helper()
	id := p.Public()
	n, ok := h.nonces[id]
	if !ok {
		n = h.Account(id).Nonce
	}
	h.nonces[id] = n + 1
	return h.Sign(p, h.Body(n, call))
}

// ResetNonce makes the next Tx of p use its committed nonce again.
func (h *Harness) ResetNonce(p *keys.Pair) { delete(h.nonces, p.Public()) }

// RequireOK fails the test unless every transaction of a block succeeded.
func RequireOK(t testing.TB, res *abci.ResponseFinalizeBlock) {
	t.Helper()
	for i, r := range res.TxResults {
		if r.Code != 0 {
			t.Fatalf("tx %d failed: code %d: %s", i, r.Code, r.Log)
		}
	}
}
