package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/gotensor/gotensor/client"
	"github.com/gotensor/gotensor/wallet"
)

// EnvNetwork names the node a command talks to when --network is not
// given; it wins over btcli's BT_SUBTENSOR_NETWORK and config.yml.
const EnvNetwork = "GOTENSOR_NETWORK"

// networkFlag is the --network option of every command that talks to a
// node. Commands embed one, call register, then a.client.
type networkFlag struct{ value string }

func (n *networkFlag) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&n.value, "network", "",
		`node API: "local" (`+client.LocalURL+`), host:port or an http(s) URL; else $`+EnvNetwork+`, $BT_SUBTENSOR_NETWORK, btcli's config.yml, "local"`)
}

// client returns an API client for the selected node: --network, else
// $GOTENSOR_NETWORK, else btcli's settings ($BT_SUBTENSOR_NETWORK,
// config.yml), else the local node.
func (a *app) client(n *networkFlag) (*client.Client, error) {
	network, from := n.value, "--network"
	if network == "" {
		if v := os.Getenv(EnvNetwork); v != "" {
			network, from = v, "$"+EnvNetwork
		}
	}
	if network == "" {
		s, err := wallet.Resolve(wallet.Overrides{}, os.Getenv)
		if err != nil {
			return nil, withHint(err, "fix the file or point BTCLI_CONFIG_PATH elsewhere")
		}
		network, from = s.Network, s.NetworkFrom
	}
	c, err := client.New(network, client.Options{})
	if err != nil {
		hint := "e.g. --network local, or --network http://127.0.0.1:9944"
		if from != "--network" {
			hint = "fix " + from + ", or override it with --network"
		}
		return nil, withHint(usageErrorf("%v (from %s)", err, from), "%s", hint)
	}
	return c, nil
}

// nodeError adds the next step to a failure to reach the node.
func nodeError(c *client.Client, err error) error {
	var op *net.OpError
	switch {
	case errors.As(err, &op):
		return withHint(fmt.Errorf("cannot reach the node at %s: %w", c.URL(), op.Err),
			"start one with `gotensor localnet`, or pass --network URL of a running node")
	case errors.Is(err, context.DeadlineExceeded):
		return withHint(fmt.Errorf("the node at %s did not answer in time", c.URL()), "check that it is running and not overloaded")
	}
	return err
}

// callTimeout bounds a command's reads; submissions that wait for their
// block have the client's own commit timeout.
const callTimeout = 15 * time.Second
