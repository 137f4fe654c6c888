package cli

import (
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/node"
	"github.com/gotensor/gotensor/tao"
)

func newTestnetCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "testnet", Short: "Write the homes of a multi-validator test network"}
	cmd.AddCommand(newTestnetInitCmd(a))
	return cmd
}

// testnetDoc is what `testnet init --json` prints.
type testnetDoc struct {
	ChainID string             `json:"chain_id"`
	Nodes   []node.TestnetNode `json:"nodes"`
}

func newTestnetInitCmd(a *app) *cobra.Command {
	var (
		n                  int
		dir, chainID, host string
		issuance           string
		basePort           int
		blockTime          time.Duration
	)
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write N validator homes that form one network on this machine",
		Long: `Write DIR/node0 … DIR/node{N-1}: fresh keys, one shared genesis with every
node as a validator of equal power and the development accounts funded, and
each node's persistent peers wired to all the others. Start every node with
` + "`gotensor node start --home DIR/nodeI`" + `. Node I listens on BASE+10·I (p2p),
+1 (CometBFT RPC), +2 (API) and +3 (metrics).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dir == "" {
				return usageErrorf("the output directory is required: pass --output DIR")
			}
			if n < 1 || n > node.MaxTestnetValidators {
				return usageErrorf("--validators %d: want 1 to %d", n, node.MaxTestnetValidators)
			}
			if err := checkNodeFlags(cmd); err != nil {
				return err
			}
			g := chain.DevGenesis(chainID)
			if issuance != "" {
				rao, err := tao.ParseTAO(issuance)
				if err != nil {
					return usageErrorf("--initial-issuance: %v", err)
				}
				g.InitialIssuance = rao
			}
			if err := g.Validate(); err != nil {
				return usageErrorf("%v", err)
			}
			appState, err := json.Marshal(g)
			if err != nil {
				return err
			}
			nodes, err := node.InitTestnet(dir, node.TestnetOptions{
				ChainID: chainID, Validators: n, AppState: appState, Host: host, BasePort: basePort, BlockTime: blockTime,
			})
			if errors.Is(err, node.ErrHomeExists) {
				return withHint(err, "choose another --output, or remove the old homes")
			} else if err != nil {
				return err
			}
			return a.result(testnetDoc{ChainID: chainID, Nodes: nodes}, func() {
				rows := make([][]string, len(nodes))
				for i, nd := range nodes {
					rows[i] = []string{"node" + strconv.Itoa(i), nd.Home, "http://" + nd.APIAddr, nd.P2PAddr}
				}
				a.table("Testnet "+chainID, []string{"Node", "Home", "API", "P2P"}, rows, nil)
				a.printf("\nStart each node in its own terminal:\n")
				for _, nd := range nodes {
					a.printf("  gotensor node start --home %s\n", nd.Home)
				}
			})
		},
	}
	f := cmd.Flags()
	f.IntVar(&n, "validators", 4, "number of validator nodes")
	f.StringVar(&dir, "output", "", "directory for the node homes")
	f.StringVar(&chainID, "chain-id", "gotensor-testnet", "chain id")
	f.StringVar(&host, "host", "127.0.0.1", "IP address the nodes listen on and dial")
	f.IntVar(&basePort, "base-port", 27000, "first port of node0's block of ten")
	f.DurationVar(&blockTime, "block-time", time.Second, "pause between blocks (CometBFT timeout_commit)")
	f.StringVar(&issuance, "initial-issuance", "", "total issuance at genesis in TAO")
	return cmd
}
