package cli

import (
	"context"
	"fmt"
	"math/big"

	"github.com/spf13/cobra"

	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/client"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// transition describes a move, transfer or swap for its summary.
type transition struct {
	call           string
	fromCold       tao.AccountID
	toCold         tao.AccountID
	fromHot, toHot tao.AccountID
	from, to       tao.NetUID
	amount         tao.Rao // alpha; 0 with all
	all            bool
	slip           *slippageFlags // swap only
}

// prepareTransition reads the origin stake, resolves --all, quotes the
// two legs of a cross-subnet move and returns the summary rows and, for a
// protected swap, the limit ratio.
func prepareTransition(ctx context.Context, c *client.Client, t *transition) ([][2]string, tao.Rao, error) {
	stakes, err := c.Stakes(ctx, t.fromCold)
	if err != nil {
		return nil, 0, nodeError(c, err)
	}
	var held apitypes.Stake
	for _, s := range stakes.Stakes {
		if s.Hotkey == t.fromHot && s.NetUID == uint16(t.from) {
			held = s
		}
	}
	if held.Alpha == 0 {
		return nil, 0, withHint(fmt.Errorf("%s has no stake on hotkey %s on netuid %d", t.fromCold, t.fromHot, t.from),
			"list your stakes with `gotensor stake list`")
	}
	if t.all {
		t.amount = held.Alpha
	} else if t.amount > held.Alpha {
		return nil, 0, withHint(fmt.Errorf("%s holds %s on netuid %d, cannot move %s", t.fromCold, stakeAmount(t.from, held.Alpha), t.from, stakeAmount(t.from, t.amount)),
			"move at most what you hold, or pass --all")
	}
	rows := [][2]string{
		{"From", fmt.Sprintf("netuid %d, hotkey %s, coldkey %s", t.from, t.fromHot, t.fromCold)},
		{"To", fmt.Sprintf("netuid %d, hotkey %s, coldkey %s", t.to, t.toHot, t.toCold)},
		{"Amount", stakeAmount(t.from, t.amount) + " of " + stakeAmount(t.from, held.Alpha)},
	}
	if t.from == t.to {
		value := mulDiv(t.amount, held.Price, tao.RaoPerTAO)
		return append(rows, [2]string{"Value", value.String() + " (no swap, no swap fee)"}), 0, nil
	}
	// Exactly one swap fee: the sale's, or the purchase's out of root.
	sell, err := c.Quote(ctx, client.QuoteRequest{NetUID: t.from, Amount: t.amount, FeeFree: t.from == tao.RootNetUID})
	if err != nil {
		return nil, 0, quoteError(c, t.from, err)
	}
	buy, err := c.Quote(ctx, client.QuoteRequest{NetUID: t.to, Buy: true, Amount: sell.Out, FeeFree: t.from != tao.RootNetUID})
	if err != nil {
		return nil, 0, quoteError(c, t.to, err)
	}
	rows = append(rows,
		[2]string{"Sells for", fmt.Sprintf("%s at %s (swap fee %s)", sell.Out, priceString(sell.PriceBefore), stakeAmount(t.from, sell.Fee))},
		[2]string{"Buys", fmt.Sprintf("%s at %s (swap fee %s)", stakeAmount(t.to, buy.Out), priceString(buy.PriceBefore), buy.Fee)},
	)
	var limit tao.Rao
	if t.slip != nil && buy.PriceBefore != 0 {
		// As in quoteOrder, the tolerance is measured from where the quoted
		// swap ends: the ratio of the two prices after both legs.
		ratio := mulDiv(sell.PriceAfter, tao.RaoPerTAO, max(buy.PriceAfter, 1))
		if limit, err = t.slip.limit(ratio, false); err != nil {
			return nil, 0, err
		}
		if limit != 0 {
			rows = append(rows, [2]string{"Limit price ratio", fmt.Sprintf("%s (now %s)", limit.TAOString(), ratio.TAOString())})
		}
	}
	return rows, limit, nil
}

func newStakeMoveCmd(a *app) *cobra.Command {
	var (
		w          walletFlags
		net        networkFlag
		from       addressFlag
		to         addressFlag
		amt        amountFlags
		orig, dest uint16
	)
	cmd := &cobra.Command{
		Use:   "move",
		Short: "Move stake to another hotkey and/or subnet",
		Long: `Move --amount alpha (or --all) of the wallet's coldkey from hotkey --from
(else the wallet's hotkey) on --origin-netuid to hotkey --to on
--dest-netuid (default: the same subnet). On one subnet this moves shares,
with no swap and no swap fee; across subnets the alpha is sold and the TAO
restaked, with one swap fee.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFlag(cmd, "origin-netuid"); err != nil {
				return err
			}
			toHot, err := to.required("to", "destination hotkey")
			if err != nil {
				return err
			}
			if !cmd.Flags().Changed("dest-netuid") {
				dest = orig
			}
			return a.runTransition(cmd, &w, &net, &from, "from", &amt, func(cold, hot tao.AccountID, amount tao.Rao) *transition {
				return &transition{call: "Move stake", fromCold: cold, toCold: cold, fromHot: hot, toHot: toHot,
					from: tao.NetUID(orig), to: tao.NetUID(dest), amount: amount, all: amt.all}
			}, func(t *transition, _ tao.Rao) tx.Call {
				return tx.MoveStake{OriginHotkey: t.fromHot, DestHotkey: t.toHot, OriginNetUID: t.from, DestNetUID: t.to, AmountAlpha: t.amount}
			})
		},
	}
	w.register(cmd)
	net.register(cmd)
	from.register(cmd, "from", "hotkey to move the stake from (SS58); else the wallet's hotkey", "hotkey-ss58")
	to.register(cmd, "to", "hotkey to move the stake to (SS58)", "dest-ss58", "dest")
	netuidFlag(cmd, &orig, "origin-netuid", "subnet the stake is on", "origin")
	netuidFlag(cmd, &dest, "dest-netuid", "subnet to move it to (default: the origin)")
	amt.register(cmd, "alpha", "move the whole stake", "stake-all")
	return cmd
}

func newStakeTransferCmd(a *app) *cobra.Command {
	var (
		w          walletFlags
		net        networkFlag
		hk         addressFlag
		destCold   addressFlag
		amt        amountFlags
		orig, dest uint16
	)
	cmd := &cobra.Command{
		Use:   "transfer",
		Short: "Give stake to another coldkey",
		Long: `Transfer --amount alpha (or --all) of the wallet's coldkey's stake on a
hotkey (--hotkey-ss58, else the wallet's hotkey) to coldkey --dest, on
--origin-netuid or moved to --dest-netuid. Both subnets must allow
transfers (transfer_toggle).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFlag(cmd, "origin-netuid"); err != nil {
				return err
			}
			toCold, err := destCold.required("dest", "destination coldkey")
			if err != nil {
				return err
			}
			if !cmd.Flags().Changed("dest-netuid") {
				dest = orig
			}
			return a.runTransition(cmd, &w, &net, &hk, "hotkey-ss58", &amt, func(cold, hot tao.AccountID, amount tao.Rao) *transition {
				return &transition{call: "Transfer stake", fromCold: cold, toCold: toCold, fromHot: hot, toHot: hot,
					from: tao.NetUID(orig), to: tao.NetUID(dest), amount: amount, all: amt.all}
			}, func(t *transition, _ tao.Rao) tx.Call {
				return tx.TransferStake{DestColdkey: t.toCold, Hotkey: t.fromHot, OriginNetUID: t.from, DestNetUID: t.to, AmountAlpha: t.amount}
			})
		},
	}
	w.register(cmd)
	net.register(cmd)
	hk.register(cmd, "hotkey-ss58", "hotkey the stake is on (SS58); else the wallet's hotkey", "hotkey-ss58-address")
	destCold.register(cmd, "dest", "coldkey to give the stake to (SS58)", "dest-ss58", "dest-coldkey")
	netuidFlag(cmd, &orig, "origin-netuid", "subnet the stake is on")
	netuidFlag(cmd, &dest, "dest-netuid", "subnet the recipient gets it on (default: the origin)")
	amt.register(cmd, "alpha", "transfer the whole stake", "stake-all")
	return cmd
}

func newStakeSwapCmd(a *app) *cobra.Command {
	var (
		w          walletFlags
		net        networkFlag
		hk         addressFlag
		amt        amountFlags
		slip       slippageFlags
		orig, dest uint16
	)
	cmd := &cobra.Command{
		Use:   "swap",
		Short: "Move stake on a hotkey to another subnet",
		Long: `Swap --amount alpha (or --all) of the wallet's coldkey's stake on a hotkey
(--hotkey-ss58, else the wallet's hotkey) from --origin-netuid to
--dest-netuid: the alpha is sold and the TAO restaked, with one swap fee.
The call carries a limit on the ratio of the two prices --tolerance below
the ratio the quoted swap ends at, unless --unsafe; --allow-partial-stake moves what fits.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFlag(cmd, "origin-netuid"); err != nil {
				return err
			}
			if err := requireFlag(cmd, "dest-netuid"); err != nil {
				return err
			}
			if orig == dest {
				return usageErrorf("--origin-netuid and --dest-netuid are both %d: nothing to swap", orig)
			}
			if _, err := slip.limit(1, false); err != nil {
				return err
			}
			return a.runTransition(cmd, &w, &net, &hk, "hotkey-ss58", &amt, func(cold, hot tao.AccountID, amount tao.Rao) *transition {
				return &transition{call: "Swap stake", fromCold: cold, toCold: cold, fromHot: hot, toHot: hot,
					from: tao.NetUID(orig), to: tao.NetUID(dest), amount: amount, all: amt.all, slip: &slip}
			}, func(t *transition, limit tao.Rao) tx.Call {
				return tx.SwapStake{Hotkey: t.fromHot, OriginNetUID: t.from, DestNetUID: t.to, AmountAlpha: t.amount,
					LimitPrice: limit, AllowPartial: slip.partial && limit != 0}
			})
		},
	}
	w.register(cmd)
	net.register(cmd)
	hk.register(cmd, "hotkey-ss58", "hotkey the stake is on (SS58); else the wallet's hotkey", "hotkey-ss58-address")
	netuidFlag(cmd, &orig, "origin-netuid", "subnet the stake is on", "origin")
	netuidFlag(cmd, &dest, "dest-netuid", "subnet to move it to")
	amt.register(cmd, "alpha", "swap the whole stake", "swap-all")
	slip.register(cmd)
	return cmd
}

// runTransition is the common body of move, transfer and swap: parse the
// amount, resolve the keys, read and quote, confirm, send.
func (a *app) runTransition(cmd *cobra.Command, w *walletFlags, net *networkFlag, hk *addressFlag, hkName string, amt *amountFlags,
	describe func(cold, hot tao.AccountID, amount tao.Rao) *transition, build func(*transition, tao.Rao) tx.Call) error {
	amount, err := amt.parse()
	if err != nil {
		return err
	}
	hot, err := hk.resolve(a, w, hkName)
	if err != nil {
		return err
	}
	return a.runStakeCall(cmd, w, net, func(ctx context.Context, c *client.Client, cold tao.AccountID, st *apitypes.Status) (*stakeTx, error) {
		t := describe(cold, hot, amount)
		if t.toHot != t.fromHot {
			if err := requireAssociated(ctx, c, t.toHot); err != nil {
				return nil, err
			}
		}
		rows, limit, err := prepareTransition(ctx, c, t)
		if err != nil {
			return nil, err
		}
		return &stakeTx{t.call, append(rows, feeRow(st)), build(t, limit)}, nil
	})
}

// mulDiv returns floor(a·b/c), saturated; 0 if c is 0.
func mulDiv(a, b, c tao.Rao) tao.Rao {
	if c == 0 {
		return 0
	}
	v := new(big.Int).Mul(new(big.Int).SetUint64(uint64(a)), new(big.Int).SetUint64(uint64(b)))
	v.Quo(v, new(big.Int).SetUint64(uint64(c)))
	if !v.IsUint64() {
		return tao.Rao(^uint64(0))
	}
	return tao.Rao(v.Uint64())
}
