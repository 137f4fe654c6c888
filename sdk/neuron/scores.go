package neuron

import (
	"errors"
	"fmt"
	"math"

	"github.com/gotensor/gotensor/sdk/weights"
	"github.com/gotensor/gotensor/tao"
)

// Scores are a validator's moving averages of its miners' rewards, one per
// uid, in float32 as the template's numpy array. Hotkeys[uid] is the
// hotkey the score belongs to, so that a uid taken over by a new neuron
// starts from zero. A Scores is not safe for concurrent use.
type Scores struct {
	Values  []float32
	Hotkeys []tao.AccountID
}

// ErrReward is returned (wrapped) by Update for rewards it refuses.
var ErrReward = errors.New("neuron: invalid rewards")

// Update folds one round of rewards into the scores (the template's
// update_scores): NaN rewards count as 0, the rewards are scattered into a
// zero vector, and every score becomes alpha·reward + (1−alpha)·score, so
// uids not queried this round decay by 1−alpha. Unequal lengths, a uid
// beyond the scores, or a negative or infinite reward are errors, and
// nothing changes.
func (s *Scores) Update(uids []tao.UID, rewards []float32, alpha float64) error {
	if len(uids) != len(rewards) {
		return fmt.Errorf("%w: %d uids, %d rewards", ErrReward, len(uids), len(rewards))
	}
	scattered := make([]float32, len(s.Values))
	for i, u := range uids {
		r := rewards[i]
		switch {
		case int(u) >= len(s.Values):
			return fmt.Errorf("%w: uid %d, the subnet has %d", ErrReward, u, len(s.Values))
		case math.IsNaN(float64(r)):
			r = 0
		case math.IsInf(float64(r), 0) || r < 0:
			return fmt.Errorf("%w: uid %d: reward %v, want a finite value ≥ 0", ErrReward, u, r)
		}
		scattered[u] = r
	}
	// numpy multiplies the float32 arrays by the Python floats alpha and
	// 1 − alpha, each rounded to float32, and rounds each product (the
	// conversions keep Go from fusing them into one multiply-add).
	a, keep := float32(alpha), float32(1-alpha)
	for i := range s.Values {
		s.Values[i] = float32(a*scattered[i]) + float32(keep*s.Values[i])
	}
	return nil
}

// Align fits the scores to the subnet's hotkeys by uid (the template's
// resync_metagraph): a uid whose hotkey changed restarts at zero, new uids
// are added at zero, and uids beyond the subnet are dropped. It returns
// the uids reset.
func (s *Scores) Align(hotkeys []tao.AccountID) []tao.UID {
	var reset []tao.UID
	n := len(hotkeys)
	if len(s.Hotkeys) != len(s.Values) { // no trustworthy owners: start afresh
		s.Values, s.Hotkeys = nil, nil
	}
	for uid := range min(n, len(s.Values)) {
		if s.Hotkeys[uid] != hotkeys[uid] {
			s.Values[uid] = 0
			reset = append(reset, tao.UID(uid))
		}
	}
	if len(s.Values) > n {
		s.Values = s.Values[:n]
	}
	for len(s.Values) < n {
		s.Values = append(s.Values, 0)
	}
	s.Hotkeys = append(s.Hotkeys[:0], hotkeys...)
	return reset
}

// Normalized returns the scores divided by their L1 norm (the template's
// raw_weights); a zero norm leaves them as they are.
func (s *Scores) Normalized() []float32 {
	var norm float32
	for _, v := range s.Values {
		norm += float32(math.Abs(float64(v)))
	}
	if norm == 0 || math.IsNaN(float64(norm)) {
		norm = 1
	}
	out := make([]float32, len(s.Values))
	for i, v := range s.Values {
		out[i] = v / norm
	}
	return out
}

// ErrNoScores is returned by Weights while every score is zero: the
// template would weigh every uid equally, the bad miners too, so nothing
// is set.
var ErrNoScores = errors.New("neuron: every score is zero: no weights to set yet")

// Weights turns the scores into the row set_weights carries, as the
// template's set_weights does: Normalized, then process_weights for the
// subnet's min_allowed_weights and max_weight_limit (a fraction), then
// convert_weights_and_uids_for_emit (u16, max-upscaled, zeros dropped).
func (s *Scores) Weights(minAllowedWeights int, maxWeightLimit float64) ([]tao.UID, []uint16, error) {
	raw := s.Normalized()
	uids := make([]int, len(raw))
	nonzero := false
	for i, v := range raw {
		uids[i] = i
		nonzero = nonzero || v > 0
	}
	if !nonzero {
		return nil, nil, ErrNoScores
	}
	keptUIDs, kept := weights.ProcessWeights(uids, raw, len(raw), minAllowedWeights, maxWeightLimit, 0)
	return weights.ConvertForEmit(keptUIDs, kept)
}
