package cli

import "github.com/spf13/cobra"

// newKeysCmd builds the `keys` group. (Placeholder: filled in by its issue.)
func newKeysCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "keys", Short: "Inspect secret URIs and keys (like subkey inspect)"}
}
