package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/client"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// newAssociateHotkeyCmd builds `wallet associate-hotkey`: claim a hotkey
// for the wallet's coldkey on chain, so that it can receive stake before
// it registers on any subnet.
func newAssociateHotkeyCmd(a *app) *cobra.Command {
	var (
		w   walletFlags
		net networkFlag
		hk  addressFlag
	)
	cmd := &cobra.Command{
		Use:   "associate-hotkey",
		Short: "Link a hotkey to the wallet's coldkey on chain",
		Long: `Claim a hotkey (--hotkey-ss58, else the wallet's hotkey) for the wallet's
coldkey (associate_hotkey). A hotkey must belong to a coldkey before anyone
can stake to it; registering it on a subnet also claims it. A hotkey
another coldkey owns cannot be claimed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
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
				case d.Owner != nil && *d.Owner == cold:
					return nil, a.result(map[string]any{"success": true, "hotkey": hot, "coldkey": cold, "already_associated": true}, func() {
						a.success("hotkey %s already belongs to %s; nothing to do", hot, cold)
					})
				case d.Owner != nil:
					return nil, withHint(fmt.Errorf("hotkey %s belongs to coldkey %s", hot, *d.Owner), "use a hotkey of your own wallet (--hotkey NAME or --hotkey-ss58)")
				}
				return &stakeTx{"Associate hotkey", [][2]string{
					{"Hotkey", hot.String()},
					{"Coldkey", cold.String()},
					feeRow(st),
				}, tx.AssociateHotkey{Hotkey: hot}}, nil
			})
		},
	}
	w.register(cmd)
	net.register(cmd)
	hk.register(cmd, "hotkey-ss58", "hotkey to claim (SS58); else the wallet's hotkey", "wallet-hotkey-ss58")
	return cmd
}
