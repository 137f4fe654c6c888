package chain

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/chain/swap"
	"github.com/gotensor/gotensor/internal/testutil/vectors"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// swapVector is subtensor's test_swap_basic (subtensor-vectors.json,
// copied to testdata): orders against a pool of 1 TAO and 4 alpha
// (price 0.25, FeeRate 33), each from the initial reserves.
type swapVector struct {
	Inputs struct {
		TAOReserve   tao.Rao `json:"tao_reserve"`
		AlphaReserve tao.Rao `json:"alpha_reserve"`
		Orders       [][2]any
	}
	Expected struct {
		Fee     []tao.Rao
		DeltaIn []tao.Rao `json:"delta_in"`
		Out     []tao.Rao `json:"amount_out"`
	}
}

func loadSwapVector(t *testing.T) swapVector {
	t.Helper()
	var vs []swapVector
	vectors.ReadJSON(t, "testdata/swap_vectors.json", &vs)
	require.Len(t, vs, 1)
	v := vs[0]
	require.Len(t, v.Inputs.Orders, len(v.Expected.Out))
	return v
}

// TestStakeCalls_SwapVector runs every order of test_swap_basic through the
// state machine and follows every rao: a buy as add_stake (the signer pays
// amount + tx fee, the reserve gains the net input, the fee is recycled,
// the stake is the vector's alpha); a sell as remove_stake of a stake of
// exactly that alpha (the whole stake, so the minimum does not apply; the
// alpha fee leaves AlphaOut). Buys below the minimum stake go through
// buyAlpha, the accessor add_stake uses.
func TestStakeCalls_SwapVector(t *testing.T) {
	v := loadSwapVector(t)
	cold, hot := acct(1), acct(11)
	for i, o := range v.Inputs.Orders {
		amount := tao.Rao(o[1].(float64))
		fee, in, out := v.Expected.Fee[i], v.Expected.DeltaIn[i], v.Expected.Out[i]
		t.Run(fmt.Sprintf("%s %d", o[0], amount), func(t *testing.T) {
			require.Equal(t, amount, fee+in)
			e := newStakeEnv(t)
			e.subnet(1, v.Inputs.TAOReserve, v.Inputs.AlphaReserve)
			e.hotkey(cold, hot)
			free, issuance := e.s.Account(cold).Free, e.s.TotalIssuance()
			p := e.s.Pool(1)
			switch {
			case o[0] == "sell_alpha_for_tao":
				e.giveAlpha(cold, hot, 1, amount)
				res := e.ok(cold, tx.RemoveStake{Hotkey: hot, NetUID: 1, AmountAlpha: amount})
				require.Equal(t, free-res.Fee+out, e.s.Account(cold).Free)
				require.Zero(t, e.s.StakeOf(cold, hot, 1))
				p.AlphaIn += in
				p.TAO -= out
				p.Volume += out
				require.Equal(t, strconv.FormatUint(uint64(fee), 10), event(t, res, EventStakeRemoved)["fee"])
				issuance -= res.Fee
			case amount >= 2_001_007:
				res := e.ok(cold, tx.AddStake{Hotkey: hot, NetUID: 1, AmountTAO: amount})
				require.Equal(t, free-amount-res.Fee, e.s.Account(cold).Free)
				require.Equal(t, out, e.s.StakeOf(cold, hot, 1))
				ev := event(t, res, EventStakeAdded)
				require.Equal(t, strconv.FormatUint(uint64(amount), 10), ev["tao"])
				require.Equal(t, strconv.FormatUint(uint64(out), 10), ev["alpha"])
				require.Equal(t, strconv.FormatUint(uint64(fee), 10), ev["fee"])
				require.Equal(t, strconv.FormatUint(uint64(PriceRao(e.s.Price(1))), 10), ev["price"])
				p.TAO += in
				p.AlphaIn -= out
				p.AlphaOut += out
				p.Volume += amount
				issuance -= res.Fee + fee
			default:
				r, err := e.s.buyAlpha(1, amount, 0, false, false)
				require.NoError(t, err)
				require.Equal(t, swap.Result{In: in, Fee: fee, Out: out}, r)
				p.TAO += in
				p.AlphaIn -= out
				p.AlphaOut += out
				p.Volume += amount
				issuance -= fee
			}
			require.Equal(t, p, e.s.Pool(1))
			require.Equal(t, issuance, e.s.TotalIssuance(), "fees are recycled")
		})
	}
}

