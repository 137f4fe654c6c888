package cli

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/client"
	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// stakeNet is a localnet with one started subnet whose owner hotkey
// belongs to //Alice.
type stakeNet struct {
	url    string
	c      *client.Client
	netuid tao.NetUID
	hot    tao.AccountID // the subnet owner's hotkey, owned by //Alice
	wallet []string      // //Alice's wallet flags
}

func newStakeNet(t *testing.T) stakeNet {
	t.Helper()
	isolate(t)
	url := startLocalnet(t)
	c, err := client.New(url, client.Options{})
	require.NoError(t, err)
	alice, err := keys.FromURI("//Alice")
	require.NoError(t, err)
	hot, err := keys.FromURI("//Alice//stake-test-hotkey")
	require.NoError(t, err)
	ctx := context.Background()
	s, err := c.NewSender(ctx, alice)
	require.NoError(t, err)
	res, err := s.Send(ctx, tx.RegisterNetwork{Hotkey: hot.Public()}, true)
	require.NoError(t, err)
	var n tao.NetUID
	for _, e := range res.Events {
		if v, ok := e.Attr("netuid"); ok && e.Type == "subnet_registered" {
			n, err = tao.ParseNetUID(v)
			require.NoError(t, err)
		}
	}
	require.NotZero(t, n)
	_, err = s.Send(ctx, tx.StartCall{NetUID: n}, true)
	require.NoError(t, err)
	return stakeNet{url: url, c: c, netuid: n, hot: hot.Public(), wallet: aliceWallet(t)}
}

func (sn stakeNet) args(extra ...string) []string {
	return append(append(append([]string{}, sn.wallet...), extra...), "--network", sn.url)
}

func (sn stakeNet) stakeOf(t *testing.T, cold, hot tao.AccountID, n tao.NetUID) tao.Rao {
	t.Helper()
	doc, err := sn.c.Stakes(context.Background(), cold)
	require.NoError(t, err)
	for _, s := range doc.Stakes {
		if s.Hotkey == hot && tao.NetUID(s.NetUID) == n {
			return s.Alpha
		}
	}
	return 0
}

// TestStakeCommands runs every stake command against a localnet and checks
// the chain's state after each, to the rao.
func TestStakeCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a chain")
	}
	sn := newStakeNet(t)
	alice, err := tao.ParseAccountID(aliceAddress)
	require.NoError(t, err)
	bob, err := tao.ParseAccountID(bobAddress)
	require.NoError(t, err)
	net, hot := fmt.Sprint(sn.netuid), sn.hot.String()
	ctx := context.Background()

	// add: the quote the summary shows is what the chain does.
	q, err := sn.c.Quote(ctx, client.QuoteRequest{NetUID: sn.netuid, Buy: true, Amount: 2 * tao.RaoPerTAO})
	require.NoError(t, err)
	free, _ := account(t, sn.url, aliceAddress)
	doc := runJSON(t, sn.args("stake", "add", "--netuid", net, "--hotkey-ss58", hot, "--amount", "2", "--no-prompt")...)
	require.Equal(t, true, doc["success"])
	require.Equal(t, "add_stake", doc["call"])
	ch := doc["changes"].([]any)[0].(map[string]any)
	require.Equal(t, "added", ch["kind"])
	require.Equal(t, float64(q.Out), ch["alpha"])
	require.Equal(t, float64(2*tao.RaoPerTAO), ch["tao"])
	staked := sn.stakeOf(t, alice, sn.hot, sn.netuid)
	require.Equal(t, q.Out, staked)
	after, _ := account(t, sn.url, aliceAddress)
	require.Equal(t, free-2*tao.RaoPerTAO-tao.Rao(doc["fee"].(float64)), after)

	// list shows it, in rao.
	list := runJSON(t, sn.args("stake", "list")...)
	stakes := list["stakes"].([]any)
	require.Len(t, stakes, 1)
	require.Equal(t, float64(staked), stakes[0].(map[string]any)["alpha"])

	// remove half, with the default slippage protection.
	half := staked / 2
	doc = runJSON(t, sn.args("stake", "remove", "--netuid", net, "--hotkey-ss58", hot, "--amount", half.TAOString())...)
	require.Equal(t, "remove_stake", doc["call"])
	require.Equal(t, staked-half, sn.stakeOf(t, alice, sn.hot, sn.netuid))

	// swap a quarter to root, move some to another hotkey, transfer some to //Bob.
	runJSON(t, sn.args("stake", "swap", "--origin-netuid", net, "--dest-netuid", "0", "--hotkey-ss58", hot, "--amount", (half/2).TAOString())...)
	require.NotZero(t, sn.stakeOf(t, alice, sn.hot, tao.RootNetUID))
	other, err := keys.FromURI("//Alice//other-hotkey")
	require.NoError(t, err)
	doc = runJSON(t, sn.args("wallet", "associate-hotkey", "--hotkey-ss58", other.SS58())...)
	require.Equal(t, "associate_hotkey", doc["call"])
	left := sn.stakeOf(t, alice, sn.hot, sn.netuid)
	runJSON(t, sn.args("stake", "move", "--origin-netuid", net, "--from", hot, "--to", other.SS58(), "--amount", (left/2).TAOString())...)
	require.Equal(t, left/2, sn.stakeOf(t, alice, other.Public(), sn.netuid))
	runJSON(t, sn.args("stake", "transfer", "--origin-netuid", net, "--hotkey-ss58", other.SS58(), "--dest", bobAddress, "--all")...)
	require.Equal(t, left/2, sn.stakeOf(t, bob, other.Public(), sn.netuid))
	require.Zero(t, sn.stakeOf(t, alice, other.Public(), sn.netuid))

	// remove --all without a netuid unstakes everything on the hotkey.
	runJSON(t, sn.args("stake", "remove", "--hotkey-ss58", hot, "--all")...)
	require.Zero(t, sn.stakeOf(t, alice, sn.hot, sn.netuid))
	require.Zero(t, sn.stakeOf(t, alice, sn.hot, tao.RootNetUID))

	// takes: lower it, read it back.
	doc = runJSON(t, sn.args("sudo", "set-take", "--hotkey-ss58", hot, "--take", "0.09")...)
	require.Equal(t, "decrease_take", doc["call"])
	take := runJSON(t, sn.args("sudo", "get-take", "--hotkey-ss58", hot)...)
	require.Equal(t, float64(5898), take["take"]) // floor(0.09 × 65535)
	r := run(t, "", sn.args("sudo", "set-take", "--hotkey-ss58", hot, "--take", "0.1", "--no-prompt")...)
	requireFails(t, r, "take can increase again in")

	// The chain's own checks come back with a hint; nothing is charged.
	free, nonce := account(t, sn.url, aliceAddress)
	r = run(t, "", sn.args("stake", "add", "--netuid", net, "--hotkey-ss58", hot, "--amount", "0.001", "--no-prompt")...)
	require.NotEqual(t, 0, r.code)
	require.Contains(t, r.stderr, "error: amount below the minimum stake")
	require.Contains(t, r.stderr, "at least the minimum stake")
	f, n := account(t, sn.url, aliceAddress)
	require.Equal(t, free, f)
	require.Equal(t, nonce, n)
}

