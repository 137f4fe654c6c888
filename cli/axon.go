package cli

import "github.com/spf13/cobra"

// newAxonCmd builds the `axon` group. (Placeholder: filled in by its issue.)
func newAxonCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "axon", Short: "Publish a neuron's axon endpoint on chain"}
}
