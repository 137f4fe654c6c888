package cli

import "github.com/spf13/cobra"

// newSubnetsCmd builds the `subnets` group. (Placeholder: filled in by its issue.)
func newSubnetsCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "subnets", Short: "Create, list and inspect subnets; register neurons"}
}
