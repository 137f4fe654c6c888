package app

import (
	"bytes"
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
// transactions: it executes them in order on a branch and keeps only those
// that succeed, so a correct proposer never includes a rejected transaction
// or a failing call (the mempool admitted them against an earlier pending
// state). The total stays within MaxTxBytes.
//
// The execution is kept: if the block is decided as proposed, FinalizeBlock
// reuses it instead of executing the transactions a second time.
func (a *App) PrepareProposal(_ context.Context, req *abci.RequestPrepareProposal) (*abci.ResponsePrepareProposal, error) {
	p := a.startBlock(blockOf(req.Height, req.Time.UnixNano(), req.ProposerAddress))
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
		br := p.state.Branch() // a failed call still charges its fee: keep only successes
		res := chain.Apply(br, p.block, t, verified)
		if res.Code != 0 {
			continue
		}
		br.Write()
		if !verified {
			a.sigs.add(t.Hash)
		}
		p.txs = append(p.txs, raw)
		p.results = append(p.results, execResult(res))
		size += n
	}
	a.proposed = p
	return &abci.ResponsePrepareProposal{Txs: p.txs}, nil
}

// execution is a block being executed: its state (a read cache over the
// store), the transactions so far and their results, and the events of
// BeginBlock.
type execution struct {
	block   chain.Block
	cache   *store.Cache
	state   *chain.State
	events  []abci.Event
	txs     [][]byte
	results []*abci.ExecTxResult
}

// startBlock opens a block's state and runs BeginBlock.
func (a *App) startBlock(b chain.Block) *execution {
	cache := store.NewReadCache(a.store)
	st := chain.NewState(cache)
	chain.BeginBlock(st, b)
	return &execution{block: b, cache: cache, state: st, events: abciEvents(st.TakeEvents())}
}

// proposedFor returns the execution PrepareProposal left if req is exactly
// that proposal (height, time, proposer and transactions), else nil.
func (a *App) proposedFor(req *abci.RequestFinalizeBlock) *execution {
	p := a.proposed
	if p == nil || int64(p.block.Height) != req.Height || p.block.Time != req.Time.UnixNano() ||
		!bytes.Equal(p.block.Proposer, req.ProposerAddress) || len(p.txs) != len(req.Txs) {
		return nil
	}
	for i, raw := range req.Txs {
		if !bytes.Equal(raw, p.txs[i]) {
			return nil
		}
	}
	return p
}

func execResult(r chain.Result) *abci.ExecTxResult {
	return &abci.ExecTxResult{Code: r.Code, Log: r.Log, Events: abciEvents(r.Events)}
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
// their code and change nothing. A block this node proposed is not executed
// again: PrepareProposal's execution of exactly these transactions, at this
// height and time, is the same computation.
func (a *App) FinalizeBlock(_ context.Context, req *abci.RequestFinalizeBlock) (*abci.ResponseFinalizeBlock, error) {
	if want := heightOf(a.store.Version()) + 1; req.Height != want || a.store.Version() == 0 {
		return nil, fmt.Errorf("app: FinalizeBlock at height %d, want %d (store version %d)", req.Height, want, a.store.Version())
	}
	e := a.proposedFor(req)
	a.proposed = nil
	if e == nil {
		e = a.startBlock(blockOf(req.Height, req.Time.UnixNano(), req.ProposerAddress))
		a.executeTxs(e, req.Txs)
	} else {
		a.reused++
	}
	chain.EndBlock(e.state, e.block)
	events := append(e.events, abciEvents(e.state.TakeEvents())...)
	if a.cfg.CheckInvariants {
		if err := chain.CheckInvariants(e.state); err != nil {
			panic(fmt.Sprintf("app: block %d: %v", req.Height, err))
		}
	}
	e.cache.Write()
	a.finalTime = e.block.Time
	return &abci.ResponseFinalizeBlock{Events: events, TxResults: e.results, AppHash: a.store.WorkingHash()}, nil
}

// executeTxs decodes the block's transactions, batch-verifies the
// signatures this node has not seen, and applies them in order.
func (a *App) executeTxs(e *execution, raws [][]byte) {
	txs := make([]*tx.Tx, len(raws))
	e.results = make([]*abci.ExecTxResult, len(raws))
	for i, raw := range raws {
		t, err := tx.Decode(raw)
		if err != nil {
			e.results[i] = &abci.ExecTxResult{Code: tx.CodeOf(err), Log: err.Error()}
			continue
		}
		txs[i] = t
	}
	verified, _ := a.verifySignatures(txs)
	for i, t := range txs {
		if t != nil {
			e.results[i] = execResult(chain.Apply(e.state, e.block, t, verified[i]))
		}
	}
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
	a.resetCheckState(a.finalTime)
	if a.snaps != nil && a.cfg.SnapshotInterval > 0 && height%a.cfg.SnapshotInterval == 0 {
		a.snaps.take(a.store, height)
	}
	res := &abci.ResponseCommit{}
	if a.cfg.RetainBlocks > 0 && height > a.cfg.RetainBlocks {
		res.RetainHeight = height - a.cfg.RetainBlocks + 1
	}
	return res, nil
}