// TestStakeCommands_BadInputChangesNothing: every refused command exits
// non-zero with one error line and leaves the balance and nonce alone.
func TestStakeCommands_BadInputChangesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a chain")
	}
	sn := newStakeNet(t)
	net, hot := fmt.Sprint(sn.netuid), sn.hot.String()
	stranger, err := keys.FromURI("//Nobody//hotkey")
	require.NoError(t, err)
	free, nonce := account(t, sn.url, aliceAddress)
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"no netuid", []string{"stake", "add", "--hotkey-ss58", hot, "--amount", "1"}, "--netuid is required"},
		{"no amount", []string{"stake", "add", "--netuid", net, "--hotkey-ss58", hot}, "amount is required"},
		{"amount and all", []string{"stake", "add", "--netuid", net, "--hotkey-ss58", hot, "--amount", "1", "--all"}, "exclusive"},
		{"bad amount", []string{"stake", "add", "--netuid", net, "--hotkey-ss58", hot, "--amount", "1.0000000001"}, "--amount"},
		{"bad tolerance", []string{"stake", "add", "--netuid", net, "--hotkey-ss58", hot, "--amount", "1", "--tolerance", "1.5"}, "--tolerance"},
		{"bad hotkey", []string{"stake", "add", "--netuid", net, "--hotkey-ss58", "5Gxyz", "--amount", "1"}, "--hotkey-ss58"},
		{"no subnet", []string{"stake", "add", "--netuid", "9", "--hotkey-ss58", hot, "--amount", "1"}, "subnet 9 does not exist"},
		{"more than the balance", []string{"stake", "add", "--netuid", net, "--hotkey-ss58", hot, "--amount", "2000000"}, "insufficient balance"},
		{"hotkey nobody owns", []string{"stake", "add", "--netuid", net, "--hotkey-ss58", stranger.SS58(), "--amount", "1"}, "not registered or associated"},
		{"remove without stake", []string{"stake", "remove", "--netuid", net, "--hotkey-ss58", hot, "--amount", "1"}, "has no stake"},
		{"remove without netuid", []string{"stake", "remove", "--hotkey-ss58", hot, "--amount", "1"}, "--netuid is required"},
		{"swap to the same subnet", []string{"stake", "swap", "--origin-netuid", net, "--dest-netuid", net, "--amount", "1"}, "nothing to swap"},
		{"move without destination", []string{"stake", "move", "--origin-netuid", net, "--amount", "1"}, "--to"},
		{"transfer without destination", []string{"stake", "transfer", "--origin-netuid", net, "--amount", "1"}, "--dest"},
		{"take out of bounds", []string{"sudo", "set-take", "--hotkey-ss58", hot, "--take", "0.5"}, "outside the chain's bounds"},
		{"take not a fraction", []string{"sudo", "set-take", "--hotkey-ss58", hot, "--take", "nine"}, "--take"},
		{"associate another's hotkey", []string{"wallet", "associate-hotkey", "--hotkey-ss58", hot, "--wallet-name", "bob"}, "coldkey"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := run(t, "", sn.args(append(c.args, "--no-prompt")...)...)
			requireFails(t, r, c.want)
			r = run(t, "", sn.args(append(c.args, "--json")...)...)
			require.NotEqual(t, 0, r.code)
			require.Contains(t, r.stdout, `"success": false`)
			f, n := account(t, sn.url, aliceAddress)
			require.Equal(t, free, f, "balance changed")
			require.Equal(t, nonce, n, "nonce changed")
		})
	}

	// Declining the confirmation sends nothing; the summary lists the
	// order, the fee, the quote and the node, in that order.
	r := run(t, "n\n", sn.args("stake", "add", "--netuid", net, "--hotkey-ss58", hot, "--amount", "1")...)
	require.Equal(t, 0, r.code, r.stderr)
	require.Regexp(t, `(?s)Add stake\n  Coldkey .*\n  Amount .*\n  Fee .*\n  Price .*\n  Network .*Proceed\? \[y/N\]: Cancelled; nothing was sent\.`, r.stderr)
	f, n := account(t, sn.url, aliceAddress)
	require.Equal(t, [2]any{free, nonce}, [2]any{f, n}, "nothing sent")
}

