package node_test

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/client"
	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/node"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

func devGenesis(id string) (json.RawMessage, error) { return json.Marshal(chain.DevGenesis(id)) }

// openLocalnet opens a fast localnet in home on free loopback ports.
func openLocalnet(t *testing.T, home string) (*node.Node, bool) {
	t.Helper()
	n, created, err := node.OpenLocalnet(node.LocalnetOptions{
		Home: home, Genesis: devGenesis, BlockTime: 100 * time.Millisecond,
		APIAddr: "127.0.0.1:0", RPCAddr: "off", P2PAddr: node.FreeAddr(t), LogLevel: "error",
	})
	require.NoError(t, err)
	return n, created
}

func mustPair(t *testing.T, uri string) *keys.Pair {
	t.Helper()
	p, err := keys.FromURI(uri)
	require.NoError(t, err)
	return p
}

func TestLocalnet_TransferStopRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a chain")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	home := t.TempDir()
	n, created := openLocalnet(t, home)
	require.True(t, created)
	require.NoError(t, n.Start())
	defer n.Stop()
	require.NoError(t, n.WaitForHeight(ctx, 1))

	c, err := client.New(n.APIURL(), client.Options{})
	require.NoError(t, err)
	st, err := c.Status(ctx)
	require.NoError(t, err)
	require.Equal(t, node.LocalnetChainID, st.ChainID)
	alice, bob := mustPair(t, "//Alice"), mustPair(t, "//Bob")

	s, err := c.NewSender(ctx, alice)
	require.NoError(t, err)
	amount := 1_500_000_000 * tao.Rao(1)
	res, err := s.Send(ctx, tx.TransferKeepAlive{Dest: bob.Public(), Amount: amount}, true)
	require.NoError(t, err)
	require.True(t, res.Committed)

	a, err := c.Account(ctx, alice.Public())
	require.NoError(t, err)
	b, err := c.Account(ctx, bob.Public())
	require.NoError(t, err)
	require.Equal(t, chain.DevBalance-amount-st.TxFee, a.Free, "amount and fee, to the rao")
	require.Equal(t, uint64(1), a.Nonce)
	require.Equal(t, chain.DevBalance+amount, b.Free)

	// An overdraft is rejected with its code and changes nothing.
	_, err = s.Send(ctx, tx.Transfer{Dest: bob.Public(), Amount: 2 * chain.DevBalance}, true)
	require.ErrorIs(t, err, tx.ErrInsufficientBalance)

	require.NoError(t, n.Stop())
	height, appHash, err := n.AppHash()
	require.NoError(t, err)
	require.Equal(t, n.Height(), height)

	// Restart: same height, same app hash, same balances; blocks go on.
	n2, created := openLocalnet(t, home)
	require.False(t, created)
	require.Equal(t, height, n2.Height())
	height2, appHash2, err := n2.AppHash()
	require.NoError(t, err)
	require.Equal(t, height, height2)
	require.Equal(t, appHash, appHash2)
	require.NoError(t, n2.Start())
	defer n2.Stop()
	c2, err := client.New(n2.APIURL(), client.Options{})
	require.NoError(t, err)
	a2, err := c2.Account(ctx, alice.Public())
	require.NoError(t, err)
	require.Equal(t, a.Free, a2.Free)
	require.Equal(t, a.Nonce, a2.Nonce)
	require.NoError(t, n2.WaitForHeight(ctx, height+2))
}

// A localnet stopped before its first block (InitChain done, nothing
// committed) opens again: CometBFT replays InitChain from its own copy of
// the genesis, which must hash the same.
func TestLocalnet_RestartBeforeFirstBlock(t *testing.T) {
	home := t.TempDir()
	n, created := openLocalnet(t, home)
	require.True(t, created)
	require.NoError(t, n.Stop())
	n, created = openLocalnet(t, home)
	require.False(t, created)
	require.NoError(t, n.Stop())
}