// giveAlpha stakes alpha to (cold, hot) on n as emission would: AlphaOut
// grows by the same amount.
func (e *stakeEnv) giveAlpha(cold, hot tao.AccountID, n tao.NetUID, alpha tao.Rao) {
	e.t.Helper()
	require.NoError(e.t, e.s.addStakeAlpha(cold, hot, n, alpha))
	p := e.s.Pool(n)
	p.AlphaOut += alpha
	e.s.setPool(n, p)
	require.NoError(e.t, CheckInvariants(e.s))
}

// TestStakeCalls_Errors: every rule of the stake calls fails with its
// code and a message naming the rule, and changes nothing but the nonce
// and the fee.
func TestStakeCalls_Errors(t *testing.T) {
	cold, hot, other, stranger := acct(1), acct(11), acct(2), acct(20)
	setup := func(t *testing.T) *stakeEnv {
		e := newStakeEnv(t)
		e.subnet(1, 1000*tao.RaoPerTAO, 1000*tao.RaoPerTAO)
		e.subnet(2, 1000*tao.RaoPerTAO, 4000*tao.RaoPerTAO)
		e.hotkey(cold, hot)
		e.hotkey(other, acct(12))
		e.s.setSubnet(3, SubnetInfo{Owner: acct(9), Dynamic: true}) // registered, not started
		e.subnet(4, tao.RaoPerTAO, tao.RaoPerTAO)
		e.ok(cold, tx.AddStake{Hotkey: hot, NetUID: 1, AmountTAO: 10 * tao.RaoPerTAO})
		return e
	}
	stake := func(e *stakeEnv) tao.Rao { return e.s.StakeOf(cold, hot, 1) }
	minAdd := tao.Rao(2_000_000 + 1007) // the minimum stake plus the swap fee on it

	cases := []struct {
		name   string
		signer tao.AccountID
		call   func(e *stakeEnv) tx.Call
		code   *tx.Error
		msg    []string
	}{
		{"add: no subnet", cold, func(*stakeEnv) tx.Call { return tx.AddStake{Hotkey: hot, NetUID: 7, AmountTAO: tao.RaoPerTAO} },
			tx.ErrSubnetNotFound, []string{"add_stake on subnet 7"}},
		{"add: not started", cold, func(*stakeEnv) tx.Call { return tx.AddStake{Hotkey: hot, NetUID: 3, AmountTAO: tao.RaoPerTAO} },
			tx.ErrNotStarted, []string{"start_call"}},
		{"add: hotkey not associated", cold, func(*stakeEnv) tx.Call { return tx.AddStake{Hotkey: stranger, NetUID: 1, AmountTAO: tao.RaoPerTAO} },
			tx.ErrHotkeyNotAssociated, []string{"gotensor wallet associate-hotkey", stranger.String()}},
		{"add: below minimum", cold, func(*stakeEnv) tx.Call { return tx.AddStake{Hotkey: hot, NetUID: 1, AmountTAO: minAdd - 1} },
			tx.ErrStakeTooLow, []string{"τ0.002001007"}},
		{"add: more than the balance", cold, func(e *stakeEnv) tx.Call {
			return tx.AddStake{Hotkey: hot, NetUID: 1, AmountTAO: e.s.Account(cold).Free}
		}, tx.ErrInsufficientBalance, []string{"free balance is"}},
		{"add: above 1000x the reserve", cold, func(*stakeEnv) tx.Call {
			return tx.AddStake{Hotkey: hot, NetUID: 4, AmountTAO: 1001 * tao.RaoPerTAO}
		}, tx.ErrSwapTooLarge, []string{"subnet 4"}},
		{"add: limit below the price", cold, func(*stakeEnv) tx.Call {
			return tx.AddStake{Hotkey: hot, NetUID: 2, AmountTAO: tao.RaoPerTAO, LimitPrice: 200_000_000}
		}, tx.ErrPriceLimit, []string{"subnet 2"}},
		{"add: slippage", cold, func(*stakeEnv) tx.Call {
			return tx.AddStake{Hotkey: hot, NetUID: 2, AmountTAO: 100 * tao.RaoPerTAO, LimitPrice: 251_000_000}
		}, tx.ErrSlippage, []string{"subnet 2"}},
		{"remove: no stake", other, func(*stakeEnv) tx.Call { return tx.RemoveStake{Hotkey: hot, NetUID: 1, AmountAlpha: 1} },
			tx.ErrNoStake, []string{"has no stake on"}},
		{"remove: zero", cold, func(*stakeEnv) tx.Call { return tx.RemoveStake{Hotkey: hot, NetUID: 1} },
			tx.ErrStakeTooLow, []string{"remove_stake of 0 alpha"}},
		{"remove: leaves dust out", cold, func(*stakeEnv) tx.Call { return tx.RemoveStake{Hotkey: hot, NetUID: 1, AmountAlpha: 1_000_000} },
			tx.ErrStakeTooLow, []string{"below the minimum stake", "remove more, or all of it"}},
		{"remove: limit above the price", cold, func(e *stakeEnv) tx.Call {
			return tx.RemoveStake{Hotkey: hot, NetUID: 1, AmountAlpha: stake(e), LimitPrice: 2 * tao.RaoPerTAO}
		}, tx.ErrPriceLimit, nil},
		{"unstake_all: nothing", other, func(*stakeEnv) tx.Call { return tx.UnstakeAll{Hotkey: hot} },
			tx.ErrNoStake, nil},
		{"move: same place", cold, func(e *stakeEnv) tx.Call {
			return tx.MoveStake{OriginHotkey: hot, DestHotkey: hot, OriginNetUID: 1, DestNetUID: 1, AmountAlpha: stake(e)}
		}, tx.ErrSameStake, nil},
		{"move: destination not started", cold, func(e *stakeEnv) tx.Call {
			return tx.MoveStake{OriginHotkey: hot, DestHotkey: hot, OriginNetUID: 1, DestNetUID: 3, AmountAlpha: stake(e)}
		}, tx.ErrNotStarted, nil},
		{"move: destination hotkey unknown", cold, func(e *stakeEnv) tx.Call {
			return tx.MoveStake{OriginHotkey: hot, DestHotkey: stranger, OriginNetUID: 1, DestNetUID: 1, AmountAlpha: stake(e)}
		}, tx.ErrHotkeyNotAssociated, nil},
		{"move: below minimum on one subnet", cold, func(*stakeEnv) tx.Call {
			return tx.MoveStake{OriginHotkey: hot, DestHotkey: acct(12), OriginNetUID: 1, DestNetUID: 1, AmountAlpha: 1_900_000}
		}, tx.ErrStakeTooLow, []string{"worth"}},
		{"swap: below minimum across subnets", cold, func(*stakeEnv) tx.Call {
			return tx.SwapStake{Hotkey: hot, OriginNetUID: 1, DestNetUID: 2, AmountAlpha: 1_950_000}
		}, tx.ErrStakeTooLow, []string{"sells for"}},
		{"swap: slippage", cold, func(e *stakeEnv) tx.Call {
			return tx.SwapStake{Hotkey: hot, OriginNetUID: 1, DestNetUID: 2, AmountAlpha: stake(e), LimitPrice: 4_050_000_000}
		}, tx.ErrSlippage, []string{"price ratio"}},
		{"transfer: toggle off", cold, func(e *stakeEnv) tx.Call {
			h := e.s.Hyperparams(2)
			h.TransferToggle = false
			e.s.setHyperparams(2, h)
			return tx.TransferStake{DestColdkey: other, Hotkey: hot, OriginNetUID: 1, DestNetUID: 2, AmountAlpha: stake(e)}
		}, tx.ErrTransferDisallowed, []string{"subnet 2", "transfer_toggle"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := setup(t)
			e.fails(c.signer, c.call(e), c.code, c.msg...)
		})
	}
}

