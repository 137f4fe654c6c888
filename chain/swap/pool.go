package swap

import (
	"errors"
	"fmt"

	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/tao"
)

// Protocol constants of the swap (spec §3.2, runtime values).
const (
	// DefaultFeeRate is the default FeeRate: 33/65535 ≈ 0.05 %.
	DefaultFeeRate uint16 = 33
	// MaxFeeRate is the largest FeeRate root may set.
	MaxFeeRate uint16 = 10_000
	// MinimumReserve is the smallest output reserve a swap may draw from.
	MinimumReserve tao.Rao = 1_000_000
	// MaxInputMultiple bounds a swap's net input to this many times the
	// input reserve.
	MaxInputMultiple = 1000
	// MaxPrice is the limit of a market buy: 10^9 TAO per alpha, in rao.
	MaxPrice tao.Rao = 1_000_000_000_000_000_000
	// MinPrice is the limit of a market sell: 10^-6 TAO per alpha, in rao.
	MinPrice tao.Rao = 1000
)

// Errors returned (wrapped) by swaps. Each leaves the pool unchanged.
var (
	ErrInputTooLarge         = errors.New("swap: input exceeds 1000 times the input reserve")
	ErrReservesTooLow        = errors.New("swap: reserves too low")
	ErrPriceLimit            = errors.New("swap: price already at or beyond the limit")
	ErrSlippage              = errors.New("swap: limit price reached before the full amount")
	ErrInsufficientLiquidity = errors.New("swap: output exceeds the reserve")
	ErrWeight                = errors.New("swap: balancer weight out of range")
)

// Pool is one subnet's dTAO pool (spec §3.1). The zero value is not
// usable: a dynamic pool needs a QuoteWeight in [MinWeight, 1−MinWeight].
// Pool is a value type; the chain loads it from state, calls one method
// and stores the fields back.
type Pool struct {
	TAO         tao.Rao     // y: SubnetTAO, the TAO reserve
	AlphaIn     tao.Rao     // x: SubnetAlphaIn, the alpha reserve
	AlphaOut    tao.Rao     // SubnetAlphaOut: alpha outside the pool (stake, pending, protocol)
	QuoteWeight Perquintill // SwapBalancer quote (TAO) weight w2; the alpha weight is 1−w2
	FeeRate     uint16      // FeeRate, in 65535ths of the input
	Stable      bool        // mechanism 0 (root): swaps are 1:1 and free
}

// Order is one swap request.
type Order struct {
	// Amount is the input: TAO for a buy, alpha for a sell.
	Amount tao.Rao
	// Limit is the worst acceptable price in rao per alpha (the highest for
	// a buy, the lowest for a sell). Zero makes a market order, which uses
	// MaxPrice or MinPrice as subtensor's plain add/remove_stake do.
	Limit tao.Rao
	// AllowPartial lets a limit order fill up to the limit instead of
	// failing with ErrSlippage.
	AllowPartial bool
	// NoFee drops the fee (subtensor's drop_fees), for protocol swaps.
	NoFee bool
}

// Result is what a swap moved. Amount = In + Fee + Refund.
type Result struct {
	In     tao.Rao // input added to the pool's reserve (net of the fee)
	Fee    tao.Rao // fee in the input token; the chain gives it to the block author
	Out    tao.Rao // output taken from the pool and paid to the trader
	Refund tao.Rao // input left unused because the limit price was reached
}

// Price returns the spot price in TAO per alpha: 1 for a stable pool, 0
// for an empty alpha reserve, else (w1/w2)·(y/x).
func (p Pool) Price() fixed.U64F64 {
	switch {
	case p.Stable:
		return oneU64F64
	case p.AlphaIn == 0:
		return fixed.U64F64{}
	}
	return spotPrice(p.QuoteWeight, uint64(p.AlphaIn), uint64(p.TAO))
}

// BuyAlpha swaps o.Amount TAO for alpha and updates the reserves: TAO
// gains In, AlphaIn loses Out and AlphaOut gains it. On error nothing
// changes.
func (p *Pool) BuyAlpha(o Order) (Result, error) { return p.swap(o, buy) }

// SellAlpha swaps o.Amount alpha for TAO and updates the reserves: AlphaIn
// gains In, AlphaOut loses it and TAO loses Out. The alpha fee stays
// outside the pool; the chain sells it fee-free for the block author.
func (p *Pool) SellAlpha(o Order) (Result, error) { return p.swap(o, sell) }

// SimBuy returns what BuyAlpha would do, without changing p.
func (p Pool) SimBuy(o Order) (Result, error) { return p.BuyAlpha(o) }

