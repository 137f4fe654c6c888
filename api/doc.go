// Package api is the node's HTTP JSON API (docs/api.md, docs/openapi.yaml):
// status, accounts, blocks, transaction submission and lookup, and a
// Server-Sent Events stream of committed blocks.
//
// The package reads committed state only, through two interfaces it
// declares itself: Chain (the state machine's read side, satisfied by the
// node's adapter over app) and Consensus (CometBFT's in-process RPC client,
// rpc/client/local, satisfies it). It never touches uncommitted state.
//
// What callers must do: build a Server with New, serve it with Serve (or
// mount Handler), and call PublishBlock for every committed block, in
// height order, after the block's state is committed; waiters of POST
// /v1/tx?wait=commit and the event stream are fed from there. Shutdown
// stops the listener and ends open streams.
//
// Every error answer is an apitypes.Error with a 4xx status for a bad
// request and 5xx for a node-side failure. Transaction rejections keep the
// chain's code (see txStatus for the HTTP status of each class).
package api
