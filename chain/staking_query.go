package chain

import (
	"encoding/binary"
	"fmt"

	"github.com/gotensor/gotensor/chain/swap"
	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/store"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// StakeValue is a stake with what it is worth in the state read.
type StakeValue struct {
	Stake
	// Price is the subnet's spot price in rao per alpha (1e9 on root).
	Price tao.Rao
	// SpotValue is the stake at the spot price: Alpha·Price, floored.
	SpotValue tao.Rao
	// TAOValue is what unstaking all of it would pay now: a simulated
	// market sale, swap fee and slippage included (0 if the pool cannot
	// take the sale).
	TAOValue tao.Rao
}

// QueryStakes returns every stake of coldkey with its value, ordered by
// hotkey then netuid.
func QueryStakes(s *State, coldkey tao.AccountID) []StakeValue {
	stakes := s.StakesOf(coldkey)
	out := make([]StakeValue, len(stakes))
	for i, st := range stakes {
		p := s.Pool(st.NetUID)
		price := p.Price()
		v := StakeValue{Stake: st, Price: PriceRao(price)}
		v.SpotValue = tao.Rao(price.SaturatingMul(fixed.U64F64FromUint(uint64(st.Alpha))).ToUint())
		if r, err := p.SimSell(swap.Order{Amount: st.Alpha}); err == nil {
			v.TAOValue = r.Out
		}
		out[i] = v
	}
	return out
}

// PriceRao converts a price in TAO per alpha to rao per alpha, floored:
// the unit of limit prices, events and the API.
func PriceRao(p fixed.U64F64) tao.Rao {
	return tao.Rao(p.SaturatingMul(fixed.U64F64FromUint(uint64(tao.RaoPerTAO))).ToUint())
}

// Quote is a simulated swap on a subnet's pool in the state read.
type Quote struct {
	swap.Result
	// PriceBefore and PriceAfter are the spot prices before and after the
	// swap, in rao per alpha.
	PriceBefore, PriceAfter tao.Rao
}

// QuoteSwap simulates buying alpha with amount TAO (buy) or selling
// amount alpha on subnet n, as add_stake and remove_stake would swap it
// (limit in rao per alpha, 0 for a market order; feeFree as the second leg
// of a cross-subnet move). It changes nothing; it fails with the error the
// call would fail with.
func QuoteSwap(s *State, n tao.NetUID, buy bool, amount, limit tao.Rao, partial, feeFree bool) (Quote, error) {
	if !s.hasPool(n) {
		return Quote{}, fmt.Errorf("%w: netuid %d", tx.ErrSubnetNotFound, n)
	}
	p := s.Pool(n)
	q := Quote{PriceBefore: PriceRao(p.Price())}
	o := swap.Order{Amount: amount, Limit: limit, AllowPartial: partial, NoFee: feeFree}
	var err error
	if buy {
		q.Result, err = p.BuyAlpha(o)
	} else {
		q.Result, err = p.SellAlpha(o)
	}
	if err != nil {
		return Quote{}, swapError(n, err)
	}
	q.PriceAfter = PriceRao(p.Price())
	return q, nil
}

// Delegate is a hotkey as a delegate: its owner, its take and what is
// staked to it.
type Delegate struct {
	Hotkey tao.AccountID
	Owner  tao.AccountID // zero if no coldkey owns the hotkey
	Owned  bool
	// Take is the delegate take in 65535ths; MinTake and MaxTake bound it.
	Take, MinTake, MaxTake uint16
	// IncreaseAllowedAt is the first block at which increase_take may run
	// (0: now).
	IncreaseAllowedAt tao.BlockHeight
	// Subnets lists the hotkey's stake pools, by netuid.
	Subnets []DelegatePool
}

// DelegatePool is what is staked to a hotkey on one subnet.
type DelegatePool struct {
	NetUID     tao.NetUID
	Alpha      tao.Rao // TotalHotkeyAlpha
	Nominators int     // coldkeys with a stake
}

// QueryDelegate returns hotkey's delegate record.
func QueryDelegate(s *State, hotkey tao.AccountID) Delegate {
	sp, rec := s.StakingParams(), s.takeRecord(hotkey)
	d := Delegate{Hotkey: hotkey, Take: rec.take, MinTake: sp.MinTake, MaxTake: sp.MaxTake}
	d.Owner, d.Owned = s.HotkeyOwner(hotkey)
	if sp.TakeRateLimit != 0 && rec.changed != 0 {
		d.IncreaseAllowedAt = rec.changed + tao.BlockHeight(sp.TakeRateLimit) + 1
	}
	prefix := append([]byte{prefixHotkeyPool}, hotkey[:]...)
	it := s.kv.Iterator(prefix, store.PrefixEnd(prefix))
	for ; it.Valid(); it.Next() {
		d.Subnets = append(d.Subnets, DelegatePool{NetUID: tao.NetUID(binary.BigEndian.Uint16(it.Key()[33:]))})
	}
	it.Close()
	for i := range d.Subnets {
		p := &d.Subnets[i]
		p.Alpha = s.HotkeyAlpha(hotkey, p.NetUID)
		p.Nominators = s.countStakers(p.NetUID, hotkey)
	}
	return d
}

// countStakers counts the coldkeys staked to hotkey on subnet n.
func (s *State) countStakers(n tao.NetUID, hotkey tao.AccountID) int {
	prefix := append(binary.BigEndian.AppendUint16([]byte{prefixStakeIndex}, uint16(n)), hotkey[:]...)
	it := s.kv.Iterator(prefix, store.PrefixEnd(prefix))
	defer it.Close()
	count := 0
	for ; it.Valid(); it.Next() {
		count++
	}
	return count
}