// TestAddStake_KeepsExistentialDeposit: staking the whole free balance
// stakes all but the existential deposit, as subtensor's transfer to the
// subnet account does.
func TestAddStake_KeepsExistentialDeposit(t *testing.T) {
	e := newStakeEnv(t)
	e.subnet(1, 1000*tao.RaoPerTAO, 1000*tao.RaoPerTAO)
	cold, hot := acct(1), acct(11)
	e.hotkey(cold, hot)
	all := e.s.Account(cold).Free - e.s.Params().TxFee
	res := e.ok(cold, tx.AddStake{Hotkey: hot, NetUID: 1, AmountTAO: all})
	require.Equal(t, e.s.Params().ExistentialDeposit, e.s.Account(cold).Free)
	require.Equal(t, strconv.FormatUint(uint64(all-e.s.Params().ExistentialDeposit), 10), event(t, res, EventStakeAdded)["tao"])
}

// TestAddStake_PartialFill: a limit order with allow_partial stakes up to
// the limit and leaves the rest free; the price ends at the limit.
func TestAddStake_PartialFill(t *testing.T) {
	e := newStakeEnv(t)
	e.subnet(1, 1000*tao.RaoPerTAO, 4000*tao.RaoPerTAO) // price 0.25
	cold, hot := acct(1), acct(11)
	e.hotkey(cold, hot)
	free := e.s.Account(cold).Free
	limit := tao.Rao(300_000_000)
	res := e.ok(cold, tx.AddStake{Hotkey: hot, NetUID: 1, AmountTAO: 1000 * tao.RaoPerTAO, LimitPrice: limit, AllowPartial: true})
	spent := free - res.Fee - e.s.Account(cold).Free
	require.Less(t, spent, 1000*tao.RaoPerTAO)
	require.Greater(t, spent, 90*tao.RaoPerTAO) // y·(√(0.3/0.25) − 1) ≈ 95.4 TAO
	require.LessOrEqual(t, PriceRao(e.s.Price(1)), limit)
	require.Greater(t, PriceRao(e.s.Price(1)), limit-1000)
	require.Equal(t, strconv.FormatUint(uint64(spent), 10), event(t, res, EventStakeAdded)["tao"])
}

