package template

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/gotensor/gotensor/sdk/dendrite"
	"github.com/gotensor/gotensor/sdk/neuron"
	"github.com/gotensor/gotensor/tao"
)

// Reward scores one answer to input: 0 unless the query succeeded with
// the right output; a right answer earns between 1 (instant) and 0.5 (at
// the timeout), so correctness ranks first and speed second.
func Reward(input int, r dendrite.Result[*Dummy], timeout time.Duration) float32 {
	if !r.OK() || r.Synapse.DummyOutput == nil || *r.Synapse.DummyOutput != 2*input {
		return 0
	}
	late := min(float64(r.Latency)/float64(timeout), 1)
	return float32(1 - 0.5*late)
}

// Forward is the template validator's round (neuron.ForwardFunc): it
// sends a random input to up to neuron.sample_size serving miners and
// rewards each answer with Reward. A subnet changes the query and the
// reward; the SDK does the rest.
func Forward(ctx context.Context, v *neuron.Validator) ([]tao.UID, []float32, error) {
	cfg := v.Config().Neuron
	uids, axons := v.SampleMiners(cfg.SampleSize)
	if len(uids) == 0 {
		return nil, nil, nil
	}
	input := rand.IntN(1 << 20)
	results := dendrite.Forward(ctx, v.Dendrite(), axons, &Dummy{DummyInput: input}, cfg.Timeout)
	rewards := make([]float32, len(results))
	for i, r := range results {
		rewards[i] = Reward(input, r, cfg.Timeout)
	}
	return uids, rewards, nil
}

// NewValidator returns a validator of the template subnet, keeping its
// state in dir (normally cfg.StateDir) and setting weights with the
// template's SpecVersion.
func NewValidator(cfg neuron.Config, k neuron.Keys, dir string, o neuron.Options) (*neuron.Validator, error) {
	o.VersionKey = SpecVersion
	return neuron.NewValidator(cfg, k, dir, Forward, o)
}
