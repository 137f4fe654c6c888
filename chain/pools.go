package chain

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/gotensor/gotensor/chain/swap"
	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// Pool is a subnet's dTAO pool as stored (subtensor-spec §3.1): the swap
// reserves, quote weight and fee rate of swap.Pool, plus the protocol's
// bookkeeping. The root pool (netuid 0) is stable: 1:1 and fee-free, its
// TAO reserve is the root stake.
//
// A Pool is a value: swapping on it changes nothing in state. Use its
// Price, SimBuy and SimSell for quotes; buyAlpha and sellAlpha swap.
type Pool struct {
	swap.Pool
	// ProtocolAlpha is alpha bought with excess emission TAO and held by
	// the protocol (SubnetProtocolAlpha). It is part of AlphaOut.
	ProtocolAlpha tao.Rao
	// Dust is alpha counted in AlphaOut that nobody holds: the floors of
	// the coinbase's alpha split. The alpha invariant accounts for it.
	Dust tao.Rao
	// Volume is the TAO traded through the pool since it was created
	// (SubnetVolume), saturating.
	Volume tao.Rao
	// MovingPrice is the subnet's moving price (SubnetMovingPrice), set by
	// the coinbase.
	MovingPrice fixed.I96F32
}

// poolLen is the stored size of a Pool: six u64 amounts, the quote weight,
// the fee rate and the moving price's 128 bits.
const poolLen = 6*8 + 8 + 2 + 16

func poolKey(n tao.NetUID) []byte { return []byte{prefixPool, byte(n >> 8), byte(n)} }

// Pool returns subnet n's pool. A subnet without one has the zero Pool
// (no reserves, an invalid weight: every swap fails); the root pool is
// stable even before anything is staked on it.
func (s *State) Pool(n tao.NetUID) Pool {
	var p Pool
	if b := s.kv.Get(poolKey(n)); b != nil {
		p = decodePool(n, b)
	}
	p.Stable = n == tao.RootNetUID
	return p
}

// Price returns subnet n's spot price in TAO per alpha: 1 on root, 0 for a
// subnet without a pool or without alpha in its reserve.
func (s *State) Price(n tao.NetUID) fixed.U64F64 { return s.Pool(n).Price() }

func (s *State) hasPool(n tao.NetUID) bool {
	return n == tao.RootNetUID || s.kv.Get(poolKey(n)) != nil
}

func (s *State) setPool(n tao.NetUID, p Pool) {
	b := make([]byte, 0, poolLen)
	for _, v := range []tao.Rao{p.TAO, p.AlphaIn, p.AlphaOut, p.ProtocolAlpha, p.Dust, p.Volume} {
		b = binary.BigEndian.AppendUint64(b, uint64(v))
	}
	b = binary.BigEndian.AppendUint64(b, uint64(p.QuoteWeight))
	b = binary.BigEndian.AppendUint16(b, p.FeeRate)
	hi, lo := p.MovingPrice.Bits()
	b = binary.BigEndian.AppendUint64(b, hi)
	b = binary.BigEndian.AppendUint64(b, lo)
	s.kv.Set(poolKey(n), b)
}

func decodePool(n tao.NetUID, b []byte) Pool {
	if len(b) != poolLen {
		panic(fmt.Sprintf("chain: corrupt pool of subnet %d: %d bytes, want %d", n, len(b), poolLen))
	}
	u := func(i int) uint64 { return binary.BigEndian.Uint64(b[8*i:]) }
	var p Pool
	p.TAO, p.AlphaIn, p.AlphaOut = tao.Rao(u(0)), tao.Rao(u(1)), tao.Rao(u(2))
	p.ProtocolAlpha, p.Dust, p.Volume = tao.Rao(u(3)), tao.Rao(u(4)), tao.Rao(u(5))
	p.QuoteWeight = swap.Perquintill(u(6))
	p.FeeRate = binary.BigEndian.Uint16(b[56:])
	p.MovingPrice = fixed.I96F32FromBits(binary.BigEndian.Uint64(b[58:]), binary.BigEndian.Uint64(b[66:]))
	return p
}

// initPool creates subnet n's pool with taoReserve TAO and alphaIn alpha in
// its reserves, no alpha outstanding, equal weights and the default fee
// (spec §3.3 pool seeding). The TAO must already have left the free
// balances (debit, not recycle): from here on it is counted as the pool's
// reserve in the TAO invariant. n must not have a pool; register_network
// calls this once per subnet.
func (s *State) initPool(n tao.NetUID, taoReserve, alphaIn tao.Rao) {
	if s.kv.Get(poolKey(n)) != nil {
		panic(fmt.Sprintf("chain: subnet %d already has a pool", n))
	}
	s.setPool(n, Pool{Pool: swap.Pool{
		TAO:         taoReserve,
		AlphaIn:     alphaIn,
		QuoteWeight: swap.DefaultQuoteWeight,
		FeeRate:     swap.DefaultFeeRate,
	}})
	s.emit(EventPoolCreated, netuidAttr(n), amountAttr("tao", taoReserve), amountAttr("alpha_in", alphaIn))
}

