package node

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	cmtjson "github.com/cometbft/cometbft/libs/json"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	cmttypes "github.com/cometbft/cometbft/types"
)

// InitOptions describe a new node home.
type InitOptions struct {
	// ChainID names the chain; transactions are bound to it.
	ChainID string
	// Moniker is the node's name on the p2p network (default: "gotensor").
	Moniker string
	// AppState is the state machine's genesis as JSON (package chain's
	// Genesis): accounts, balances, parameters.
	AppState json.RawMessage
	// GenesisFile, instead of ChainID and AppState, joins an existing
	// network: its CometBFT genesis.json is copied and this node is a full
	// node, not one of its validators.
	GenesisFile string
	// Config is our own settings (zero: DefaultConfig()).
	Config Config
	// RPCAddr and P2PAddr are CometBFT's listen addresses as host:port
	// (defaults DefaultRPCAddr and DefaultP2PAddr; RPCAddr "off" disables
	// CometBFT's RPC server).
	RPCAddr, P2PAddr string
	// BlockTime is CometBFT's timeout_commit: the pause after a block
	// before the next round (default 1 s).
	BlockTime time.Duration
	// Peers are persistent peers as node-id@host:port.
	Peers []string
	// Standalone turns off peer exchange: a single-node network (localnet)
	// has no peers to find.
	Standalone bool
}

// ErrHomeExists is returned (wrapped) by Init and InitTestnet when the
// home already holds a node: they never overwrite keys or chain data.
var ErrHomeExists = errors.New("node: home already initialised")

// InitResult describes a home written by Init.
type InitResult struct {
	Home             string
	ChainID          string
	NodeID           string // p2p node id, for node-id@host:port peer lists
	ValidatorAddress string // hex CometBFT address of the validator key
	GenesisFile      string
}

// Init writes a new home with fresh keys, both config files and a genesis
// in which this node is the only validator. It refuses a home that
// already holds a config or a genesis, and writes nothing then.
func Init(home string, o InitOptions) (InitResult, error) {
	res, _, err := initHome(home, o)
	return res, err
}

// initHome is Init, also returning what it created so that a caller who
// fails to start the node can remove it again.
func initHome(home string, o InitOptions) (_ InitResult, _ *newHome, err error) {
	var joined *cmttypes.GenesisDoc
	var joinedBytes []byte
	if o.GenesisFile != "" {
		b, err := os.ReadFile(o.GenesisFile)
		if err != nil {
			return InitResult{}, nil, fmt.Errorf("node: genesis: %w", err)
		}
		doc, err := cmttypes.GenesisDocFromJSON(b)
		if err != nil {
			return InitResult{}, nil, fmt.Errorf("node: genesis %s: %w", o.GenesisFile, err)
		}
		joined, joinedBytes, o.ChainID, o.AppState = doc, b, doc.ChainID, doc.AppState
	}
	c, err := newCometConfig(home, o)
	if err != nil {
		return InitResult{}, nil, err
	}
	if err := checkAppState(o.AppState); err != nil {
		return InitResult{}, nil, err
	}
	if o.Config == (Config{}) {
		o.Config = DefaultConfig()
	}
	if err := o.Config.Validate(); err != nil {
		return InitResult{}, nil, err
	}
	created, err := prepareHome(c)
	if err != nil {
		return InitResult{}, nil, err
	}
	defer func() {
		if err != nil {
			created.remove()
		}
	}()
	pv, nodeKey, err := genKeys(c)
	if err != nil {
		return InitResult{}, nil, err
	}
	pub, err := pv.GetPubKey()
	if err != nil {
		return InitResult{}, nil, fmt.Errorf("node: %w", err)
	}
	// A joined network's genesis is copied byte for byte: the genesis
	// hash covers app_state's bytes, so every node must hold the same.
	doc, genesis := joined, joinedBytes
	if doc == nil {
		doc = newGenesis(o.ChainID, o.AppState, []cmttypes.GenesisValidator{{
			Address: pub.Address(), PubKey: pub, Power: 10, Name: c.Moniker,
		}})
		if genesis, err = encodeGenesis(doc); err != nil {
			return InitResult{}, nil, err
		}
	}
	if err := writeHome(home, c, o.Config, genesis); err != nil {
		return InitResult{}, nil, err
	}
	return InitResult{
		Home: home, ChainID: doc.ChainID, NodeID: string(nodeKey.ID()),
		ValidatorAddress: pub.Address().String(), GenesisFile: c.GenesisFile(),
	}, created, nil
}

