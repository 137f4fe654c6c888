package acceptance

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// balance reads `wallet balance --ss58 addr --json` on a localnet.
func balance(t *testing.T, ln *localnet, addr string) (free, nonce int64) {
	t.Helper()
	doc := okJSON(t, nil, "wallet", "balance", "--ss58", addr, "--network", ln.url)
	return num(t, doc, "free"), num(t, doc, "nonce")
}

// TestLocalnet_TransferBalancesAndRestart runs two localnets side by side,
// transfers on one with exact balances, then stops it with SIGINT and
// restarts it on the same home: same chain, same balances.
func TestLocalnet_TransferBalancesAndRestart(t *testing.T) {
	needBinary(t)
	t.Parallel()
	a := startLocalnet(t, "")
	b := startLocalnet(t, "")
	require.NotEqual(t, a.status(t)["genesis_hash"], b.status(t)["genesis_hash"], "two chains")

	wallets := t.TempDir()
	ok(t, nil, append(walletArgs(wallets, "alice"), "wallet", "create", "--uri", "//Alice", "--no-use-password", "--no-prompt")...)
	fee := num(t, a.status(t), "tx_fee")
	aliceFree, aliceNonce := balance(t, a, aliceSS58)
	bobFree, _ := balance(t, a, bobSS58)

	doc := okJSON(t, nil, append(walletArgs(wallets, "alice"), "wallet", "transfer", "--dest", bobSS58, "--amount", "1.5",
		"--network", a.url, "--no-prompt")...)
	require.Equal(t, true, doc["success"])
	require.Equal(t, int64(1_500_000_000), num(t, doc, "amount"))
	require.Equal(t, fee, num(t, doc, "fee"))
	height := num(t, doc, "block")
	hash := doc["tx_hash"].(string)

	free, nonce := balance(t, a, aliceSS58)
	require.Equal(t, aliceFree-1_500_000_000-fee, free, "sender pays amount and fee, to the rao")
	require.Equal(t, aliceNonce+1, nonce)
	free, _ = balance(t, a, bobSS58)
	require.Equal(t, bobFree+1_500_000_000, free, "receiver gets the amount, to the rao")
	free, _ = balance(t, b, aliceSS58)
	require.Equal(t, aliceFree, free, "the other localnet is another chain")

	// The API sees the same, and the block and transaction are there.
	code, acct := getJSON(t, a.url+"/v1/accounts/"+bobSS58)
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, bobFree+1_500_000_000, num(t, acct, "free"))
	code, blk := getJSON(t, fmt.Sprintf("%s/v1/blocks/%d", a.url, height))
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, fmt.Sprint(blk["txs"]), hash)
	requireTxIndexed(t, a, hash)

	// SIGINT stops it cleanly; the same --home continues the same chain.
	stopped := num(t, a.status(t), "height")
	require.Zero(t, a.stop(t, os.Interrupt), "exit code after SIGINT\n%s", a.stderr)
	require.Contains(t, a.stderr.String(), "Stopped at height")
	a2 := startLocalnet(t, a.home)
	require.GreaterOrEqual(t, a2.waitHeight(t, stopped+1), stopped+1, "blocks continue")
	free, _ = balance(t, a2, bobSS58)
	require.Equal(t, bobFree+1_500_000_000, free)
	code, blk2 := getJSON(t, fmt.Sprintf("%s/v1/blocks/%d", a2.url, height))
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, blk["hash"], blk2["hash"], "the same chain")
	require.Zero(t, a2.stop(t, syscall.SIGTERM), "exit code after SIGTERM\n%s", a2.stderr)
}

