package demo_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/client"
	"github.com/gotensor/gotensor/node"
	"github.com/gotensor/gotensor/sdk/neuron"
	"github.com/gotensor/gotensor/subnets/template/demo"
)

// startLocalnet runs a localnet with fast blocks in-process and returns
// a client of its API.
func startLocalnet(t *testing.T, blockTime time.Duration) *client.Client {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p2p := l.Addr().String()
	l.Close()
	n, _, err := node.OpenLocalnet(node.LocalnetOptions{
		Home: t.TempDir(), BlockTime: blockTime, LogLevel: "error",
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
	return c
}

// TestEndToEnd runs the template subnet on a localnet over loopback:
// real axons and dendrites, commit–reveal weights, real epochs. After a
// few tempos the chain's incentive must rank the miners as the
// validators' scores do, the bad miner must earn nothing, and the
// validators must earn dividends.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a chain and six neurons")
	}
	c := startLocalnet(t, 150*time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir := t.TempDir()
	if v := os.Getenv("GOTENSOR_E2E_DIR"); v != "" { // keep the neurons' logs and state
		dir = v
	}
	d, err := demo.Setup(ctx, demo.Options{Client: c, Dir: dir, Tempo: 10, StepInterval: 300 * time.Millisecond,
		Timeout: time.Second, Progress: t.Logf})
	require.NoError(t, err)

	// Setup is idempotent: on the same chain it finds everything done.
	var again []string
	d2, err := demo.Setup(ctx, demo.Options{Client: c, Dir: dir, Tempo: 10, Progress: func(f string, a ...any) {
		again = append(again, fmt.Sprintf(f, a...))
	}})
	require.NoError(t, err)
	require.Equal(t, d.NetUID, d2.NetUID)
	require.Empty(t, again, "nothing left to do")

	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- d.Run(runCtx) }()

	// Wait until every miner's standing has settled: incentive for the
	// good ones, dividends for both validators.
	var sum demo.Summary
	require.Eventually(t, func() bool {
		sum, err = d.Summary(ctx)
		require.NoError(t, err)
		t.Log(sum)
		ok := true
		for _, m := range sum.Members {
			switch {
			case m.Role == neuron.RoleValidator:
				ok = ok && m.Dividends > 0
			case m.Behaviour != "bad":
				ok = ok && m.Incentive > 0
			}
		}
		return ok
	}, 40*time.Second, time.Second, "the miners never earned")
	// Let the averages run a few more epochs.
	first := sum.LastStep
	require.Eventually(t, func() bool {
		sum, err = d.Summary(ctx)
		require.NoError(t, err)
		return sum.LastStep >= first+3*11
	}, 60*time.Second, time.Second)
	t.Log(sum)

	scores := d.ValidatorScores()
	stop()
	require.NoError(t, <-done)

	byName := map[string]demo.MemberState{}
	for _, m := range sum.Members {
		byName[m.Name] = m
	}
	require.Zero(t, byName["miner4"].Incentive, "the bad miner earns nothing")
	for _, v := range []string{"validator1", "validator2"} {
		require.Positive(t, byName[v].Dividends, "%s earns dividends", v)
	}
	// The validators agree on the order of the miners, and the chain's
	// incentive follows it: honest above slow above bad.
	miners := []string{"miner1", "miner2", "miner3", "miner4"}
	for _, vs := range scores {
		order := slices.Clone(miners)
		slices.SortStableFunc(order, func(a, b string) int {
			return cmpDesc(vs[byName[a].UID], vs[byName[b].UID])
		})
		require.Equal(t, []string{"miner3", "miner4"}, order[2:], "scores %v", vs)
	}
	require.Greater(t, byName["miner1"].Incentive, byName["miner3"].Incentive)
	require.Greater(t, byName["miner2"].Incentive, byName["miner3"].Incentive)
	require.Greater(t, byName["miner3"].Incentive, byName["miner4"].Incentive)
}

func cmpDesc(a, b float32) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}