// newCometConfig builds CometBFT's settings for a new home from o.
func newCometConfig(home string, o InitOptions) (*cmtcfg.Config, error) {
	if err := CheckChainID(o.ChainID); err != nil {
		return nil, fmt.Errorf("node: chain id %q: %w", o.ChainID, err)
	}
	if o.BlockTime < 0 {
		return nil, fmt.Errorf("node: block time %s: want a positive duration", o.BlockTime)
	}
	c := cmtcfg.DefaultConfig()
	c.SetRoot(home)
	c.Moniker = o.Moniker
	if c.Moniker == "" {
		c.Moniker = "gotensor"
	}
	c.LogLevel = "error" // CometBFT's own logs; ours are in gotensor.toml
	rpc, p2pAddr := or(o.RPCAddr, DefaultRPCAddr), or(o.P2PAddr, DefaultP2PAddr)
	if rpc == "off" {
		c.RPC.ListenAddress = ""
	} else {
		if err := checkCometAddr("rpc address", rpc); err != nil {
			return nil, err
		}
		c.RPC.ListenAddress = tcpAddr(rpc)
	}
	if err := checkCometAddr("p2p address", p2pAddr); err != nil {
		return nil, err
	}
	c.P2P.ListenAddress = tcpAddr(p2pAddr)
	for _, p := range o.Peers {
		if _, err := p2p.NewNetAddressString(p); err != nil {
			return nil, fmt.Errorf("node: peer %q: want node-id@host:port: %w", p, err)
		}
	}
	c.P2P.PersistentPeers = strings.Join(o.Peers, ",")
	c.P2P.PexReactor = !o.Standalone
	tuneComet(c, or(o.BlockTime, time.Second))
	if err := c.ValidateBasic(); err != nil {
		return nil, fmt.Errorf("node: %w", err)
	}
	return c, nil
}

// CheckChainID checks a chain id: 1 to 50 characters (CometBFT's limit).
func CheckChainID(id string) error {
	if id == "" || len(id) > cmttypes.MaxChainIDLen {
		return fmt.Errorf("want 1 to %d characters", cmttypes.MaxChainIDLen)
	}
	return nil
}

// tuneComet sets what gotensor changes from CometBFT's defaults: the block
// time, a mempool sized for thousands of transfers per second, and
// metrics served by the node itself rather than by CometBFT.
func tuneComet(c *cmtcfg.Config, blockTime time.Duration) {
	c.Consensus.TimeoutCommit = blockTime
	c.Mempool.Size = 50_000
	c.Mempool.CacheSize = 100_000
	c.Mempool.MaxTxsBytes = 256 << 20
	c.Instrumentation.Prometheus = false
	c.TxIndex.Indexer = "kv"
}

// checkAppState requires the chain's genesis to be a JSON object.
func checkAppState(s json.RawMessage) error {
	var obj map[string]json.RawMessage
	if len(s) == 0 || json.Unmarshal(s, &obj) != nil {
		return errors.New("node: the chain genesis (app_state) must be a JSON object")
	}
	return nil
}

// checkFreshHome refuses a home that already holds a node: a config, a
// genesis or a validator key (which Init would overwrite).
func checkFreshHome(home string) error {
	for _, f := range []string{"genesis.json", "config.toml", ourConfigFile, "priv_validator_key.json"} {
		path := filepath.Join(home, configDir, f)
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("%w: %s exists", ErrHomeExists, path)
		}
	}
	return nil
}

// newHome records what writing a new home creates, so that a failure
// (half-way through writing it, or starting its node for the first time)
// leaves the directory as it was found.
type newHome struct {
	created []string // directories and files that did not exist, outermost first
}

