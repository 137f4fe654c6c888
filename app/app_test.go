package app_test

import (
	"context"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	ics23 "github.com/cosmos/ics23/go"
	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/app"
	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/internal/testutil"
	"github.com/gotensor/gotensor/store"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

var ctx = context.Background()

func TestRestart_SameHeightHashAndBalances(t *testing.T) {
	dir := t.TempDir()
	g := testutil.Genesis(0)
	h := testutil.OpenHarness(t, app.Config{Dir: dir, CheckInvariants: true}, g)
	alice, bob := testutil.Pair(t, "//Alice"), testutil.Pair(t, "//Bob")
	for i := 0; i < 5; i++ {
		testutil.RequireOK(t, h.Block(h.Tx(alice, tx.Transfer{Dest: bob.Public(), Amount: tao.Rao(1000 + i)})))
	}
	height, hash := h.Height, h.AppHash()
	balances := []chain.Account{h.Account(alice.Public()), h.Account(bob.Public())}
	require.NoError(t, h.App.Close())

	h2 := testutil.OpenHarness(t, app.Config{Dir: dir, CheckInvariants: true}, g)
	require.Equal(t, height, h2.Height)
	require.Equal(t, hash, h2.AppHash())
	require.Equal(t, balances, []chain.Account{h2.Account(alice.Public()), h2.Account(bob.Public())})
	// The chain goes on from there, nonces included.
	testutil.RequireOK(t, h2.Block(h2.Tx(alice, tx.Transfer{Dest: bob.Public(), Amount: 1})))
	require.Equal(t, uint64(6), h2.Account(alice.Public()).Nonce)
}

func TestCheckTx_BeforeInitChain(t *testing.T) {
	a, err := app.New(app.Config{})
	require.NoError(t, err)
	defer a.Close()
	res, err := a.CheckTx(ctx, &abci.RequestCheckTx{Tx: []byte{1}})
	require.NoError(t, err)
	require.Equal(t, tx.ErrDecode.Code, res.Code)
	h := testutil.NewHarness(t, testutil.Genesis(0)) // for a valid tx
	raw := h.Tx(testutil.Pair(t, "//Alice"), tx.Transfer{Dest: tao.AccountID{1}, Amount: 1000})
	res, err = a.CheckTx(ctx, &abci.RequestCheckTx{Tx: raw})
	require.NoError(t, err)
	require.Equal(t, tx.ErrNotReady.Code, res.Code)
}

func TestInitChain_BadGenesis(t *testing.T) {
	a, err := app.New(app.Config{})
	require.NoError(t, err)
	defer a.Close()
	_, err = a.InitChain(ctx, &abci.RequestInitChain{ChainId: "c", AppStateBytes: []byte(`{"params":{"existential_deposit":0}}`)})
	require.ErrorContains(t, err, "existential_deposit must be at least 1 rao")
	info, err := a.Info(ctx, &abci.RequestInfo{})
	require.NoError(t, err)
	require.Zero(t, info.LastBlockHeight)
}

func TestPrepareProposal_KeepsOnlyWhatSucceeds(t *testing.T) {
	h := testutil.NewHarness(t, testutil.Genesis(0))
	alice, bob := testutil.Pair(t, "//Alice"), testutil.Pair(t, "//Bob")
	good1 := h.Tx(alice, tx.Transfer{Dest: bob.Public(), Amount: 1000})
	tooMuch := h.Tx(alice, tx.Transfer{Dest: bob.Public(), Amount: chain.DevBalance}) // fails: would pay a fee
	h.ResetNonce(alice)
	h.Tx(alice, tx.Transfer{})                                          // nonce 0 again
	good2 := h.Tx(alice, tx.Transfer{Dest: bob.Public(), Amount: 2000}) // nonce 1: still next once tooMuch is dropped
	replay := good1
	garbage := []byte("junk")
	res, err := h.App.PrepareProposal(ctx, &abci.RequestPrepareProposal{
		Txs: [][]byte{good1, tooMuch, garbage, replay, good2}, MaxTxBytes: 1 << 20, Height: h.Height + 1, Time: testutil.GenesisTime,
	})
	require.NoError(t, err)
	require.Equal(t, [][]byte{good1, good2}, res.Txs)

	// MaxTxBytes counts each transaction with its protobuf framing.
	res, err = h.App.PrepareProposal(ctx, &abci.RequestPrepareProposal{
		Txs: [][]byte{good1, good2}, MaxTxBytes: int64(len(good1) + 3), Height: h.Height + 1, Time: testutil.GenesisTime,
	})
	require.NoError(t, err)
	require.Equal(t, [][]byte{good1}, res.Txs)
}

func TestProcessProposal_RejectsUndecodableAndForged(t *testing.T) {
	h := testutil.NewHarness(t, testutil.Genesis(0))
	alice := testutil.Pair(t, "//Alice")
	good := h.Tx(alice, tx.Transfer{Dest: tao.AccountID{1}, Amount: 1000})
	forged := append([]byte{}, good...)
	forged[len(forged)-1] ^= 1 // the signature is the last field
	for name, txs := range map[string][][]byte{"undecodable": {good, []byte("x")}, "bad signature": {forged}} {
		res, err := h.App.ProcessProposal(ctx, &abci.RequestProcessProposal{Txs: txs, Height: h.Height + 1})
		require.NoError(t, err)
		require.Equal(t, abci.ResponseProcessProposal_REJECT, res.Status, name)
	}
	res, err := h.App.ProcessProposal(ctx, &abci.RequestProcessProposal{Txs: [][]byte{good}, Height: h.Height + 1})
	require.NoError(t, err)
	require.Equal(t, abci.ResponseProcessProposal_ACCEPT, res.Status)
}

// TestFinalizeBlock_VerifiesUnseenSignatures: a block whose transactions
// this node never saw is verified in FinalizeBlock itself.
func TestFinalizeBlock_VerifiesUnseenSignatures(t *testing.T) {
	g := testutil.Genesis(0)
	signer := testutil.NewHarness(t, g)
	alice := testutil.Pair(t, "//Alice")
	good := signer.Tx(alice, tx.Transfer{Dest: tao.AccountID{1}, Amount: 1000})
	forged := append([]byte{}, signer.Tx(alice, tx.Transfer{Dest: tao.AccountID{1}, Amount: 1000})...)
	forged[len(forged)-1] ^= 1

	fresh := testutil.NewHarness(t, g)
	res := fresh.Finalize(good, forged)
	require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
	require.Equal(t, tx.ErrSignature.Code, res.TxResults[1].Code)
}

func TestQuery_StoreKeyWithProof(t *testing.T) {
	h := testutil.NewHarness(t, testutil.Genesis(0))
	alice := testutil.Pair(t, "//Alice").Public()
	for _, id := range []tao.AccountID{alice, {0xee}} {
		res, err := h.App.Query(ctx, &abci.RequestQuery{Path: app.QueryStoreKey, Data: chain.AccountKey(id), Prove: true})
		require.NoError(t, err)
		require.Zero(t, res.Code, res.Log)
		require.Equal(t, h.Height, res.Height)
		require.Len(t, res.ProofOps.Ops, 1)
		require.Equal(t, app.ProofOpICS23, res.ProofOps.Ops[0].Type)
		var proof ics23.CommitmentProof
		require.NoError(t, proof.Unmarshal(res.ProofOps.Ops[0].Data))
		require.True(t, store.VerifyProof(h.AppHash(), chain.AccountKey(id), res.Value, &proof))
	}
	res, err := h.App.Query(ctx, &abci.RequestQuery{Path: "/nope"})
	require.NoError(t, err)
	require.NotZero(t, res.Code)
	require.Contains(t, res.Log, "unknown query path")
	res, err = h.App.Query(ctx, &abci.RequestQuery{Path: app.QueryStoreKey, Data: []byte{1}, Height: 99})
	require.NoError(t, err)
	require.NotZero(t, res.Code)
}

func TestLatestState_IsTheCommittedBlock(t *testing.T) {
	h := testutil.NewHarness(t, testutil.Genesis(0))
	alice, bob := testutil.Pair(t, "//Alice"), testutil.Pair(t, "//Bob")
	st, height, ok := h.App.LatestState()
	require.True(t, ok)
	require.Equal(t, h.Height, height)
	before := st.Account(bob.Public()).Free
	h.Finalize(h.Tx(alice, tx.Transfer{Dest: bob.Public(), Amount: 1000})) // executed, not committed
	require.Equal(t, before, st.Account(bob.Public()).Free)
	st2, _, _ := h.App.LatestState()
	require.Equal(t, before, st2.Account(bob.Public()).Free)
	require.Equal(t, testutil.ChainID, st2.ChainID())
	require.Equal(t, h.GenesisHash, st2.GenesisHash())
}

// TestInitChain_AgainAfterCrash: a node that crashed between InitChain and
// its first block gets InitChain again; the same genesis gives the same
// hash, another genesis is refused. Transactions are checked against the
// genesis state meanwhile.
func TestInitChain_AgainAfterCrash(t *testing.T) {
	dir := t.TempDir()
	g := testutil.Genesis(0)
	appState := testutil.AppState(t, g)
	req := &abci.RequestInitChain{ChainId: testutil.ChainID, AppStateBytes: appState, InitialHeight: 1, Time: testutil.GenesisTime}
	a, err := app.New(app.Config{Dir: dir})
	require.NoError(t, err)
	first, err := a.InitChain(ctx, req)
	require.NoError(t, err)

	h := testutil.NewHarness(t, g)
	raw := h.Sign(testutil.Pair(t, "//Alice"), h.Body(0, tx.Transfer{Dest: tao.AccountID{1}, Amount: 1000}))
	res, err := a.CheckTx(ctx, &abci.RequestCheckTx{Tx: raw})
	require.NoError(t, err)
	require.Zero(t, res.Code, res.Log)
	require.NoError(t, a.Close())

	a, err = app.New(app.Config{Dir: dir})
	require.NoError(t, err)
	defer a.Close()
	info, err := a.Info(ctx, &abci.RequestInfo{})
	require.NoError(t, err)
	require.Zero(t, info.LastBlockHeight, "no block yet: CometBFT will call InitChain again")
	again, err := a.InitChain(ctx, req)
	require.NoError(t, err)
	require.Equal(t, first.AppHash, again.AppHash)

	other := *req
	other.ChainId = "another"
	_, err = a.InitChain(ctx, &other)
	require.ErrorContains(t, err, "holds another chain")
}