// TestStake_RootIsOneToOne: root stake is TAO, swapped 1:1 without a fee,
// and counts as RootStake.
func TestStake_RootIsOneToOne(t *testing.T) {
	e := newStakeEnv(t)
	cold, hot := acct(1), acct(11)
	e.hotkey(cold, hot)
	free := e.s.Account(cold).Free
	res := e.ok(cold, tx.AddStake{Hotkey: hot, NetUID: tao.RootNetUID, AmountTAO: 5 * tao.RaoPerTAO})
	require.Equal(t, 5*tao.RaoPerTAO, e.s.RootStake(hot))
	require.Equal(t, 5*tao.RaoPerTAO, e.s.Pool(tao.RootNetUID).TAO)
	require.Equal(t, "0", event(t, res, EventStakeAdded)["fee"])
	res = e.ok(cold, tx.RemoveStake{Hotkey: hot, NetUID: tao.RootNetUID, AmountAlpha: 2 * tao.RaoPerTAO})
	require.Equal(t, 3*tao.RaoPerTAO, e.s.RootStake(hot))
	require.Equal(t, free-3*tao.RaoPerTAO-2*res.Fee, e.s.Account(cold).Free)
	e.fails(cold, tx.AddStake{Hotkey: hot, NetUID: tao.RootNetUID, AmountTAO: tao.RaoPerTAO, LimitPrice: tao.RaoPerTAO - 1},
		tx.ErrPriceLimit, "stable pool")
}

// TestStake_NominatorsShareProRata: dividends paid to a hotkey reach its
// nominators in proportion to their stake, and each gets its value back.
func TestStake_NominatorsShareProRata(t *testing.T) {
	e := newStakeEnv(t)
	hot := acct(11)
	e.hotkey(acct(9), hot)
	e.ok(acct(1), tx.AddStake{Hotkey: hot, NetUID: tao.RootNetUID, AmountTAO: 3 * tao.RaoPerTAO})
	e.ok(acct(2), tx.AddStake{Hotkey: hot, NetUID: tao.RootNetUID, AmountTAO: 1 * tao.RaoPerTAO})
	// Dividends arrive as TAO into the root pool (as a root claim would).
	require.NoError(t, e.s.debit(acct(9), 400_000_000, ReasonStake))
	p := e.s.Pool(tao.RootNetUID)
	p.TAO += 400_000_000
	p.AlphaOut += 400_000_000
	e.s.setPool(tao.RootNetUID, p)
	require.NoError(t, e.s.distributeToHotkey(hot, tao.RootNetUID, 400_000_000))
	require.NoError(t, CheckInvariants(e.s))
	require.Equal(t, 3_300_000_000*tao.Rao(1), e.s.StakeOf(acct(1), hot, tao.RootNetUID))
	require.Equal(t, 1_100_000_000*tao.Rao(1), e.s.StakeOf(acct(2), hot, tao.RootNetUID))
	e.ok(acct(2), tx.UnstakeAll{Hotkey: hot})
	require.Zero(t, e.s.StakeOf(acct(2), hot, tao.RootNetUID))
	require.Equal(t, 3_300_000_000*tao.Rao(1), e.s.StakeOf(acct(1), hot, tao.RootNetUID))
}

