package cli

import "github.com/spf13/cobra"

// newSudoCmd builds the `sudo` group. (Placeholder: filled in by its issue.)
func newSudoCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "sudo", Short: "Get and set subnet hyperparameters"}
}
