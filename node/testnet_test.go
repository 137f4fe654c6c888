package node

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// freePortBlock returns a base port whose block of n*10 ports looks free.
func freePortBlock(t *testing.T, n int) int {
	t.Helper()
	for try := 0; try < 50; try++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		base := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if base+10*n > 65000 {
			continue
		}
		ok := true
		for p := base; p < base+10*n && ok; p++ {
			l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
			if err != nil {
				ok = false
				continue
			}
			l.Close()
		}
		if ok {
			return base
		}
	}
	t.Fatal("no free port block")
	return 0
}

func TestInitTestnet_WritesConnectedHomes(t *testing.T) {
	dir := t.TempDir()
	nodes, err := InitTestnet(dir, TestnetOptions{ChainID: "tn", Validators: 3, AppState: json.RawMessage(`{}`), BasePort: 30000})
	require.NoError(t, err)
	require.Len(t, nodes, 3)
	for i, nd := range nodes {
		require.Equal(t, filepath.Join(dir, "node"+strconv.Itoa(i)), nd.Home)
		ccfg, err := loadCometConfig(nd.Home)
		require.NoError(t, err)
		require.Equal(t, "tcp://"+nd.P2PAddr, ccfg.P2P.ListenAddress)
		require.Equal(t, "127.0.0.1:"+strconv.Itoa(30000+10*i), nd.P2PAddr)
		for j, other := range nodes {
			if j != i {
				require.Contains(t, ccfg.P2P.PersistentPeers, other.NodeID+"@"+other.P2PAddr)
			} else {
				require.NotContains(t, ccfg.P2P.PersistentPeers, nd.NodeID)
			}
		}
		cfg, err := LoadConfig(nd.Home)
		require.NoError(t, err)
		require.Equal(t, nd.APIAddr, cfg.APIAddr)
	}
	g0, err := os.ReadFile(filepath.Join(nodes[0].Home, "config", "genesis.json"))
	require.NoError(t, err)
	g2, err := os.ReadFile(filepath.Join(nodes[2].Home, "config", "genesis.json"))
	require.NoError(t, err)
	require.Equal(t, g0, g2, "one shared genesis")

	_, err = InitTestnet(dir, TestnetOptions{ChainID: "tn", Validators: 3, AppState: json.RawMessage(`{}`), BasePort: 30000})
	require.ErrorIs(t, err, ErrHomeExists)
}

func TestInitTestnet_BadOptions(t *testing.T) {
	for name, o := range map[string]TestnetOptions{
		"no validators": {ChainID: "tn", Validators: 0, AppState: json.RawMessage(`{}`)},
		"no chain id":   {Validators: 2, AppState: json.RawMessage(`{}`)},
		"bad app state": {ChainID: "tn", Validators: 2, AppState: json.RawMessage(`[1]`)},
		"bad host":      {ChainID: "tn", Validators: 2, AppState: json.RawMessage(`{}`), Host: "localhost:1"},
		"port too high": {ChainID: "tn", Validators: 2, AppState: json.RawMessage(`{}`), BasePort: 65530},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			_, err := InitTestnet(dir, o)
			require.Error(t, err)
			entries, _ := os.ReadDir(dir)
			require.Empty(t, entries, "nothing written")
		})
	}
}

