package neuron_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/client"
	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/node"
	"github.com/gotensor/gotensor/sdk/dendrite"
	"github.com/gotensor/gotensor/sdk/metagraph"
	"github.com/gotensor/gotensor/sdk/neuron"
	"github.com/gotensor/gotensor/sdk/synapse"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// testChain is a localnet with fast blocks, driven through its API as
// //Alice (the dev chain's sudo).
type testChain struct {
	t     *testing.T
	c     *client.Client
	alice *keys.Pair
}

func startChain(t *testing.T) *testChain {
	t.Helper()
	if testing.Short() {
		t.Skip("runs a chain")
	}
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
	c, err := client.New(n.APIURL(), client.Options{})
	require.NoError(t, err)
	return &testChain{t: t, c: c, alice: pair(t, "//Alice")}
}

func pair(t *testing.T, uri string) *keys.Pair {
	t.Helper()
	p, err := keys.FromURI(uri)
	require.NoError(t, err)
	return p
}

// send submits call signed by p and waits for its block.
func (tc *testChain) send(p *keys.Pair, call tx.Call) {
	tc.t.Helper()
	s, err := tc.c.NewSender(context.Background(), p)
	require.NoError(tc.t, err)
	_, err = s.Send(context.Background(), call, true)
	require.NoError(tc.t, err)
}

// subnet creates and starts a subnet owned by //Alice with the given
// hyperparameters, and registers hotkeys (uids 1, 2, …), paid by //Alice.
func (tc *testChain) subnet(hparams map[string]int64, hotkeys ...*keys.Pair) tao.NetUID {
	tc.t.Helper()
	before, err := tc.c.Subnets(context.Background())
	require.NoError(tc.t, err)
	tc.send(tc.alice, tx.RegisterNetwork{Hotkey: tc.alice.Public()})
	n := tao.NetUID(len(before.Subnets)) // root is netuid 0; new subnets take the next netuid
	tc.send(tc.alice, tx.StartCall{NetUID: n})
	for name, v := range hparams {
		tc.send(tc.alice, tx.SetHyperparameter{NetUID: n, Name: name, Value: v})
	}
	for _, hk := range hotkeys {
		tc.send(tc.alice, tx.BurnedRegister{NetUID: n, Hotkey: hk.Public()})
	}
	return n
}

// logBuffer collects a neuron's JSON log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// count returns how many lines contain every one of parts.
func (b *logBuffer) count(parts ...string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, line := range strings.Split(b.buf.String(), "\n") {
		all := line != ""
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			n++
		}
	}
	return n
}

