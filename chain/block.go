package chain

import (
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
	emission := s.mint(params.Treasury, blockEmission(s.TotalIssuance()), ReasonEmission)
	s.setGlobalU64(globalBlockEmission, uint64(emission))
}

// EndBlock runs the end-of-block steps, after the block's transactions.
// It has none yet; epochs will run here.
func EndBlock(s *State, b Block) {}

// blockEmission is get_block_emission_for_issuance (subtensor-spec §2.2):
// DefaultBlockEmission halved k times, where k = floor(log2(S / (S − I)))
// for total supply S and issuance I, i.e. the largest k with
// 2^k·(S − I) ≤ S. It is 0 once I reaches S.
func blockEmission(issuance tao.Rao) tao.Rao {
	if issuance >= totalSupply {
		return 0
	}
	remaining := uint64(totalSupply - issuance)
	k := 0
	// remaining ≤ S < 2^55 and the loop stops once the product exceeds S,
	// so remaining<<(k+1) ≤ 2S never overflows.
	for remaining<<(k+1) <= uint64(totalSupply) {
		k++
	}
	return params.DefaultBlockEmission >> k
}
