package cli

import (
	"context"
	"encoding/json"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/client"
	"github.com/gotensor/gotensor/node"
	"github.com/gotensor/gotensor/tao"
)

// startLocalnet runs a fast localnet in-process for the test and returns
// its API URL.
func startLocalnet(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p2p := l.Addr().String()
	l.Close()
	n, _, err := node.OpenLocalnet(node.LocalnetOptions{
		Home: t.TempDir(), BlockTime: 100 * time.Millisecond, LogLevel: "error",
		APIAddr: "127.0.0.1:0", RPCAddr: "off", P2PAddr: p2p,
		Genesis: func(id string) (json.RawMessage, error) { return json.Marshal(chain.DevGenesis(id)) },
	})
	require.NoError(t, err)
	require.NoError(t, n.Start())
	t.Cleanup(func() { _ = n.Stop() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, n.WaitForHeight(ctx, 1))
	return n.APIURL()
}

// account reads an account straight from the API.
func account(t *testing.T, url, addr string) (tao.Rao, uint64) {
	t.Helper()
	c, err := client.New(url, client.Options{})
	require.NoError(t, err)
	id, err := tao.ParseAccountID(addr)
	require.NoError(t, err)
	a, err := c.Account(context.Background(), id)
	require.NoError(t, err)
	return a.Free, a.Nonce
}

// aliceWallet writes an unencrypted //Alice wallet and returns its flags.
func aliceWallet(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	r := run(t, "", "wallet", "create", "--uri", "//Alice", "--wallet-path", dir, "--wallet-name", "alice", "--no-use-password", "--no-prompt")
	require.Equal(t, 0, r.code, r.stderr)
	return []string{"--wallet-path", dir, "--wallet-name", "alice"}
}

func TestWalletTransferAndBalance(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a chain")
	}
	isolate(t)
	url := startLocalnet(t)
	w := aliceWallet(t)
	before, _ := account(t, url, aliceAddress)

	doc := runJSON(t, append(w, "wallet", "transfer", "--dest", bobAddress, "--amount", "1.5", "--network", url, "--no-prompt")...)
	require.Equal(t, true, doc["success"])
	require.Equal(t, float64(1_500_000_000), doc["amount"])
	require.Equal(t, "transfer_keep_alive", doc["call"])
	require.Positive(t, doc["block"])
	fee := tao.Rao(doc["fee"].(float64))
	require.Equal(t, float64(before-1_500_000_000-fee), doc["balance_after"])
	require.Regexp(t, "^0x[0-9a-f]{64}$", doc["tx_hash"])

	free, nonce := account(t, url, aliceAddress)
	require.Equal(t, before-1_500_000_000-fee, free, "amount and fee, to the rao")
	require.Equal(t, uint64(1), nonce)

	bal := runJSON(t, "wallet", "balance", "--ss58", bobAddress, "--network", url)
	require.Equal(t, float64(chain.DevBalance+1_500_000_000), bal["free"])
	require.Equal(t, bobAddress, bal["ss58Address"])
	bal = runJSON(t, "wallet", "balance", "--ss58", aliceAddress, "--network", url)
	require.Equal(t, float64(1), bal["nonce"])
	require.Equal(t, float64(1), bal["next_nonce"], "nothing of //Alice's in the mempool")

	bal = runJSON(t, append(w, "wallet", "balance", "--network", url)...)
	require.Equal(t, float64(free), bal["free"])
	require.Equal(t, "alice", bal["wallet"])

	multi := runJSON(t, "wallet", "balance", "--ss58", bobAddress, "--ss58", aliceAddress, "--network", url)
	require.Len(t, multi["accounts"], 2)
	require.Equal(t, float64(chain.DevBalance+1_500_000_000+free), multi["total_free"])

	// --all with the sender kept alive leaves the existential deposit.
	doc = runJSON(t, append(w, "wallet", "transfer", "--dest", bobAddress, "--all", "--network", url)...)
	require.Equal(t, "transfer_all", doc["call"])
	free, _ = account(t, url, aliceAddress)
	require.Equal(t, tao.Rao(500), free)
}

