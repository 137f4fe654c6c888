package app

import (
	"context"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/tx"
)

// CheckTx admits a transaction to the mempool if it would succeed on the
// pending state: the last committed state plus every transaction admitted
// since. Its effects (nonce, fee, call) are applied to the pending state,
// so several transactions of one account can wait in the mempool with
// consecutive nonces. After each Commit the pending state restarts from the
// committed one and CometBFT rechecks the remaining transactions.
//
// A rejection carries the *tx.Error code and message; the transaction is
// not gossiped or included, and nothing changes.
func (a *App) CheckTx(_ context.Context, req *abci.RequestCheckTx) (*abci.ResponseCheckTx, error) {
	t, err := tx.Decode(req.Tx)
	if err != nil {
		return checkErr(err), nil
	}
	verified := a.sigs.has(t.Hash)
	a.checkMu.Lock()
	defer a.checkMu.Unlock()
	if a.check == nil { // before InitChain
		return checkErr(tx.ErrNotReady), nil
	}
	br := a.check.Branch()
	res := chain.Apply(br, a.checkBlock, t, verified)
	if res.Code != 0 {
		return &abci.ResponseCheckTx{Code: res.Code, Log: res.Log}, nil
	}
	br.Write()
	if !verified {
		a.sigs.add(t.Hash)
	}
	return &abci.ResponseCheckTx{}, nil
}

// ReadPending calls fn with the mempool's pending state, the state CheckTx
// judges a new transaction on: the last committed state moved on by the
// next block's BeginBlock and by every transaction admitted since. height
// is that next block's. fn runs while CheckTx waits, so it must be quick;
// st is a branch whose writes are dropped, and must not be kept. ok is
// false before InitChain.
func (a *App) ReadPending(fn func(st *chain.State, height int64)) (ok bool) {
	a.checkMu.Lock()
	defer a.checkMu.Unlock()
	if a.check == nil {
		return false
	}
	fn(a.check.Branch(), int64(a.checkBlock.Height))
	return true
}

func checkErr(err error) *abci.ResponseCheckTx {
	return &abci.ResponseCheckTx{Code: tx.CodeOf(err), Log: err.Error()}
}

// resetCheckState restarts the pending state from the last committed
// version, moved on by the next block's BeginBlock (burn decay, coinbase,
// epochs), so that CheckTx judges each call on the state the next block's
// transactions see, as PrepareProposal does; lastTime is the committed
// block's time (BeginBlock does not read it).
func (a *App) resetCheckState(lastTime int64) {
	v := a.store.Latest()
	a.checkMu.Lock()
	defer a.checkMu.Unlock()
	if v == nil {
		a.check = nil
		return
	}
	a.check = chain.NewQueryState(v).Mute()
	a.checkBlock = blockOf(heightOf(v.Version())+1, lastTime, nil)
	chain.BeginBlock(a.check, a.checkBlock)
}
