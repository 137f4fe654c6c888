// Package apitest provides in-memory implementations of the API's Chain
// and Consensus interfaces, for tests of the API and of its clients
// without a node: accounts the test sets, a block store the test appends
// to, and a mempool whose answer the test chooses.
package apitest

import (
	"context"
	"fmt"
	"sync"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/p2p"
	coretypes "github.com/cometbft/cometbft/rpc/core/types"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/gotensor/gotensor/api"
	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/tao"
)

// Chain is an in-memory api.Chain. Set fields before serving; it is safe
// for concurrent reads.
type Chain struct {
	mu       sync.Mutex
	accounts map[tao.AccountID]apitypes.Account
	info     api.ChainInfo
	height   int64
	state    func() (*chain.State, int64, bool)
	pending  func(func(*chain.State, int64)) bool
}

// NewChain returns a chain with no accounts and a zero genesis hash.
func NewChain() *Chain {
	return &Chain{accounts: map[tao.AccountID]apitypes.Account{}, info: api.ChainInfo{GenesisHash: make([]byte, 32)}}
}

// SetAccount sets an account's free balance and committed nonce, with no
// transaction of it pending (its next nonce is nonce).
func (c *Chain) SetAccount(id tao.AccountID, free tao.Rao, nonce uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.accounts[id] = apitypes.Account{Address: id, Free: free, Nonce: nonce, NextNonce: nonce}
}

// SetNextNonce sets the nonce an account's next transaction must carry,
// as if transactions of it waited in the mempool.
func (c *Chain) SetNextNonce(id tao.AccountID, next uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a := c.accounts[id]
	a.Address, a.NextNonce = id, next
	c.accounts[id] = a
}

// SetInfo sets the chain-wide figures.
func (c *Chain) SetInfo(info api.ChainInfo) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.info = info
}

// SetHeight sets the height Account reports.
func (c *Chain) SetHeight(h int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.height = h
}

// Account implements api.Chain; Height is the one SetHeight set.
func (c *Chain) Account(id tao.AccountID) (apitypes.Account, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a := c.accounts[id]
	a.Address, a.Height = id, c.height
	return a, nil
}

// Info implements api.Chain; Height is the one SetHeight set.
func (c *Chain) Info() (api.ChainInfo, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	info := c.info
	info.Height = c.height
	return info, nil
}

// SetLatestState sets what LatestState returns, such as an app.App's
// LatestState. Without it the chain has no state to query.
func (c *Chain) SetLatestState(f func() (*chain.State, int64, bool)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.state = f
}

// LatestState implements api.Chain.
func (c *Chain) LatestState() (*chain.State, int64, bool) {
	c.mu.Lock()
	f := c.state
	c.mu.Unlock()
	if f == nil {
		return nil, 0, false
	}
	return f()
}

// SetPending sets how Pending reads the mempool's state, such as an
// app.App's ReadPending. Without it Pending reads LatestState's state, as
// if the mempool were empty and the next block changed nothing.
func (c *Chain) SetPending(f func(func(*chain.State, int64)) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pending = f
}

// Pending implements api.Chain.
func (c *Chain) Pending(fn func(*chain.State, int64)) bool {
	c.mu.Lock()
	f := c.pending
	c.mu.Unlock()
	if f != nil {
		return f(fn)
	}
	st, height, ok := c.LatestState()
	if ok {
		fn(st, height+1)
	}
	return ok
}

// BroadcastFunc answers a submission as CometBFT's mempool would: a
// CheckTx result, or a mempool error.
type BroadcastFunc func(cmttypes.Tx) (*coretypes.ResultBroadcastTx, error)

// AcceptAll is a BroadcastFunc that accepts every transaction.
func AcceptAll(t cmttypes.Tx) (*coretypes.ResultBroadcastTx, error) {
	return &coretypes.ResultBroadcastTx{Hash: t.Hash()}, nil
}

// Consensus is an in-memory api.Consensus: a block store with results and
// a transaction index over it, and a mempool answering with Broadcast.
type Consensus struct {
	ChainID string

	mu        sync.Mutex
	blocks    []*cmttypes.Block // blocks[h-1]
	results   [][]*abci.ExecTxResult
	broadcast BroadcastFunc
}

// NewConsensus returns an empty block store for chainID whose mempool
// accepts everything.
func NewConsensus(chainID string) *Consensus {
	return &Consensus{ChainID: chainID, broadcast: AcceptAll}
}

