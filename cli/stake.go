package cli

import "github.com/spf13/cobra"

// newStakeCmd builds the `stake` group. (Placeholder: filled in by its issue.)
func newStakeCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "stake", Short: "Stake and unstake TAO to hotkeys on subnets"}
}
