package template

import (
	"context"
	"fmt"
	"time"

	"github.com/gotensor/gotensor/sdk/axon"
	"github.com/gotensor/gotensor/sdk/neuron"
)

// Behaviour is how a template miner answers, for demos and tests.
type Behaviour string

// Behaviours.
const (
	// Honest answers correctly at once.
	Honest Behaviour = "honest"
	// Bad answers at once, wrongly.
	Bad Behaviour = "bad"
	// Slow answers correctly after a delay.
	Slow Behaviour = "slow"
)

// DefaultSlowDelay is how long a Slow miner waits before answering.
const DefaultSlowDelay = time.Second

// ParseBehaviour checks a --behaviour value.
func ParseBehaviour(s string) (Behaviour, error) {
	switch b := Behaviour(s); b {
	case Honest, Bad, Slow:
		return b, nil
	}
	return "", fmt.Errorf("template: behaviour %q: want honest, bad or slow", s)
}

// Answer returns the miner's handler for Dummy: the subnet's work. A
// real subnet puts its model here.
func Answer(b Behaviour, slowDelay time.Duration) func(ctx context.Context, d *Dummy) error {
	return func(ctx context.Context, d *Dummy) error {
		out := 2 * d.DummyInput
		switch b {
		case Bad:
			out++ // plausible, and wrong
		case Slow:
			select {
			case <-time.After(slowDelay):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		d.DummyOutput = &out
		return nil
	}
}

// MinerOptions are the template miner's own options.
type MinerOptions struct {
	Behaviour Behaviour     // default Honest
	SlowDelay time.Duration // default DefaultSlowDelay
}

// NewMiner returns a miner of the template subnet: a neuron.Miner whose
// axon serves Dummy. The axon's blacklist (registered callers only by
// default; cfg.Blacklist) and priority (the caller's stake) come from the
// SDK; add a subnet's own with axon.WithBlacklist and axon.WithPriority.
func NewMiner(cfg neuron.Config, k neuron.Keys, mo MinerOptions, o neuron.Options) (*neuron.Miner, error) {
	if mo.Behaviour == "" {
		mo.Behaviour = Honest
	}
	if _, err := ParseBehaviour(string(mo.Behaviour)); err != nil {
		return nil, err
	}
	if mo.SlowDelay == 0 {
		mo.SlowDelay = DefaultSlowDelay
	}
	m, err := neuron.NewMiner(cfg, k, o)
	if err != nil {
		return nil, err
	}
	if err := axon.Attach(m.Axon(), Answer(mo.Behaviour, mo.SlowDelay)); err != nil {
		return nil, err
	}
	return m, nil
}
