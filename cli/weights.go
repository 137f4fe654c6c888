package cli

import "github.com/spf13/cobra"

// newWeightsCmd builds the `weights` group. (Placeholder: filled in by its issue.)
func newWeightsCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "weights", Short: "Set, commit and reveal validator weights"}
}
