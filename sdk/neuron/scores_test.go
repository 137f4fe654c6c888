package neuron_test

import (
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/sdk/neuron"
	"github.com/gotensor/gotensor/tao"
)

// TestScores_TemplateVector replays the Python template's update_scores on
// its published vector (sdk-spec §8), then its L1 normalisation.
func TestScores_TemplateVector(t *testing.T) {
	var v struct {
		Alpha         float64   `json:"alpha"`
		InitialScores []float32 `json:"initial_scores"`
		Steps         []struct {
			Rewards     []float32 `json:"rewards"`
			UIDs        []tao.UID `json:"uids"`
			ScoresAfter []float64 `json:"scores_after"`
		} `json:"steps"`
		Normalized []float64 `json:"raw_weights_l1_normalized"`
	}
	b, err := os.ReadFile("testdata/template_moving_average.json")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &v))

	s := neuron.Scores{Values: slices.Clone(v.InitialScores)}
	for i, step := range v.Steps {
		require.NoError(t, s.Update(step.UIDs, step.Rewards, v.Alpha))
		for uid, want := range step.ScoresAfter {
			require.Equal(t, float32(want), s.Values[uid], "step %d, uid %d (float32, exact)", i, uid)
		}
	}
	for uid, want := range s.Normalized() {
		require.InDelta(t, v.Normalized[uid], float64(want), 1e-7, "uid %d", uid)
	}
}

func TestScores_UpdateNaNIsZero(t *testing.T) {
	s := neuron.Scores{Values: []float32{0.5, 0.5}}
	require.NoError(t, s.Update([]tao.UID{0}, []float32{float32(math.NaN())}, 0.5))
	require.Equal(t, []float32{0.25, 0.25}, s.Values, "a NaN reward is 0, and the unqueried uid decays too")
}

func TestScores_UpdateRefusesBadRewards(t *testing.T) {
	for _, c := range []struct {
		name    string
		uids    []tao.UID
		rewards []float32
		want    string
	}{
		{"lengths", []tao.UID{0, 1}, []float32{1}, "2 uids, 1 rewards"},
		{"uid beyond", []tao.UID{3}, []float32{1}, "uid 3, the subnet has 3"},
		{"negative", []tao.UID{1}, []float32{-0.5}, "uid 1: reward -0.5"},
		{"infinite", []tao.UID{2}, []float32{float32(math.Inf(1))}, "uid 2: reward +Inf"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := neuron.Scores{Values: []float32{0.1, 0.2, 0.3}}
			err := s.Update(c.uids, c.rewards, 0.1)
			require.ErrorIs(t, err, neuron.ErrReward)
			require.ErrorContains(t, err, c.want)
			require.Equal(t, []float32{0.1, 0.2, 0.3}, s.Values, "nothing changes")
		})
	}
}

func TestScores_Align(t *testing.T) {
	a, b, c, d := tao.AccountID{1}, tao.AccountID{2}, tao.AccountID{3}, tao.AccountID{4}
	s := neuron.Scores{Values: []float32{0.1, 0.2, 0.3}, Hotkeys: []tao.AccountID{a, b, c}}

	require.Empty(t, s.Align([]tao.AccountID{a, b, c, d}), "a new uid is not a reset")
	require.Equal(t, []float32{0.1, 0.2, 0.3, 0}, s.Values)

	require.Equal(t, []tao.UID{1}, s.Align([]tao.AccountID{a, d, c, d}), "uid 1 changed hands")
	require.Equal(t, []float32{0.1, 0, 0.3, 0}, s.Values)
	require.Equal(t, []tao.AccountID{a, d, c, d}, s.Hotkeys)

	require.Empty(t, s.Align([]tao.AccountID{a, d}))
	require.Equal(t, []float32{0.1, 0}, s.Values, "uids beyond the subnet are dropped")

	unowned := neuron.Scores{Values: []float32{0.5, 0.5}}
	unowned.Align([]tao.AccountID{a, b})
	require.Equal(t, []float32{0, 0}, unowned.Values, "scores without their hotkeys are not trusted")
}

func TestScores_Weights(t *testing.T) {
	_, _, err := (&neuron.Scores{Values: []float32{0, 0, 0}}).Weights(1, 1)
	require.ErrorIs(t, err, neuron.ErrNoScores, "all zero: nothing to set, not a uniform row")

	s := neuron.Scores{Values: []float32{0, 0.5, 0.25, 0}}
	uids, vals, err := s.Weights(1, 1)
	require.NoError(t, err)
	require.Equal(t, []tao.UID{1, 2}, uids, "zero scores are left out")
	require.Equal(t, []uint16{65535, 32768}, vals)

	// With fewer non-zero scores than min_allowed_weights, every uid gets
	// a tiny weight (process_weights' padding branch).
	uids, vals, err = s.Weights(3, 1)
	require.NoError(t, err)
	require.Equal(t, []tao.UID{0, 1, 2, 3}, uids)
	require.Equal(t, uint16(65535), vals[1])
	require.Less(t, vals[0], uint16(10))
}