// TestMoveStake: on one subnet a move is a pure share transfer; across
// subnets it is a sale and a purchase with exactly one fee: the sale's,
// or the purchase's when the sale is on root.
func TestMoveStake(t *testing.T) {
	e := newStakeEnv(t)
	e.subnet(1, 1000*tao.RaoPerTAO, 1000*tao.RaoPerTAO)
	e.subnet(2, 1000*tao.RaoPerTAO, 2000*tao.RaoPerTAO)
	cold, h1, h2 := acct(1), acct(11), acct(12)
	e.hotkey(cold, h1)
	e.hotkey(acct(2), h2)
	e.ok(cold, tx.AddStake{Hotkey: h1, NetUID: 1, AmountTAO: 10 * tao.RaoPerTAO})
	a := e.s.StakeOf(cold, h1, 1)
	pool1 := e.s.Pool(1)

	// Same subnet, another hotkey: shares move, the pool does not.
	res := e.ok(cold, tx.MoveStake{OriginHotkey: h1, DestHotkey: h2, OriginNetUID: 1, DestNetUID: 1, AmountAlpha: a / 2})
	require.Equal(t, a/2, e.s.StakeOf(cold, h2, 1))
	require.Equal(t, a-a/2, e.s.StakeOf(cold, h1, 1))
	require.Equal(t, pool1, e.s.Pool(1))
	require.Equal(t, "0", event(t, res, EventStakeAdded)["fee"])

	// Across subnets: the sale pays the fee, the purchase is free.
	res = e.ok(cold, tx.SwapStake{Hotkey: h2, OriginNetUID: 1, DestNetUID: 2, AmountAlpha: a / 2})
	require.Zero(t, e.s.StakeOf(cold, h2, 1))
	sold, bought := event(t, res, EventStakeRemoved), event(t, res, EventStakeAdded)
	require.NotEqual(t, "0", sold["fee"])
	require.Equal(t, "0", bought["fee"])
	require.Equal(t, sold["tao"], bought["tao"])
	require.Equal(t, bought["alpha"], strconv.FormatUint(uint64(e.s.StakeOf(cold, h2, 2)), 10))

	// Out of root, the sale is free and the purchase pays.
	e.ok(cold, tx.AddStake{Hotkey: h1, NetUID: tao.RootNetUID, AmountTAO: 5 * tao.RaoPerTAO})
	res = e.ok(cold, tx.MoveStake{OriginHotkey: h1, DestHotkey: h1, OriginNetUID: tao.RootNetUID, DestNetUID: 1, AmountAlpha: 5 * tao.RaoPerTAO})
	require.Equal(t, "0", event(t, res, EventStakeRemoved)["fee"])
	require.NotEqual(t, "0", event(t, res, EventStakeAdded)["fee"])
	require.Zero(t, e.s.RootStake(h1))

	// Just above the minimum out of root: the purchase's fee takes the net
	// input below the minimum, which only add_stake checks (as subtensor).
	e.ok(cold, tx.AddStake{Hotkey: h1, NetUID: tao.RootNetUID, AmountTAO: 2_000_500})
	res = e.ok(cold, tx.MoveStake{OriginHotkey: h1, DestHotkey: h1, OriginNetUID: tao.RootNetUID, DestNetUID: 2, AmountAlpha: 2_000_500})
	require.Equal(t, "2000500", event(t, res, EventStakeAdded)["tao"])
}

// TestTransferStake gives stake to another coldkey, on the same subnet and
// across subnets.
func TestTransferStake(t *testing.T) {
	e := newStakeEnv(t)
	e.subnet(1, 1000*tao.RaoPerTAO, 1000*tao.RaoPerTAO)
	e.subnet(2, 1000*tao.RaoPerTAO, 1000*tao.RaoPerTAO)
	cold, dest, hot := acct(1), acct(3), acct(11)
	e.hotkey(cold, hot)
	e.ok(cold, tx.AddStake{Hotkey: hot, NetUID: 1, AmountTAO: 10 * tao.RaoPerTAO})
	a := e.s.StakeOf(cold, hot, 1)
	e.ok(cold, tx.TransferStake{DestColdkey: dest, Hotkey: hot, OriginNetUID: 1, DestNetUID: 1, AmountAlpha: a / 4})
	require.Equal(t, a/4, e.s.StakeOf(dest, hot, 1))
	destFree := e.s.Account(dest).Free
	e.ok(cold, tx.TransferStake{DestColdkey: dest, Hotkey: hot, OriginNetUID: 1, DestNetUID: 2, AmountAlpha: a})
	require.Zero(t, e.s.StakeOf(cold, hot, 1), "the amount is capped at the stake")
	require.NotZero(t, e.s.StakeOf(dest, hot, 2))
	require.Equal(t, destFree, e.s.Account(dest).Free, "the TAO went into the destination pool")
}