// TestStakeAdd_ToleranceFromQuote: the tolerance guards against the pool
// moving after the quote, not against the order's own price impact, which
// the summary shows. A stake that moves a fresh pool's price far more than
// 0.5 % goes through with the default tolerance, and its limit price is the
// quoted end price plus the tolerance.
func TestStakeAdd_ToleranceFromQuote(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a chain")
	}
	sn := newStakeNet(t)
	alice, err := tao.ParseAccountID(aliceAddress)
	require.NoError(t, err)
	ctx := context.Background()
	amount := 100 * tao.RaoPerTAO
	q, err := sn.c.Quote(ctx, client.QuoteRequest{NetUID: sn.netuid, Buy: true, Amount: amount})
	require.NoError(t, err)
	require.Greater(t, uint64(q.PriceAfter), uint64(q.PriceBefore)*101/100, "the order should move the price by more than 1 %")

	slip := slippageFlags{tolerance: "0.005"}
	limit, err := slip.limit(q.PriceAfter, true)
	require.NoError(t, err)
	require.Equal(t, q.PriceAfter+q.PriceAfter*5/1000, limit)

	doc := runJSON(t, sn.args("stake", "add", "--netuid", fmt.Sprint(sn.netuid), "--hotkey-ss58", sn.hot.String(), "--amount", "100")...)
	require.Equal(t, true, doc["success"])
	require.Equal(t, q.Out, sn.stakeOf(t, alice, sn.hot, sn.netuid))
}

// TestStakeAdd_BeyondLimitOrders: an order so large that it moves the price
// beyond what one limit order can fill is refused naming that bound, not the
// tolerance, and --unsafe sends it at market.
func TestStakeAdd_BeyondLimitOrders(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a chain")
	}
	sn := newStakeNet(t)
	alice, err := tao.ParseAccountID(aliceAddress)
	require.NoError(t, err)
	netuid := fmt.Sprint(sn.netuid)
	before, nonce := account(t, sn.url, aliceAddress)
	r := run(t, "", sn.args("stake", "add", "--netuid", netuid, "--hotkey-ss58", sn.hot.String(), "--amount", "400000", "--no-prompt")...)
	requireFails(t, r, "-fold, more than a limit order can fill in one call")
	require.Contains(t, r.stderr, "--unsafe")
	after, nonceAfter := account(t, sn.url, aliceAddress)
	require.Equal(t, [2]any{before, nonce}, [2]any{after, nonceAfter}, "nothing sent")

	doc := runJSON(t, sn.args("stake", "add", "--netuid", netuid, "--hotkey-ss58", sn.hot.String(), "--amount", "400000", "--unsafe")...)
	require.Equal(t, true, doc["success"])
	require.Positive(t, sn.stakeOf(t, alice, sn.hot, sn.netuid))
}
