package app

import (
	"context"
	"fmt"

	abci "github.com/cometbft/cometbft/abci/types"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/store"
	"github.com/gotensor/gotensor/tx"
)

// PrepareProposal builds the proposer's block from the mempool's
// transactions: it executes them in order on a throwaway branch and keeps
// only those that succeed, so a correct proposer never includes a rejected
// transaction or a failing call (the mempool admitted them against an
// earlier pending state). The total stays within MaxTxBytes.
func (a *App) PrepareProposal(_ context.Context, req *abci.RequestPrepareProposal) (*abci.ResponsePrepareProposal, error) {
	b := blockOf(req.Height, req.Time.UnixNano(), req.ProposerAddress)
	st := chain.NewState(store.NewReadCache(a.store)).Mute()
	chain.BeginBlock(st, b)
	out := make([][]byte, 0, len(req.Txs))
	var size int64
	for _, raw := range req.Txs {
		// The block's Data encodes each tx as a length-delimited field 1.
		n := int64(protowire.SizeTag(1) + protowire.SizeBytes(len(raw)))
		if size+n > req.MaxTxBytes {
			continue
		}
		t, err := tx.Decode(raw)
		if err != nil {
			continue
		}
		verified := a.sigs.has(t.Hash)
		br := st.Branch() // a failed call still charges its fee: keep only successes
		if res := chain.Apply(br, b, t, verified); res.Code != 0 {
			continue
		}
		br.Write()
		if !verified {
			a.sigs.add(t.Hash)
		}
		out = append(out, raw)
		size += n
	}
	return &abci.ResponsePrepareProposal{Txs: out}, nil
}

// ProcessProposal accepts a proposed block unless a transaction in it does
// not decode or carries an invalid signature: a correct proposer never
// includes either. Everything else is decided by execution.
func (a *App) ProcessProposal(_ context.Context, req *abci.RequestProcessProposal) (*abci.ResponseProcessProposal, error) {
	reject := &abci.ResponseProcessProposal{Status: abci.ResponseProcessProposal_REJECT}
	txs := make([]*tx.Tx, len(req.Txs))
	for i, raw := range req.Txs {
		t, err := tx.Decode(raw)
		if err != nil {
			return reject, nil
		}
		txs[i] = t
	}
	if _, valid := a.verifySignatures(txs); !valid {
		return reject, nil
	}
	return &abci.ResponseProcessProposal{Status: abci.ResponseProcessProposal_ACCEPT}, nil
}

// verifySignatures batch-verifies the signatures of txs not in the cache,
// caches the valid ones, and reports per transaction whether its signature
// is known valid (nil entries are false), and whether all are.
func (a *App) verifySignatures(txs []*tx.Tx) (verified []bool, all bool) {
	verified = make([]bool, len(txs))
	bv := keys.NewBatchVerifier()
	var idx []int
	all = true
	for i, t := range txs {
		switch {
		case t == nil:
			all = false
		case a.sigs.has(t.Hash):
			verified[i] = true
		default:
			t.AddTo(bv)
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return verified, all
	}
	_, valid := bv.Verify()
	for j, i := range idx {
		if valid[j] {
			verified[i] = true
			a.sigs.add(txs[i].Hash)
		} else {
			all = false
		}
	}
	return verified, all
}

// FinalizeBlock executes a decided block: BeginBlock, each transaction in
// order (chain.Apply), EndBlock, on a cache over the store; then writes the
// cache to the working tree in key order and returns its root as the app
// hash. Transactions that fail to decode or are rejected are recorded with
// their code and change nothing.
func (a *App) FinalizeBlock(_ context.Context, req *abci.RequestFinalizeBlock) (*abci.ResponseFinalizeBlock, error) {
	if want := heightOf(a.store.Version()) + 1; req.Height != want || a.store.Version() == 0 {
		return nil, fmt.Errorf("app: FinalizeBlock at height %d, want %d (store version %d)", req.Height, want, a.store.Version())
	}
	b := blockOf(req.Height, req.Time.UnixNano(), req.ProposerAddress)
	cache := store.NewReadCache(a.store)
	st := chain.NewState(cache)
	chain.BeginBlock(st, b)
	events := abciEvents(st.TakeEvents())

	txs := make([]*tx.Tx, len(req.Txs))
	results := make([]*abci.ExecTxResult, len(req.Txs))
	for i, raw := range req.Txs {
		t, err := tx.Decode(raw)
		if err != nil {
			results[i] = &abci.ExecTxResult{Code: tx.CodeOf(err), Log: err.Error()}
			continue
		}
		txs[i] = t
	}
	verified, _ := a.verifySignatures(txs)
	for i, t := range txs {
		if t == nil {
			continue
		}
		r := chain.Apply(st, b, t, verified[i])
		results[i] = &abci.ExecTxResult{Code: r.Code, Log: r.Log, Events: abciEvents(r.Events)}
	}

	chain.EndBlock(st, b)
	events = append(events, abciEvents(st.TakeEvents())...)
	if a.cfg.CheckInvariants {
		if err := chain.CheckInvariants(st); err != nil {
			panic(fmt.Sprintf("app: block %d: %v", req.Height, err))
		}
	}
	cache.Write()
	a.pending = &pendingBlock{block: b}
	return &abci.ResponseFinalizeBlock{Events: events, TxResults: results, AppHash: a.store.WorkingHash()}, nil
}

// Commit saves the finalized block's state as a new version (durably), then
// resets the mempool's pending state onto it and, when due, starts a
// snapshot in the background.
func (a *App) Commit(context.Context, *abci.RequestCommit) (*abci.ResponseCommit, error) {
	_, version, err := a.store.Commit()
	if err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	height := heightOf(version)
	var lastTime int64
	if a.pending != nil {
		lastTime = a.pending.block.Time
	}
	a.pending = nil
	a.resetCheckState(lastTime)
	if a.snaps != nil && a.cfg.SnapshotInterval > 0 && height%a.cfg.SnapshotInterval == 0 {
		a.snaps.take(a.store, height)
	}
	res := &abci.ResponseCommit{}
	if a.cfg.RetainBlocks > 0 && height > a.cfg.RetainBlocks {
		res.RetainHeight = height - a.cfg.RetainBlocks + 1
	}
	return res, nil
}
