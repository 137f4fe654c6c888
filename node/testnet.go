package node

import (
	"encoding/json"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/p2p"
	cmttypes "github.com/cometbft/cometbft/types"
)

// TestnetOptions describe a multi-validator network on one machine.
type TestnetOptions struct {
	// ChainID names the chain.
	ChainID string
	// Validators is the number of nodes, all validators of equal power.
	Validators int
	// AppState is the chain's genesis, shared by every node.
	AppState json.RawMessage
	// Host is the address every node listens on and dials (default
	// 127.0.0.1).
	Host string
	// BasePort is the first port (default 27000). Node i listens on
	// BasePort+10i (p2p), +1 (CometBFT RPC), +2 (API) and +3 (metrics).
	BasePort int
	// BlockTime is CometBFT's timeout_commit (default 1 s).
	BlockTime time.Duration
}

// TestnetNode describes one home written by InitTestnet.
type TestnetNode struct {
	Home        string `json:"home"`
	NodeID      string `json:"node_id"`
	P2PAddr     string `json:"p2p_addr"`
	RPCAddr     string `json:"rpc_addr"`
	APIAddr     string `json:"api_addr"`
	MetricsAddr string `json:"metrics_addr"`
}

// MaxTestnetValidators bounds TestnetOptions.Validators.
const MaxTestnetValidators = 100

// Port offsets within a node's block of ten.
const (
	offP2P = iota
	offRPC
	offAPI
	offMetrics
)

// InitTestnet writes the homes dir/node0 … dir/node{N-1} of an
// N-validator network: fresh keys, one shared genesis listing every
// validator, and each node's persistent peers set to all the others, so
// that `gotensor node start --home dir/nodeI` for every I forms the
// network. It refuses homes that already hold a node, and a failure
// half-way removes the homes it wrote.
func InitTestnet(dir string, o TestnetOptions) (_ []TestnetNode, err error) {
	if o.Validators < 1 || o.Validators > MaxTestnetValidators {
		return nil, fmt.Errorf("node: %d validators: want 1 to %d", o.Validators, MaxTestnetValidators)
	}
	host := or(o.Host, "127.0.0.1")
	if net.ParseIP(host) == nil {
		return nil, fmt.Errorf("node: testnet host %q: want an IP address", host)
	}
	base := or(o.BasePort, 27000)
	if base < 1024 || base+10*o.Validators > 65535 {
		return nil, fmt.Errorf("node: base port %d: want 1024 or more, with room for %d nodes below 65536", base, o.Validators)
	}
	if err := checkAppState(o.AppState); err != nil {
		return nil, err
	}
	addr := func(i, off int) string { return net.JoinHostPort(host, strconv.Itoa(base+10*i+off)) }

	nodes := make([]TestnetNode, o.Validators)
	cfgs := make([]*cmtcfg.Config, o.Validators)
	for i := range nodes {
		home := filepath.Join(dir, "node"+strconv.Itoa(i))
		c, err := newCometConfig(home, InitOptions{
			ChainID: o.ChainID, Moniker: "node" + strconv.Itoa(i),
			RPCAddr: addr(i, offRPC), P2PAddr: addr(i, offP2P), BlockTime: o.BlockTime,
		})
		if err != nil {
			return nil, err
		}
		if err := checkFreshHome(home); err != nil {
			return nil, err
		}
		// Loopback peers share an IP; CometBFT refuses both by default.
		c.P2P.AddrBookStrict = false
		c.P2P.AllowDuplicateIP = true
		cfgs[i] = c
		nodes[i] = TestnetNode{
			Home: home, P2PAddr: addr(i, offP2P), RPCAddr: addr(i, offRPC),
			APIAddr: addr(i, offAPI), MetricsAddr: addr(i, offMetrics),
		}
	}

	var created []*newHome
	defer func() {
		if err != nil {
			for i := len(created) - 1; i >= 0; i-- {
				created[i].remove()
			}
		}
	}()
	vals := make([]cmttypes.GenesisValidator, o.Validators)
	for i, c := range cfgs {
		h, err := prepareHome(c)
		if err != nil {
			return nil, err
		}
		created = append(created, h)
		pv, nodeKey, err := genKeys(c)
		if err != nil {
			return nil, err
		}
		pub, err := pv.GetPubKey()
		if err != nil {
			return nil, fmt.Errorf("node: %w", err)
		}
		vals[i] = cmttypes.GenesisValidator{Address: pub.Address(), PubKey: pub, Power: 10, Name: c.Moniker}
		nodes[i].NodeID = string(nodeKey.ID())
	}

	genesis, err := encodeGenesis(newGenesis(o.ChainID, o.AppState, vals))
	if err != nil {
		return nil, err
	}
	for i, c := range cfgs {
		var peers []string
		for j, other := range nodes {
			if j != i {
				peers = append(peers, p2p.IDAddressString(p2p.ID(other.NodeID), other.P2PAddr))
			}
		}
		c.P2P.PersistentPeers = strings.Join(peers, ",")
		ours := DefaultConfig()
		ours.APIAddr, ours.MetricsAddr = nodes[i].APIAddr, nodes[i].MetricsAddr
		if err := writeHome(nodes[i].Home, c, ours, genesis); err != nil {
			return nil, err
		}
	}
	return nodes, nil
}
