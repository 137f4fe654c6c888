package cli

import (
	"errors"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/gotensor/gotensor/subnets/template"
)

// Execute runs the gotensor command line with args (without the program
// name) and returns the process exit code.
func Execute(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := newApp(stdin, stdout, stderr)
	root := newRootCmd(a)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	if err == nil {
		return 0
	}
	if !a.jsonOut {
		// A usage error can stop the flag parser before it reaches --json;
		// the error is still reported as the one JSON document asked for.
		a.jsonOut = jsonRequested(args)
	}
	return a.reportError(err)
}

// jsonRequested reports whether args hold --json (or an alias of it)
// before any "--".
func jsonRequested(args []string) bool {
	for _, arg := range args {
		if arg == "--" {
			return false
		}
		name, value, _ := strings.Cut(strings.TrimPrefix(arg, "--"), "=")
		if strings.HasPrefix(arg, "--") && normalizeFlag(nil, name) == "json" && value != "false" {
			return true
		}
	}
	return false
}

// Main is the entry point used by cmd/gotensor.
func Main() int { return Execute(os.Args[1:], os.Stdin, os.Stdout, os.Stderr) }

func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:           "gotensor",
		Short:         "gotensor: an incentive network for machine intelligence (chain, wallet and SDK)",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return a.setup(cmd)
		},
	}
	root.CompletionOptions.DisableDefaultCmd = true
	pf := root.PersistentFlags()
	pf.BoolVar(&a.jsonOut, "json", false, "print one JSON document (implies --no-prompt); amounts are integers in rao")
	pf.BoolVar(&a.noPrompt, "no-prompt", false, "never ask questions; assume yes to confirmations")
	pf.BoolVar(&a.quiet, "quiet", false, "print only errors and results")
	root.SetGlobalNormalizationFunc(normalizeFlag)

	// The command tree, in btcli's shape. Each group lives in its own file.
	root.AddCommand(
		newWalletCmd(a),
		newKeysCmd(a),
		newSubnetsCmd(a),
		newStakeCmd(a),
		newSudoCmd(a),
		newWeightsCmd(a),
		newAxonCmd(a),
		newYumaCmd(a),
		newNodeCmd(a),
		newLocalnetCmd(a),
		newTestnetCmd(a),
		template.Command(),
	)
	return root
}

// flagAliases maps btcli's and the Python SDK's spellings onto ours, so
// commands copied from Bittensor documentation keep working.
var flagAliases = map[string]string{
	"name":                     "wallet-name",
	"wallet.name":              "wallet-name",
	"wallet.hotkey":            "hotkey",
	"wallet-hotkey":            "hotkey",
	"wallet.path":              "wallet-path",
	"json-output":              "json",
	"json-out":                 "json",
	"subtensor.network":        "network",
	"subtensor.chain-endpoint": "network",
	"chain":                    "network",
}

func normalizeFlag(_ *pflag.FlagSet, name string) pflag.NormalizedName {
	name = strings.ReplaceAll(name, "_", "-")
	if to, ok := flagAliases[name]; ok {
		name = to
	}
	return pflag.NormalizedName(name)
}

// errUsage marks errors caused by how the command was called (exit code 2).
var errUsage = errors.New("usage")
