package cli

import "github.com/spf13/cobra"

// newNodeCmd builds the `node` group. (Placeholder: filled in by its issue.)
func newNodeCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "node", Short: "Initialise and run a gotensor node"}
}