// prepareHome creates the config and data directories of a new home,
// refusing one that already holds a node, and records what Init will
// create in it.
func prepareHome(c *cmtcfg.Config) (*newHome, error) {
	home := c.RootDir
	if err := checkFreshHome(home); err != nil {
		return nil, err
	}
	h := &newHome{}
	h.note(outermostMissing(home))
	for _, d := range []string{configDir, dataDir} {
		h.note(filepath.Join(home, d))
	}
	for _, f := range []string{c.GenesisFile(), c.PrivValidatorKeyFile(), c.PrivValidatorStateFile(),
		c.NodeKeyFile(), filepath.Join(home, configDir, "config.toml"), filepath.Join(home, configDir, ourConfigFile)} {
		h.note(f)
	}
	for _, d := range []string{configDir, dataDir} {
		if err := os.MkdirAll(filepath.Join(home, d), 0o700); err != nil {
			h.remove()
			return nil, fmt.Errorf("node: %w", err)
		}
	}
	return h, nil
}

// note records path if it does not exist yet.
func (h *newHome) note(path string) {
	if _, err := os.Lstat(path); path != "" && errors.Is(err, os.ErrNotExist) {
		h.created = append(h.created, path)
	}
}

// remove deletes what the home's writing created, innermost first; a nil
// newHome removes nothing.
func (h *newHome) remove() {
	if h == nil {
		return
	}
	for i := len(h.created) - 1; i >= 0; i-- {
		_ = os.RemoveAll(h.created[i])
	}
}

// outermostMissing returns the outermost directory on the way to dir
// that does not exist yet (dir itself, or one of its parents), or "" if
// dir exists.
func outermostMissing(dir string) string {
	missing := ""
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); !errors.Is(err, os.ErrNotExist) {
			return missing
		}
		missing = d
		if filepath.Dir(d) == d {
			return missing
		}
	}
}

// genKeys writes a fresh validator key (with an empty last-sign state) and
// node key.
func genKeys(c *cmtcfg.Config) (pv *privval.FilePV, nodeKey *p2p.NodeKey, err error) {
	defer func() {
		// FilePV.Save panics on a write error.
		if v := recover(); v != nil {
			err = fmt.Errorf("node: writing validator key: %v", v)
		}
	}()
	pv = privval.GenFilePV(c.PrivValidatorKeyFile(), c.PrivValidatorStateFile())
	pv.Save()
	nodeKey, err = p2p.LoadOrGenNodeKey(c.NodeKeyFile())
	if err != nil {
		return nil, nil, fmt.Errorf("node: node key: %w", err)
	}
	return pv, nodeKey, nil
}

// newGenesis builds CometBFT's genesis document around the chain's own.
func newGenesis(chainID string, appState json.RawMessage, vals []cmttypes.GenesisValidator) *cmttypes.GenesisDoc {
	params := cmttypes.DefaultConsensusParams()
	params.Block.MaxBytes = 16 << 20 // room for 5,000+ transfers a block
	return &cmttypes.GenesisDoc{
		GenesisTime:     time.Now().UTC().Truncate(time.Millisecond),
		ChainID:         chainID,
		InitialHeight:   1,
		ConsensusParams: params,
		Validators:      vals,
		AppState:        appState,
	}
}

// encodeGenesis validates doc and encodes it compactly, not indented:
// CometBFT keeps a compacted copy of the genesis in its state database and
// passes that copy's app_state to InitChain when it runs again (a restart
// before the first block), and the genesis hash covers app_state's bytes.
func encodeGenesis(doc *cmttypes.GenesisDoc) ([]byte, error) {
	if err := doc.ValidateAndComplete(); err != nil {
		return nil, fmt.Errorf("node: genesis: %w", err)
	}
	b, err := cmtjson.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("node: genesis: %w", err)
	}
	return b, nil
}

// writeHome writes the genesis and both config files.
func writeHome(home string, c *cmtcfg.Config, ours Config, genesis []byte) error {
	if err := writeFileAtomic(c.GenesisFile(), genesis, 0o644); err != nil {
		return err
	}
	if err := writeCometConfig(home, c); err != nil {
		return err
	}
	return SaveConfig(home, ours)
}

func or[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}
