// Package testutil holds test factories shared across packages: dev and
// generated keys, funded genesis files, and Harness, an in-process ABCI
// application driven block by block without CometBFT (InitChain,
// FinalizeBlock, Commit), for tests of the state machine through its real
// ABCI surface.
//
// Every helper takes a testing.TB and fails the test on error, so tests read
// as the scenario they check.
package testutil