func (b *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func (b *logBuffer) waitFor(t *testing.T, within time.Duration, parts ...string) {
	t.Helper()
	require.Eventually(t, func() bool { return b.count(parts...) > 0 }, within, 50*time.Millisecond,
		"no log line with %q; log:\n%s", parts, &b.buf)
}

// TestValidator_RetriesAndSaysWhy: a validator whose commits the chain
// refuses logs why and retries until they pass; it reveals its commits in
// their epoch and forgets expired ones; it waits out the rate limit with a
// typed error; it keeps its scores and step across a restart.
func TestValidator_RetriesAndSaysWhy(t *testing.T) {
	tc := startChain(t)
	val, m1, m2 := pair(t, "//TestValidator"), pair(t, "//TestMiner1"), pair(t, "//TestMiner2")
	// Reveals 100 epochs after the commit: the commits pile up to the
	// chain's limit of 10 unrevealed.
	n := tc.subnet(map[string]int64{"tempo": 3, "commit_reveal_period": 100, "weights_rate_limit": 0}, val, m1, m2)
	tc.send(tc.alice, tx.AddStake{Hotkey: val.Public(), NetUID: n, AmountTAO: 10 * tao.RaoPerTAO})

	// The subnet's reward: miner 1 earns twice what miner 2 does.
	forward := func(ctx context.Context, v *neuron.Validator) ([]tao.UID, []float32, error) {
		s := v.Metagraph().Snapshot()
		u1, _ := s.UID(m1.Public())
		u2, _ := s.UID(m2.Public())
		return []tao.UID{u1, u2}, []float32{1, 0.5}, nil
	}
	cfg := neuron.DefaultConfig(neuron.RoleValidator)
	cfg.NetUID, cfg.Neuron.StepInterval, cfg.Neuron.EpochLength = n, 50*time.Millisecond, 5
	dir := t.TempDir()
	logs := &logBuffer{}
	v, err := neuron.NewValidator(cfg, neuron.Keys{Hotkey: val, Coldkey: tc.alice.Public()}, dir, forward,
		neuron.Options{Client: tc.c, Logger: logs.logger()})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- v.Run(ctx) }()

	// Refused by the chain: said why, retried with backoff.
	logs.waitFor(t, 60*time.Second, "setting weights failed; retrying", "commit_weights failed", "too many unrevealed weight commits")
	require.Equal(t, 10, logs.count("weights committed"))
	// Commits revealed one epoch later: the old ones have expired, the
	// last is revealed, and committing works again.
	tc.send(tc.alice, tx.SetHyperparameter{NetUID: n, Name: "commit_reveal_period", Value: 1})
	logs.waitFor(t, 30*time.Second, "a weight commit expired before its reveal")
	logs.waitFor(t, 30*time.Second, "weights revealed")
	require.Eventually(t, func() bool { return logs.count("weights committed") > 10 }, 30*time.Second, 50*time.Millisecond)
	// A rate limit longer than the tempo: the validator waits it out.
	tc.send(tc.alice, tx.SetHyperparameter{NetUID: n, Name: "weights_rate_limit", Value: 12})
	logs.waitFor(t, 30*time.Second, "not setting weights yet", "rate limited: ", "blocks left (one weights update per 12 blocks")
	committed, revealed, expired := logs.count("weights committed"), logs.count("weights revealed"), logs.count("expired before its reveal")
	require.Eventually(t, func() bool { return logs.count("weights committed") > committed+1 }, 30*time.Second, 50*time.Millisecond,
		"committed again once the limit passed")
	require.Greater(t, logs.count("weights revealed"), revealed, "reveals go on while commits wait for the rate limit")
	// Reveals two epochs after the commit, inside a rate limit of five
	// epochs: the validator still reveals each commit in its epoch.
	tc.send(tc.alice, tx.SetHyperparameter{NetUID: n, Name: "commit_reveal_period", Value: 2})
	tc.send(tc.alice, tx.SetHyperparameter{NetUID: n, Name: "weights_rate_limit", Value: 20})
	revealed = logs.count("weights revealed")
	require.Eventually(t, func() bool { return logs.count("weights revealed") >= revealed+2 }, 30*time.Second, 50*time.Millisecond)
	require.Equal(t, expired, logs.count("expired before its reveal"), "no commit expired waiting")
	require.Zero(t, logs.count(`"level":"ERROR"`))

	st, err := tc.c.Weights(context.Background(), n, val.Public())
	require.NoError(t, err)
	require.Equal(t, [][2]uint16{{2, 65535}, {3, 32768}}, st.Weights, "miner 1 weighs twice miner 2, max-upscaled")

	cancel()
	require.NoError(t, <-done)
	saved, err := neuron.LoadState(dir)
	require.NoError(t, err)
	require.Positive(t, saved.Step)
	require.Equal(t, saved.Step, v.Step())
	require.Positive(t, saved.NextWeightsEpoch)
	require.Greater(t, saved.Scores[2], saved.Scores[3])
	require.Equal(t, val.Public(), saved.Hotkey)

	// A restart resumes from the saved state.
	logs2 := &logBuffer{}
	v2, err := neuron.NewValidator(cfg, neuron.Keys{Hotkey: val, Coldkey: tc.alice.Public()}, dir, forward,
		neuron.Options{Client: tc.c, Logger: logs2.logger()})
	require.NoError(t, err)
	ctx, cancel = context.WithCancel(context.Background())
	go func() { done <- v2.Run(ctx) }()
	logs2.waitFor(t, 10*time.Second, "validator started", `"step":`+strconv.FormatUint(saved.Step, 10))
	cancel()
	require.NoError(t, <-done)
	require.GreaterOrEqual(t, v2.Step(), saved.Step)
}

