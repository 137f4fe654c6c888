package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gotensor/gotensor/tao"
)

func newStakeListCmd(a *app) *cobra.Command {
	var (
		w    walletFlags
		net  networkFlag
		ss58 string
	)
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List a coldkey's stakes per hotkey and subnet",
		Long: `List every stake of the wallet's coldkey (or of --ss58): hotkey, subnet,
alpha, the subnet's price, the value at that price and what unstaking it
all would pay now (swap value: fee and slippage included), with totals.
Stake on root (netuid 0) is TAO, shown in τ at 1:1.
With --json the document is the API's: {"address", "height", "stakes":
[{"hotkey", "netuid", "alpha", "price", "value", "tao_value"}],
"total_value", "total_tao_value"}, amounts in rao.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var id tao.AccountID
			var err error
			if ss58 != "" {
				if id, err = tao.ParseAccountID(ss58); err != nil {
					return usageErrorf("--ss58: %v", err)
				}
			} else if id, err = a.coldkeyPub(&w); err != nil {
				return err
			}
			c, err := a.client(&net)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), callTimeout)
			defer cancel()
			stop := a.spin("Reading stakes from " + c.URL())
			doc, err := c.Stakes(ctx, id)
			stop()
			if err != nil {
				return nodeError(c, err)
			}
			return a.result(doc, func() {
				if len(doc.Stakes) == 0 {
					a.printf("%s has no stakes (block %d). Stake with `gotensor stake add`.\n", id, doc.Height)
					return
				}
				rows := make([][]string, len(doc.Stakes))
				for i, s := range doc.Stakes {
					rows[i] = append([]string{fmt.Sprint(s.NetUID), s.Hotkey.String()}, stakeCells(tao.NetUID(s.NetUID), s.Alpha, s.Price)...)
					rows[i] = append(rows[i], s.Value.String(), s.TAOValue.String())
				}
				a.table(fmt.Sprintf("Stakes of %s (%s, block %d)", id, c.URL(), doc.Height),
					[]string{"Netuid", "Hotkey", "Stake", "Price", "Value", "Swap value"}, rows,
					[]string{"Total", "", "", "", doc.TotalValue.String(), doc.TotalTAOValue.String()})
			})
		},
	}
	w.register(cmd)
	net.register(cmd)
	f := cmd.Flags()
	f.StringVar(&ss58, "ss58", "", "coldkey address to list instead of the wallet's")
	f.StringVar(&ss58, "coldkey-ss58", "", "alias of --ss58 (btcli)")
	_ = f.MarkHidden("coldkey-ss58")
	return cmd
}

// stakeCells formats a stake and its subnet's price: alpha at a price in
// TAO on a subnet, TAO itself on root (netuid 0), where stake is TAO 1:1.
func stakeCells(n tao.NetUID, amount, price tao.Rao) []string {
	if n == tao.RootNetUID {
		return []string{stakeAmount(n, amount), "1:1 (root)"}
	}
	return []string{stakeAmount(n, amount), priceString(price)}
}