func requireTxIndexed(t *testing.T, ln *localnet, hash string) {
	t.Helper()
	for range 100 { // the indexer trails the block by a few milliseconds
		code, doc := getJSON(t, ln.url+"/v1/tx/"+hash)
		if code == http.StatusOK {
			require.Equal(t, hash, doc["hash"])
			require.Equal(t, int64(0), num(t, doc, "code"))
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("transaction %s never indexed", hash)
}

// TestLocalnet_SIGKILL: a localnet killed mid-run restarts at the same
// height or later with the same blocks, balances and app hashes.
func TestLocalnet_SIGKILL(t *testing.T) {
	needBinary(t)
	t.Parallel()
	ln := startLocalnet(t, "")
	wallets := t.TempDir()
	ok(t, nil, append(walletArgs(wallets, "alice"), "wallet", "create", "--uri", "//Alice", "--no-use-password", "--no-prompt")...)
	ok(t, nil, append(walletArgs(wallets, "bob"), "wallet", "create", "--uri", "//Bob", "--no-use-password", "--no-prompt")...)
	ok(t, nil, append(walletArgs(wallets, "alice"), "wallet", "transfer", "--dest", bobSS58, "--amount", "2",
		"--network", ln.url, "--no-prompt", "--quiet")...)
	// A subnet with epochs every few blocks and a staked validator, so the
	// blocks replayed at restart run the coinbase and epochs too.
	alice := func(args ...string) {
		okJSON(t, nil, append(append(walletArgs(wallets, "alice"), "--network", ln.url, "--no-prompt"), args...)...)
	}
	alice("subnets", "create")
	alice("subnets", "start", "--netuid", "1")
	alice("sudo", "set", "--netuid", "1", "--param", "tempo", "--value", "3")
	okJSON(t, nil, append(walletArgs(wallets, "bob"), "--network", ln.url, "--no-prompt", "subnets", "register", "--netuid", "1")...)
	alice("stake", "add", "--netuid", "1", "--hotkey-ss58", bobSS58, "--amount", "10")
	top := ln.waitHeight(t, num(t, ln.status(t), "height")+7)
	bob, _ := balance(t, ln, bobSS58)
	seen := map[int64][2]any{}
	for h := top - 3; h <= top; h++ {
		_, blk := getJSON(t, fmt.Sprintf("%s/v1/blocks/%d", ln.url, h))
		seen[h] = [2]any{blk["hash"], blk["app_hash"]}
	}
	st := ln.status(t)
	ln.kill()

	ln2 := startLocalnet(t, ln.home)
	ln2.waitHeight(t, max(top, num(t, st, "height"))+1)
	for h, want := range seen {
		_, blk := getJSON(t, fmt.Sprintf("%s/v1/blocks/%d", ln2.url, h))
		require.Equal(t, want, [2]any{blk["hash"], blk["app_hash"]}, "block %d", h)
	}
	// The status of height h carries the state root after h, which block
	// h+1 commits to.
	h := num(t, st, "height")
	_, next := getJSON(t, fmt.Sprintf("%s/v1/blocks/%d", ln2.url, h+1))
	require.Equal(t, st["app_hash"], next["app_hash"], "status app_hash is the root after its height")
	free, _ := balance(t, ln2, bobSS58)
	require.Equal(t, bob, free)
	_, mg := getJSON(t, ln2.url+"/v1/subnets/1/metagraph?lite=true")
	require.Len(t, mg["neurons"], 2, "the subnet survived the restart")
}

// TestLocalnet_NoHome: without --home the chain lives in a new temporary
// directory, which the JSON document names.
func TestLocalnet_NoHome(t *testing.T) {
	needBinary(t)
	t.Parallel()
	api := freeAddr(t)
	p := start(t, nil, "localnet", "--api-addr", api, "--rpc-addr", freeAddr(t), "--p2p-addr", freeAddr(t), "--json")
	var doc map[string]any
	require.Eventually(t, func() bool {
		d := json.NewDecoder(strings.NewReader(p.stdout.String()))
		return d.Decode(&doc) == nil
	}, 60*time.Second, 50*time.Millisecond, "no JSON document\n%s", p.stderr)
	home, _ := doc["home"].(string)
	require.NotEmpty(t, home)
	t.Cleanup(func() { os.RemoveAll(home) })
	require.DirExists(t, filepath.Join(home, "config"))
	require.Equal(t, "http://"+api, doc["api"])
	require.Zero(t, p.stop(t, os.Interrupt))
}

// TestAPI_Contracts checks the routes of issue 3 and that malformed
// requests get 4xx JSON errors.
func TestAPI_Contracts(t *testing.T) {
	needBinary(t)
	t.Parallel()
	ln := startLocalnet(t, "")
	st := ln.status(t)
	for _, k := range []string{"chain_id", "genesis_hash", "height", "latest_block_time", "latest_block_hash", "app_hash",
		"total_issuance", "block_emission", "tx_fee", "existential_deposit"} {
		require.Contains(t, st, k)
	}
	require.Equal(t, int64(1_000_000_000), num(t, st, "block_emission"))
	_, err := time.Parse(time.RFC3339Nano, st["latest_block_time"].(string))
	require.NoError(t, err)

	// POST /v1/tx?wait=commit with a transfer signed here.
	alice, err := keys.FromURI("//Alice")
	require.NoError(t, err)
	_, acct := getJSON(t, ln.url+"/v1/accounts/"+aliceSS58)
	var gh [32]byte
	b, err := hex.DecodeString(strings.TrimPrefix(st["genesis_hash"].(string), "0x"))
	require.NoError(t, err)
	copy(gh[:], b)
	bob, err := tao.ParseAccountID(bobSS58)
	require.NoError(t, err)
	raw, err := tx.Sign(alice, tx.Body{ChainID: st["chain_id"].(string), GenesisHash: gh, Nonce: uint64(num(t, acct, "nonce")),
		Call: tx.Transfer{Dest: bob, Amount: 7}})
	require.NoError(t, err)
	res, err := http.Post(ln.url+"/v1/tx?wait=commit", "application/octet-stream", bytes.NewReader(raw))
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", body)
	var sub map[string]any
	require.NoError(t, json.Unmarshal(body, &sub))
	require.Equal(t, true, sub["committed"])
	require.Equal(t, float64(0), sub["code"])
	hash := tx.Hash(raw)
	require.Equal(t, "0x"+hex.EncodeToString(hash[:]), sub["hash"])
	requireTxIndexed(t, ln, sub["hash"].(string))
	// The same bytes again are refused without changing anything.
	res, err = http.Post(ln.url+"/v1/tx", "application/octet-stream", bytes.NewReader(raw))
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusConflict, res.StatusCode)

	// The event stream starts at ?from= with the block of that height.
	h := int64(sub["height"].(float64))
	req, err := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/v1/events?from=%d", ln.url, h), nil)
	require.NoError(t, err)
	res, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() && !strings.HasPrefix(sc.Text(), "id: ") {
	}
	require.Equal(t, "id: "+strconv.FormatInt(h, 10), sc.Text())
	res.Body.Close()

	big := bytes.Repeat([]byte{0}, 2<<20)
	for _, c := range []struct {
		method, path, ctype string
		body                []byte
		status              int
	}{
		{"GET", "/v1/accounts/garbage", "", nil, 400},
		{"GET", "/v1/accounts/" + aliceSS58[:47] + "Z", "", nil, 400},
		{"GET", "/v1/blocks/-1", "", nil, 400},
		{"GET", "/v1/blocks/0", "", nil, 400},
		{"GET", "/v1/blocks/abc", "", nil, 400},
		{"GET", "/v1/blocks/99999999999999999999999", "", nil, 400},
		{"GET", "/v1/blocks/9223372036854775807", "", nil, 404},
		{"GET", "/v1/tx/0x1234", "", nil, 400},
		{"GET", "/v1/tx/0x" + strings.Repeat("00", 32), "", nil, 404},
		{"POST", "/v1/tx", "application/octet-stream", []byte("garbage"), 400},
		{"POST", "/v1/tx", "application/json", []byte(`{"tx": 12`), 400},
		{"POST", "/v1/tx", "text/plain", []byte("x"), 415},
		{"POST", "/v1/tx", "application/octet-stream", big, 413},
		{"POST", "/v1/tx?wait=maybe", "application/octet-stream", raw, 400},
		{"DELETE", "/v1/status", "", nil, 405},
		{"GET", "/v1/nothing", "", nil, 404},
		{"GET", "/v1/subnets/70000", "", nil, 400},
		{"GET", "/v1/subnets/9", "", nil, 404},
		{"GET", "/v1/events?from=-3", "", nil, 400},
		{"GET", "/v1/pools/0/quote?side=buy&amount=-1", "", nil, 400},
	} {
		req, err := http.NewRequest(c.method, ln.url+c.path, bytes.NewReader(c.body))
		require.NoError(t, err)
		if c.ctype != "" {
			req.Header.Set("Content-Type", c.ctype)
		}
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		var e struct {
			Code    *int    `json:"code"`
			Message *string `json:"message"`
		}
		err = json.NewDecoder(res.Body).Decode(&e)
		res.Body.Close()
		require.Equal(t, c.status, res.StatusCode, "%s %s", c.method, c.path)
		require.NoError(t, err, "%s %s: JSON error body", c.method, c.path)
		require.NotNil(t, e.Code, "%s %s", c.method, c.path)
		require.NotEmpty(t, *e.Message, "%s %s", c.method, c.path)
	}
	free, _ := balance(t, ln, aliceSS58)
	require.Equal(t, num(t, acct, "free")-7-num(t, st, "tx_fee"), free, "only the one transfer happened")
}

// TestTestnet_FourValidators: four validator processes
// keep making blocks with one killed, and it catches up when restarted,
// with the same app hash at every height.
func TestTestnet_FourValidators(t *testing.T) {
	needBinary(t)
	if testing.Short() {
		t.Skip("runs four validator processes (about 20 s)")
	}
	t.Parallel()
	dir := t.TempDir()
	base := freePortBlock(t, 4)
	ok(t, nil, "testnet", "init", "--validators", "4", "--output", dir, "--base-port", strconv.Itoa(base),
		"--block-time", "300ms", "--json")
	nodes := make([]*localnet, 4)
	startNode := func(i int) {
		home := filepath.Join(dir, "node"+strconv.Itoa(i))
		api := fmt.Sprintf("127.0.0.1:%d", base+10*i+2)
		nodes[i] = &localnet{home: home, api: api, url: "http://" + api,
			proc: start(t, nil, "node", "start", "--home", home, "--metrics-addr", "off")}
	}
	for i := range nodes {
		startNode(i)
	}
	for _, n := range nodes {
		n.waitHeight(t, 3)
	}
	// Subnet activity with epochs every three blocks, so the validators
	// agree on the coinbase and epochs, not only on transfers.
	wallets := t.TempDir()
	for _, w := range []string{"Alice", "Bob"} {
		ok(t, nil, append(walletArgs(wallets, w), "wallet", "create", "--uri", "//"+w, "--no-use-password", "--no-prompt")...)
	}
	send := func(wallet string, args ...string) {
		okJSON(t, nil, append(append(walletArgs(wallets, wallet), "--network", nodes[0].url, "--no-prompt"), args...)...)
	}
	send("Alice", "subnets", "create")
	send("Alice", "subnets", "start", "--netuid", "1")
	send("Alice", "sudo", "set", "--netuid", "1", "--param", "tempo", "--value", "3")
	send("Bob", "subnets", "register", "--netuid", "1")
	send("Alice", "stake", "add", "--netuid", "1", "--hotkey-ss58", bobSS58, "--amount", "10")
	nodes[3].kill()
	h := num(t, nodes[0].status(t), "height")
	for _, n := range nodes[:3] {
		n.waitHeight(t, h+5)
	}
	startNode(3)
	target := num(t, nodes[0].status(t), "height") + 2
	for _, n := range nodes {
		n.waitHeight(t, target)
	}
	for h := int64(1); h <= target; h++ {
		var want [2]any
		for i, n := range nodes {
			_, blk := getJSON(t, fmt.Sprintf("%s/v1/blocks/%d", n.url, h))
			got := [2]any{blk["hash"], blk["app_hash"]}
			if i == 0 {
				want = got
			}
			require.Equal(t, want, got, "node%d at height %d", i, h)
		}
	}
	for _, n := range nodes {
		require.Zero(t, n.stop(t, os.Interrupt))
	}
}

// freePortBlock finds base with ports base … base+10·n−1 free.
func freePortBlock(t *testing.T, n int) int {
	t.Helper()
	for range 100 {
		a := freeAddr(t)
		port, err := strconv.Atoi(a[strings.LastIndex(a, ":")+1:])
		require.NoError(t, err)
		base := port - port%10
		if base+10*n > 65535 {
			continue
		}
		free := true
		for p := base; p < base+10*n && free; p++ {
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
			if err != nil {
				free = false
				continue
			}
			l.Close()
		}
		if free {
			return base
		}
	}
	t.Fatal("no block of free ports")
	return 0
}
