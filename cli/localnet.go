package cli

import "github.com/spf13/cobra"

// newLocalnetCmd builds the `localnet` group. (Placeholder: filled in by its issue.)
func newLocalnetCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "localnet", Short: "Run a single-validator local network with funded dev accounts"}
}
