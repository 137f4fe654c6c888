package chain

import "github.com/gotensor/gotensor/tao"

// Block is the block being executed. Its header time is the only clock the
// state machine knows.
type Block struct {
	Height tao.BlockHeight
	// Time is the header time in Unix nanoseconds.
	Time int64
	// Proposer is the proposer's consensus address.
	Proposer []byte
}

// BeginBlock runs the start-of-block steps (subtensor-spec §2.1), before the
// block's transactions, in the spec's order:
//
//  1. registration burns decay (registration.go, §4.2);
//  2. the coinbase (coinbase.go): the block emission for the current
//     issuance (§2.2) is minted; the subnets that emit take their shares
//     into their pools and pending alpha, the rest (all of it while no
//     subnet emits) goes to the treasury (params.Treasury); moving prices
//     are updated; the epochs that fall due run and pay out (epoch.go).
func BeginBlock(s *State, b Block) {
	updateRegistrationPrices(s, b)
	runCoinbase(s, b)
}

// EndBlock runs the end-of-block steps, after the block's transactions.
// It has none: epochs run in BeginBlock, as subtensor's on_initialize runs
// them (docs/emission.md).
func EndBlock(s *State, b Block) {}
