// Package app is the ABCI++ adapter (CometBFT v0.38) around the state
// machine in package chain. It owns all I/O of the chain: the store, the
// mempool's pending state, signature caching, snapshots for state sync and
// the translation of chain results and events into ABCI types. Package
// chain never sees ABCI.
//
// Lifecycle: New opens the store in Config.Dir (or memory) at its last
// committed version. CometBFT then drives the App: Info, then InitChain on a
// new chain (genesis from app_state, see chain.Genesis), then per block
// PrepareProposal (proposer) or ProcessProposal, FinalizeBlock and Commit.
// FinalizeBlock executes the block on a cache branch, writes it to the
// store's working tree and returns the working hash as the app hash; Commit
// saves that version durably. Close releases the store.
//
// Concurrency: the App may be driven with one mutex for all connections or
// with one per connection (CheckTx concurrent with block execution, as
// proxy.NewConnSyncLocalClientCreator does). Consensus calls must come from
// one goroutine at a time; CheckTx, Query and Info may run concurrently
// with them. LatestState is safe from any goroutine.
//
// The read side for other packages (the HTTP API) is LatestState: a
// chain.State over the last committed version, with its height.
package app
