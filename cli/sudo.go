package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/client"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// newSudoCmd builds the `sudo` group (btcli's `sudo`, alias su).
func newSudoCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "sudo",
		Aliases: []string{"su"},
		Short:   "Get and set subnet hyperparameters and global parameters",
		Long: `Read and change settings. A subnet owner sets the hyperparameters marked
owner-settable (within the owner's bounds, once per two tempos each); the
sudo account of the chain sets any of them, and the global parameters
(--global).`,
	}
	cmd.AddCommand(newSudoSetCmd(a), newSudoGetCmd(a))
	cmd.AddCommand(newTakeCmds(a)...) // set-take, get-take: cli/stake_take.go
	return cmd
}

func newSudoGetCmd(a *app) *cobra.Command {
	var (
		net    networkFlag
		netuid uint16
		global bool
	)
	cmd := &cobra.Command{
		Use:   "get",
		Short: "Show a subnet's hyperparameters, or the global parameters with --global",
		Long: `Show a subnet's hyperparameters with their bounds and who may set them, or
with --global the parameters sudo_set_global sets. --json prints GET
/v1/subnets/{netuid}/hyperparameters or GET /v1/params.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if global {
				return a.showGlobalParams(cmd.Context(), &net)
			}
			if err := requireFlag(cmd, "netuid"); err != nil {
				return withHint(err, "or pass --global for the chain-wide parameters")
			}
			return a.showHyperparams(cmd.Context(), &net, tao.NetUID(netuid))
		},
	}
	net.register(cmd)
	netuidFlag(cmd, &netuid, "netuid", "subnet whose hyperparameters to show")
	cmd.Flags().BoolVar(&global, "global", false, "show the global parameters instead")
	return cmd
}

// showHyperparams prints a subnet's hyperparameters.
func (a *app) showHyperparams(ctx context.Context, net *networkFlag, n tao.NetUID) error {
	return a.query(ctx, net, func(ctx context.Context, c *client.Client) error {
		h, err := c.Hyperparameters(ctx, n)
		if err != nil {
			return err
		}
		return a.result(h, func() {
			a.paramTable(fmt.Sprintf("Hyperparameters of subnet %d (block %d)", n, h.Height), h.Params)
		})
	})
}

// showGlobalParams prints the global parameters.
func (a *app) showGlobalParams(ctx context.Context, net *networkFlag) error {
	return a.query(ctx, net, func(ctx context.Context, c *client.Client) error {
		p, err := c.GlobalParams(ctx)
		if err != nil {
			return err
		}
		return a.result(p, func() { a.paramTable(fmt.Sprintf("Global parameters (block %d)", p.Height), p.Params) })
	})
}

func (a *app) paramTable(title string, params []apitypes.Param) {
	rows := make([][]string, len(params))
	for i, p := range params {
		who := "sudo"
		if p.OwnerSettable != nil && *p.OwnerSettable {
			who = "owner or sudo"
		}
		rows[i] = []string{p.Name, paramValue(p), fmt.Sprintf("[%d, %d]", p.Min, p.Max), p.Unit, who}
	}
	a.table(title, []string{"Parameter", "Value", "Bounds", "Unit", "Set by"}, rows, nil)
}

// paramValue shows a value in its unit for people.
func paramValue(p apitypes.Param) string {
	switch p.Unit {
	case "rao":
		return tao.Rao(p.Value).String()
	case "bool":
		return strconv.FormatBool(p.Value != 0)
	case "u16":
		return fmt.Sprintf("%d (%.4f)", p.Value, float64(p.Value)/65535)
	}
	return strconv.FormatInt(p.Value, 10)
}

func newSudoSetCmd(a *app) *cobra.Command {
	var (
		w      walletFlags
		net    networkFlag
		netuid uint16
		global bool
		param  string
		value  string
	)
	cmd := &cobra.Command{
		Use:   "set",
		Short: "Set a subnet hyperparameter (owner or sudo), or a global parameter with --global (sudo)",
		Long: `Set a hyperparameter of a subnet by its btcli name (` + "`gotensor sudo get`" + ` lists
them), signed by the wallet's coldkey: the subnet owner or the chain's sudo
account. With --global, set a chain-wide parameter (sudo only). Values are
integers in the parameter's unit (rao for amounts, 0/1 or true/false for
switches); alpha_values takes "low,high". The chain checks the bounds and
the owner's rate limit and names the rule a refused value breaks.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch {
			case param == "":
				return usageErrorf("the parameter is required: pass --param NAME (see `gotensor sudo get`)")
			case value == "":
				return usageErrorf("the value is required: pass --value V")
			case global && cmd.Flags().Changed("netuid"):
				return usageErrorf("--global and --netuid are exclusive")
			case !global && !cmd.Flags().Changed("netuid"):
				return usageErrorf("--netuid is required (or --global for a chain-wide parameter)")
			}
			c, err := a.client(&net)
			if err != nil {
				return err
			}
			calls, err := sudoCalls(global, tao.NetUID(netuid), param, value, func() (int64, error) {
				ctx, cancel := context.WithTimeout(cmd.Context(), callTimeout)
				defer cancel()
				h, err := c.Hyperparameters(ctx, tao.NetUID(netuid))
				if err != nil {
					return 0, subnetQueryError(c, err)
				}
				for _, p := range h.Params {
					if p.Name == "alpha_low" {
						return p.Value, nil
					}
				}
				return 0, fmt.Errorf("the node does not report alpha_low")
			})
			if err != nil {
				return err
			}
			target := "the chain" // a global parameter
			if !global {
				target = "subnet " + strconv.Itoa(int(netuid))
			}
			summary := [][2]string{{"Target", target}, {"Parameter", param}, {"New value", value}, {"Network", c.URL()}}
			last, ok, err := a.confirmAndSubmit(cmd.Context(), c, &w, "Change a parameter", summary, calls...)
			if err != nil || !ok {
				return err
			}
			fields := map[string]any{"param": param, "value": value}
			if !global {
				fields["netuid"] = netuid
			}
			return a.result(txDoc(calls[len(calls)-1], last, fields), func() {
				a.success("%s set to %s on %s in block %d", param, value, target, last.Height)
			})
		},
	}
	w.register(cmd)
	net.register(cmd)
	netuidFlag(cmd, &netuid, "netuid", "subnet whose hyperparameter to set")
	f := cmd.Flags()
	f.BoolVar(&global, "global", false, "set a global parameter (sudo only)")
	f.StringVar(&param, "param", "", "parameter name, as `gotensor sudo get` lists it (btcli names and aliases accepted)")
	f.StringVar(&param, "parameter", "", "alias of --param (btcli)")
	_ = f.MarkHidden("parameter")
	f.StringVar(&value, "value", "", "new value: an integer, true/false, or low,high for alpha_values")
	return cmd
}

