package chain

import (
	"github.com/gotensor/gotensor/chain/emission"
	"github.com/gotensor/gotensor/params"
	"github.com/gotensor/gotensor/tao"
)

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
// block's transactions:
//
//  1. The block emission for the current issuance (§2.2) is minted. Until
//     subnets emit, it goes to the treasury (params.Treasury).
//
// Later areas add their steps here, in the spec's order.
func BeginBlock(s *State, b Block) {
	updateRegistrationPrices(s, b) // registration burns decay first (§2.1 step 1)
	minted := s.mint(params.Treasury, emission.BlockEmission(s.TotalIssuance()), ReasonEmission)
	s.setGlobalU64(globalBlockEmission, uint64(minted))
}

// EndBlock runs the end-of-block steps, after the block's transactions.
// It has none yet; epochs will run here.
func EndBlock(s *State, b Block) {}
