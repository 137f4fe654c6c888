package chain

import (
	"github.com/gotensor/gotensor/params"
	"github.com/gotensor/gotensor/tao"
)

const totalSupply = params.TotalSupply

func (s *State) globalU64(id byte) uint64 {
	b := s.kv.Get(globalKey(id))
	if b == nil {
		return 0
	}
	return decodeU64("global", b)
}

func (s *State) setGlobalU64(id byte, v uint64) { s.kv.Set(globalKey(id), encodeU64(v)) }

// TotalIssuance returns the rao in existence: the sum of all balances (and,
// as later areas add them, pool reserves and locks). Recycling lowers it.
func (s *State) TotalIssuance() tao.Rao { return tao.Rao(s.globalU64(globalTotalIssuance)) }

// TotalMinted returns the rao minted by block emission since genesis.
func (s *State) TotalMinted() tao.Rao { return tao.Rao(s.globalU64(globalTotalMinted)) }

// TotalRecycled returns the rao recycled (fees, reaped dust) since genesis.
func (s *State) TotalRecycled() tao.Rao { return tao.Rao(s.globalU64(globalTotalRecycled)) }

// GenesisSupply returns TotalIssuance as genesis left it.
func (s *State) GenesisSupply() tao.Rao { return tao.Rao(s.globalU64(globalGenesisSupply)) }

// BlockEmission returns the rao emitted by the last executed block.
func (s *State) BlockEmission() tao.Rao { return tao.Rao(s.globalU64(globalBlockEmission)) }

// ChainID returns the chain id recorded at genesis.
func (s *State) ChainID() string { return string(s.kv.Get(globalKey(globalChainID))) }

// GenesisHash returns the genesis hash recorded at genesis; transactions
// must carry it.
func (s *State) GenesisHash() [32]byte {
	b := s.kv.Get(globalKey(globalGenesisHash))
	if b == nil {
		return [32]byte{}
	}
	return decode32("genesis hash", b)
}

// Params are the chain parameters sudo may adjust.
type Params struct {
	// ExistentialDeposit is the smallest non-zero free balance an account may
	// hold; smaller remainders are reaped (recycled).
	ExistentialDeposit tao.Rao
	// TxFee is the flat fee of a coldkey-signed call, recycled.
	TxFee tao.Rao
	// Sudo is the account allowed to call sudo_set_global and to set any
	// hyperparameter; zero means none.
	Sudo tao.AccountID
}

// Params returns the current chain parameters.
func (s *State) Params() Params {
	p := Params{
		ExistentialDeposit: tao.Rao(s.paramU64(paramExistentialDeposit)),
		TxFee:              tao.Rao(s.paramU64(paramTxFee)),
	}
	if b := s.kv.Get(globalKey(globalSudo)); b != nil {
		p.Sudo = decode32("sudo account", b)
	}
	return p
}

func (s *State) setParams(p Params) {
	s.kv.Set(paramKey(paramExistentialDeposit), encodeU64(uint64(p.ExistentialDeposit)))
	s.kv.Set(paramKey(paramTxFee), encodeU64(uint64(p.TxFee)))
	if p.Sudo.IsZero() {
		s.kv.Delete(globalKey(globalSudo))
	} else {
		s.kv.Set(globalKey(globalSudo), p.Sudo[:])
	}
}

func (s *State) paramU64(id byte) uint64 {
	b := s.kv.Get(paramKey(id))
	if b == nil {
		return 0
	}
	return decodeU64("param", b)
}