// TestUnstakeAll sells every stake of the signer on a hotkey, root
// included, and leaves other hotkeys alone.
func TestUnstakeAll(t *testing.T) {
	e := newStakeEnv(t)
	e.subnet(1, 1000*tao.RaoPerTAO, 1000*tao.RaoPerTAO)
	e.subnet(2, 1000*tao.RaoPerTAO, 1000*tao.RaoPerTAO)
	cold, hot, keep := acct(1), acct(11), acct(12)
	e.hotkey(cold, hot)
	e.hotkey(cold, keep)
	for _, n := range []tao.NetUID{0, 1, 2} {
		e.ok(cold, tx.AddStake{Hotkey: hot, NetUID: n, AmountTAO: 3 * tao.RaoPerTAO})
	}
	e.ok(cold, tx.AddStake{Hotkey: keep, NetUID: 1, AmountTAO: 3 * tao.RaoPerTAO})
	res := e.ok(cold, tx.UnstakeAll{Hotkey: hot})
	for _, n := range []tao.NetUID{0, 1, 2} {
		require.Zero(t, e.s.StakeOf(cold, hot, n))
	}
	require.NotZero(t, e.s.StakeOf(cold, keep, 1))
	removed := 0
	for _, ev := range res.Events {
		if ev.Type == EventStakeRemoved {
			removed++
		}
	}
	require.Equal(t, 3, removed)
}

// TestRemoveStake_NominatorMinimum: with NominatorMinRequiredStake set, a
// nominator left with less than the minimum is unstaked entirely; the
// hotkey's owner is not.
func TestRemoveStake_NominatorMinimum(t *testing.T) {
	e := newStakeEnv(t)
	e.subnet(1, 1000*tao.RaoPerTAO, 1000*tao.RaoPerTAO)
	owner, nominator, hot := acct(1), acct(2), acct(11)
	e.hotkey(owner, hot)
	e.sudo("nominator_min_required_stake", 1_000_000_000) // 1000 × 0.002 = 2 TAO
	for _, c := range []tao.AccountID{owner, nominator} {
		e.ok(c, tx.AddStake{Hotkey: hot, NetUID: 1, AmountTAO: 3 * tao.RaoPerTAO})
		e.ok(c, tx.RemoveStake{Hotkey: hot, NetUID: 1, AmountAlpha: 2 * tao.RaoPerTAO})
	}
	require.Zero(t, e.s.StakeOf(nominator, hot, 1), "the nominator's remainder is unstaked")
	require.NotZero(t, e.s.StakeOf(owner, hot, 1), "the owner keeps any remainder")
}

// TestTakes covers increase_take and decrease_take: bounds, direction,
// ownership and the rate limit with its countdown.
func TestTakes(t *testing.T) {
	e := newStakeEnv(t)
	owner, hot := acct(1), acct(11)
	e.hotkey(owner, hot)
	require.Equal(t, uint16(11_796), e.s.DelegateTake(hot))

	e.fails(acct(2), tx.DecreaseTake{Hotkey: hot, Take: 100}, tx.ErrNotHotkeyOwner, "belongs to coldkey "+owner.String())
	e.fails(owner, tx.DecreaseTake{Hotkey: acct(20), Take: 100}, tx.ErrHotkeyNotAssociated, "associate-hotkey")
	e.fails(owner, tx.IncreaseTake{Hotkey: hot, Take: 11_797}, tx.ErrTakeOutOfRange, "maximum take of 18.00 %")
	e.fails(owner, tx.IncreaseTake{Hotkey: hot, Take: 11_796}, tx.ErrTakeNotHigher, "use decrease_take")
	e.fails(owner, tx.DecreaseTake{Hotkey: hot, Take: 11_796}, tx.ErrTakeNotLower, "use increase_take")

	res := e.ok(owner, tx.DecreaseTake{Hotkey: hot, Take: 5000})
	require.Equal(t, "5000", event(t, res, EventTakeDecreased)["take"])
	changed := e.height
	require.Equal(t, uint16(5000), e.s.DelegateTake(hot))

	e.height = changed + 216_000 - 1 // the next call runs at changed + 216,000
	e.fails(owner, tx.IncreaseTake{Hotkey: hot, Take: 6000}, tx.ErrTakeRateLimit, "take can increase again in 1 blocks")
	e.ok(owner, tx.IncreaseTake{Hotkey: hot, Take: 6000})
	require.Equal(t, uint16(6000), e.s.DelegateTake(hot))
	e.fails(owner, tx.IncreaseTake{Hotkey: hot, Take: 7000}, tx.ErrTakeRateLimit, "take can increase again in 216000 blocks")
	e.sudo("min_delegate_take", 100)
	e.fails(owner, tx.DecreaseTake{Hotkey: hot, Take: 99}, tx.ErrTakeOutOfRange, "below the minimum take of 0.15 %")
	e.ok(owner, tx.DecreaseTake{Hotkey: hot, Take: 100}) // decreasing is never rate limited
}

