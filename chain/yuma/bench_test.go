package yuma

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gotensor/gotensor/fixed"
)

// benchInput is a subnet of n uids whose first v are validators weighting
// every uid (dense rows), with the bonds and permits of a previous epoch.
func benchInput(v, n int, p Hyperparameters) Input {
	r := rand.New(rand.NewPCG(uint64(v), uint64(n)))
	p.MaxAllowedValidators = uint16(v)
	in := Input{Block: 1000, LastTempo: 900, Emission: 1_000_000_000, Params: p, Neurons: make([]Neuron, n)}
	for i := range in.Neurons {
		nr := &in.Neurons[i]
		nr.RegisteredAt, nr.LastUpdate, nr.CommitBlock = 10, 990, NoCommit
		nr.Stake = fixed.I64F64FromUint(uint64(r.IntN(1_000_000_000)))
		if i < v {
			nr.Stake = fixed.I64F64FromUint(1_000_000_000_000 + uint64(r.IntN(1_000_000_000_000)))
			nr.ValidatorPermit = true
			nr.Weights = make([]Entry, n)
			for j := range nr.Weights {
				nr.Weights[j] = Entry{UID: uint16(j), Value: uint16(r.IntN(65536))}
			}
		}
	}
	// One epoch to reach steady-state bonds.
	out := Run(in)
	for i, res := range out.Neurons {
		in.Neurons[i].Bonds = res.Bonds
	}
	return in
}

func benchmarkEpoch(b *testing.B, v, n int, p Hyperparameters) {
	in := benchInput(v, n, p)
	var ws Workspace // as the chain runs epochs
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		ws.Run(in)
	}
}

func BenchmarkEpoch256x4096(b *testing.B) { benchmarkEpoch(b, 256, 4096, DefaultHyperparameters()) }

func BenchmarkEpoch64x256(b *testing.B) { benchmarkEpoch(b, 64, 256, DefaultHyperparameters()) }

func BenchmarkEpoch256x4096Classic(b *testing.B) {
	p := DefaultHyperparameters()
	p.Yuma3 = false
	benchmarkEpoch(b, 256, 4096, p)
}

func BenchmarkEpoch64x256LiquidAlpha(b *testing.B) {
	p := DefaultHyperparameters()
	p.LiquidAlpha = true
	benchmarkEpoch(b, 64, 256, p)
}

// BenchmarkEpoch256x4096Unsorted is BenchmarkEpoch256x4096 with every
// weight row in descending uid order, which takes the reference steps.
func BenchmarkEpoch256x4096Unsorted(b *testing.B) {
	in := benchInput(256, 4096, DefaultHyperparameters())
	for i := range in.Neurons {
		slices.Reverse(in.Neurons[i].Weights)
	}
	var ws Workspace
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		ws.Run(in)
	}
}
