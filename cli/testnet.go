package cli

import "github.com/spf13/cobra"

// newTestnetCmd builds the `testnet` group. (Placeholder: filled in by its issue.)
func newTestnetCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "testnet", Short: "Write the homes of a multi-validator test network"}
}