// sudoCalls turns --param and --value into calls: one, or two for
// btcli's alpha_values "low,high", ordered so that low ≤ high holds after
// each (currentLow reads the subnet's alpha_low).
func sudoCalls(global bool, n tao.NetUID, param, value string, currentLow func() (int64, error)) ([]tx.Call, error) {
	if param == "alpha_values" && !global {
		low, high, ok := strings.Cut(value, ",")
		if !ok {
			return nil, usageErrorf(`--value for alpha_values is "low,high", e.g. 45875,58982`)
		}
		lo, err := parseParamValue(strings.TrimSpace(low))
		if err != nil {
			return nil, err
		}
		hi, err := parseParamValue(strings.TrimSpace(high))
		if err != nil {
			return nil, err
		}
		if lo > hi {
			return nil, usageErrorf("alpha_values: low %d is above high %d", lo, hi)
		}
		cur, err := currentLow()
		if err != nil {
			return nil, err
		}
		setLow := tx.SetHyperparameter{NetUID: n, Name: "alpha_low", Value: lo}
		setHigh := tx.SetHyperparameter{NetUID: n, Name: "alpha_high", Value: hi}
		if hi >= cur { // the new high suits the current low
			return []tx.Call{setHigh, setLow}, nil
		}
		return []tx.Call{setLow, setHigh}, nil
	}
	v, err := parseParamValue(value)
	if err != nil {
		return nil, err
	}
	if global {
		return []tx.Call{tx.SudoSetGlobal{Name: param, Value: v}}, nil
	}
	return []tx.Call{tx.SetHyperparameter{NetUID: n, Name: param, Value: v}}, nil
}

// parseParamValue accepts an integer or true/false.
func parseParamValue(s string) (int64, error) {
	switch strings.ToLower(s) {
	case "true":
		return 1, nil
	case "false":
		return 0, nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, usageErrorf("--value %q: want an integer (in the parameter's unit) or true/false", s)
	}
	return v, nil
}