// SimSell returns what SellAlpha would do, without changing p.
func (p Pool) SimSell(o Order) (Result, error) { return p.SellAlpha(o) }

type side bool

const (
	buy  side = true
	sell side = false
)

// swap runs a market or limit order. A limit order first finds the largest
// amount that executes within the limit (subtensor's get_max_amount_add /
// _remove: a simulated swap of 1000× the input reserve), fails or trims the
// order to it, and then swaps with the limit in place.
func (p *Pool) swap(o Order, s side) (Result, error) {
	if p.Stable {
		return p.swapStable(o, s)
	}
	amount := o.Amount
	limit := marketLimit(s)
	if o.Limit != 0 {
		limit = priceOf(o.Limit)
		most := tao.Rao(saturatingMul(uint64(p.reserveIn(s)), MaxInputMultiple))
		if amount > most {
			return Result{}, fmt.Errorf("%w: %d > %d × %d", ErrInputTooLarge, amount, MaxInputMultiple, p.reserveIn(s))
		}
		r, err := p.step(most, limit, false, s)
		if err != nil {
			return Result{}, err
		}
		if fits := r.In.SaturatingAdd(r.Fee); amount > fits {
			if !o.AllowPartial {
				return Result{}, fmt.Errorf("%w: at most %d of %d fits", ErrSlippage, fits, amount)
			}
			amount = fits
		}
	}
	r, err := p.step(amount, limit, o.NoFee, s)
	if err != nil {
		return Result{}, err
	}
	r.Refund = o.Amount - r.In - r.Fee
	p.apply(r, s)
	return r, nil
}

// step is subtensor's do_swap with one BasicSwapStep (spec §3.2). It does
// not change p.
func (p *Pool) step(amount tao.Rao, limit fixed.U64F64, noFee bool, s side) (Result, error) {
	fee := p.fee(amount, noFee)
	net := amount - fee
	if in := p.reserveIn(s); uint64(net) > saturatingMul(uint64(in), MaxInputMultiple) {
		return Result{}, fmt.Errorf("%w: %d > %d × %d", ErrInputTooLarge, net, MaxInputMultiple, in)
	}
	if out := p.reserveOut(s); out < MinimumReserve {
		return Result{}, fmt.Errorf("%w: output reserve %d < %d", ErrReservesTooLow, out, MinimumReserve)
	}
	if !validWeight(p.QuoteWeight) {
		return Result{}, fmt.Errorf("%w: quote weight %d", ErrWeight, p.QuoteWeight)
	}
	current := p.Price()
	if !beyond(s, current, limit) {
		return Result{}, fmt.Errorf("%w: price %s, limit %s", ErrPriceLimit, current, limit)
	}

	in, out := net, p.convert(net, s)
	if target := p.priceAfter(net, out, s); !closer(s, target, limit) {
		// The full order would cross the limit: fill only up to it, and
		// charge the fee on that part (Δ·rate/(65535−rate)).
		in = p.deltaToLimit(current, limit, s)
		out = p.convert(in, s)
		fee = p.limitFee(in, noFee)
		if in.SaturatingAdd(fee) > amount { // never take more than was offered
			fee = amount - min(in, amount)
			in = amount - fee
			out = p.convert(in, s)
		}
	}
	if in != 0 && out == 0 {
		return Result{}, fmt.Errorf("%w: %d in pays nothing out", ErrReservesTooLow, in)
	}
	if out > p.reserveOut(s) {
		return Result{}, fmt.Errorf("%w: %d > %d", ErrInsufficientLiquidity, out, p.reserveOut(s))
	}
	return Result{In: in, Fee: fee, Out: out}, nil
}

// swapStable is the 1:1, fee-free swap of a stable (root) pool. A limit
// order needs a buy limit ≥ 1 TAO or a sell limit ≤ 1 TAO per alpha.
func (p *Pool) swapStable(o Order, s side) (Result, error) {
	if o.Limit != 0 && ((s == buy && o.Limit < tao.RaoPerTAO) || (s == sell && o.Limit > tao.RaoPerTAO)) {
		return Result{}, fmt.Errorf("%w: a stable pool trades at 1 TAO, limit %d rao", ErrPriceLimit, o.Limit)
	}
	r := Result{In: o.Amount, Out: o.Amount}
	p.apply(r, s)
	return r, nil
}

