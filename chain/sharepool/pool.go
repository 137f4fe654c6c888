package sharepool

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/tao"
)

// Errors returned (wrapped) by Pool methods.
var (
	ErrEmpty        = errors.New("sharepool: pool has no shares")
	ErrInconsistent = errors.New("sharepool: pool has shares but no value, or value but no shares")
	ErrInsufficient = errors.New("sharepool: amount exceeds the holder's value")
	ErrImprecise    = errors.New("sharepool: pool worth more than 2^64 rao per share takes no new stake")
	ErrOverflow     = errors.New("sharepool: pool value overflows")
)

// Pool is one (hotkey, subnet) stake pool. The zero value is an empty pool.
// Total is 0 exactly when Shared is 0.
type Pool struct {
	Shared tao.Rao      // the pool's value in rao (TotalHotkeyAlpha)
	Total  fixed.U64F64 // all holders' shares: the denominator
}

// Value returns the rao that shares are worth: floor(Shared·shares/Total),
// or 0 for an empty pool.
func (p Pool) Value(shares fixed.U64F64) tao.Rao {
	if p.Total.IsZero() {
		return 0
	}
	v := new(big.Int).Mul(raoBig(p.Shared), sharesBig(shares))
	return tao.Rao(v.Quo(v, sharesBig(p.Total)).Uint64())
}

// Stake adds amount rao for a holder that has holder shares and returns
// the holder's new shares. The first stake into an empty pool mints amount
// shares; later ones mint floor(amount·Total/Shared), so the staker loses
// less than one 2^-64 share (under one rao) to rounding. A pool whose value
// per share has grown past 2^64 rao (Total below 2^-64·Shared) could not
// keep that bound and refuses new stake with ErrImprecise.
func (p *Pool) Stake(holder fixed.U64F64, amount tao.Rao) (fixed.U64F64, error) {
	if err := p.checkHolder(holder); err != nil {
		return holder, err
	}
	shared, ok := p.Shared.AddChecked(amount)
	if !ok {
		return holder, fmt.Errorf("%w: %d + %d rao", ErrOverflow, p.Shared, amount)
	}
	if p.coarse() {
		return holder, fmt.Errorf("%w: %d rao for %s shares", ErrImprecise, p.Shared, p.Total)
	}
	minted := fixed.U64F64FromUint(uint64(amount))
	if !p.Total.IsZero() {
		m := new(big.Int).Mul(raoBig(amount), sharesBig(p.Total))
		minted = fromBig(m.Quo(m, raoBig(p.Shared)))
	}
	// Total·(Shared+amount)/Shared < 2^128 because a pool never holds more
	// than one share per rao (see docs/economics.md), so these cannot wrap.
	p.Shared, p.Total = shared, p.Total.Add(minted)
	return holder.Add(minted), nil
}

// Unstake removes amount rao from a holder that has holder shares and
// returns the holder's remaining shares. It burns ceil(amount·Total/Shared)
// shares; amount may not exceed Value(holder).
func (p *Pool) Unstake(holder fixed.U64F64, amount tao.Rao) (fixed.U64F64, error) {
	if err := p.checkHolder(holder); err != nil {
		return holder, err
	}
	if have := p.Value(holder); amount > have {
		return holder, fmt.Errorf("%w: %d > %d rao", ErrInsufficient, amount, have)
	}
	if amount == 0 {
		return holder, nil
	}
	b := new(big.Int).Mul(raoBig(amount), sharesBig(p.Total))
	b.Add(b, raoBig(p.Shared-1))
	burned := fromBig(b.Quo(b, raoBig(p.Shared))) // ≤ holder since amount ≤ Value(holder)
	if burned == p.Total && amount < p.Shared {
		// A sole holder leaving value behind keeps one unit of shares for
		// it (only reachable in pools worth more than 2^64 rao per share).
		burned = p.Total.Sub(fixed.U64F64FromBits(0, 1))
	}
	p.Shared -= amount
	p.Total = p.Total.Sub(burned)
	return holder.Sub(burned), nil
}

// UnstakeAll removes every share of a holder and returns their value. The
// holder's rounding dust stays with the other holders; the last holder out
// receives all of Shared.
func (p *Pool) UnstakeAll(holder fixed.U64F64) (tao.Rao, error) {
	if err := p.checkHolder(holder); err != nil {
		return 0, err
	}
	v := p.Value(holder)
	p.Shared -= v
	p.Total = p.Total.Sub(holder)
	return v, nil
}

// Distribute adds amount rao to the pool, shared by all holders pro rata
// (emission and dividends paid to the hotkey). It fails on an empty pool,
// which has nobody to pay.
func (p *Pool) Distribute(amount tao.Rao) error {
	if err := p.check(); err != nil {
		return err
	}
	if p.Total.IsZero() {
		return fmt.Errorf("%w: cannot distribute %d rao", ErrEmpty, amount)
	}
	shared, ok := p.Shared.AddChecked(amount)
	if !ok {
		return fmt.Errorf("%w: %d + %d rao", ErrOverflow, p.Shared, amount)
	}
	p.Shared = shared
	return nil
}

func (p *Pool) check() error {
	if p.Total.IsZero() != (p.Shared == 0) {
		return fmt.Errorf("%w: %d rao, %s shares", ErrInconsistent, p.Shared, p.Total)
	}
	return nil
}

// coarse reports whether a share unit (2^-64 share) is worth more than a
// rao: Total's raw bits are below Shared.
func (p *Pool) coarse() bool {
	hi, lo := p.Total.Bits()
	return !p.Total.IsZero() && hi == 0 && lo < uint64(p.Shared)
}

func (p *Pool) checkHolder(holder fixed.U64F64) error {
	if err := p.check(); err != nil {
		return err
	}
	if p.Total.Less(holder) {
		return fmt.Errorf("%w: holder has %s of %s shares", ErrInconsistent, holder, p.Total)
	}
	return nil
}

func raoBig(r tao.Rao) *big.Int { return new(big.Int).SetUint64(uint64(r)) }

// sharesBig returns the raw bits of s (shares in units of 2^-64).
func sharesBig(s fixed.U64F64) *big.Int {
	hi, lo := s.Bits()
	v := new(big.Int).SetUint64(hi)
	return v.Lsh(v, 64).Or(v, new(big.Int).SetUint64(lo))
}

// fromBig converts raw bits below 2^128 back to shares.
func fromBig(v *big.Int) fixed.U64F64 {
	lo := new(big.Int).And(v, new(big.Int).SetUint64(^uint64(0))).Uint64()
	return fixed.U64F64FromBits(new(big.Int).Rsh(v, 64).Uint64(), lo)
}
