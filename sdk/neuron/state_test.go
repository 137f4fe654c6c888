package neuron_test

import (
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/sdk/metagraph"
	"github.com/gotensor/gotensor/sdk/neuron"
	"github.com/gotensor/gotensor/sdk/synapse"
	"github.com/gotensor/gotensor/tao"
)

func TestState_SaveLoad(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "netuid1", "validator")
	st, err := neuron.LoadState(dir)
	require.NoError(t, err)
	require.Zero(t, st, "no file yet: the zero state")

	want := neuron.State{NetUID: 1, Hotkey: tao.AccountID{7}, Step: 42, Block: 900, NextWeightsEpoch: 12,
		Scores: []float32{0, 0.1, 0.30000001, 1e-9}, Hotkeys: []tao.AccountID{{1}, {2}, {3}, {4}}}
	require.NoError(t, want.Save(dir))
	got, err := neuron.LoadState(dir)
	require.NoError(t, err)
	want.Version = 1
	require.Equal(t, want, got, "float32 scores survive exactly")

	fi, err := os.Stat(filepath.Join(dir, neuron.StateFile))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
}

func TestState_LoadRefusesBadFiles(t *testing.T) {
	for _, c := range []struct{ name, content, want string }{
		{"not json", "{", "unexpected end of JSON input"},
		{"version", `{"version": 9}`, "state version 9, want 1"},
		{"lengths", `{"version": 1, "scores": [0.5], "hotkeys": []}`, "1 scores for 0 hotkeys"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, neuron.StateFile), []byte(c.content), 0o600))
			_, err := neuron.LoadState(dir)
			require.ErrorContains(t, err, c.want)
		})
	}
}

func TestMinerUIDs(t *testing.T) {
	serving := synapse.AxonInfo{IP: netip.MustParseAddr("10.0.0.1"), Port: 8091}
	self := tao.AccountID{9}
	s := &metagraph.Snapshot{
		N:               5,
		Hotkeys:         []tao.AccountID{{1}, {2}, self, {4}, {5}},
		Axons:           []synapse.AxonInfo{{}, serving, serving, serving, serving},
		ValidatorPermit: []bool{true, true, false, true, false},
		Stake:           []tao.Rao{0, 5000 * tao.RaoPerTAO, 0, 10 * tao.RaoPerTAO, 0},
	}
	// uid 0 does not serve, uid 1 is a validator by stake, uid 2 is us.
	require.Equal(t, []tao.UID{3, 4}, neuron.MinerUIDs(s, self, 4096*tao.RaoPerTAO))
	require.Equal(t, []tao.UID{1, 3, 4}, neuron.MinerUIDs(s, self, 10000*tao.RaoPerTAO))
}
