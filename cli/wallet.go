package cli

import "github.com/spf13/cobra"

// newWalletCmd builds the `wallet` group. (Placeholder: filled in by its issue.)
func newWalletCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "wallet", Short: "Create, restore and inspect coldkeys and hotkeys; balances and transfers"}
}
