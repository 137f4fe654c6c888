// Package client is the Go client of a gotensor node's HTTP JSON API
// (docs/api.md): status, accounts, blocks, transaction submission and
// lookup, the block stream, and a Sender that signs and submits calls for
// one key while tracking its nonce.
//
// A Client is safe for concurrent use and meant to live as long as the
// process: every Client shares one keep-alive transport, so a process
// keeps one pool of connections per node and reconnects transparently.
// Every call is bounded by a timeout (Options.Timeout) on top of the
// caller's context. Idempotent calls are retried with backoff when the
// connection fails; submissions are retried only when the request never
// reached the node.
//
// Errors: a transaction refused or failed on chain comes back as an error
// wrapping its *tx.Error, so errors.Is(err, tx.ErrInsufficientBalance)
// works across the wire. The API's own errors are *APIError and match the
// sentinels ErrNotFound, ErrTimeout and ErrUnavailable with errors.Is.
//
// The package never imports the chain: it speaks only the wire types of
// api/apitypes.
package client
