package acceptance

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const (
	charlieSS58 = "5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y"
	daveSS58    = "5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy"
)

// neuronKeys are the per-uid fields issue 4 promises in `subnets show
// --json` and GET /v1/subnets/{netuid}/metagraph.
var neuronKeys = []string{"uid", "hotkey", "coldkey", "stake", "stake_weight", "consensus", "incentive", "dividends",
	"validator_trust", "emission", "active", "validator_permit", "last_update", "registered_at", "axon"}

// subnetNet is a localnet with wallets for the subnet tests: alice (the
// sudo account, owner, hotkey "owner" = //Alice//owner), bob (validator),
// charlie and dave (miners), eve (no subnet role) and empty (no funds).
type subnetNet struct {
	*localnet
	wallets string
}

func (sn *subnetNet) args(wallet string, args ...string) []string {
	return append(append(walletArgs(sn.wallets, wallet), "--network", sn.url), args...)
}

func newSubnetNet(t *testing.T) *subnetNet {
	t.Helper()
	sn := &subnetNet{localnet: startLocalnet(t, ""), wallets: t.TempDir()}
	for _, w := range []string{"alice", "bob", "charlie", "dave", "eve"} {
		uri := "//" + strings.ToUpper(w[:1]) + w[1:]
		ok(t, nil, append(walletArgs(sn.wallets, w), "wallet", "create", "--uri", uri, "--no-use-password", "--no-prompt")...)
	}
	ok(t, nil, append(walletArgs(sn.wallets, "alice"), "wallet", "regen-hotkey", "--hotkey", "owner", "--uri", "//Alice//owner",
		"--no-use-password", "--no-prompt")...)
	ok(t, nil, append(walletArgs(sn.wallets, "empty"), "wallet", "create", "--no-use-password", "--no-prompt")...)
	return sn
}

// account reads free and nonce through the API.
func (sn *subnetNet) account(t *testing.T, addr string) [2]int64 {
	t.Helper()
	_, doc := getJSON(t, sn.url+"/v1/accounts/"+addr)
	return [2]int64{num(t, doc, "free"), num(t, doc, "nonce")}
}

// TestSubnets_Flow runs issue 4's commands in order: create with a named
// hotkey, start, register, stake to a hotkey by address, set weights under
// commit–reveal (committed and revealed for the user, with progress), and
// reads the metagraph from the CLI and the API.
func TestSubnets_Flow(t *testing.T) {
	needBinary(t)
	t.Parallel()
	sn := newSubnetNet(t)
	created := okJSON(t, nil, sn.args("alice", "subnets", "create", "--hotkey", "owner", "--subnet-name", "qa", "--symbol", "Q", "--no-prompt")...)
	n := num(t, created, "netuid")
	require.Positive(t, n)
	netuid := strconv.FormatInt(n, 10)
	require.Equal(t, true, created["success"])
	okJSON(t, nil, sn.args("alice", "subnets", "start", "--netuid", netuid, "--no-prompt")...)
	okJSON(t, nil, sn.args("alice", "sudo", "set", "--netuid", netuid, "--param", "tempo", "--value", "10", "--no-prompt")...)
	okJSON(t, nil, sn.args("alice", "sudo", "set", "--netuid", netuid, "--param", "weights_rate_limit", "--value", "0", "--no-prompt")...)

	uids := map[string]int64{}
	for _, w := range []string{"bob", "charlie", "dave"} {
		doc := okJSON(t, nil, sn.args(w, "subnets", "register", "--netuid", netuid, "--hotkey", "default", "--no-prompt")...)
		uids[w] = num(t, doc, "uid")
	}
	require.Equal(t, map[string]int64{"bob": 1, "charlie": 2, "dave": 3}, uids)

	// Anyone stakes to a registered hotkey by its address.
	before := sn.account(t, aliceSS58)
	doc := okJSON(t, nil, sn.args("alice", "stake", "add", "--netuid", netuid, "--hotkey-ss58", bobSS58, "--amount", "100", "--no-prompt")...)
	fee := num(t, sn.status(t), "tx_fee")
	require.Equal(t, before[0]-100_000_000_000-fee, sn.account(t, aliceSS58)[0], "100 TAO and the fee left the balance")
	require.Equal(t, fee, num(t, doc, "fee"))

	// The validator gets its permit at the next epoch, then sets weights:
	// committed, then revealed in the reveal epoch, with progress shown.
	waitPermit(t, sn, netuid, bobSS58)
	r := ok(t, nil, sn.args("bob", "weights", "set", "--netuid", netuid, "--uids", "2,3", "--weights", "0.3,0.7", "--no-prompt")...)
	require.Contains(t, r.stderr, "Committed in block")
	require.Contains(t, r.stderr, "Waiting for the reveal epoch")
	require.Contains(t, r.stdout, "Weights revealed on netuid "+netuid)
	require.Contains(t, r.stdout, "[28086 65535]", "0.3, 0.7 as the SDK converts them")

	// The metagraph: the CLI's --json and the API carry the same per-uid
	// document, with every promised field.
	cli, api := sameBlock(t, []string{"subnets", "show", "--netuid", netuid, "--network", sn.url}, sn.url+"/v1/subnets/"+netuid+"/metagraph?lite=true")
	require.Equal(t, api, cli, "subnets show --json is the API's metagraph")
	full, apiFull := sameBlock(t, []string{"subnets", "show", "--netuid", netuid, "--full", "--network", sn.url}, sn.url+"/v1/subnets/"+netuid+"/metagraph")
	require.Equal(t, apiFull, full, "subnets show --full --json is the full metagraph")
	neurons := cli["neurons"].([]any)
	require.Len(t, neurons, 4)
	for _, nr := range neurons {
		keys := mapKeys(nr.(map[string]any))
		for _, k := range neuronKeys {
			require.Contains(t, keys, k)
		}
	}
	bob := neurons[1].(map[string]any)
	require.Equal(t, bobSS58, bob["hotkey"])
	require.Equal(t, true, bob["validator_permit"])
	require.Equal(t, bobSS58, bob["coldkey"])
	require.Positive(t, num(t, bob, "stake"))
	row := okJSON(t, nil, sn.args("bob", "weights", "show", "--netuid", netuid)...)
	require.Equal(t, "[[2 28086] [3 65535]]", fmt.Sprint(row["weights"]))
}