// TestAssociateHotkey claims an unowned hotkey, accepts a repeated claim
// by the owner, and refuses another coldkey's.
func TestAssociateHotkey(t *testing.T) {
	e := newStakeEnv(t)
	hot := acct(11)
	res := e.ok(acct(1), tx.AssociateHotkey{Hotkey: hot})
	require.Equal(t, acct(1).String(), event(t, res, EventHotkeyAssociated)["coldkey"])
	owner, ok := e.s.HotkeyOwner(hot)
	require.True(t, ok)
	require.Equal(t, acct(1), owner)
	e.ok(acct(1), tx.AssociateHotkey{Hotkey: hot})
	e.fails(acct(2), tx.AssociateHotkey{Hotkey: hot}, tx.ErrHotkeyInUse, "belongs to coldkey")
	e.fails(acct(2), tx.AssociateHotkey{Hotkey: acct(2)}, tx.ErrHotkeyInUse, "the coldkey itself")
}

// TestStakingParams_Sudo: sudo_set_global sets every staking parameter
// within its bounds; anyone else, or a value out of bounds, is refused.
func TestStakingParams_Sudo(t *testing.T) {
	e := newStakeEnv(t)
	want := StakingParams{MinStake: 1, NominatorMinStake: 2, DefaultTake: 3, MinTake: 4, MaxTake: 5, TakeRateLimit: 6}
	for name, v := range map[string]int64{
		"default_min_stake": 1, "nominator_min_required_stake": 2, "default_delegate_take": 3,
		"min_delegate_take": 4, "max_delegate_take": 5, "tx_delegate_take_rate_limit": 6,
	} {
		e.sudo(name, v)
	}
	require.Equal(t, want, e.s.StakingParams())
	e.fails(envSudo, tx.SudoSetGlobal{Name: "default_min_stake", Value: 0}, tx.ErrHyperparameterBounds)
	e.fails(envSudo, tx.SudoSetGlobal{Name: "max_delegate_take", Value: 65536}, tx.ErrHyperparameterBounds)
	e.fails(acct(1), tx.SudoSetGlobal{Name: "default_min_stake", Value: 5}, tx.ErrSudoOnly)
}

// BenchmarkAddStake measures a whole add_stake through Apply (nonce, fee,
// validation, swap, share pool, events), in blocks of 100 transactions on
// a cache over the in-memory store, as the app executes them.
func BenchmarkAddStake(b *testing.B) {
	e := newStakeEnv(b)
	e.subnet(1, 10_000*tao.RaoPerTAO, 10_000*tao.RaoPerTAO)
	cold, hot := acct(1), acct(11)
	e.hotkey(cold, hot)
	root := e.s
	call := tx.AddStake{Hotkey: hot, NetUID: 1, AmountTAO: 10_000_000}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; {
		st := root.Branch()
		for j := 0; j < 100 && i < b.N; j, i = j+1, i+1 {
			t := &tx.Tx{Body: tx.Body{ChainID: "c", Nonce: st.Account(cold).Nonce, Call: call}, Signer: cold}
			if res := Apply(st, Block{Height: tao.BlockHeight(i)}, t, true); res.Code != 0 {
				b.Fatalf("add_stake %d: %s", i, res.Log)
			}
		}
		st.Write()
		st.TakeEvents()
		root.TakeEvents()
	}
}
