// Package chain is gotensor's deterministic state machine: the typed state
// over a store.KV, the transaction pipeline, the call handlers, the block
// step and the supply invariants. It does no I/O and knows nothing of
// ABCI; package app drives it.
//
// Driving it (what app does for each block):
//
//	st := chain.NewState(store.NewReadCache(s)) // a branch of the store
//	chain.BeginBlock(st, b)                     // burn decay, coinbase, epochs
//	for each tx: res := chain.Apply(st, b, t, sigVerified)
//	chain.EndBlock(st, b)                       // nothing yet
//	cache.Write(); appHash := s.WorkingHash()
//
// Genesis is InitGenesis; reads for queries use NewQueryState over a
// committed store.View.
//
// Rules every file here follows (the state machine must give the same
// result on every node):
//
//   - integers or the fixed package only, never floating point;
//   - no iteration over a map where order can reach state or events;
//   - time is Block.Time, never the wall clock; no randomness, no goroutines;
//   - every balance change goes through credit, debit, mint or recycle with
//     a Reason, which emit the events and keep the supply figures;
//   - handlers fail with *tx.Error values (catalog in package tx).
//
// The state layout is declared once, in keys.go. Adding a call: write its
// handler in a file of its area, add its case to dispatch (pipeline.go), and
// declare its error codes in tx/codes_<area>.go (docs/chain.md).
package chain
