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

// newTakeCmds builds `sudo set-take` and `sudo get-take`: a hotkey's
// delegate take, the share of the dividends it earns for its nominators
// that it keeps.
func newTakeCmds(a *app) []*cobra.Command {
	return []*cobra.Command{newSetTakeCmd(a), newGetTakeCmd(a)}
}

func newSetTakeCmd(a *app) *cobra.Command {
	var (
		w    walletFlags
		net  networkFlag
		hk   addressFlag
		take string
	)
	cmd := &cobra.Command{
		Use:   "set-take",
		Short: "Set a hotkey's delegate take",
		Long: `Set the delegate take of a hotkey the wallet's coldkey owns (--hotkey-ss58,
else the wallet's hotkey), as a fraction: 0.09 is 9 %. The chain stores it
in 65535ths (floored) within its bounds (at most 18 % by default). Lowering
it is always allowed; raising it is rate limited (216,000 blocks by
default after the last change).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if take == "" {
				return usageErrorf("the take is required: pass --take, e.g. --take 0.09 for 9 %%")
			}
			f, ok := parseFraction(take)
			if !ok || f.Cmp(big.NewRat(1, 1)) > 0 {
				return usageErrorf("--take %q: want a fraction in [0, 1], e.g. 0.09 for 9 %%", take)
			}
			f.Mul(f, big.NewRat(65535, 1))
			v := uint16(new(big.Int).Quo(f.Num(), f.Denom()).Uint64())
			hot, err := hk.resolve(a, &w, "hotkey-ss58")
			if err != nil {
				return err
			}
			return a.runStakeCall(cmd, &w, &net, func(ctx context.Context, c *client.Client, cold tao.AccountID, st *apitypes.Status) (*stakeTx, error) {
				d, err := c.Delegate(ctx, hot)
				if err != nil {
					return nil, nodeError(c, err)
				}
				switch {
				case d.Owner == nil:
					return nil, withHint(fmt.Errorf("hotkey %s belongs to no coldkey", hot), "associate it with `gotensor wallet associate-hotkey` first")
				case *d.Owner != cold:
					return nil, withHint(fmt.Errorf("hotkey %s belongs to coldkey %s, not %s", hot, *d.Owner, cold), "pick the owning wallet with --wallet-name")
				case v == d.Take:
					return nil, a.result(map[string]any{"success": true, "hotkey": hot, "take": v, "unchanged": true}, func() {
						a.success("the take of %s is already %s", hot, takePercent(v))
					})
				case v > d.MaxTake || v < d.MinTake:
					return nil, usageErrorf("--take %s (%s) is outside the chain's bounds [%s, %s]", take, takePercent(v), takePercent(d.MinTake), takePercent(d.MaxTake))
				case v > d.Take && d.IncreaseAllowedAt > uint64(d.Height+1):
					return nil, withHint(fmt.Errorf("take can increase again in %d blocks (at block %d)", d.IncreaseAllowedAt-uint64(d.Height+1), d.IncreaseAllowedAt),
						"lowering it is allowed at any time")
				}
				var call tx.Call = tx.DecreaseTake{Hotkey: hot, Take: v}
				if v > d.Take {
					call = tx.IncreaseTake{Hotkey: hot, Take: v}
				}
				return &stakeTx{"Set delegate take", [][2]string{
					{"Hotkey", hot.String()},
					{"Take", fmt.Sprintf("%s → %s (%d/65535)", takePercent(d.Take), takePercent(v), v)},
					feeRow(st),
				}, call}, nil
			})
		},
	}
	w.register(cmd)
	net.register(cmd)
	hk.register(cmd, "hotkey-ss58", "hotkey whose take to set (SS58); else the wallet's hotkey")
	cmd.Flags().StringVar(&take, "take", "", "the take as a fraction, e.g. 0.09 for 9 %")
	return cmd
}

func newGetTakeCmd(a *app) *cobra.Command {
	var (
		w   walletFlags
		net networkFlag
		hk  addressFlag
	)
	cmd := &cobra.Command{
		Use:   "get-take",
		Short: "Show a hotkey's delegate take",
		Long: `Show the delegate take of a hotkey (--hotkey-ss58, else the wallet's
hotkey), its bounds and when it may next increase. --json prints the API's
delegate document: {"hotkey", "owner", "take" (65535ths), "min_take",
"max_take", "increase_allowed_at", "subnets"}.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			hot, err := hk.resolve(a, &w, "hotkey-ss58")
			if err != nil {
				return err
			}
			c, err := a.client(&net)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), callTimeout)
			defer cancel()
			d, err := c.Delegate(ctx, hot)
			if err != nil {
				return nodeError(c, err)
			}
			return a.result(d, func() {
				a.printf("Hotkey   %s\n", hot)
				if d.Owner != nil {
					a.printf("Owner    %s\n", *d.Owner)
				} else {
					a.printf("Owner    none (not associated or registered)\n")
				}
				a.printf("Take     %s (%d/65535), bounds [%s, %s]\n", takePercent(d.Take), d.Take, takePercent(d.MinTake), takePercent(d.MaxTake))
				if next := uint64(d.Height + 1); d.IncreaseAllowedAt > next {
					a.printf("Increase allowed in %d blocks (block %d)\n", d.IncreaseAllowedAt-next, d.IncreaseAllowedAt)
				}
			})
		},
	}
	w.register(cmd)
	net.register(cmd)
	hk.register(cmd, "hotkey-ss58", "hotkey to show (SS58); else the wallet's hotkey")
	return cmd
}

// takePercent formats a u16 take as a percentage with two decimals,
// rounded (11796 → "18.00 %").
func takePercent(take uint16) string {
	bp := (uint64(take)*10_000 + 65535/2) / 65535
	return fmt.Sprintf("%d.%02d %%", bp/100, bp%100)
}