func TestLocalnet_HomeInUse(t *testing.T) {
	home := t.TempDir()
	n, _ := openLocalnet(t, home)
	defer n.Stop()
	_, _, err := node.OpenLocalnet(node.LocalnetOptions{Home: home, Genesis: devGenesis, APIAddr: "off", RPCAddr: "off", P2PAddr: node.FreeAddr(t)})
	require.ErrorIs(t, err, node.ErrHomeInUse)
}

// TestNode_TakesStateSyncSnapshots: with snapshot_interval set in
// gotensor.toml the node offers state-sync snapshots of its state.
func TestNode_TakesStateSyncSnapshots(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a chain")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	home := t.TempDir()
	n, _ := openLocalnet(t, home) // writes the home
	cfg, err := node.LoadConfig(home)
	require.NoError(t, err)
	cfg.SnapshotInterval, cfg.SnapshotKeepRecent = 3, 2
	require.NoError(t, node.SaveConfig(home, cfg))
	require.NoError(t, n.Stop()) // never started: release the home, reopen with the new settings
	n, _ = openLocalnet(t, home)
	require.NoError(t, n.Start())
	defer n.Stop()
	require.NoError(t, n.WaitForHeight(ctx, 10))
	var dirs []os.DirEntry
	require.Eventually(t, func() bool {
		dirs, err = os.ReadDir(filepath.Join(home, "data", "app", "snapshots"))
		return err == nil && len(dirs) > 0
	}, 20*time.Second, 100*time.Millisecond, "no snapshot taken")
	require.LessOrEqual(t, len(dirs), 2+1, "keeps the most recent snapshots only (plus one being written)")
}

// A localnet whose options are bad writes nothing: every option is
// checked before the home is created.
func TestOpenLocalnet_BadOptionsWriteNothing(t *testing.T) {
	for name, o := range map[string]node.LocalnetOptions{
		"bad api address":     {APIAddr: "bogus"},
		"port out of range":   {RPCAddr: "127.0.0.1:99999"},
		"p2p cannot be off":   {P2PAddr: "off"},
		"bad metrics address": {MetricsAddr: "127.0.0.1"},
		"negative block time": {BlockTime: -time.Second},
		"bad log level":       {LogLevel: "loud"},
		"long chain id":       {ChainID: string(make([]byte, 51))},
	} {
		t.Run(name, func(t *testing.T) {
			o.Home = filepath.Join(t.TempDir(), "home")
			o.Genesis = devGenesis
			_, _, err := node.OpenLocalnet(o)
			require.Error(t, err)
			require.NoDirExists(t, o.Home)
		})
	}
}

// A localnet whose first Start fails (here its API port is taken) removes
// the home it created, keeps a directory that existed before (emptied of
// what it wrote), and never touches an existing chain.
func TestOpenLocalnet_FailedStartRemovesNewHome(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()
	open := func(home string) (*node.Node, bool) {
		n, created, err := node.OpenLocalnet(node.LocalnetOptions{
			Home: home, Genesis: devGenesis, APIAddr: busy.Addr().String(), RPCAddr: "off",
			P2PAddr: node.FreeAddr(t), LogLevel: "error",
		})
		require.NoError(t, err)
		return n, created
	}

	home := filepath.Join(t.TempDir(), "new", "home")
	n, created := open(home)
	require.True(t, created)
	require.ErrorIs(t, n.Start(), syscall.EADDRINUSE)
	require.NoDirExists(t, filepath.Dir(home), "the directories this run created are gone")

	empty := t.TempDir()
	n, _ = open(empty)
	require.Error(t, n.Start())
	entries, err := os.ReadDir(empty)
	require.NoError(t, err)
	require.Empty(t, entries, "a directory that existed is kept, without what the run wrote")

	existing := t.TempDir()
	n, created = openLocalnet(t, existing)
	require.True(t, created)
	require.NoError(t, n.Stop())
	n, created = open(existing)
	require.False(t, created)
	require.Error(t, n.Start())
	require.FileExists(t, filepath.Join(existing, "config", "genesis.json"), "an existing chain is never removed")
}
