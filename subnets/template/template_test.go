package template_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/sdk/axon"
	"github.com/gotensor/gotensor/sdk/dendrite"
	"github.com/gotensor/gotensor/sdk/synapse"
	"github.com/gotensor/gotensor/subnets/template"
)

func TestParseBehaviour(t *testing.T) {
	for _, s := range []string{"honest", "bad", "slow"} {
		b, err := template.ParseBehaviour(s)
		require.NoError(t, err)
		require.Equal(t, template.Behaviour(s), b)
	}
	_, err := template.ParseBehaviour("lazy")
	require.ErrorContains(t, err, `behaviour "lazy": want honest, bad or slow`)
}

func TestDummy_HashesItsInput(t *testing.T) {
	// Python: Dummy(dummy_input=5).body_hash covers dummy_input only.
	a, b := &template.Dummy{DummyInput: 5}, &template.Dummy{DummyInput: 5}
	out := 10
	b.DummyOutput = &out
	require.Equal(t, synapse.BodyHash(a), synapse.BodyHash(b), "the output is not hashed")
	require.NotEqual(t, synapse.BodyHash(a), synapse.BodyHash(&template.Dummy{DummyInput: 6}))
	require.Equal(t, "Dummy", synapse.NameOf(a))
}

// TestMinersAndReward: the three behaviours served by real axons and
// queried by a real dendrite on loopback, scored by Reward.
func TestMinersAndReward(t *testing.T) {
	validator, err := keys.FromURI("//Validator")
	require.NoError(t, err)
	peers := axon.StaticPeers{validator.Public(): {UID: 0, ValidatorPermit: true}}
	timeout := time.Second
	serve := func(uri string, b template.Behaviour) synapse.AxonInfo {
		p, err := keys.FromURI(uri)
		require.NoError(t, err)
		ax, err := axon.New(p, axon.Config{Peers: peers, IP: "127.0.0.1"})
		require.NoError(t, err)
		require.NoError(t, axon.Attach(ax, template.Answer(b, timeout/2)))
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		require.NoError(t, ax.StartListener(context.Background(), ln))
		t.Cleanup(func() { _ = ax.Stop(context.Background()) })
		return ax.Info()
	}
	axons := []synapse.AxonInfo{serve("//Honest", template.Honest), serve("//Slow", template.Slow), serve("//Bad", template.Bad)}
	d, err := dendrite.New(validator, dendrite.Options{})
	require.NoError(t, err)
	defer d.Close()

	results := dendrite.Forward(context.Background(), d, axons, &template.Dummy{DummyInput: 21}, timeout)
	require.Equal(t, 42, *results[0].Synapse.DummyOutput)
	require.Equal(t, 42, *results[1].Synapse.DummyOutput)
	require.Equal(t, 43, *results[2].Synapse.DummyOutput)
	honest, slow, bad := template.Reward(21, results[0], timeout), template.Reward(21, results[1], timeout), template.Reward(21, results[2], timeout)
	require.Greater(t, honest, float32(0.9))
	require.InDelta(t, 0.75, slow, 0.1, "half the timeout late: about 0.75")
	require.Less(t, slow, honest)
	require.Zero(t, bad)
}

func TestReward(t *testing.T) {
	timeout := 2 * time.Second
	answer := func(out *int, latency time.Duration, err error) dendrite.Result[*template.Dummy] {
		return dendrite.Result[*template.Dummy]{Synapse: &template.Dummy{DummyInput: 4, DummyOutput: out}, Latency: latency, Err: err}
	}
	eight, nine := 8, 9
	for _, c := range []struct {
		name string
		r    dendrite.Result[*template.Dummy]
		want float32
	}{
		{"instant and right", answer(&eight, 0, nil), 1},
		{"right at half the timeout", answer(&eight, time.Second, nil), 0.75},
		{"right but past the timeout", answer(&eight, 3*time.Second, nil), 0.5},
		{"wrong", answer(&nine, 0, nil), 0},
		{"no answer", answer(nil, 0, nil), 0},
		{"failed query", answer(&eight, 0, &dendrite.Error{StatusCode: 408}), 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, template.Reward(4, c.r, timeout))
		})
	}
}

func TestCommand_RefusesBadBehaviourFirst(t *testing.T) {
	cmd := template.Command()
	cmd.SetArgs([]string{"miner", "--behaviour", "lazy", "--wallet-path", t.TempDir()})
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.Execute()
	require.ErrorContains(t, err, `behaviour "lazy"`)
}
