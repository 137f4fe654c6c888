package chain

import (
	"fmt"
	"math/bits"
	"strconv"

	"github.com/gotensor/gotensor/chain/swap"
	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// The stake calls (subtensor-spec §5.2–§5.4). Each validates in subtensor's
// order and fails with a catalog error naming the rule and the figures; a
// failed call's writes are discarded by Apply, so the handlers may fail
// after they started writing.

// addStake is add_stake and add_stake_limit: the signer's TAO buys alpha
// on the subnet's pool, credited to its stake on the hotkey. The amount is
// trimmed so the account keeps the existential deposit, as subtensor's
// transfer to the subnet account does.
func addStake(s *State, _ Block, signer tao.AccountID, c tx.AddStake) error {
	n := c.NetUID
	if err := s.checkStakeable("add_stake", n); err != nil {
		return err
	}
	if err := s.checkHotkey("add_stake", c.Hotkey); err != nil {
		return err
	}
	p := s.Pool(n)
	if least := minStakeAmount(p, s.StakingParams().MinStake); c.AmountTAO < least {
		return fmt.Errorf("%w: add_stake of %s is below the minimum of %s (the minimum stake plus its swap fee)",
			tx.ErrStakeTooLow, c.AmountTAO, least)
	}
	free := s.Account(signer).Free
	if c.AmountTAO > free {
		return fmt.Errorf("%w: add_stake of %s, free balance is %s", tx.ErrInsufficientBalance, c.AmountTAO, free)
	}
	spend := min(c.AmountTAO, free.SaturatingSub(s.Params().ExistentialDeposit))
	if spend == 0 {
		return fmt.Errorf("%w: add_stake would leave the account below the existential deposit of %s",
			tx.ErrInsufficientBalance, s.Params().ExistentialDeposit)
	}
	r, err := s.stakeTAO(signer, c.Hotkey, n, spend, c.LimitPrice, c.AllowPartial, false)
	if err != nil {
		return err
	}
	// validate_add_stake: what reaches the pool (after a partial fill and
	// the fee) must itself be a minimum stake.
	if least := s.StakingParams().MinStake; r.In < least {
		return fmt.Errorf("%w: only %s of the stake would reach the pool, the minimum stake is %s",
			tx.ErrStakeTooLow, r.In, least)
	}
	return nil
}

// stakeTAO moves up to amount TAO of payer's free balance into subnet n's
// pool and stakes the alpha it buys to (payer, hotkey) (stake_into_subnet).
// It returns the swap; a limit order's refund stays free.
func (s *State) stakeTAO(payer, hotkey tao.AccountID, n tao.NetUID, amount, limit tao.Rao, partial, feeFree bool) (swap.Result, error) {
	r, err := s.buyAlpha(n, amount, limit, partial, feeFree)
	if err != nil {
		return swap.Result{}, err
	}
	if r.Out == 0 {
		return swap.Result{}, fmt.Errorf("%w: %s buys no alpha on subnet %d", tx.ErrInsufficientLiquidity, r.In, n)
	}
	if err := s.debit(payer, r.In+r.Fee, ReasonStake); err != nil {
		return swap.Result{}, err
	}
	if err := s.addStakeAlpha(payer, hotkey, n, r.Out); err != nil {
		return swap.Result{}, err
	}
	s.emitStake(EventStakeAdded, payer, hotkey, n, r.In+r.Fee, r.Out, r.Fee)
	return r, nil
}

// removeStake is remove_stake and remove_stake_limit: alpha of the
// signer's stake is sold and the TAO credited to its free balance. The
// amount is capped at the stake, as in subtensor. Unless the whole stake
// goes, the TAO out must reach the minimum stake.
func removeStake(s *State, _ Block, signer tao.AccountID, c tx.RemoveStake) error {
	n := c.NetUID
	if err := s.checkStakeable("remove_stake", n); err != nil {
		return err
	}
	if err := s.checkHotkey("remove_stake", c.Hotkey); err != nil {
		return err
	}
	held := s.StakeOf(signer, c.Hotkey, n)
	if held == 0 {
		return fmt.Errorf("%w: %s has no stake on %s, subnet %d", tx.ErrNoStake, signer, c.Hotkey, n)
	}
	if c.AmountAlpha == 0 {
		return fmt.Errorf("%w: remove_stake of 0 alpha", tx.ErrStakeTooLow)
	}
	_, err := s.unstakeAlpha(signer, c.Hotkey, n, min(c.AmountAlpha, held), c.LimitPrice, c.AllowPartial, false)
	if err != nil {
		return err
	}
	return s.clearSmallNomination(signer, c.Hotkey, n)
}

// unstakeAlpha sells up to alpha of (coldkey, hotkey)'s stake on subnet n
// and credits the TAO to coldkey (unstake_from_subnet). A limit order's
// refund stays staked. It returns the TAO paid out.
func (s *State) unstakeAlpha(coldkey, hotkey tao.AccountID, n tao.NetUID, alpha, limit tao.Rao, partial, feeFree bool) (tao.Rao, error) {
	r, err := s.sellAlpha(n, alpha, limit, partial, feeFree)
	if err != nil {
		return 0, err
	}
	sold := r.In + r.Fee
	if err := s.removeStakeAlpha(coldkey, hotkey, n, sold); err != nil {
		return 0, err
	}
	if least := s.StakingParams().MinStake; r.Out < least && s.StakeOf(coldkey, hotkey, n) != 0 {
		return 0, fmt.Errorf("%w: removing %s alpha pays %s, below the minimum stake of %s; remove more, or all of it",
			tx.ErrStakeTooLow, alphaString(sold), r.Out, least)
	}
	if err := s.credit(coldkey, r.Out, ReasonUnstake); err != nil {
		return 0, err
	}
	s.emitStake(EventStakeRemoved, coldkey, hotkey, n, r.Out, sold, r.Fee)
	return r.Out, nil
}

// clearSmallNomination unstakes what a nominator (a coldkey that does not
// own the hotkey) has left on (hotkey, n) if it is worth less than
// NominatorMinRequiredStake (clear_small_nomination_if_required). If the
// pool cannot take the sale, the alpha is recycled.
func (s *State) clearSmallNomination(coldkey, hotkey tao.AccountID, n tao.NetUID) error {
	sp := s.StakingParams()
	if sp.NominatorMinStake == 0 {
		return nil
	}
	if owner, ok := s.HotkeyOwner(hotkey); ok && owner == coldkey {
		return nil
	}
	left := s.StakeOf(coldkey, hotkey, n)
	if left == 0 {
		return nil
	}
	minTAO := tao.Rao(saturatingMulDiv(uint64(sp.MinStake), sp.NominatorMinStake, 1_000_000))
	minAlpha := fixed.U64F64FromUint(uint64(minTAO)).SafeDiv(s.Price(n)).ToUint()
	if uint64(left) >= minAlpha {
		return nil
	}
	b := s.Branch() // a refused sale must leave nothing behind
	if _, err := b.unstakeAlpha(coldkey, hotkey, n, left, 0, false, false); err == nil {
		b.Write()
		return nil
	}
	if err := s.removeStakeAlpha(coldkey, hotkey, n, left); err != nil {
		return err
	}
	s.recycleAlpha(n, left)
	return nil
}

// unstakeAll is unstake_all: every stake of the signer on the hotkey, root
// included, is sold at market. Subnets whose sale fails validation are
// skipped, as in subtensor; it fails only if nothing was unstaked.
func unstakeAll(s *State, _ Block, signer tao.AccountID, c tx.UnstakeAll) error {
	if err := s.checkHotkey("unstake_all", c.Hotkey); err != nil {
		return err
	}
	var done int
	var last error
	for _, st := range s.stakesOn(signer, c.Hotkey) {
		if s.checkStakeable("unstake_all", st.NetUID) != nil {
			continue
		}
		b := s.Branch()
		if _, err := b.unstakeAlpha(signer, c.Hotkey, st.NetUID, st.Alpha, 0, false, false); err != nil {
			last = err
			continue
		}
		b.Write()
		done++
	}
	switch {
	case done > 0:
		return nil
	case last != nil:
		return last
	}
	return fmt.Errorf("%w: %s has no stake on %s", tx.ErrNoStake, signer, c.Hotkey)
}

// moveStake is move_stake: the signer's stake moves to another hotkey
// and/or subnet.
func moveStake(s *State, _ Block, signer tao.AccountID, c tx.MoveStake) error {
	return s.transitionStake("move_stake", stakeMove{
		fromCold: signer, toCold: signer, fromHot: c.OriginHotkey, toHot: c.DestHotkey,
		from: c.OriginNetUID, to: c.DestNetUID, alpha: c.AmountAlpha,
	})
}

// transferStake is transfer_stake: the signer's stake on a hotkey goes to
// another coldkey, possibly on another subnet. TransferToggle must allow it
// on both subnets.
func transferStake(s *State, _ Block, signer tao.AccountID, c tx.TransferStake) error {
	return s.transitionStake("transfer_stake", stakeMove{
		fromCold: signer, toCold: c.DestColdkey, fromHot: c.Hotkey, toHot: c.Hotkey,
		from: c.OriginNetUID, to: c.DestNetUID, alpha: c.AmountAlpha, checkToggle: true,
	})
}

// swapStake is swap_stake and swap_stake_limit: the signer's stake on a
// hotkey moves to another subnet. LimitPrice bounds the ratio of the
// origin price to the destination price, in rao.
func swapStake(s *State, _ Block, signer tao.AccountID, c tx.SwapStake) error {
	return s.transitionStake("swap_stake", stakeMove{
		fromCold: signer, toCold: signer, fromHot: c.Hotkey, toHot: c.Hotkey,
		from: c.OriginNetUID, to: c.DestNetUID, alpha: c.AmountAlpha,
		limit: c.LimitPrice, allowPartial: c.AllowPartial,
	})
}

// stakeMove is one stake transition (transition_stake_internal).
type stakeMove struct {
	fromCold, toCold tao.AccountID
	fromHot, toHot   tao.AccountID
	from, to         tao.NetUID
	alpha            tao.Rao
	limit            tao.Rao // ratio of origin to destination price, rao; 0: none
	allowPartial     bool
	checkToggle      bool
}

// transitionStake moves stake as m describes. On one subnet it moves
// shares (no swap, no fee) and the TAO value at the spot price must reach
// the minimum stake. Across subnets it sells on the origin and buys on the
// destination with exactly one swap fee: the sale's, or the purchase's
// when the sale is on root. TAO below the minimum stake is credited free
// to the destination coldkey instead of restaked, as in subtensor.
func (s *State) transitionStake(call string, m stakeMove) error {
	if m.fromCold == m.toCold && m.fromHot == m.toHot && m.from == m.to {
		return fmt.Errorf("%w: %s from and to %s on subnet %d", tx.ErrSameStake, call, m.fromHot, m.from)
	}
	for _, n := range []tao.NetUID{m.from, m.to} {
		if err := s.checkStakeable(call, n); err != nil {
			return err
		}
	}
	for _, hk := range []tao.AccountID{m.fromHot, m.toHot} {
		if err := s.checkHotkey(call, hk); err != nil {
			return err
		}
	}
	held := s.StakeOf(m.fromCold, m.fromHot, m.from)
	if held == 0 {
		return fmt.Errorf("%w: %s has no stake on %s, subnet %d", tx.ErrNoStake, m.fromCold, m.fromHot, m.from)
	}
	alpha := min(m.alpha, held)
	if alpha == 0 {
		return fmt.Errorf("%w: %s of 0 alpha", tx.ErrStakeTooLow, call)
	}
	least := s.StakingParams().MinStake
	if m.checkToggle {
		for _, n := range []tao.NetUID{m.from, m.to} {
			if !s.Hyperparams(n).TransferToggle {
				return fmt.Errorf("%w: subnet %d; its owner can enable transfer_toggle", tx.ErrTransferDisallowed, n)
			}
		}
	}
	if m.from == m.to {
		value := tao.Rao(s.Price(m.from).SaturatingMul(fixed.U64F64FromUint(uint64(alpha))).ToUint())
		if value < least {
			return fmt.Errorf("%w: %s alpha is worth %s at the spot price, the minimum stake is %s",
				tx.ErrStakeTooLow, alphaString(alpha), value, least)
		}
		if err := s.removeStakeAlpha(m.fromCold, m.fromHot, m.from, alpha); err != nil {
			return err
		}
		if err := s.addStakeAlpha(m.toCold, m.toHot, m.to, alpha); err != nil {
			return err
		}
		s.emitStake(EventStakeRemoved, m.fromCold, m.fromHot, m.from, value, alpha, 0)
		s.emitStake(EventStakeAdded, m.toCold, m.toHot, m.to, value, alpha, 0)
		return nil
	}

	if quote, err := s.Pool(m.from).SimSell(swap.Order{Amount: alpha}); err != nil {
		return swapError(m.from, err)
	} else if quote.Out <= least {
		return fmt.Errorf("%w: %s alpha sells for %s, the minimum stake is %s", tx.ErrStakeTooLow, alphaString(alpha), quote.Out, least)
	}
	if m.limit != 0 {
		most := s.maxAmountMove(m.from, m.to, m.limit)
		if alpha > most {
			if !m.allowPartial {
				return fmt.Errorf("%w: at most %s of %s alpha moves within the price ratio limit of %s",
					tx.ErrSlippage, alphaString(most), alphaString(alpha), m.limit)
			}
			alpha = most
		}
	}
	feeFreeOrigin := m.from == tao.RootNetUID
	r, err := s.sellAlpha(m.from, alpha, 0, false, feeFreeOrigin)
	if err != nil {
		return err
	}
	if err := s.removeStakeAlpha(m.fromCold, m.fromHot, m.from, r.In+r.Fee); err != nil {
		return err
	}
	s.emitStake(EventStakeRemoved, m.fromCold, m.fromHot, m.from, r.Out, r.In+r.Fee, r.Fee)
	if err := s.credit(m.toCold, r.Out, ReasonUnstake); err != nil {
		return err
	}
	if r.Out >= least { // else too little to restake: it stays free
		if _, err := s.stakeTAO(m.toCold, m.toHot, m.to, r.Out, 0, false, !feeFreeOrigin); err != nil {
			return err
		}
	}
	if m.toCold != m.fromCold {
		s.reapDust(m.toCold) // a market buy's refund may be below the existential deposit
	}
	return nil
}

// maxAmountMove is get_max_amount_move: the most alpha that can move from
// subnet from to subnet to while the ratio of their prices stays at or
// above limit (rao per rao), by subtensor's closed form for equal-weight
// pools (fees ignored).
func (s *State) maxAmountMove(from, to tao.NetUID, limit tao.Rao) tao.Rao {
	pf, pt := s.Pool(from), s.Pool(to)
	switch {
	case pf.Stable && pt.Stable:
		if limit > tao.RaoPerTAO {
			return 0
		}
		return tao.Rao(^uint64(0))
	case pf.Stable && limit == 0:
		return tao.Rao(^uint64(0))
	case pf.Stable:
		// The destination price limit is the inverse of the ratio.
		one := fixed.U64F64FromUint(uint64(tao.RaoPerTAO))
		dest := one.SafeDiv(fixed.U64F64FromUint(uint64(limit))).SaturatingMul(one).ToUint()
		return maxAmount(pt, tao.Rao(dest), true)
	case pt.Stable:
		return maxAmount(pf, limit, false)
	}
	if pf.TAO == 0 || pt.TAO == 0 || pf.AlphaIn == 0 || pt.AlphaIn == 0 {
		return 0
	}
	limitF := fixed.U64F64FromUint(uint64(limit)).SafeDiv(fixed.U64F64FromUint(uint64(tao.RaoPerTAO)))
	if pf.Price().SafeDiv(pt.Price()).Less(limitF) {
		return 0
	}
	if limit == 0 {
		return tao.Rao(^uint64(0))
	}
	t1, t2 := fixed.U64F64FromUint(uint64(pf.TAO)), fixed.U64F64FromUint(uint64(pt.TAO))
	sum := t1.SaturatingAdd(t2)
	a1, a2 := fixed.U64F64FromUint(uint64(pf.AlphaIn)), fixed.U64F64FromUint(uint64(pt.AlphaIn))
	return tao.Rao(a2.SaturatingMul(t1.SafeDiv(sum)).SafeDiv(limitF).
		SaturatingSub(a1.SaturatingMul(t2.SafeDiv(sum))).ToUint())
}

// maxAmount is get_max_amount_add (buy) or get_max_amount_remove (sell):
// the largest input that executes within limit, found by simulating an
// order of 1000 times the input reserve, allowed to fill partially. A
// limit of 0 is taken literally, as subtensor does: no buy is that cheap,
// and a sell at any price takes the whole input cap.
func maxAmount(p Pool, limit tao.Rao, buy bool) tao.Rao {
	switch {
	case limit == 0 && buy:
		return 0
	case limit == 0:
		return tao.Rao(saturatingMulDiv(uint64(p.AlphaIn), swap.MaxInputMultiple, 1))
	}
	o := swap.Order{Limit: limit, AllowPartial: true}
	sim := p.SimSell
	if buy {
		o.Amount, sim = tao.Rao(saturatingMulDiv(uint64(p.TAO), swap.MaxInputMultiple, 1)), p.SimBuy
	} else {
		o.Amount = tao.Rao(saturatingMulDiv(uint64(p.AlphaIn), swap.MaxInputMultiple, 1))
	}
	r, err := sim(o)
	if err != nil {
		return 0
	}
	return r.In + r.Fee
}

// minStakeAmount is the smallest add_stake: the minimum stake plus the
// swap fee on it (validate_add_stake).
func minStakeAmount(p Pool, least tao.Rao) tao.Rao {
	r, err := p.SimBuy(swap.Order{Amount: least})
	if err != nil {
		return least // the swap itself will fail with the reason
	}
	return least + r.Fee
}

// checkStakeable fails unless subnet n exists and its owner has started it
// (SubtokenEnabled). Root is always open.
func (s *State) checkStakeable(call string, n tao.NetUID) error {
	if n == tao.RootNetUID {
		return nil
	}
	info, ok := s.Subnet(n)
	if !ok {
		return fmt.Errorf("%w: %s on subnet %d", tx.ErrSubnetNotFound, call, n)
	}
	if !info.SubtokenEnabled {
		return fmt.Errorf("%w: %s on subnet %d; its owner must call start_call first", tx.ErrNotStarted, call, n)
	}
	return nil
}

// checkHotkey fails unless some coldkey owns hotkey (hotkey_account_exists).
func (s *State) checkHotkey(call string, hotkey tao.AccountID) error {
	if _, ok := s.HotkeyOwner(hotkey); !ok {
		return fmt.Errorf("%w: %s to hotkey %s: associate it with `gotensor wallet associate-hotkey` or register it",
			tx.ErrHotkeyNotAssociated, call, hotkey)
	}
	return nil
}

// emitStake records a stake change; price is the pool's spot price after
// it, in rao per alpha.
func (s *State) emitStake(typ string, coldkey, hotkey tao.AccountID, n tao.NetUID, taoAmount, alpha, fee tao.Rao) {
	if !s.recording() {
		return
	}
	s.emit(typ, accountAttr("coldkey", coldkey), accountAttr("hotkey", hotkey), netuidAttr(n),
		amountAttr("tao", taoAmount), amountAttr("alpha", alpha), amountAttr("price", PriceRao(s.Price(n))),
		amountAttr("fee", fee))
}

// saturatingMulDiv returns floor(a·b/c) computed in 128 bits, saturated to
// 64 bits; c must not be 0.
func saturatingMulDiv(a, b, c uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	if hi >= c {
		return ^uint64(0)
	}
	q, _ := bits.Div64(hi, lo, c)
	return q
}

// increaseTake is increase_take: the hotkey's owner raises its delegate
// take, at most to MaxTake, and not again within TakeRateLimit blocks of
// the last change (spec §5.5).
func increaseTake(s *State, b Block, signer tao.AccountID, c tx.IncreaseTake) error {
	if err := s.checkHotkeyOwner("increase_take", signer, c.Hotkey); err != nil {
		return err
	}
	sp, cur := s.StakingParams(), s.takeRecord(c.Hotkey)
	switch {
	case c.Take <= cur.take:
		return fmt.Errorf("%w: the take is %s, asked %s; use decrease_take to lower it",
			tx.ErrTakeNotHigher, takeString(cur.take), takeString(c.Take))
	case c.Take > sp.MaxTake:
		return fmt.Errorf("%w: %s is above the maximum take of %s", tx.ErrTakeOutOfRange, takeString(c.Take), takeString(sp.MaxTake))
	}
	// As subtensor: a take never changed (block 0) is not rate limited, and
	// the limit is inclusive.
	if sp.TakeRateLimit != 0 && cur.changed != 0 && uint64(b.Height-min(cur.changed, b.Height)) <= sp.TakeRateLimit {
		left := uint64(cur.changed) + sp.TakeRateLimit + 1 - uint64(b.Height)
		return fmt.Errorf("%w: take can increase again in %d blocks (changed at block %d, rate limit %d blocks)",
			tx.ErrTakeRateLimit, left, cur.changed, sp.TakeRateLimit)
	}
	s.setTake(c.Hotkey, c.Take, b.Height)
	s.emitTake(EventTakeIncreased, signer, c.Hotkey, c.Take)
	return nil
}

// decreaseTake is decrease_take: the hotkey's owner lowers its take, at
// least to MinTake, at any time. It restarts the increase rate limit.
func decreaseTake(s *State, b Block, signer tao.AccountID, c tx.DecreaseTake) error {
	if err := s.checkHotkeyOwner("decrease_take", signer, c.Hotkey); err != nil {
		return err
	}
	sp, cur := s.StakingParams(), s.takeRecord(c.Hotkey)
	switch {
	case c.Take >= cur.take:
		return fmt.Errorf("%w: the take is %s, asked %s; use increase_take to raise it",
			tx.ErrTakeNotLower, takeString(cur.take), takeString(c.Take))
	case c.Take < sp.MinTake:
		return fmt.Errorf("%w: %s is below the minimum take of %s", tx.ErrTakeOutOfRange, takeString(c.Take), takeString(sp.MinTake))
	}
	s.setTake(c.Hotkey, c.Take, b.Height)
	s.emitTake(EventTakeDecreased, signer, c.Hotkey, c.Take)
	return nil
}

// associateHotkey is try_associate_hotkey: the signer claims a hotkey no
// coldkey owns yet, so it can receive stake before it registers anywhere.
// Claiming one's own hotkey again succeeds without change; a hotkey owned
// by another coldkey is refused (subtensor ignores the call silently).
func associateHotkey(s *State, _ Block, signer tao.AccountID, c tx.AssociateHotkey) error {
	if c.Hotkey == signer {
		return fmt.Errorf("%w: associate_hotkey of the coldkey itself; use a hotkey of your wallet", tx.ErrHotkeyInUse)
	}
	if _, ok := s.HotkeyOwner(c.Hotkey); ok {
		return s.claimHotkey(signer, c.Hotkey)
	}
	if err := s.claimHotkey(signer, c.Hotkey); err != nil {
		return err
	}
	if s.recording() {
		s.emit(EventHotkeyAssociated, accountAttr("coldkey", signer), accountAttr("hotkey", c.Hotkey))
	}
	return nil
}

// checkHotkeyOwner fails unless coldkey owns hotkey (do_take_checks).
func (s *State) checkHotkeyOwner(call string, coldkey, hotkey tao.AccountID) error {
	owner, ok := s.HotkeyOwner(hotkey)
	switch {
	case !ok:
		return fmt.Errorf("%w: %s for hotkey %s: associate it with `gotensor wallet associate-hotkey` or register it",
			tx.ErrHotkeyNotAssociated, call, hotkey)
	case owner != coldkey:
		return fmt.Errorf("%w: %s: hotkey %s belongs to coldkey %s", tx.ErrNotHotkeyOwner, call, hotkey, owner)
	}
	return nil
}

func (s *State) emitTake(typ string, coldkey, hotkey tao.AccountID, take uint16) {
	if s.recording() {
		s.emit(typ, accountAttr("coldkey", coldkey), accountAttr("hotkey", hotkey), Attr{"take", strconv.Itoa(int(take))})
	}
}

// takeString formats a u16 take as a percentage with two decimals,
// rounded (11796 → "18.00 %").
func takeString(take uint16) string {
	bp := (uint64(take)*10_000 + 65535/2) / 65535
	return fmt.Sprintf("%d.%02d %%", bp/100, bp%100)
}