// removePool deletes subnet n's pool record, for a dissolved subnet. Its
// stakes must be gone (removeSubnetStakes) and its TAO reserve paid out or
// recycled.
func (s *State) removePool(n tao.NetUID) { s.kv.Delete(poolKey(n)) }

// setPoolFeeRate sets subnet n's swap fee rate (the swap pallet's
// set_fee_rate, root only: callers check the origin). The root pool is
// always fee-free.
func (s *State) setPoolFeeRate(n tao.NetUID, rate uint16) error {
	switch {
	case n == tao.RootNetUID:
		return fmt.Errorf("%w: the root pool swaps 1:1 without a fee", tx.ErrRootSubnet)
	case rate > swap.MaxFeeRate:
		return fmt.Errorf("%w: fee rate %d is above the maximum of %d (65535ths)", tx.ErrHyperparameterBounds, rate, swap.MaxFeeRate)
	case !s.hasPool(n):
		return fmt.Errorf("%w: netuid %d", tx.ErrSubnetNotFound, n)
	}
	p := s.Pool(n)
	p.FeeRate = rate
	s.setPool(n, p)
	return nil
}

// buyAlpha swaps taoAmount TAO for alpha on subnet n (swap_tao_for_alpha)
// and books it: the pool's TAO reserve gains In, Out alpha moves from
// AlphaIn to AlphaOut, the volume grows, and the TAO fee is recycled (swap
// fees go to the block author in Bittensor; gotensor's validators have no
// accounts). limitPrice is the highest acceptable price in rao per alpha (0:
// market); allowPartial fills up to it and leaves Refund unused; feeFree
// is for protocol swaps.
//
// The caller owns both sides of the trade: it must take In+Fee TAO out of
// a free balance (debit) and give Out alpha to someone (addStakeAlpha, or
// a protocol bucket that the alpha invariant counts). On error nothing
// changed.
func (s *State) buyAlpha(n tao.NetUID, taoAmount, limitPrice tao.Rao, allowPartial, feeFree bool) (swap.Result, error) {
	if !s.hasPool(n) {
		return swap.Result{}, fmt.Errorf("%w: subnet %d has no pool", tx.ErrInsufficientLiquidity, n)
	}
	p := s.Pool(n)
	r, err := p.BuyAlpha(swap.Order{Amount: taoAmount, Limit: limitPrice, AllowPartial: allowPartial, NoFee: feeFree})
	if err != nil {
		return swap.Result{}, swapError(n, err)
	}
	p.Volume = p.Volume.SaturatingAdd(r.In + r.Fee)
	s.setPool(n, p)
	if r.Fee > 0 {
		s.retire(r.Fee, ReasonSwapFee)
	}
	return r, nil
}

// sellAlpha swaps alphaAmount alpha for TAO on subnet n (swap_alpha_for_tao)
// and books it: AlphaIn gains In, AlphaOut loses In and the alpha fee (the
// fee is recycled, lowering the subnet's alpha issuance), the TAO reserve
// loses Out, the volume grows. limitPrice is the lowest acceptable price
// in rao per alpha (0: market).
//
// The caller must take In+Fee alpha from its holder (removeStakeAlpha, or
// a protocol bucket) and pay Out TAO to someone (credit). On error nothing
// changed.
func (s *State) sellAlpha(n tao.NetUID, alphaAmount, limitPrice tao.Rao, allowPartial, feeFree bool) (swap.Result, error) {
	if !s.hasPool(n) {
		return swap.Result{}, fmt.Errorf("%w: subnet %d has no pool", tx.ErrInsufficientLiquidity, n)
	}
	p := s.Pool(n)
	r, err := p.SellAlpha(swap.Order{Amount: alphaAmount, Limit: limitPrice, AllowPartial: allowPartial, NoFee: feeFree})
	if err != nil {
		return swap.Result{}, swapError(n, err)
	}
	p.AlphaOut = p.AlphaOut.SaturatingSub(r.Fee)
	p.Volume = p.Volume.SaturatingAdd(r.Out)
	s.setPool(n, p)
	return r, nil
}

// recycleAlpha destroys alpha that its holder gave up (recycle_subnet_alpha):
// AlphaOut decreases, so the subnet's alpha issuance does. The caller has
// already taken the alpha from its holder.
func (s *State) recycleAlpha(n tao.NetUID, alpha tao.Rao) {
	p := s.Pool(n)
	p.AlphaOut = p.AlphaOut.SaturatingSub(alpha)
	s.setPool(n, p)
}

// swapError maps a swap package error to the transaction error catalog,
// keeping the swap's figures in the message.
func swapError(n tao.NetUID, err error) error {
	var code *tx.Error
	switch {
	case errors.Is(err, swap.ErrSlippage):
		code = tx.ErrSlippage
	case errors.Is(err, swap.ErrPriceLimit):
		code = tx.ErrPriceLimit
	case errors.Is(err, swap.ErrInputTooLarge):
		code = tx.ErrSwapTooLarge
	default: // reserves too low, output above the reserve, weights out of range
		code = tx.ErrInsufficientLiquidity
	}
	return fmt.Errorf("%w on subnet %d: %v", code, n, err)
}
