package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/node"
)

func TestNodeInit(t *testing.T) {
	isolate(t)
	home := filepath.Join(t.TempDir(), "n")
	res := runJSON(t, "node", "init", "--home", home, "--chain-id", "mychain",
		"--account", aliceAddress+"=1000", "--account", bobAddress+"=0.5", "--sudo", aliceAddress)
	require.Equal(t, "mychain", res["chain_id"])
	require.Regexp(t, "^[0-9a-f]{40}$", res["node_id"])
	g, err := os.ReadFile(filepath.Join(home, "config", "genesis.json"))
	require.NoError(t, err)
	var doc struct {
		ChainID  string `json:"chain_id"`
		AppState struct {
			Accounts []struct {
				Address string `json:"address"`
				Balance uint64 `json:"balance"`
			} `json:"accounts"`
			Params struct {
				Sudo string `json:"sudo"`
			} `json:"params"`
		} `json:"app_state"`
	}
	require.NoError(t, json.Unmarshal(g, &doc))
	require.Equal(t, "mychain", doc.ChainID)
	require.Len(t, doc.AppState.Accounts, 2)
	require.Equal(t, bobAddress, doc.AppState.Accounts[1].Address)
	require.Equal(t, uint64(500_000_000), doc.AppState.Accounts[1].Balance)
	require.Equal(t, aliceAddress, doc.AppState.Params.Sudo)
	for _, f := range []string{"config/config.toml", "config/gotensor.toml", "config/node_key.json", "config/priv_validator_key.json"} {
		require.FileExists(t, filepath.Join(home, f))
	}

	// A second init never touches the existing node.
	before := files(t, home)
	requireFails(t, run(t, "", "node", "init", "--home", home), "already initialised")
	require.Equal(t, before, files(t, home))
}

func TestNodeInit_BadInputWritesNothing(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	appState := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(appState, []byte(`{"accounts": [], "surprise": 1}`), 0o600))
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"account without amount", []string{"--account", aliceAddress}, "want SS58=TAO"},
		{"bad account address", []string{"--account", "5Grw=1"}, "--account"},
		{"bad account amount", []string{"--account", aliceAddress + "=lots"}, "--account"},
		{"below existential deposit", []string{"--account", aliceAddress + "=0.0000001"}, "existential deposit"},
		{"duplicate account", []string{"--account", aliceAddress + "=1", "--account", aliceAddress + "=2"}, "both"},
		{"sudo without accounts", []string{"--sudo", aliceAddress}, "--sudo needs --account"},
		{"bad sudo", []string{"--account", aliceAddress + "=1", "--sudo", "x"}, "--sudo"},
		{"bad issuance", []string{"--initial-issuance", "many"}, "--initial-issuance"},
		{"issuance below balances", []string{"--account", aliceAddress + "=10", "--initial-issuance", "1"}, "initial_issuance"},
		{"unknown genesis field", []string{"--app-state", appState}, "surprise"},
		{"missing app state", []string{"--app-state", filepath.Join(dir, "nope.json")}, "--app-state"},
		{"bad p2p address", []string{"--p2p-addr", "nowhere"}, "--p2p-addr"},
		{"bad api address", []string{"--api-addr", "nowhere"}, "--api-addr"},
		{"bad port", []string{"--rpc-addr", "127.0.0.1:70000"}, "--rpc-addr"},
		{"negative block time", []string{"--block-time", "-1s"}, "--block-time"},
		{"no chain id", []string{"--chain-id", ""}, "--chain-id"},
		{"bad peer", []string{"--peers", "abc@1.2.3.4:5"}, "peer"},
		{"missing joined genesis", []string{"--genesis", filepath.Join(dir, "nope.json")}, "genesis"},
	} {
		t.Run(c.name, func(t *testing.T) {
			home := filepath.Join(dir, "home-"+c.name)
			requireFails(t, run(t, "", append([]string{"node", "init", "--home", home}, c.args...)...), c.want)
			_, err := os.Stat(home)
			require.True(t, os.IsNotExist(err), "nothing written for %s", c.name)
		})
	}
}

func TestNodeStart_NoHome(t *testing.T) {
	isolate(t)
	requireFails(t, run(t, "", "node", "start", "--home", filepath.Join(t.TempDir(), "none")), "not initialised")
}

func TestTestnetInit(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	doc := runJSON(t, "testnet", "init", "--validators", "3", "--output", dir, "--base-port", "31000")
	require.Equal(t, "gotensor-testnet", doc["chain_id"])
	nodes := doc["nodes"].([]any)
	require.Len(t, nodes, 3)
	require.Equal(t, "127.0.0.1:31012", nodes[1].(map[string]any)["api_addr"])
	for i := range 3 {
		require.FileExists(t, filepath.Join(dir, "node"+string(rune('0'+i)), "config", "genesis.json"))
	}
	requireFails(t, run(t, "", "testnet", "init", "--validators", "3", "--output", dir), "already initialised")

	requireFails(t, run(t, "", "testnet", "init", "--output", filepath.Join(dir, "x"), "--validators", "0"), "validators")
	requireFails(t, run(t, "", "testnet", "init", "--validators", "2"), "--output")
}