// TestValidator_NotRegistered: a validator whose hotkey is not on the
// subnet stops at once with the typed error.
func TestValidator_NotRegistered(t *testing.T) {
	tc := startChain(t)
	n := tc.subnet(nil)
	cfg := neuron.DefaultConfig(neuron.RoleValidator)
	cfg.NetUID = n
	stranger := pair(t, "//Stranger")
	v, err := neuron.NewValidator(cfg, neuron.Keys{Hotkey: stranger}, t.TempDir(),
		func(context.Context, *neuron.Validator) ([]tao.UID, []float32, error) { return nil, nil, nil },
		neuron.Options{Client: tc.c, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	err = v.Run(context.Background())
	var nr *neuron.NotRegisteredError
	require.ErrorAs(t, err, &nr)
	require.ErrorIs(t, err, tx.ErrNotRegistered)
	require.Equal(t, stranger.Public(), nr.Hotkey)
	require.ErrorContains(t, err, "gotensor subnets register --netuid")
}

// TestMiner_ServesAndBlacklists: a miner publishes its axon, answers
// registered callers and refuses others; restarted at the same address
// it does not publish again; with force_validator_permit it refuses a
// caller without a permit.
func TestMiner_ServesAndBlacklists(t *testing.T) {
	tc := startChain(t)
	mh, caller, stranger := pair(t, "//TestMiner"), pair(t, "//TestCaller"), pair(t, "//TestStranger")
	n := tc.subnet(map[string]int64{"serving_rate_limit": 0}, mh, caller)

	run := func(cfg neuron.Config, ln net.Listener, logs *logBuffer) (stop func()) {
		m, err := neuron.NewMiner(cfg, neuron.Keys{Hotkey: mh, Coldkey: tc.alice.Public()},
			neuron.Options{Client: tc.c, Logger: logs.logger(), Listener: ln})
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- m.Run(ctx) }()
		logs.waitFor(t, 20*time.Second, "miner started")
		return func() {
			cancel()
			require.NoError(t, <-done)
		}
	}
	ping := func(p *keys.Pair, ax synapse.AxonInfo) dendrite.Result[*synapse.Ping] {
		d, err := dendrite.New(p, dendrite.Options{})
		require.NoError(t, err)
		defer d.Close()
		return dendrite.Call(context.Background(), d, ax, &synapse.Ping{}, 5*time.Second)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().(*net.TCPAddr)
	cfg := neuron.DefaultConfig(neuron.RoleMiner)
	cfg.NetUID, cfg.Axon = n, neuron.AxonConfig{IP: "127.0.0.1", ExternalIP: "127.0.0.1"}
	logs := &logBuffer{}
	stop := run(cfg, ln, logs)
	require.Equal(t, 1, logs.count("axon published on chain", "/ipv4/127.0.0.1:"+strconv.Itoa(addr.Port)))

	s, err := metagraph.Sync(context.Background(), tc.c, n)
	require.NoError(t, err)
	uid, ok := s.UID(mh.Public())
	require.True(t, ok)
	ax := s.Axons[uid]
	require.Equal(t, addr.Port, int(ax.Port), "the chain shows the axon")
	require.True(t, ax.IsServing())

	require.Equal(t, 200, ping(caller, ax).StatusCode, "a registered caller is answered")
	r := ping(stranger, ax)
	require.Equal(t, 403, r.StatusCode)
	require.Contains(t, r.StatusMessage, "Unrecognized hotkey")
	stop()

	// Same address again, now requiring a validator permit.
	ln, err = net.Listen("tcp", addr.String())
	require.NoError(t, err)
	cfg.Blacklist.ForceValidatorPermit = true
	logs = &logBuffer{}
	stop = run(cfg, ln, logs)
	defer stop()
	require.Equal(t, 1, logs.count("axon already on chain"))
	require.Zero(t, logs.count("axon published on chain"))
	r = ping(caller, ax)
	require.Equal(t, 403, r.StatusCode, "no permit: refused")
	require.Contains(t, r.StatusMessage, "Non-validator hotkey")
}
