package cli

import "github.com/spf13/cobra"

// newYumaCmd builds the `yuma` group. (Placeholder: filled in by its issue.)
func newYumaCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "yuma", Short: "Run Yuma Consensus epochs offline (epoch, simulate)"}
}
