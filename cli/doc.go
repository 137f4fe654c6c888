// Package cli is gotensor's command line, in the shape of btcli: groups
// (wallet, keys, stake, subnets, sudo, weights, axon, yuma, node, localnet,
// testnet) of commands, tables for people and one JSON document for scripts.
//
// Conventions every command follows (see io.go):
//   - --json prints exactly one JSON document on stdout and implies
//     --no-prompt; amounts in JSON are integers in rao.
//   - Errors are one line on stderr ("error: …", then a hint saying what to
//     do next) and a non-zero exit code; with --json the error is also the
//     JSON document {"error": …}.
//   - Money is never spent without a summary and a confirmation, unless
//     --no-prompt or --json is given.
//   - Colour only on a terminal, never when NO_COLOR is set.
//
// The package talks to the chain only through package client, never through
// chain or node internals, except for the localnet/node commands, which
// start a node in-process.
package cli
