package chain

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// TestQueryStakes: a coldkey's stakes come back with the spot price, the
// value at that price, and exactly what unstaking them pays.
func TestQueryStakes(t *testing.T) {
	e := newStakeEnv(t)
	e.subnet(1, 1000*tao.RaoPerTAO, 4000*tao.RaoPerTAO) // price 0.25
	cold, hot := acct(1), acct(11)
	e.hotkey(cold, hot)
	e.ok(cold, tx.AddStake{Hotkey: hot, NetUID: 1, AmountTAO: 10 * tao.RaoPerTAO})
	e.ok(cold, tx.AddStake{Hotkey: hot, NetUID: tao.RootNetUID, AmountTAO: 3 * tao.RaoPerTAO})

	got := QueryStakes(e.s, cold)
	require.Len(t, got, 2)
	root, sub := got[0], got[1]
	require.Equal(t, StakeValue{Stake: Stake{Coldkey: cold, Hotkey: hot, NetUID: 0, Alpha: 3 * tao.RaoPerTAO},
		Price: tao.RaoPerTAO, SpotValue: 3 * tao.RaoPerTAO, TAOValue: 3 * tao.RaoPerTAO}, root)
	require.Equal(t, tao.NetUID(1), sub.NetUID)
	require.Equal(t, e.s.StakeOf(cold, hot, 1), sub.Alpha)
	require.Equal(t, PriceRao(e.s.Price(1)), sub.Price)
	// The price in rao is floored; the value uses the exact price.
	lo := saturatingMulDiv(uint64(sub.Alpha), uint64(sub.Price), uint64(tao.RaoPerTAO))
	hi := saturatingMulDiv(uint64(sub.Alpha), uint64(sub.Price+1), uint64(tao.RaoPerTAO))
	require.True(t, lo <= uint64(sub.SpotValue) && uint64(sub.SpotValue) <= hi, "spot value %d not in [%d, %d]", sub.SpotValue, lo, hi)
	require.Less(t, sub.TAOValue, sub.SpotValue, "a sale pays the fee and slips")

	free := e.s.Account(cold).Free
	res := e.ok(cold, tx.RemoveStake{Hotkey: hot, NetUID: 1, AmountAlpha: sub.Alpha})
	require.Equal(t, free-res.Fee+sub.TAOValue, e.s.Account(cold).Free)
	require.Len(t, QueryStakes(e.s, cold), 1)
	require.Empty(t, QueryStakes(e.s, acct(5)))
}

// TestQuoteSwap: a quote is exactly what the swap then does, and changes
// nothing.
func TestQuoteSwap(t *testing.T) {
	v := loadSwapVector(t)
	e := newStakeEnv(t)
	e.subnet(1, v.Inputs.TAOReserve, v.Inputs.AlphaReserve)
	before := e.s.Pool(1)
	require.Equal(t, "buy_alpha_with_tao", v.Inputs.Orders[6][0])
	require.Equal(t, float64(1_000_000_000), v.Inputs.Orders[6][1])
	q, err := QuoteSwap(e.s, 1, true, 1_000_000_000, 0, false, false)
	require.NoError(t, err)
	require.Equal(t, v.Expected.Fee[6], q.Fee)
	require.Equal(t, v.Expected.Out[6], q.Out)
	require.Equal(t, tao.Rao(250_000_000), q.PriceBefore)
	require.Equal(t, before, e.s.Pool(1))
	buy := q

	q, err = QuoteSwap(e.s, 1, false, 123_456, 0, false, true)
	require.NoError(t, err)
	require.Zero(t, q.Fee, "fee free")
	_, err = QuoteSwap(e.s, 1, true, 1_000_000_000, 200_000_000, false, false)
	require.ErrorIs(t, err, tx.ErrPriceLimit)
	_, err = QuoteSwap(e.s, 9, true, 1, 0, false, false)
	require.ErrorIs(t, err, tx.ErrSubnetNotFound)

	e.hotkey(acct(1), acct(11))
	res := e.ok(acct(1), tx.AddStake{Hotkey: acct(11), NetUID: 1, AmountTAO: 1_000_000_000})
	require.Equal(t, buy.PriceAfter, PriceRao(e.s.Price(1)))
	require.Equal(t, strconv.FormatUint(uint64(buy.PriceAfter), 10), event(t, res, EventStakeAdded)["price"])
	require.Equal(t, buy.Out, e.s.StakeOf(acct(1), acct(11), 1))
}

// TestQueryDelegate: owner, take, rate limit and pools of a hotkey.
func TestQueryDelegate(t *testing.T) {
	e := newStakeEnv(t)
	e.subnet(1, 1000*tao.RaoPerTAO, 1000*tao.RaoPerTAO)
	owner, hot := acct(1), acct(11)
	require.Equal(t, Delegate{Hotkey: hot, Take: 11_796, MaxTake: 11_796}, QueryDelegate(e.s, hot))
	e.hotkey(owner, hot)
	for _, c := range []tao.AccountID{owner, acct(2), acct(3)} {
		e.ok(c, tx.AddStake{Hotkey: hot, NetUID: 1, AmountTAO: tao.RaoPerTAO})
	}
	e.ok(acct(2), tx.AddStake{Hotkey: hot, NetUID: tao.RootNetUID, AmountTAO: tao.RaoPerTAO})
	e.ok(owner, tx.DecreaseTake{Hotkey: hot, Take: 1000})
	d := QueryDelegate(e.s, hot)
	require.Equal(t, Delegate{
		Hotkey: hot, Owner: owner, Owned: true, Take: 1000, MaxTake: 11_796,
		IncreaseAllowedAt: e.height + 216_001,
		Subnets: []DelegatePool{
			{NetUID: 0, Alpha: tao.RaoPerTAO, Nominators: 1},
			{NetUID: 1, Alpha: e.s.HotkeyAlpha(hot, 1), Nominators: 3},
		},
	}, d)
}
