package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/node"
	"github.com/gotensor/gotensor/tao"
)

// EnvHome names the default node home.
const EnvHome = "GOTENSOR_HOME"

// defaultHome is $GOTENSOR_HOME, else ~/.gotensor.
func defaultHome() string {
	if h := os.Getenv(EnvHome); h != "" {
		return h
	}
	if dir, err := os.UserHomeDir(); err == nil {
		return filepath.Join(dir, ".gotensor")
	}
	return ".gotensor"
}

func newNodeCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "node",
		Short: "Initialise and run a gotensor node",
		Long: `A node runs CometBFT (consensus, p2p, mempool) in-process with the gotensor
chain, and serves the HTTP API (docs/api.md) and Prometheus metrics.
Its home holds config/config.toml (CometBFT), config/gotensor.toml (ours),
config/genesis.json, the keys and the data. See docs/operations.md.`,
	}
	cmd.AddCommand(newNodeInitCmd(a), newNodeStartCmd(a))
	return cmd
}

// initResultDoc is what `node init --json` prints.
type initResultDoc struct {
	Home             string `json:"home"`
	ChainID          string `json:"chain_id"`
	NodeID           string `json:"node_id"`
	ValidatorAddress string `json:"validator_address"`
	GenesisFile      string `json:"genesis_file"`
}

