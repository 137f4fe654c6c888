// Package apitypes holds the wire types of gotensor's HTTP JSON API (see
// docs/api.md): the documents the node's api package writes and the client
// package reads. It has no behaviour, so clients can import it without
// pulling in the chain or the node.
//
// Conventions: amounts are JSON integers in rao (tao.Rao), addresses are
// SS58 strings (tao.AccountID), hashes are 0x-prefixed lowercase hex
// (Hash), times are RFC 3339 with nanoseconds. Every error is an Error
// document with an HTTP status of 4xx or 5xx.
package apitypes