// sameBlock reads a CLI command's --json document and an API document of
// the same block.
func sameBlock(t *testing.T, args []string, url string) (cli, api map[string]any) {
	t.Helper()
	for range 20 {
		cli = okJSON(t, nil, args...)
		_, api = getJSON(t, url)
		if cli["block"] == api["block"] {
			return cli, api
		}
	}
	t.Fatalf("no two reads of the same block")
	return nil, nil
}

// waitPermit waits (at most a minute) for hotkey's validator permit.
func waitPermit(t *testing.T, sn *subnetNet, netuid, hotkey string) {
	t.Helper()
	require.Eventually(t, func() bool {
		_, doc := getJSON(t, sn.url+"/v1/subnets/"+netuid+"/weights/"+hotkey)
		return doc["validator_permit"] == true
	}, time.Minute, 200*time.Millisecond, "no validator permit for %s", hotkey)
}

func mapKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestSubnets_RefusalsChangeNothing: each refused call exits non-zero with
// one line naming the rule and the figures, a hint where one helps, and
// leaves the signer's balance and nonce as they were.
func TestSubnets_RefusalsChangeNothing(t *testing.T) {
	needBinary(t)
	t.Parallel()
	sn := newSubnetNet(t)
	created := okJSON(t, nil, sn.args("alice", "subnets", "create", "--hotkey", "owner", "--no-prompt")...)
	netuid := strconv.FormatInt(num(t, created, "netuid"), 10)
	okJSON(t, nil, sn.args("alice", "subnets", "start", "--netuid", netuid, "--no-prompt")...)
	okJSON(t, nil, sn.args("alice", "sudo", "set", "--netuid", netuid, "--param", "commit_reveal_weights_enabled", "--value", "0", "--no-prompt")...)
	okJSON(t, nil, sn.args("alice", "sudo", "set", "--netuid", netuid, "--param", "weights_rate_limit", "--value", "0", "--no-prompt")...)
	for _, w := range []string{"bob", "charlie"} {
		okJSON(t, nil, sn.args(w, "subnets", "register", "--netuid", netuid, "--no-prompt")...)
	}
	emptyAddr := strings.TrimSpace(readKeyfile(t, sn.wallets+"/empty/coldkeypub.txt")["ss58Address"].(string))

	for _, c := range []struct {
		name   string
		signer string // whose balance and nonce must not change
		want   string
		args   []string
	}{
		{"create without funds", emptyAddr, "TAO, balance is 0.000000000 TAO",
			sn.args("empty", "subnets", "create", "--no-prompt")},
		{"register without funds", emptyAddr, "TAO, balance is 0.000000000 TAO",
			sn.args("empty", "subnets", "register", "--netuid", netuid, "--no-prompt")},
		{"start someone else's subnet", bobSS58, "not the subnet owner",
			sn.args("bob", "subnets", "start", "--netuid", netuid, "--no-prompt")},
		{"start twice", aliceSS58, "already",
			sn.args("alice", "subnets", "start", "--netuid", netuid, "--no-prompt")},
		{"register twice", bobSS58, "already registered",
			sn.args("bob", "subnets", "register", "--netuid", netuid, "--no-prompt")},
		{"register on a missing subnet", bobSS58, "does not exist",
			sn.args("bob", "subnets", "register", "--netuid", "77", "--no-prompt")},
		{"stake to an unknown hotkey", aliceSS58, "not registered or associated",
			sn.args("alice", "stake", "add", "--netuid", netuid, "--hotkey-ss58", daveSS58, "--amount", "1", "--no-prompt")},
		{"stake more than the balance", emptyAddr, "balance",
			sn.args("empty", "stake", "add", "--netuid", netuid, "--hotkey-ss58", bobSS58, "--amount", "5", "--no-prompt")},
		{"sudo set by a non-owner", bobSS58, "only the subnet owner or sudo can set tempo",
			sn.args("bob", "sudo", "set", "--netuid", netuid, "--param", "tempo", "--value", "30", "--no-prompt")},
		{"sudo set out of bounds", aliceSS58, "kappa must be ≤ 65535, have 70000",
			sn.args("alice", "sudo", "set", "--netuid", netuid, "--param", "kappa", "--value", "70000", "--no-prompt")},
		{"sudo set of an unknown parameter", aliceSS58, `unknown hyperparameter: "bogus"`,
			sn.args("alice", "sudo", "set", "--netuid", netuid, "--param", "bogus", "--value", "1", "--no-prompt")},
		{"global set by a non-sudo", bobSS58, "only the sudo account",
			sn.args("bob", "sudo", "set", "--global", "--param", "tx_fee", "--value", "5", "--no-prompt")},
		{"weights without a permit", bobSS58, "no validator permit",
			sn.args("bob", "weights", "set", "--netuid", netuid, "--uids", "0,2", "--weights", "0.5,0.5", "--no-prompt")},
		{"weights with duplicate uids", bobSS58, "uid 2 appears twice",
			sn.args("bob", "weights", "set", "--netuid", netuid, "--uids", "2,2", "--weights", "0.5,0.5", "--no-prompt")},
		{"weights on a uid out of range", bobSS58, "uid 9, netuid " + netuid + " has uids 0 to 2",
			sn.args("bob", "weights", "set", "--netuid", netuid, "--uids", "1,9", "--weights", "0.5,0.5", "--no-prompt")},
		{"weights on the root subnet", bobSS58, "weights cannot be set on netuid 0",
			sn.args("bob", "weights", "set", "--netuid", "0", "--uids", "1", "--weights", "1", "--no-prompt")},
		{"transfer more than the balance", emptyAddr, "balance",
			append(walletArgs(sn.wallets, "empty"), "wallet", "transfer", "--dest", bobSS58, "--amount", "1", "--network", sn.url, "--no-prompt")},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := sn.account(t, c.signer)
			r := fails(t, nil, c.want, c.args...)
			require.Equal(t, before, sn.account(t, c.signer), "balance and nonce unchanged")
			// The same with --json: one document, success false, no prompt.
			r = gt(t, nil, append(c.args, "--json")...)
			require.NotZero(t, r.code)
			doc := decode(t, r.stdout)
			require.Equal(t, false, doc["success"])
			require.Contains(t, doc["error"], c.want)
		})
	}

	// The rate limit names the blocks left, and the weights set before it
	// stay as they were.
	okJSON(t, nil, sn.args("charlie", "weights", "set", "--netuid", netuid, "--uids", "2", "--weights", "1", "--no-prompt")...)
	okJSON(t, nil, sn.args("alice", "sudo", "set", "--netuid", netuid, "--param", "weights_rate_limit", "--value", "1000", "--no-prompt")...)
	before := sn.account(t, charlieSS58)
	r := fails(t, nil, "weights rate limit: ", sn.args("charlie", "weights", "set", "--netuid", netuid, "--uids", "2", "--weights", "1", "--no-prompt")...)
	require.Regexp(t, `weights rate limit: \d+ blocks left`, r.stderr)
	require.Contains(t, r.stderr, "retry at block", "the hint says when")
	require.Equal(t, before, sn.account(t, charlieSS58))
	code, _ := getJSON(t, sn.url+"/v1/subnets/"+netuid)
	require.Equal(t, http.StatusOK, code)
}