func newNodeInitCmd(a *app) *cobra.Command {
	var (
		home, chainID, moniker, appStateFile, genesisFile string
		accounts, peers                                   []string
		sudo, issuance                                    string
		apiAddr, rpcAddr, p2pAddr, metricsAddr            string
		blockTime                                         time.Duration
	)
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a new node home: keys, config and genesis",
		Long: `Write a new node home. By default the genesis makes this node the only
validator of a new chain whose accounts are either --account SS58=TAO
entries (with --sudo), a chain genesis file (--app-state, see
docs/chain.md), or, when neither is given, the funded development accounts
//Alice … //Ferdie. With --genesis the node joins an existing network
instead: it copies that network's genesis.json and dials --peers.
Nothing is written if the home already holds a node.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkNodeFlags(cmd); err != nil {
				return err
			}
			o := node.InitOptions{
				ChainID: chainID, Moniker: moniker, Peers: peers, BlockTime: blockTime,
				RPCAddr: rpcAddr, P2PAddr: p2pAddr, GenesisFile: genesisFile,
			}
			o.Config = node.DefaultConfig()
			o.Config.APIAddr, o.Config.MetricsAddr = apiAddr, metricsAddr
			if metricsAddr == "off" {
				o.Config.MetricsAddr = ""
			}
			if genesisFile == "" {
				appState, err := initGenesis(appStateFile, accounts, sudo, issuance)
				if err != nil {
					return err
				}
				o.AppState = appState
			} else if appStateFile != "" || len(accounts) > 0 || sudo != "" || issuance != "" {
				return usageErrorf("--genesis joins an existing network: --app-state, --account, --sudo and --initial-issuance do not apply")
			}
			res, err := node.Init(home, o)
			if errors.Is(err, node.ErrHomeExists) {
				return withHint(err, "choose another --home, or remove the old one")
			} else if err != nil {
				return err
			}
			return a.result(initResultDoc{res.Home, res.ChainID, res.NodeID, res.ValidatorAddress, res.GenesisFile}, func() {
				a.success("Initialised %s (chain %s)", res.Home, res.ChainID)
				a.printf("  node id            %s\n  validator address  %s\n  genesis            %s\n", res.NodeID, res.ValidatorAddress, res.GenesisFile)
				a.printf("Start it with: gotensor node start --home %s\n", res.Home)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&home, "home", defaultHome(), "node home directory ($"+EnvHome+")")
	f.StringVar(&chainID, "chain-id", "gotensor-devnet", "chain id of a new chain")
	f.StringVar(&moniker, "moniker", "", "node name on the p2p network")
	f.StringVar(&appStateFile, "app-state", "", "chain genesis JSON file (accounts, params; see docs/chain.md)")
	f.StringSliceVar(&accounts, "account", nil, "fund an account at genesis: SS58=TAO (repeatable)")
	f.StringVar(&sudo, "sudo", "", "sudo account of a new chain (with --account)")
	f.StringVar(&issuance, "initial-issuance", "", "total issuance at genesis in TAO (the rest goes to the treasury)")
	f.StringVar(&genesisFile, "genesis", "", "join an existing network: copy its genesis.json")
	f.StringSliceVar(&peers, "peers", nil, "persistent peers node-id@host:port (repeatable)")
	f.StringVar(&apiAddr, "api-addr", node.DefaultAPIAddr, "HTTP API listen address")
	f.StringVar(&rpcAddr, "rpc-addr", node.DefaultRPCAddr, `CometBFT RPC listen address ("off" disables it)`)
	f.StringVar(&p2pAddr, "p2p-addr", node.DefaultP2PAddr, "CometBFT p2p listen address")
	f.StringVar(&metricsAddr, "metrics-addr", node.DefaultMetricsAddr, `Prometheus metrics listen address ("off" disables them)`)
	f.DurationVar(&blockTime, "block-time", time.Second, "pause between blocks (CometBFT timeout_commit)")
	return cmd
}

// initGenesis builds the chain genesis of a new chain from the flags.
func initGenesis(appStateFile string, accounts []string, sudo, issuance string) (json.RawMessage, error) {
	var g chain.Genesis
	switch {
	case appStateFile != "" && (len(accounts) > 0 || sudo != ""):
		return nil, usageErrorf("--app-state and --account/--sudo are exclusive")
	case appStateFile != "":
		b, err := os.ReadFile(appStateFile)
		if err != nil {
			return nil, usageErrorf("--app-state: %v", err)
		}
		if g, err = chain.ParseGenesis(b); err != nil {
			return nil, withHint(fmt.Errorf("--app-state %s: %w", appStateFile, err), "see docs/chain.md for the genesis format")
		}
	case len(accounts) > 0:
		g = chain.DefaultGenesis()
		for _, spec := range accounts {
			addr, amount, ok := strings.Cut(spec, "=")
			if !ok {
				return nil, usageErrorf("--account %q: want SS58=TAO", spec)
			}
			id, err := tao.ParseAccountID(addr)
			if err != nil {
				return nil, usageErrorf("--account %q: %v", spec, err)
			}
			rao, err := tao.ParseTAO(amount)
			if err != nil {
				return nil, usageErrorf("--account %q: %v", spec, err)
			}
			g.Accounts = append(g.Accounts, chain.GenesisAccount{Address: id, Balance: rao})
		}
		if sudo != "" {
			id, err := tao.ParseAccountID(sudo)
			if err != nil {
				return nil, usageErrorf("--sudo: %v", err)
			}
			g.Params.Sudo = &id
		}
	case sudo != "":
		return nil, usageErrorf("--sudo needs --account (the dev genesis makes //Alice sudo)")
	default:
		g = chain.DevGenesis("")
	}
	if issuance != "" {
		rao, err := tao.ParseTAO(issuance)
		if err != nil {
			return nil, usageErrorf("--initial-issuance: %v", err)
		}
		g.InitialIssuance = rao
	}
	if err := g.Validate(); err != nil {
		return nil, usageErrorf("%v", err)
	}
	return json.Marshal(g)
}

// nodeDoc is what `node start --json` prints once the node is up.
type nodeDoc struct {
	Home    string `json:"home"`
	ChainID string `json:"chain_id"`
	API     string `json:"api"`
	Height  int64  `json:"height"`
}

func newNodeStartCmd(a *app) *cobra.Command {
	var home, apiAddr, rpcAddr, p2pAddr, metricsAddr, logLevel string
	cmd := &cobra.Command{
		Use:   "start",
		Short: "Run the node in the foreground until SIGINT or SIGTERM",
		Long: `Run the node in --home in the foreground. The listen flags override the
home's config for this run only. Ctrl-C (SIGINT) or SIGTERM stops it
cleanly; a node killed outright restarts from its last committed block.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkNodeFlags(cmd); err != nil {
				return err
			}
			n, err := node.New(home, node.Options{
				LogLevel: logLevel, APIAddr: apiAddr, RPCAddr: rpcAddr, P2PAddr: p2pAddr, MetricsAddr: metricsAddr,
			})
			switch {
			case errors.Is(err, node.ErrHomeInUse):
				return withHint(err, "stop the node running there first")
			case errors.Is(err, node.ErrNoHome):
				return withHint(err, "initialise it with `gotensor node init --home %s`, or run `gotensor localnet`", home)
			case err != nil:
				return err
			}
			return a.runNode(cmd.Context(), n, func(context.Context) error {
				doc := nodeDoc{Home: n.Home(), ChainID: n.ChainID(), API: n.APIURL(), Height: n.Height()}
				return a.result(doc, func() {
					a.success("node ready: chain %s at height %d, API %s; Ctrl-C to stop", doc.ChainID, doc.Height, doc.API)
				})
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&home, "home", defaultHome(), "node home directory ($"+EnvHome+")")
	f.StringVar(&apiAddr, "api-addr", "", `HTTP API listen address ("off" disables it; default from gotensor.toml)`)
	f.StringVar(&rpcAddr, "rpc-addr", "", `CometBFT RPC listen address ("off" disables it; default from config.toml)`)
	f.StringVar(&p2pAddr, "p2p-addr", "", "CometBFT p2p listen address (default from config.toml)")
	f.StringVar(&metricsAddr, "metrics-addr", "", `Prometheus metrics listen address ("off" disables them)`)
	f.StringVar(&logLevel, "log-level", "", "debug, info, warn or error (debug includes CometBFT's logs)")
	return cmd
}

// checkNodeFlags checks, before anything is written, the flags the node
// commands share: the listen addresses ("off" turns one off, except p2p),
// --block-time, --chain-id and --log-level. Each error names its flag.
func checkNodeFlags(cmd *cobra.Command) error {
	f := cmd.Flags()
	for _, name := range []string{"api-addr", "rpc-addr", "p2p-addr", "metrics-addr"} {
		v, err := f.GetString(name)
		if err != nil || v == "" || (v == "off" && name != "p2p-addr") {
			continue
		}
		if err := node.CheckListenAddr(v); err != nil {
			if name != "p2p-addr" {
				err = fmt.Errorf(`%w, or "off"`, err)
			}
			return usageErrorf("--%s %q: %v", name, v, err)
		}
	}
	if d, err := f.GetDuration("block-time"); err == nil && d <= 0 {
		return usageErrorf("--block-time %s: want a positive duration, e.g. 500ms", d)
	}
	if id, err := f.GetString("chain-id"); err == nil && (id != "" || f.Changed("chain-id")) {
		if err := node.CheckChainID(id); err != nil {
			return usageErrorf("--chain-id %q: %v", id, err)
		}
	}
	if v, err := f.GetString("log-level"); err == nil && v != "" {
		if err := node.CheckLogLevel(v); err != nil {
			return usageErrorf("--log-level %q: %v", v, err)
		}
	}
	return nil
}