// SetBroadcast replaces the mempool's answer.
func (m *Consensus) SetBroadcast(f BroadcastFunc) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.broadcast = f
}

// AddBlock commits a block with txs and their results (nil: success with
// no events) and returns the block and the results for api's
// PublishBlock.
func (m *Consensus) AddBlock(txs [][]byte, results []*abci.ExecTxResult) (*cmttypes.Block, *abci.ResponseFinalizeBlock) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b := &cmttypes.Block{Header: cmttypes.Header{
		ChainID: m.ChainID, Height: int64(len(m.blocks)) + 1,
		Time: time.Unix(1_700_000_000+int64(len(m.blocks)), 0).UTC(),
		// A header hashes only with a validator set.
		ValidatorsHash: make([]byte, 32),
	}}
	res := make([]*abci.ExecTxResult, len(txs))
	for i, t := range txs {
		b.Txs = append(b.Txs, cmttypes.Tx(t))
		res[i] = &abci.ExecTxResult{}
		if i < len(results) && results[i] != nil {
			res[i] = results[i]
		}
	}
	m.blocks = append(m.blocks, b)
	m.results = append(m.results, res)
	return b, &abci.ResponseFinalizeBlock{TxResults: res}
}

func (m *Consensus) latestLocked() int64 { return int64(len(m.blocks)) }

// Status implements api.Consensus.
func (m *Consensus) Status(context.Context) (*coretypes.ResultStatus, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	st := &coretypes.ResultStatus{
		NodeInfo: p2p.DefaultNodeInfo{Network: m.ChainID, DefaultNodeID: "memnode"},
		SyncInfo: coretypes.SyncInfo{LatestBlockHeight: m.latestLocked(), EarliestBlockHeight: 1},
	}
	if n := len(m.blocks); n > 0 {
		last := m.blocks[n-1]
		st.SyncInfo.LatestBlockHash = last.Header.Hash()
		st.SyncInfo.LatestBlockTime = last.Time
	}
	return st, nil
}

// Validators implements api.Consensus with one validator.
func (m *Consensus) Validators(context.Context, *int64, *int, *int) (*coretypes.ResultValidators, error) {
	return &coretypes.ResultValidators{Validators: []*cmttypes.Validator{{Address: make([]byte, 20), VotingPower: 10}}, Count: 1, Total: 1}, nil
}

// Header implements api.Consensus.
func (m *Consensus) Header(ctx context.Context, h *int64) (*coretypes.ResultHeader, error) {
	b, err := m.Block(ctx, h)
	if err != nil {
		return nil, err
	}
	return &coretypes.ResultHeader{Header: &b.Block.Header}, nil
}

// Block implements api.Consensus.
func (m *Consensus) Block(_ context.Context, h *int64) (*coretypes.ResultBlock, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	height := m.latestLocked()
	if h != nil {
		height = *h
	}
	if height < 1 || height > m.latestLocked() {
		return nil, fmt.Errorf("height %d must be less than or equal to the current blockchain height %d", height, m.latestLocked())
	}
	b := m.blocks[height-1]
	return &coretypes.ResultBlock{Block: b, BlockID: cmttypes.BlockID{Hash: b.Header.Hash()}}, nil
}

// BlockResults implements api.Consensus.
func (m *Consensus) BlockResults(_ context.Context, h *int64) (*coretypes.ResultBlockResults, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if *h < 1 || *h > m.latestLocked() {
		return nil, fmt.Errorf("could not find results for height #%d", *h)
	}
	return &coretypes.ResultBlockResults{Height: *h, TxsResults: m.results[*h-1]}, nil
}

// Tx implements api.Consensus.
func (m *Consensus) Tx(_ context.Context, hash []byte, _ bool) (*coretypes.ResultTx, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, b := range m.blocks {
		for j, t := range b.Txs {
			if string(t.Hash()) == string(hash) {
				return &coretypes.ResultTx{Hash: hash, Height: b.Height, Index: uint32(j), TxResult: *m.results[i][j], Tx: t}, nil
			}
		}
	}
	return nil, fmt.Errorf("tx (%X) not found", hash)
}

// BroadcastTxSync implements api.Consensus.
func (m *Consensus) BroadcastTxSync(_ context.Context, t cmttypes.Tx) (*coretypes.ResultBroadcastTx, error) {
	m.mu.Lock()
	f := m.broadcast
	m.mu.Unlock()
	return f(t)
}