// TestLocalnet_FailedRunLeavesNothing: bad flags are refused before
// anything is written, and a localnet that cannot start (its API port is
// taken) removes the home it created, the temporary one included.
func TestLocalnet_FailedRunLeavesNothing(t *testing.T) {
	isolate(t)
	home := filepath.Join(t.TempDir(), "chain")
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()
	free, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p2p := free.Addr().String()
	free.Close()
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"bad api address", []string{"--home", home, "--api-addr", "bogus"}, "--api-addr"},
		{"negative block time", []string{"--home", home, "--block-time", "-1s"}, "--block-time"},
		{"bad log level", []string{"--home", home, "--log-level", "loud"}, "--log-level"},
		{"p2p off", []string{"--home", home, "--p2p-addr", "off"}, "--p2p-addr"},
		{"api port in use", []string{"--home", home, "--api-addr", busy.Addr().String(), "--rpc-addr", "off", "--p2p-addr", p2p}, "address already in use"},
		{"temporary home, port in use", []string{"--api-addr", busy.Addr().String(), "--rpc-addr", "off", "--p2p-addr", p2p}, "address already in use"},
	} {
		t.Run(c.name, func(t *testing.T) {
			requireFails(t, run(t, "", append([]string{"localnet"}, c.args...)...), c.want)
			require.NoDirExists(t, home)
			entries, err := os.ReadDir(tmp)
			require.NoError(t, err)
			require.Empty(t, entries, "no temporary home left behind")
		})
	}
}

// errorLines splits a failed command's stderr into its error line and its
// hint ("" without one).
func errorLines(t *testing.T, r runResult) (msg, hint string) {
	t.Helper()
	require.NotEqual(t, 0, r.code, r.stdout)
	lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
	require.LessOrEqual(t, len(lines), 2, r.stderr)
	if len(lines) == 2 {
		hint = strings.TrimSpace(lines[1])
	}
	return lines[0], hint
}

// TestNodeCommands_Hints: each failure names the problem once and gives
// one hint that fits it, in words the error line does not repeat.
func TestNodeCommands_Hints(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	home := filepath.Join(dir, "n")
	runJSON(t, "node", "init", "--home", home)
	runJSON(t, "testnet", "init", "--output", dir, "--validators", "1", "--base-port", "31000")
	for _, c := range []struct {
		name     string
		env      string
		args     []string
		wantMsg  string
		wantHint string // "" for none
		notInMsg string // what only the hint says
	}{
		{"home exists", "", []string{"node", "init", "--home", home}, "already initialised", "choose another --home", "choose"},
		{"no home", "", []string{"node", "start", "--home", filepath.Join(dir, "none")}, "not initialised", "gotensor node init --home", "node init"},
		{"no validators", "", []string{"testnet", "init", "--output", filepath.Join(dir, "t"), "--validators", "0"}, "--validators 0: want 1 to 100", "", ""},
		{"testnet exists", "", []string{"testnet", "init", "--output", dir, "--validators", "1", "--base-port", "31000"}, "already initialised", "choose another --output", "choose"},
		{"bad network flag", "", []string{"wallet", "balance", "--ss58", aliceAddress, "--network", "foo"}, "(from --network)", "e.g. --network local", "e.g."},
		{"bad network variable", "foo", []string{"wallet", "balance", "--ss58", aliceAddress}, "(from $GOTENSOR_NETWORK)", "fix $GOTENSOR_NETWORK, or override it with --network", "override"},
		{"bad issuance", "", []string{"localnet", "--home", filepath.Join(dir, "l"), "--initial-issuance", "1"}, "--initial-issuance 1", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv(EnvNetwork, c.env)
			msg, hint := errorLines(t, run(t, "", c.args...))
			require.Contains(t, msg, c.wantMsg)
			if c.wantHint == "" {
				require.Empty(t, hint)
				return
			}
			require.Contains(t, hint, c.wantHint)
			require.NotContains(t, msg, c.notInMsg, "the error line says it already")
		})
	}
}

// TestLocalnet_ExistingChainWarnsOfNewChainFlags: the flags that shape a
// new chain are named when they meet an existing one.
func TestLocalnet_ExistingChainWarnsOfNewChainFlags(t *testing.T) {
	isolate(t)
	home := t.TempDir()
	n, created, err := node.OpenLocalnet(node.LocalnetOptions{Home: home, APIAddr: "off", RPCAddr: "off", P2PAddr: freePort(t),
		Genesis: func(id string) (json.RawMessage, error) { return json.Marshal(chain.DevGenesis(id)) }})
	require.NoError(t, err)
	require.True(t, created)
	require.NoError(t, n.Stop())

	ctx, cancel := context.WithCancel(context.Background())
	cancel() // stop as soon as the node has started
	var out, errOut bytes.Buffer
	a := newApp(strings.NewReader(""), &out, &errOut)
	root := newRootCmd(a)
	root.SetArgs([]string{"localnet", "--home", home, "--api-addr", "off", "--rpc-addr", "off", "--p2p-addr", freePort(t),
		"--block-time", "2s", "--chain-id", "other"})
	_ = root.ExecuteContext(ctx)
	require.Contains(t, errOut.String(), "holds an existing chain: --chain-id and --block-time apply only to a new one")
}
