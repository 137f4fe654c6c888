package swap

import (
	"fmt"
	"math/big"

	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/tao"
)

// QuoteWeightFor returns the quote weight that gives a pool with these
// reserves the spot price price (maybe_initialize_palswap with a price):
// w2 = y/(p·x + y), with p·x floored in two parts as subtensor does. It
// fails with ErrWeight if both reserves are zero or the weight would leave
// [MinWeight, 1−MinWeight]. A pool initialised without a price uses
// DefaultQuoteWeight.
func QuoteWeightFor(taoReserve, alphaReserve tao.Rao, price fixed.U64F64) (Perquintill, error) {
	hi, lo := price.Bits()
	x := new(big.Int).SetUint64(uint64(alphaReserve))
	px := new(big.Int).Mul(new(big.Int).SetUint64(hi), x) // whole part of the price × x
	frac := fixed.U64F64FromUint(uint64(alphaReserve)).SaturatingMul(fixed.U64F64FromBits(0, lo))
	px.Add(px, new(big.Int).SetUint64(frac.ToUint()))
	y := new(big.Int).SetUint64(uint64(taoReserve))
	den := px.Add(px, y)
	if den.Sign() == 0 {
		return 0, fmt.Errorf("%w: both reserves are empty", ErrWeight)
	}
	w := perquintillFromRational(y, den)
	if !validWeight(w) {
		return 0, fmt.Errorf("%w: price %s on reserves %d TAO / %d alpha needs quote weight %d", ErrWeight, price, taoReserve, alphaReserve, w)
	}
	return w, nil
}

// AdjustWeights is adjust_protocol_liquidity: it moves the quote weight so
// that adding taoIn and alphaIn to the reserves leaves the price unchanged,
// w2' = q2/(q1+q2) with q1 = round(w1·y·(x+Δx)) and q2 = round(w2·x·(y+Δy)).
// It returns the amounts that may be added, or (0, 0) with the pool
// untouched when the new weight would leave [MinWeight, 1−MinWeight]. The
// reserves themselves are not changed (see Inject for the whole step).
func (p *Pool) AdjustWeights(taoIn, alphaIn tao.Rao) (tao.Rao, tao.Rao) {
	w1, w2 := weights(p.QuoteWeight)
	x, y := new(big.Int).SetUint64(uint64(p.AlphaIn)), new(big.Int).SetUint64(uint64(p.TAO))
	x2 := new(big.Int).Add(x, new(big.Int).SetUint64(uint64(alphaIn)))
	y2 := new(big.Int).Add(y, new(big.Int).SetUint64(uint64(taoIn)))
	q1 := mulPerquintillRound(w1, saturate128(x2.Mul(x2, y)))
	q2 := mulPerquintillRound(w2, saturate128(y2.Mul(y2, x)))
	sum := saturate128(new(big.Int).Add(q1, q2))
	w := DefaultQuoteWeight
	if sum.Sign() != 0 {
		w = perquintillFromRational(q2, sum)
	}
	if !validWeight(w) {
		return 0, 0
	}
	p.QuoteWeight = w
	return taoIn, alphaIn
}

// Injection is what Inject added to a pool.
type Injection struct {
	TAOIn       tao.Rao // TAO added to the reserve as liquidity (SubnetTaoInEmission)
	AlphaIn     tao.Rao // alpha minted into the reserve (SubnetAlphaInEmission)
	ExcessIn    tao.Rao // excess TAO that bought alpha (SubnetExcessTao)
	AlphaBought tao.Rao // alpha that excess bought; it is now in AlphaOut (SubnetProtocolAlpha)
}

// Inject performs one subnet's emission injection (spec §2.3 step 5, in
// subtensor's order): the weights are adjusted for taoIn/alphaIn, the excess
// TAO buys alpha fee-free at market, and only then are taoIn and alphaIn
// added to the reserves. If the weights cannot absorb the liquidity, TAOIn
// and AlphaIn are 0; if the buy fails, ExcessIn is 0. The caller recycles
// whatever TAO was not injected (taoIn+excess − TAOIn − ExcessIn) and mints
// only the alpha reported.
func (p *Pool) Inject(taoIn, alphaIn, excess tao.Rao) Injection {
	var inj Injection
	if p.Stable {
		return inj
	}
	inj.TAOIn, inj.AlphaIn = p.AdjustWeights(taoIn, alphaIn)
	if excess > 0 {
		if r, err := p.BuyAlpha(Order{Amount: excess, NoFee: true}); err == nil {
			inj.ExcessIn, inj.AlphaBought = r.In, r.Out
		}
	}
	p.AlphaIn = p.AlphaIn.SaturatingAdd(inj.AlphaIn)
	p.TAO = p.TAO.SaturatingAdd(inj.TAOIn)
	return inj
}

var (
	u128Max  = new(big.Int).Sub(new(big.Int).Lsh(bigOne, 128), bigOne)
	halfOneQ = new(big.Int).SetUint64(uint64(PerquintillOne / 2))
)

// mulPerquintillRound is round-half-up(v·parts/10^18), capped at 2^128−1.
func mulPerquintillRound(parts uint64, v *big.Int) *big.Int {
	r := new(big.Int).Mul(v, new(big.Int).SetUint64(parts))
	r.Add(r, halfOneQ)
	return saturate128(r.Quo(r, perquintillScale))
}

// saturate128 caps v at the u128 maximum, as Rust's saturating u128 ops do.
func saturate128(v *big.Int) *big.Int {
	if v.Cmp(u128Max) > 0 {
		return v.Set(u128Max)
	}
	return v
}