func TestTestnet_FourValidatorsAgree(t *testing.T) {
	if testing.Short() {
		t.Skip("starts four CometBFT nodes")
	}
	dir := t.TempDir()
	base := freePortBlock(t, 4)
	homes, err := InitTestnet(dir, TestnetOptions{
		ChainID: "tn", Validators: 4, AppState: json.RawMessage(`{}`), BasePort: base, BlockTime: 100 * time.Millisecond,
	})
	require.NoError(t, err)
	nodes := make([]*Node, len(homes))
	// CometBFT's address book is written once more just after Stop; give
	// it a moment before the temporary directory goes.
	defer time.Sleep(200 * time.Millisecond)
	for i, h := range homes {
		n := newKVNode(t, h.Home, Options{LogLevel: "error", RPCAddr: "off", MetricsAddr: "off"})
		require.NoError(t, n.Start())
		nodes[i] = n
		defer n.Stop()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, n := range nodes {
		require.NoError(t, n.WaitForHeight(ctx, 3))
	}
	// Every node holds the same block 3.
	var hash []byte
	for i, n := range nodes {
		meta := n.comet.BlockStore().LoadBlockMeta(3)
		require.NotNil(t, meta)
		if i == 0 {
			hash = meta.BlockID.Hash
		}
		require.Equal(t, hash, []byte(meta.BlockID.Hash))
	}
}

// A node joining a network keeps its genesis byte for byte: the genesis
// hash covers app_state's bytes, formatting included.
func TestInit_JoinCopiesGenesisVerbatim(t *testing.T) {
	dir := t.TempDir()
	_, err := Init(filepath.Join(dir, "a"), InitOptions{ChainID: "net", AppState: json.RawMessage(`{"x": 1}`)})
	require.NoError(t, err)
	orig, err := os.ReadFile(filepath.Join(dir, "a", "config", "genesis.json"))
	require.NoError(t, err)
	var pretty bytes.Buffer
	require.NoError(t, json.Indent(&pretty, orig, "", "    "))
	file := filepath.Join(dir, "shared-genesis.json")
	require.NoError(t, os.WriteFile(file, pretty.Bytes(), 0o600))

	res, err := Init(filepath.Join(dir, "b"), InitOptions{GenesisFile: file})
	require.NoError(t, err)
	require.Equal(t, "net", res.ChainID)
	got, err := os.ReadFile(res.GenesisFile)
	require.NoError(t, err)
	require.Equal(t, pretty.Bytes(), got)
}

// Init failing half-way (here on a damaged node key it finds) removes
// what it wrote and keeps what was there before; it never overwrites a
// validator key.
func TestInit_FailureHalfWayRemovesWhatItWrote(t *testing.T) {
	home := t.TempDir()
	nodeKey := filepath.Join(home, "config", "node_key.json")
	require.NoError(t, os.MkdirAll(filepath.Dir(nodeKey), 0o700))
	require.NoError(t, os.WriteFile(nodeKey, []byte("damaged"), 0o600))
	_, err := Init(home, InitOptions{ChainID: "c", AppState: json.RawMessage(`{}`)})
	require.ErrorContains(t, err, "node key")
	entries, err := os.ReadDir(filepath.Join(home, "config"))
	require.NoError(t, err)
	require.Len(t, entries, 1, "only the node key that was there")
	require.NoDirExists(t, filepath.Join(home, "data"))

	require.NoError(t, os.Remove(nodeKey))
	pvKey := filepath.Join(home, "config", "priv_validator_key.json")
	require.NoError(t, os.WriteFile(pvKey, []byte("a key"), 0o600))
	_, err = Init(home, InitOptions{ChainID: "c", AppState: json.RawMessage(`{}`)})
	require.ErrorIs(t, err, ErrHomeExists)
	got, err := os.ReadFile(pvKey)
	require.NoError(t, err)
	require.Equal(t, "a key", string(got))
}

// InitTestnet failing at its third node removes the two homes it wrote.
func TestInitTestnet_FailureHalfWayRemovesHomes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	bad := filepath.Join(dir, "node2", "config", "node_key.json")
	require.NoError(t, os.MkdirAll(filepath.Dir(bad), 0o700))
	require.NoError(t, os.WriteFile(bad, []byte("damaged"), 0o600))
	_, err := InitTestnet(dir, TestnetOptions{ChainID: "tn", Validators: 3, AppState: json.RawMessage(`{}`), BasePort: 30000})
	require.ErrorContains(t, err, "node key")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "node0 and node1 are gone")
	require.FileExists(t, bad)
}
