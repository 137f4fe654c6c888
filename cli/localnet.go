package cli

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/node"
	"github.com/gotensor/gotensor/tao"
)

// localnetExtension lets another part of the CLI add to `gotensor
// localnet` (e.g. --demo, which starts neurons): register adds its flags,
// ready runs once the node has committed its first block, in the
// foreground, and may keep running until ctx is done.
type localnetExtension struct {
	register func(cmd *cobra.Command)
	ready    func(ctx context.Context, n *node.Node) error
}

// localnetExtensions lists the extensions of `gotensor localnet`.
var localnetExtensions []func(a *app) localnetExtension

// devAccountDoc is a funded development account in the localnet output.
type devAccountDoc struct {
	URI     string        `json:"uri"`
	SS58    tao.AccountID `json:"ss58Address"`
	Balance tao.Rao       `json:"balance"`
}

// localnetDoc is what `gotensor localnet --json` prints once ready.
type localnetDoc struct {
	Home     string          `json:"home"`
	Created  bool            `json:"created"`
	ChainID  string          `json:"chain_id"`
	API      string          `json:"api"`
	Height   int64           `json:"height"`
	Accounts []devAccountDoc `json:"accounts"`
}

func newLocalnetCmd(a *app) *cobra.Command {
	var (
		home, apiAddr, rpcAddr, p2pAddr, metricsAddr string
		chainID, issuance, logLevel                  string
		blockTime                                    time.Duration
		exts                                         []localnetExtension
	)
	cmd := &cobra.Command{
		Use:   "localnet",
		Short: "Run a single-validator local network with funded dev accounts",
		Long: `Run a single-validator chain in the foreground, with fast blocks and the
Substrate development accounts //Alice … //Ferdie funded (Alice is sudo).
Without --home the chain lives in a new temporary directory, printed at
start; run again with the same --home to continue the same chain. Stop it
with Ctrl-C (SIGINT) or SIGTERM.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) (err error) {
			var supply tao.Rao
			if issuance != "" {
				if supply, err = tao.ParseTAO(issuance); err != nil {
					return usageErrorf("--initial-issuance: %v", err)
				}
			}
			genesis := func(id string) (json.RawMessage, error) {
				g := chain.DevGenesis(id)
				g.InitialIssuance = supply
				if err := g.Validate(); err != nil {
					return nil, usageErrorf("--initial-issuance %s: %v", issuance, err)
				}
				return json.Marshal(g)
			}
			if _, err := genesis(chainID); err != nil {
				return err
			}
			if err := checkNodeFlags(cmd); err != nil {
				return err
			}
			if home == "" {
				if home, err = os.MkdirTemp("", "gotensor-localnet-"); err != nil {
					return err
				}
				// A run that fails before its chain starts leaves the
				// directory empty (node removes what it wrote): drop it too.
				defer func() {
					if err != nil {
						_ = os.Remove(home)
					}
				}()
			}
			n, created, err := node.OpenLocalnet(node.LocalnetOptions{
				Home: home, ChainID: chainID, BlockTime: blockTime, LogLevel: logLevel,
				APIAddr: apiAddr, RPCAddr: rpcAddr, P2PAddr: p2pAddr, MetricsAddr: metricsAddr,
				Genesis: genesis,
			})
			if err != nil {
				return localnetError(err, home)
			}
			if !created {
				a.warnNewChainFlags(cmd, home)
			}
			return a.runNode(cmd.Context(), n, func(ctx context.Context) error {
				return a.localnetReady(ctx, n, created, exts)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&home, "home", "", "directory of the chain (default: a new temporary directory)")
	f.StringVar(&apiAddr, "api-addr", node.DefaultAPIAddr, "HTTP API listen address")
	f.StringVar(&rpcAddr, "rpc-addr", node.DefaultRPCAddr, `CometBFT RPC listen address ("off" disables it)`)
	f.StringVar(&p2pAddr, "p2p-addr", "127.0.0.1:26656", "CometBFT p2p listen address")
	f.StringVar(&metricsAddr, "metrics-addr", "off", `Prometheus metrics listen address, e.g. 127.0.0.1:26660`)
	f.DurationVar(&blockTime, "block-time", node.LocalnetBlockTime, "pause between blocks of a new chain")
	f.StringVar(&chainID, "chain-id", "", `chain id of a new chain (default "`+node.LocalnetChainID+`")`)
	f.StringVar(&issuance, "initial-issuance", "", "total issuance at genesis in TAO (what the dev accounts do not hold goes to the treasury)")
	f.StringVar(&logLevel, "log-level", "", "debug, info, warn or error (debug includes CometBFT's logs)")
	for _, mk := range localnetExtensions {
		ext := mk(a)
		if ext.register != nil {
			ext.register(cmd)
		}
		exts = append(exts, ext)
	}
	return cmd
}

// warnNewChainFlags warns that the flags given which shape a new chain
// do nothing to the existing one in home.
func (a *app) warnNewChainFlags(cmd *cobra.Command, home string) {
	var given []string
	for _, name := range []string{"chain-id", "initial-issuance", "block-time"} {
		if cmd.Flags().Changed(name) {
			given = append(given, "--"+name)
		}
	}
	switch len(given) {
	case 0:
	case 1:
		a.warn("%s holds an existing chain: %s applies only to a new one", home, given[0])
	default:
		a.warn("%s holds an existing chain: %s and %s apply only to a new one", home, strings.Join(given[:len(given)-1], ", "), given[len(given)-1])
	}
}

// localnetError adds the next step to a failure to open a localnet.
func localnetError(err error, home string) error {
	if errors.Is(err, node.ErrHomeInUse) {
		return withHint(err, "stop the node running there first, or use another --home")
	}
	return withHint(err, "check %s, or start a new chain in another --home", home)
}

// startError adds the next step to a node that failed to start.
func startError(err error) error {
	if errors.Is(err, syscall.EADDRINUSE) {
		return withHint(err, "another process listens there (perhaps another node): stop it, or choose other addresses with --api-addr, --rpc-addr and --p2p-addr")
	}
	return err
}

// localnetReady prints the chain's coordinates once the first block is
// committed, then runs the extensions.
func (a *app) localnetReady(ctx context.Context, n *node.Node, created bool, exts []localnetExtension) error {
	doc := localnetDoc{Home: n.Home(), Created: created, ChainID: n.ChainID(), API: n.APIURL(), Height: n.Height()}
	for _, uri := range chain.DevAccounts {
		p, err := keys.FromURI(uri)
		if err != nil {
			return err
		}
		doc.Accounts = append(doc.Accounts, devAccountDoc{URI: uri, SS58: p.Public(), Balance: chain.DevBalance})
	}
	if err := a.result(doc, func() {
		rows := make([][]string, len(doc.Accounts))
		for i, d := range doc.Accounts {
			rows[i] = []string{d.URI, d.SS58.String()}
		}
		a.table("Development accounts (funded at genesis; //Alice is sudo)", []string{"URI", "Address"}, rows, nil)
		a.printf("\nhome      %s\n", doc.Home)
		a.printf("chain id  %s\n", doc.ChainID)
		a.printf("API       %s\n", doc.API)
		if created {
			a.printf("          (continue this chain later with: gotensor localnet --home %s)\n", doc.Home)
		}
		a.success("localnet ready at %s (height %d); Ctrl-C to stop", doc.API, doc.Height)
	}); err != nil {
		return err
	}
	for _, ext := range exts {
		if ext.ready != nil {
			if err := ext.ready(ctx, n); err != nil {
				return err
			}
		}
	}
	return nil
}

// runNode starts n, waits for its next block, calls ready, and runs until
// SIGINT, SIGTERM or the command's context ends; then it stops the node
// cleanly.
func (a *app) runNode(parent context.Context, n *node.Node, ready func(ctx context.Context) error) error {
	ctx, stopSignals := signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
	defer stopSignals()
	if err := n.Start(); err != nil {
		return startError(err)
	}
	err := n.WaitForHeight(ctx, n.Height()+1)
	if err == nil && ready != nil {
		err = ready(ctx)
	}
	if err == nil {
		<-ctx.Done()
	}
	if ctx.Err() != nil && parent.Err() == nil {
		a.infof("\nStopping…\n")
		err = nil // a signal is the normal way out
	}
	height := n.Height()
	if stopErr := n.Stop(); stopErr != nil && err == nil {
		err = stopErr
	}
	if err == nil {
		a.infof("Stopped at height %d; the chain is kept in %s\n", height, n.Home())
	}
	return err
}