func TestWalletTransfer_BadInputChangesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a chain")
	}
	isolate(t)
	url := startLocalnet(t)
	w := aliceWallet(t)
	newAccount := "5EYCAe5ijiYfyeZ2JJCGq56LmPyNRAKzpG4QkoQkkQNB5e6Z"
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"bad dest checksum", []string{"--dest", bobAddress[:47] + "Z", "--amount", "1"}, "--dest"},
		{"no dest", []string{"--amount", "1"}, "destination is required"},
		{"no amount", []string{"--dest", bobAddress}, "amount is required"},
		{"amount not a number", []string{"--dest", bobAddress, "--amount", "abc"}, "--amount"},
		{"too many decimals", []string{"--dest", bobAddress, "--amount", "0.0000000001"}, "more than 9 decimals"},
		{"negative", []string{"--dest", bobAddress, "--amount", "-1"}, "--amount"},
		{"zero", []string{"--dest", bobAddress, "--amount", "0"}, "more than zero"},
		{"amount and all", []string{"--dest", bobAddress, "--amount", "1", "--all"}, "exclusive"},
		{"keep-alive and allow-death", []string{"--dest", bobAddress, "--amount", "1", "--keep-alive", "--allow-death"}, "exclusive"},
		{"insufficient", []string{"--dest", bobAddress, "--amount", "2000000"}, "insufficient balance"},
		{"overflow", []string{"--dest", bobAddress, "--amount", "18446744073.709551615"}, "insufficient balance"},
		{"keep alive", []string{"--dest", bobAddress, "--amount", "999999.9999"}, "existential deposit"},
		{"new account below ED", []string{"--dest", newAccount, "--amount", "0.0000001"}, "existential deposit"},
		{"unknown network name", []string{"--dest", bobAddress, "--amount", "1", "--network", "finney"}, "unknown network"},
	} {
		t.Run(c.name, func(t *testing.T) {
			freeBefore, nonceBefore := account(t, url, aliceAddress)
			args := append(append([]string{}, w...), "wallet", "transfer", "--no-prompt")
			args = append(args, c.args...)
			if !contains(c.args, "--network") {
				args = append(args, "--network", url)
			}
			requireFails(t, run(t, "", args...), c.want)
			free, nonce := account(t, url, aliceAddress)
			require.Equal(t, freeBefore, free)
			require.Equal(t, nonceBefore, nonce)
		})
	}
}

func TestWalletTransfer_DeclinedSendsNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a chain")
	}
	isolate(t)
	url := startLocalnet(t)
	w := aliceWallet(t)
	freeBefore, _ := account(t, url, aliceAddress)
	r := run(t, "n\n", append(w, "wallet", "transfer", "--dest", bobAddress, "--amount", "1", "--network", url)...)
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stderr, "Transfer")
	require.Contains(t, r.stderr, "Balance after")
	require.Contains(t, r.stderr, "cancelled")
	free, nonce := account(t, url, aliceAddress)
	require.Equal(t, freeBefore, free)
	require.Zero(t, nonce)
}

func TestWalletBalance_Errors(t *testing.T) {
	isolate(t)
	requireFails(t, run(t, "", "wallet", "balance", "--ss58", "nonsense", "--network", "local"), "--ss58")
	requireFails(t, run(t, "", "wallet", "balance", "--ss58", bobAddress, "--network", "ws://x"), "network")
	// Nothing listens on port 1: a clear error, not a hang.
	r := run(t, "", "wallet", "balance", "--ss58", bobAddress, "--network", "127.0.0.1:1")
	requireFails(t, r, "cannot reach the node")
	t.Setenv(EnvNetwork, "127.0.0.1:1")
	requireFails(t, run(t, "", "wallet", "balance", "--ss58", bobAddress), "127.0.0.1:1")
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// TestWalletTransfer_ConcurrentFromOneKey: five transfers from one wallet
// started at once (as five processes would) all succeed: each signs with
// the node's next nonce, and one refused for a nonce another took signs
// again with the next one.
func TestWalletTransfer_ConcurrentFromOneKey(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a chain")
	}
	isolate(t)
	url := startLocalnet(t)
	w := aliceWallet(t)
	before, _ := account(t, url, bobAddress)
	const n = 5
	results := make(chan runResult, n)
	for range n {
		go func() {
			results <- run(t, "", append(w, "wallet", "transfer", "--dest", bobAddress, "--amount", "1", "--network", url, "--json")...)
		}()
	}
	for range n {
		r := <-results
		require.Equal(t, 0, r.code, "stderr: %s\nstdout: %s", r.stderr, r.stdout)
	}
	after, _ := account(t, url, bobAddress)
	require.Equal(t, before+n*tao.RaoPerTAO, after)
	_, nonce := account(t, url, aliceAddress)
	require.Equal(t, uint64(n), nonce, "five transactions of //Alice included")
}
