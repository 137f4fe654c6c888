package cli

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/client"
	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/sdk/weights"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// weightsNet is a localnet with subnet n owned by //Alice, whose owner
// hotkey (uid 0, no permit or stake needed) is the "val" hotkey of the
// wallet in args, and two more neurons at uids 1 and 2.
type weightsNet struct {
	url   string
	n     tao.NetUID
	args  []string // wallet flags, hotkey included, and --network
	val   tao.AccountID
	alice *client.Sender
	c     *client.Client
}

func newWeightsNet(t *testing.T) *weightsNet {
	t.Helper()
	isolate(t)
	url := startLocalnet(t)
	w := aliceWallet(t)
	r := run(t, "", append(w, "wallet", "new-hotkey", "--uri", "//Alice//validator", "--hotkey", "val", "--no-prompt")...)
	require.Equal(t, 0, r.code, r.stderr)
	val, err := keys.FromURI("//Alice//validator")
	require.NoError(t, err)
	alice, err := keys.FromURI("//Alice")
	require.NoError(t, err)

	c, err := client.New(url, client.Options{})
	require.NoError(t, err)
	ctx := context.Background()
	s, err := c.NewSender(ctx, alice)
	require.NoError(t, err)
	send := func(call tx.Call) *apitypes.SubmitTxResult {
		res, err := s.Send(ctx, call, true)
		require.NoError(t, err, "%s", call.Kind())
		return res
	}
	res := send(tx.RegisterNetwork{Hotkey: val.Public()})
	var n tao.NetUID
	for _, e := range res.Events {
		if v, ok := e.Attr("netuid"); ok && e.Type == "subnet_registered" {
			n, err = tao.ParseNetUID(v)
			require.NoError(t, err)
		}
	}
	require.NotZero(t, n)
	send(tx.StartCall{NetUID: n})
	for _, uri := range []string{"//Alice//m1", "//Alice//m2"} {
		m, err := keys.FromURI(uri)
		require.NoError(t, err)
		send(tx.BurnedRegister{NetUID: n, Hotkey: m.Public()})
	}
	send(tx.SetHyperparameter{NetUID: n, Name: "weights_rate_limit", Value: 1})
	return &weightsNet{url: url, n: n, args: append(w, "--hotkey", "val", "--network", url), val: val.Public(), alice: s, c: c}
}

func (wn *weightsNet) status(t *testing.T) *apitypes.Weights {
	t.Helper()
	st, err := wn.c.Weights(context.Background(), wn.n, wn.val)
	require.NoError(t, err)
	return st
}

func (wn *weightsNet) cmd(args ...string) []string {
	return append(append([]string{}, wn.args...), args...)
}

func (wn *weightsNet) netuid() string { return strconv.Itoa(int(wn.n)) }

func TestWeightsSet_CommitReveal(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a chain")
	}
	wn := newWeightsNet(t)
	require.True(t, wn.status(t).CommitReveal, "on by default")

	doc := runJSON(t, wn.cmd("weights", "set", "--netuid", wn.netuid(), "--uids", "1,2", "--weights", "0.3,0.7")...)
	require.Equal(t, true, doc["success"])
	require.Equal(t, true, doc["commit_reveal"])
	require.Equal(t, []any{float64(1), float64(2)}, doc["uids"])
	require.Equal(t, []any{float64(28086), float64(65535)}, doc["weights"], "the SDK's conversion")
	require.Len(t, doc["tx_hashes"], 2)
	require.Greater(t, doc["reveal_block"], doc["commit_block"])
	require.Nil(t, doc["saved_to"], "revealed: nothing left on disk")

	st := wn.status(t)
	require.Equal(t, [][2]uint16{{1, 28086}, {2, 65535}}, st.Weights)
	require.Empty(t, st.Commits)
	entries, err := os.ReadDir(filepath.Join(wn.args[1], "alice", "reveals"))
	require.NoError(t, err)
	require.Empty(t, entries)

	// commit, then reveal from the saved file.
	doc = runJSON(t, wn.cmd("weights", "commit", "--netuid", wn.netuid(), "--uids", "2", "--weights", "1", "--salt", "7,8")...)
	require.Equal(t, []any{float64(7), float64(8)}, doc["salt"])
	saved := doc["saved_to"].(string)
	require.FileExists(t, saved)
	require.Len(t, wn.status(t).Commits, 1)
	doc = runJSON(t, wn.cmd("weights", "reveal", "--netuid", wn.netuid())...)
	require.Equal(t, true, doc["success"])
	require.NoFileExists(t, saved)
	require.Equal(t, [][2]uint16{{2, 65535}}, wn.status(t).Weights)

	// reveal with the values and salt given on the command line.
	runJSON(t, wn.cmd("weights", "commit", "--netuid", wn.netuid(), "--uids", "1", "--weights", "5", "--salt", "3")...)
	require.NoError(t, os.RemoveAll(filepath.Join(wn.args[1], "alice", "reveals")))
	r := run(t, "", wn.cmd("weights", "reveal", "--netuid", wn.netuid(), "--no-prompt")...)
	requireFails(t, r, "no saved commit")
	doc = runJSON(t, wn.cmd("weights", "reveal", "--netuid", wn.netuid(), "--uids", "1", "--weights", "5", "--salt", "3")...)
	require.Equal(t, true, doc["success"])
	require.Equal(t, [][2]uint16{{1, 65535}}, wn.status(t).Weights)
}

