package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/client"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

func newStakeAddCmd(a *app) *cobra.Command {
	var (
		w      walletFlags
		net    networkFlag
		hk     addressFlag
		amt    amountFlags
		slip   slippageFlags
		netuid uint16
	)
	cmd := &cobra.Command{
		Use:   "add",
		Short: "Stake TAO to a hotkey on a subnet",
		Long: `Stake TAO from the wallet's coldkey to a hotkey (--hotkey-ss58, else the
wallet's hotkey) on subnet --netuid: the TAO buys the subnet's alpha from its
pool (1:1 on root, netuid 0). The summary shows the expected alpha, the
price, the slippage and the fees before anything is signed. The call
carries a limit price --tolerance above the price the quote ends at, so it
fails rather than pay more if the pool moves before the block, unless --allow-partial-stake (stake up to the limit, keep
the rest) or --unsafe (no limit).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFlag(cmd, "netuid"); err != nil {
				return err
			}
			amount, err := amt.parse()
			if err != nil {
				return err
			}
			if _, err := slip.limit(1, true); err != nil {
				return err
			}
			hot, err := hk.resolve(a, &w, "hotkey-ss58")
			if err != nil {
				return err
			}
			n := tao.NetUID(netuid)
			return a.runStakeCall(cmd, &w, &net, func(ctx context.Context, c *client.Client, cold tao.AccountID, st *apitypes.Status) (*stakeTx, error) {
				acct, err := c.Account(ctx, cold)
				if err != nil {
					return nil, nodeError(c, err)
				}
				keep := st.TxFee.SaturatingAdd(st.ExistentialDeposit)
				if amt.all {
					if acct.Free <= keep {
						return nil, withHint(fmt.Errorf("nothing to stake: %s holds %s, the fee and the existential deposit take %s", cold, acct.Free, keep),
							"fund the account first")
					}
					amount = acct.Free - keep
				}
				if need, ok := amount.AddChecked(st.TxFee); !ok || acct.Free < need {
					return nil, withHint(fmt.Errorf("insufficient balance: %s holds %s, staking %s needs it plus a fee of %s", cold, acct.Free, amount, st.TxFee),
						"stake less, or fund the account first")
				}
				if err := requireAssociated(ctx, c, hot); err != nil {
					return nil, err
				}
				q, limit, err := quoteOrder(ctx, c, &slip, client.QuoteRequest{NetUID: n, Buy: true, Amount: amount})
				if err != nil {
					return nil, err
				}
				call := tx.AddStake{Hotkey: hot, NetUID: n, AmountTAO: amount, LimitPrice: limit, AllowPartial: slip.partial}
				return &stakeTx{"Add stake", orderRows(cold, hot, n, amount.String(), st, q), call}, nil
			})
		},
	}
	w.register(cmd)
	net.register(cmd)
	netuidFlag(cmd, &netuid, "netuid", "subnet to stake on (0: root)")
	hk.register(cmd, "hotkey-ss58", "hotkey to stake to (SS58); else the wallet's hotkey", "hotkey-ss58-address", "include-hotkeys")
	amt.register(cmd, "TAO", "stake the whole free balance, less the fee and the existential deposit", "all-tokens")
	slip.register(cmd)
	return cmd
}

// quoteOrder quotes r at market, then, unless --unsafe, again with the
// limit price the tolerance gives. It returns the quote to show and the
// limit for the call.
//
// The tolerance is measured from the price the quote ends at, not from the
// price before the order, as DEX slippage settings are: the order's own
// price impact is known in advance and shown in the summary, and the limit
// protects against the pool moving between the quote and the block. (btcli
// measures from the price before, so any order moving the price more than
// 0.5 % fails there by default.)
func quoteOrder(ctx context.Context, c *client.Client, slip *slippageFlags, r client.QuoteRequest) (*apitypes.Quote, tao.Rao, error) {
	q, err := c.Quote(ctx, r)
	if err != nil {
		return nil, 0, quoteError(c, r.NetUID, err)
	}
	limit, err := slip.limit(q.PriceAfter, r.Buy)
	if err != nil || limit == 0 {
		return q, 0, err
	}
	r.LimitPrice, r.AllowPartial = limit, slip.partial
	market := q
	if q, err = c.Quote(ctx, r); err != nil {
		if !errors.Is(err, tx.ErrSlippage) && !errors.Is(err, tx.ErrPriceLimit) {
			return nil, 0, quoteError(c, r.NetUID, err)
		}
		if m := priceMove(market); m >= limitOrderMaxMove {
			return nil, 0, withHint(fmt.Errorf("this order moves the price %d-fold, more than a limit order can fill in one call: %w", m, err),
				"use a smaller amount per call, or pass --unsafe to send it without a limit price")
		}
		return nil, 0, withHint(fmt.Errorf("at this size the price would move more than the tolerance of %s: %w", slip.tolerance, err),
			"stake less, raise --tolerance, pass --allow-partial-stake to fill up to the limit, or --unsafe")
	}
	return q, limit, nil
}

// orderRows summarises a stake order (add or remove) for its
// confirmation: who, where, how much, the fee, then the quote.
func orderRows(cold, hot tao.AccountID, n tao.NetUID, amount string, st *apitypes.Status, q *apitypes.Quote) [][2]string {
	return append([][2]string{
		{"Coldkey", cold.String()},
		{"Hotkey", hot.String()},
		{"Netuid", fmt.Sprint(n)},
		{"Amount", amount},
		feeRow(st),
	}, quoteRows(q)...)
}

// limitOrderMaxMove is a price move no tolerance explains: one limit order
// moves a pool's price at most 18.44^(1/w)-fold (the chain's limit step
// saturates, docs/economics.md), 340-fold at equal weights. A limited quote
// that fails after a market quote moving the price this much hit that
// bound, not the tolerance (which is below 1).
const limitOrderMaxMove = 100

// priceMove is how many times a quoted order moves the price (rounded
// down), in whichever direction it moves it.
func priceMove(q *apitypes.Quote) uint64 {
	lo, hi := min(q.PriceBefore, q.PriceAfter), max(q.PriceBefore, q.PriceAfter)
	if lo == 0 {
		return 0
	}
	return uint64(hi / lo)
}

// requireAssociated fails unless some coldkey owns hotkey: stake can go
// only to hotkeys that are registered or associated.
func requireAssociated(ctx context.Context, c *client.Client, hotkey tao.AccountID) error {
	d, err := c.Delegate(ctx, hotkey)
	if err != nil {
		return nodeError(c, err)
	}
	if d.Owner == nil {
		return withHint(fmt.Errorf("hotkey %s is not registered or associated", hotkey),
			"its owner associates it with `gotensor wallet associate-hotkey`, or registers it with `gotensor subnets register`")
	}
	return nil
}

// quoteError explains a refused quote.
func quoteError(c *client.Client, n tao.NetUID, err error) error {
	if errors.Is(err, client.ErrNotFound) {
		return withHint(fmt.Errorf("subnet %d does not exist", n), "list subnets with `gotensor subnets list`")
	}
	var te *client.TxError
	if errors.As(err, &te) {
		return withHint(err, "the pool cannot take this order now; try a smaller amount")
	}
	return nodeError(c, err)
}

func newStakeRemoveCmd(a *app) *cobra.Command {
	var (
		w      walletFlags
		net    networkFlag
		hk     addressFlag
		amt    amountFlags
		slip   slippageFlags
		netuid uint16
	)
	cmd := &cobra.Command{
		Use:   "remove",
		Short: "Unstake alpha from a hotkey on a subnet back to TAO",
		Long: `Unstake --amount alpha (or --all of it) of the wallet's coldkey from a
hotkey (--hotkey-ss58, else the wallet's hotkey) on subnet --netuid: the
alpha is sold to the pool and the TAO credited to the coldkey. --all
without --netuid unstakes from every subnet (unstake_all). The call
carries a limit price --tolerance below the current price unless --unsafe;
--allow-partial-stake sells up to the limit and keeps the rest staked.`,
		Aliases: []string{"unstake"},
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			amount, err := amt.parse()
			if err != nil {
				return err
			}
			hasNet := cmd.Flags().Changed("netuid")
			if !hasNet && !amt.all {
				return usageErrorf("--netuid is required (or --all to unstake from every subnet)")
			}
			if _, err := slip.limit(1, false); err != nil {
				return err
			}
			hot, err := hk.resolve(a, &w, "hotkey-ss58")
			if err != nil {
				return err
			}
			n := tao.NetUID(netuid)
			return a.runStakeCall(cmd, &w, &net, func(ctx context.Context, c *client.Client, cold tao.AccountID, st *apitypes.Status) (*stakeTx, error) {
				stakes, err := c.Stakes(ctx, cold)
				if err != nil {
					return nil, nodeError(c, err)
				}
				var mine []apitypes.Stake
				var total tao.Rao
				for _, s := range stakes.Stakes {
					if s.Hotkey == hot && (!hasNet || s.NetUID == uint16(n)) {
						mine = append(mine, s)
						total = total.SaturatingAdd(s.TAOValue)
					}
				}
				where := fmt.Sprintf("hotkey %s", hot)
				if hasNet {
					where += fmt.Sprintf(" on netuid %d", n)
				}
				if len(mine) == 0 {
					return nil, withHint(fmt.Errorf("%s has no stake on %s", cold, where), "list your stakes with `gotensor stake list`")
				}
				if !hasNet {
					summary := [][2]string{{"Coldkey", cold.String()}, {"Hotkey", hot.String()}}
					for _, s := range mine {
						summary = append(summary, [2]string{fmt.Sprintf("Netuid %d", s.NetUID), fmt.Sprintf("%s ≈ %s", stakeAmount(tao.NetUID(s.NetUID), s.Alpha), s.TAOValue)})
					}
					summary = append(summary, [2]string{"Expected TAO", total.String() + " (at market, no limit)"}, feeRow(st))
					return &stakeTx{"Unstake from every subnet", summary, tx.UnstakeAll{Hotkey: hot}}, nil
				}
				held := mine[0].Alpha
				if amt.all {
					amount = held
				} else if amount > held {
					return nil, withHint(fmt.Errorf("%s holds %s on %s, cannot remove %s", cold, stakeAmount(n, held), where, stakeAmount(n, amount)),
						"remove at most what you hold, or pass --all")
				}
				q, limit, err := quoteOrder(ctx, c, &slip, client.QuoteRequest{NetUID: n, Amount: amount})
				if err != nil {
					return nil, err
				}
				call := tx.RemoveStake{Hotkey: hot, NetUID: n, AmountAlpha: amount, LimitPrice: limit, AllowPartial: slip.partial}
				return &stakeTx{"Remove stake", orderRows(cold, hot, n, stakeAmount(n, amount)+" of "+stakeAmount(n, held), st, q), call}, nil
			})
		},
	}
	w.register(cmd)
	net.register(cmd)
	netuidFlag(cmd, &netuid, "netuid", "subnet to unstake from (0: root)")
	hk.register(cmd, "hotkey-ss58", "hotkey to unstake from (SS58); else the wallet's hotkey", "hotkey-ss58-address", "include-hotkeys")
	amt.register(cmd, "alpha", "remove the whole stake (with no --netuid: on every subnet)", "unstake-all")
	slip.register(cmd)
	return cmd
}