// apply books a swap's reserve changes, saturating as subtensor does.
func (p *Pool) apply(r Result, s side) {
	if s == buy {
		p.TAO = p.TAO.SaturatingAdd(r.In)
		p.AlphaIn = p.AlphaIn.SaturatingSub(r.Out)
		p.AlphaOut = p.AlphaOut.SaturatingAdd(r.Out)
		return
	}
	p.AlphaIn = p.AlphaIn.SaturatingAdd(r.In)
	p.AlphaOut = p.AlphaOut.SaturatingSub(r.In)
	p.TAO = p.TAO.SaturatingSub(r.Out)
}

func (p *Pool) reserveIn(s side) tao.Rao {
	if s == buy {
		return p.TAO
	}
	return p.AlphaIn
}

func (p *Pool) reserveOut(s side) tao.Rao {
	if s == buy {
		return p.AlphaIn
	}
	return p.TAO
}

// convert returns the output for a net input (convert_deltas): a buy pays
// x·(1 − (y/(y+Δy))^(w2/w1)), a sell y·(1 − (x/(x+Δx))^(w1/w2)), floored.
func (p *Pool) convert(in tao.Rao, s side) tao.Rao {
	w1, w2 := weights(p.QuoteWeight)
	if s == buy {
		return tao.Rao(outFor(uint64(p.AlphaIn), reserveFactor(uint64(p.TAO), uint64(in), w2, w1)))
	}
	return tao.Rao(outFor(uint64(p.TAO), reserveFactor(uint64(p.AlphaIn), uint64(in), w1, w2)))
}

// priceAfter is the price once in has entered and out has left the pool.
func (p *Pool) priceAfter(in, out tao.Rao, s side) fixed.U64F64 {
	if s == buy {
		return spotPrice(p.QuoteWeight, uint64(p.AlphaIn.SaturatingSub(out)), uint64(p.TAO.SaturatingAdd(in)))
	}
	return spotPrice(p.QuoteWeight, uint64(p.AlphaIn.SaturatingAdd(in)), uint64(p.TAO.SaturatingSub(out)))
}

// deltaToLimit is the input that moves the price from current to limit:
// a buy needs y·((p'/p)^w1 − 1) TAO, a sell x·((p/p')^w2 − 1) alpha.
func (p *Pool) deltaToLimit(current, limit fixed.U64F64, s side) tao.Rao {
	w1, w2 := weights(p.QuoteWeight)
	if s == buy {
		return tao.Rao(limitDelta(limit, current, w1, uint64(p.TAO)))
	}
	return tao.Rao(limitDelta(current, limit, w2, uint64(p.AlphaIn)))
}

// fee is floor(amount · (FeeRate/65535)), with the rate truncated to U64F64
// first; 0 in fee-free mode.
func (p *Pool) fee(amount tao.Rao, noFee bool) tao.Rao {
	if noFee {
		return 0
	}
	rate := ratio(uint64(p.FeeRate), 65535)
	return tao.Rao(fixed.U64F64FromUint(uint64(amount)).SaturatingMul(rate).ToUint())
}

// limitFee is the fee of a fill that stopped at the limit, charged on top
// of the net input: floor(in · rate/(65535 − rate)).
func (p *Pool) limitFee(in tao.Rao, noFee bool) tao.Rao {
	if noFee {
		return 0
	}
	rate := ratio(uint64(p.FeeRate), 65535-uint64(min(p.FeeRate, 65535)))
	return tao.Rao(fixed.U64F64FromUint(uint64(in)).SaturatingMul(rate).ToUint())
}

// priceOf converts a limit in rao per alpha to a U64F64 price in TAO.
func priceOf(limit tao.Rao) fixed.U64F64 { return ratio(uint64(limit), uint64(tao.RaoPerTAO)) }

var maxPrice, minPrice = priceOf(MaxPrice), priceOf(MinPrice)

func marketLimit(s side) fixed.U64F64 {
	if s == buy {
		return maxPrice
	}
	return minPrice
}

// beyond reports whether the limit leaves room to trade: a buy needs the
// price below it, a sell above it.
func beyond(s side, current, limit fixed.U64F64) bool {
	if s == buy {
		return current.Less(limit)
	}
	return limit.Less(current)
}

// closer reports whether a price is on the current side of the limit
// (inclusive), i.e. the order can execute in full.
func closer(s side, price, limit fixed.U64F64) bool {
	if s == buy {
		return price.Cmp(limit) <= 0
	}
	return price.Cmp(limit) >= 0
}

func saturatingMul(a, b uint64) uint64 {
	if a != 0 && b > ^uint64(0)/a {
		return ^uint64(0)
	}
	return a * b
}
