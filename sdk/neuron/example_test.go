package neuron_test

import (
	"context"
	"os"

	"github.com/gotensor/gotensor/sdk/axon"
	"github.com/gotensor/gotensor/sdk/dendrite"
	"github.com/gotensor/gotensor/sdk/neuron"
	"github.com/gotensor/gotensor/sdk/synapse"
	"github.com/gotensor/gotensor/tao"
)

// Echo is a subnet's synapse.
type Echo struct {
	synapse.Base
	Text   string  `json:"text"`
	Answer *string `json:"answer"`
}

func (e *Echo) HashFields() []any { return []any{e.Text} }

// A subnet supplies a handler for its miners and a forward function for
// its validators; package neuron runs the rest.
func Example() {
	ctx := context.Background()

	// Miner.
	cfg := neuron.DefaultConfig(neuron.RoleMiner)
	cfg.NetUID = 1
	k, _, err := cfg.LoadKeys(os.Getenv) // the default wallet's hotkey
	if err != nil {
		return
	}
	m, err := neuron.NewMiner(cfg, k, neuron.Options{})
	if err != nil {
		return
	}
	_ = axon.Attach(m.Axon(), func(ctx context.Context, e *Echo) error {
		e.Answer = &e.Text
		return nil
	})
	go m.Run(ctx)

	// Validator: query a sample of miners, reward the right answers.
	forward := func(ctx context.Context, v *neuron.Validator) ([]tao.UID, []float32, error) {
		uids, axons := v.SampleMiners(v.Config().Neuron.SampleSize)
		rewards := make([]float32, len(uids))
		for i, r := range dendrite.Forward(ctx, v.Dendrite(), axons, &Echo{Text: "hello"}, v.Config().Neuron.Timeout) {
			if r.OK() && r.Synapse.Answer != nil && *r.Synapse.Answer == "hello" {
				rewards[i] = 1
			}
		}
		return uids, rewards, nil
	}
	vcfg := neuron.DefaultConfig(neuron.RoleValidator)
	vk, ws, err := vcfg.LoadKeys(os.Getenv)
	if err != nil {
		return
	}
	v, err := neuron.NewValidator(vcfg, vk, vcfg.StateDir(ws), forward, neuron.Options{VersionKey: 1000})
	if err != nil {
		return
	}
	_ = v.Run(ctx) // until ctx ends; a *neuron.NotRegisteredError if the hotkey is not on the subnet
}