// TestWeightsReveal_SkipsStaleSavedCommits: a saved commit that is no
// longer on chain is dropped, and the oldest live one is revealed.
func TestWeightsReveal_SkipsStaleSavedCommits(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a chain")
	}
	wn := newWeightsNet(t)
	store := weights.CommitStore{Dir: filepath.Join(wn.args[1], "alice", "reveals")}
	stale := weights.Commit{NetUID: wn.n, Hotkey: wn.val, UIDs: []tao.UID{1}, Values: []uint16{65535}, Salt: []uint16{9},
		CommitBlock: 1, RevealEpoch: 1}
	stalePath, err := store.Save(stale)
	require.NoError(t, err)
	doc := runJSON(t, wn.cmd("weights", "commit", "--netuid", wn.netuid(), "--uids", "2", "--weights", "1")...)
	live := doc["saved_to"].(string)

	r := run(t, "", wn.cmd("weights", "reveal", "--netuid", wn.netuid(), "--no-prompt")...)
	require.Equal(t, 0, r.code, "stderr: %s", r.stderr)
	require.Contains(t, r.stderr, "dropping saved commit")
	require.NoFileExists(t, stalePath)
	require.NoFileExists(t, live)
	require.Equal(t, [][2]uint16{{2, 65535}}, wn.status(t).Weights)
}

func TestWeightsSet_Direct(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a chain")
	}
	wn := newWeightsNet(t)
	_, err := wn.alice.Send(context.Background(), tx.SetHyperparameter{NetUID: wn.n, Name: "commit_reveal_weights_enabled", Value: 0}, true)
	require.NoError(t, err)

	doc := runJSON(t, wn.cmd("weights", "set", "--netuid", wn.netuid(), "--uids", "1,2", "--weights", "1,3")...)
	require.Equal(t, false, doc["commit_reveal"])
	require.Positive(t, doc["block"])
	require.Equal(t, [][2]uint16{{1, 21845}, {2, 65535}}, wn.status(t).Weights)

	// The chain's rule surfaces with its figures and a hint.
	_, err = wn.alice.Send(context.Background(), tx.SetHyperparameter{NetUID: wn.n, Name: "weights_rate_limit", Value: 1000}, true)
	require.NoError(t, err)
	_, nonce := account(t, wn.url, wn.val.String())
	r := run(t, "", wn.cmd("weights", "set", "--netuid", wn.netuid(), "--uids", "1", "--weights", "1", "--no-prompt", "--quiet")...)
	requireFails(t, r, "weights rate limit: ")
	require.Contains(t, r.stderr, "blocks left")
	require.Contains(t, r.stderr, "retry at block")
	_, after := account(t, wn.url, wn.val.String())
	require.Equal(t, nonce, after, "refused by the mempool: nothing changed")

	r = run(t, "", wn.cmd("weights", "commit", "--netuid", wn.netuid(), "--uids", "1", "--weights", "1", "--no-prompt")...)
	requireFails(t, r, "commit-reveal is disabled")
}

// TestWeights_BadInputChangesNothing: malformed rows are refused before
// anything is sent.
func TestWeights_BadInputChangesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a chain")
	}
	wn := newWeightsNet(t)
	_, nonce := account(t, wn.url, wn.val.String())
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"lengths", []string{"--uids", "1,2", "--weights", "0.3"}, "differ in length"},
		{"negative weight", []string{"--uids", "1,2", "--weights", "0.3,-1"}, "negative weight"},
		{"negative uid", []string{"--uids", "-1", "--weights", "1"}, "uid out of range"},
		{"all zero", []string{"--uids", "1,2", "--weights", "0,0"}, "every weight is zero"},
		{"no weights", []string{"--uids", "1"}, "--weights is required"},
		{"not a number", []string{"--uids", "1", "--weights", "x"}, "invalid argument"},
		{"no subnet", []string{"--uids", "1", "--weights", "1", "--netuid", "77"}, "subnet 77 does not exist"},
		{"root subnet", []string{"--uids", "1", "--weights", "1", "--netuid", "0"}, "weights cannot be set on netuid 0"},
		// Under commit-reveal (on here) the chain would take the commit and
		// refuse only the reveal, an epoch later.
		{"duplicate uids", []string{"--uids", "1,1", "--weights", "0.3,0.7"}, "duplicate uids in weights: uid 1 appears twice"},
		{"uid out of range", []string{"--uids", "1,9", "--weights", "0.3,0.7"}, "uid 9, netuid " + wn.netuid() + " has uids 0 to 2"},
		{"more weights than neurons", []string{"--uids", "0,1,2,3", "--weights", "1,1,1,1"}, "4 weights, netuid " + wn.netuid() + " has 3 neurons"},
	} {
		for _, sub := range []string{"set", "commit"} {
			t.Run(sub+" "+c.name, func(t *testing.T) {
				args := append([]string{"weights", sub, "--netuid", wn.netuid(), "--no-prompt"}, c.args...)
				requireFails(t, run(t, "", wn.cmd(args...)...), c.want)
			})
		}
	}
	require.NoDirExists(t, filepath.Join(wn.args[1], "alice", "reveals"), "no commit saved")
	r := run(t, "", wn.cmd("weights", "set", "--uids", "1", "--weights", "1", "--no-prompt")...)
	requireFails(t, r, "--netuid is required")
	require.Equal(t, 2, r.code)

	other := append(append([]string{}, wn.args...), "--hotkey", "default")
	r = run(t, "", append(other, "weights", "set", "--netuid", wn.netuid(), "--uids", "1", "--weights", "1", "--no-prompt")...)
	requireFails(t, r, "not registered")

	r = run(t, "", wn.cmd("weights", "reveal", "--netuid", wn.netuid(), "--uids", "1", "--weights", "1", "--salt", "70000", "--no-prompt")...)
	requireFails(t, r, "--salt: 70000 is not a u16")
	_, after := account(t, wn.url, wn.val.String())
	require.Equal(t, nonce, after)
}
