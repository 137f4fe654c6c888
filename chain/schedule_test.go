package chain

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/internal/testutil/vectors"
	"github.com/gotensor/gotensor/store"
	"github.com/gotensor/gotensor/tao"
)

// loadCoinbaseVector returns the entry of testdata/coinbase_vectors.json
// (copied from subtensor-vectors.json) whose source starts with source.
func loadCoinbaseVector(t *testing.T, source string) vectors.Entry {
	t.Helper()
	return vectors.Find(t, "testdata/coinbase_vectors.json", source, func(v vectors.Entry) bool {
		return strings.HasPrefix(v.Source, source)
	})
}

// TestBlocksUntil_Vectors: blocks_until_next_auto_epoch (HEAD).
func TestBlocksUntil_Vectors(t *testing.T) {
	v := loadCoinbaseVector(t, "pallets/subtensor/src/tests/emission.rs::test_regular_case")
	var in struct {
		Cases []struct {
			LastEpochBlock uint64 `json:"LastEpochBlock"`
			Tempo          uint16 `json:"tempo"`
			Block          uint64 `json:"block"`
		}
	}
	var want struct{ Results []uint64 }
	require.NoError(t, json.Unmarshal(v.Inputs, &in))
	require.NoError(t, json.Unmarshal(v.Expected, &want))
	require.Len(t, want.Results, len(in.Cases))
	for i, c := range in.Cases {
		sc := Schedule{LastEpochBlock: tao.BlockHeight(c.LastEpochBlock)}
		require.Equal(t, want.Results[i], sc.BlocksUntil(c.Tempo, tao.BlockHeight(c.Block)), "case %d %+v", i, c)
	}
}

// TestLegacyBlocksUntilNextEpoch_Vectors: the pre-stateful scheduler.
func TestLegacyBlocksUntilNextEpoch_Vectors(t *testing.T) {
	v := loadCoinbaseVector(t, "pallets/subtensor/src/tests/emission.rs @")
	var in struct{ Cases [][3]uint64 }
	var want struct{ Results []uint64 }
	require.NoError(t, json.Unmarshal(v.Inputs, &in))
	require.NoError(t, json.Unmarshal(v.Expected, &want))
	require.Len(t, want.Results, len(in.Cases))
	for i, c := range in.Cases {
		got := LegacyBlocksUntilNextEpoch(tao.NetUID(c[0]), uint16(c[1]), tao.BlockHeight(c[2]))
		require.Equal(t, want.Results[i], got, "case %d %v", i, c)
	}
}

func TestSchedule_Due(t *testing.T) {
	cases := []struct {
		name   string
		sc     Schedule
		tempo  uint16
		height tao.BlockHeight
		want   bool
	}{
		{"tempo 0 never runs", Schedule{PendingEpochAt: 5}, 0, MaxTempo + 100, false},
		{"one block short", Schedule{LastEpochBlock: 100}, 10, 109, false},
		{"tempo reached", Schedule{LastEpochBlock: 100}, 10, 110, true},
		{"tempo passed", Schedule{LastEpochBlock: 100}, 10, 500, true},
		{"deferred epoch pending", Schedule{LastEpochBlock: 100, PendingEpochAt: 105}, 10, 105, true},
		{"deferred epoch not yet", Schedule{LastEpochBlock: 100, PendingEpochAt: 106}, 10, 105, false},
		{"max tempo exceeded", Schedule{LastEpochBlock: MaxTempo + 100, StepBase: 99}, 1000, MaxTempo + 100, true},
		{"max tempo reached only", Schedule{LastEpochBlock: MaxTempo + 100, StepBase: 100}, 1000, MaxTempo + 100, false},
		{"last epoch in the future", Schedule{LastEpochBlock: 100}, 10, 50, false},
	}
	for _, c := range cases {
		require.Equal(t, c.want, c.sc.Due(c.tempo, c.height), c.name)
	}
}

func TestSchedule_BlocksUntilSaturates(t *testing.T) {
	sc := Schedule{LastEpochBlock: math.MaxUint64 - 5}
	require.Equal(t, uint64(10), sc.BlocksUntil(10, math.MaxUint64-10), "LastEpochBlock+tempo saturates at u64::MAX")
	require.Equal(t, uint64(0), sc.BlocksUntil(10, math.MaxUint64))
}

// TestInitSubnetSchedule_Staggers: LastEpochBlock = now − (netuid mod
// tempo), saturating at block 0, so subnets fall due in different blocks.
func TestInitSubnetSchedule_Staggers(t *testing.T) {
	s := NewState(store.OpenMemory())
	tempo := uint64(s.Hyperparams(1).Tempo)
	for _, c := range []struct {
		n      tao.NetUID
		height tao.BlockHeight
		want   tao.BlockHeight
	}{
		{1, 1000, 999},
		{5, 1000, 995},
		{tao.NetUID(tempo), 1000, 1000},
		{tao.NetUID(tempo + 3), 1000, 997},
		{7, 3, 0},
	} {
		s.initSubnetSchedule(c.n, Block{Height: c.height})
		require.Equal(t, Schedule{LastEpochBlock: c.want, StepBase: c.height}, s.Schedule(c.n), "netuid %d at %d", c.n, c.height)
		require.Equal(t, c.want, s.LastEpochBlock(c.n))
		require.Equal(t, uint64(c.want)+tempo-uint64(c.height), s.BlocksUntilNextEpoch(c.n, c.height))
		require.False(t, s.ShouldRunEpoch(c.n, c.height))
		require.True(t, s.ShouldRunEpoch(c.n, c.want+tao.BlockHeight(tempo)))
	}
}

func TestSchedule_RoundTrip(t *testing.T) {
	s := NewState(store.OpenMemory())
	require.Equal(t, Schedule{}, s.Schedule(3), "absent record")
	sc := Schedule{LastEpochBlock: 1, PendingEpochAt: 2, EpochIndex: 3, StepBase: 4, LastStepBlock: 5}
	s.setSchedule(3, sc)
	require.Equal(t, sc, s.Schedule(3))
	require.Equal(t, uint64(3), s.EpochIndex(3))
	s.resetEpochSchedule(3, Block{Height: 77})
	sc.LastEpochBlock = 77
	require.Equal(t, sc, s.Schedule(3))
}
