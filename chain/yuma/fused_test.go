package yuma

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/tao"
	"github.com/stretchr/testify/require"
)

// fusedInput draws a subnet for the fast path: weight rows in uid order
// (the chain's usual case; now and then one out of order, which the fast
// path sorts, or with a repeated uid, which takes the reference steps), and
// everything else as varied as randomInput: bonds in
// or out of order, repeated or beyond n, resets, commit–reveal, an owner,
// zero and huge stakes, tied weights, every variant of the bond steps and
// EMA factors outside [0, 1].
func fusedInput(r *rand.Rand, n, validators int) Input {
	p := Hyperparameters{
		Kappa:                 []uint16{0, 32767, 65535, uint16(r.IntN(65536))}[r.IntN(4)],
		BondsPenalty:          []uint16{0, 65535, uint16(r.IntN(65536))}[r.IntN(3)],
		BondsMovingAverage:    []uint64{900_000, 975_000, 0, 1_000_000, 2_000_000, uint64(r.IntN(1_000_001))}[r.IntN(6)],
		Yuma3:                 r.IntN(2) == 0,
		LiquidAlpha:           r.IntN(4) == 0,
		AlphaLow:              uint16(r.IntN(30000)),
		AlphaHigh:             uint16(30000 + r.IntN(35536)),
		AlphaSigmoidSteepness: int16(r.IntN(2000) - 200),
		MaxAllowedValidators:  uint16(validators - 2 + r.IntN(5)),
		ActivityCutoff:        uint64(20 + r.IntN(60)),
		StakeThreshold:        []uint64{0, 0, uint64(r.IntN(1000))}[r.IntN(3)],
		CommitReveal:          r.IntN(4) == 0,
	}
	in := Input{Block: 100, LastTempo: uint64(90 + r.IntN(12)), Emission: tao.Rao(r.Uint64() >> r.IntN(64)), Params: p}
	if r.IntN(4) == 0 {
		in.HasOwner, in.OwnerUID = true, uint16(r.IntN(n+1))
	}
	values := 0 // distinct weight values: few for ties
	if r.IntN(3) == 0 {
		values = 1 + r.IntN(4)
	}
	weight := func() uint16 {
		if values > 0 {
			return uint16(r.IntN(values) * (65535 / values))
		}
		return uint16(r.IntN(65536))
	}
	density := 0.2 + 0.8*r.Float64()
	for i := range n {
		nr := Neuron{
			Stake:        fixed.I64F64FromUint(uint64(r.IntN(1_000_000))),
			RegisteredAt: uint64(80 + r.IntN(25)),
			LastUpdate:   uint64(40 + r.IntN(65)),
			CommitBlock:  NoCommit,
		}
		if r.IntN(8) == 0 {
			nr.RegisteredAt = 0
		}
		if i < validators {
			nr.ValidatorPermit = r.IntN(8) != 0
			switch r.IntN(8) {
			case 0:
			case 1:
				nr.Stake = fixed.I64F64FromUint(r.Uint64() >> r.IntN(64))
			default:
				nr.Stake = fixed.I64F64FromUint(1_000_000_000 + uint64(r.IntN(1_000_000_000_000)))
			}
			for j := range n {
				if r.Float64() < density {
					nr.Weights = append(nr.Weights, Entry{uint16(j), weight()})
				}
			}
			switch r.IntN(10) {
			case 0: // out of order: put in order unless liquid alpha
				r.Shuffle(len(nr.Weights), reflect.Swapper(nr.Weights))
			case 1: // a repeated uid: the reference steps
				if len(nr.Weights) > 0 && r.IntN(4) == 0 {
					nr.Weights = append(nr.Weights, Entry{nr.Weights[r.IntN(len(nr.Weights))].UID, weight()})
				}
			}
		}
		if p.CommitReveal && r.IntN(2) == 0 {
			nr.CommitBlock = uint64(80 + r.IntN(25))
		}
		limit := n
		if r.IntN(10) == 0 {
			limit = n + 2
		}
		for j := range limit {
			if r.Float64() < density/2 {
				nr.Bonds = append(nr.Bonds, Entry{uint16(j), uint16(r.IntN(65536))})
			}
		}
		switch r.IntN(12) {
		case 0:
			r.Shuffle(len(nr.Bonds), reflect.Swapper(nr.Bonds))
		case 1:
			if len(nr.Bonds) > 0 {
				nr.Bonds = append(nr.Bonds, nr.Bonds[r.IntN(len(nr.Bonds))])
			}
		}
		in.Neurons = append(in.Neurons, nr)
	}
	return in
}

// TestRun_FastPathMatchesReference: the fused steps equal the reference
// steps bit for bit, over chained epochs (the second reads the first's
// bonds and permits), and they are taken in most of the draws.
func TestRun_FastPathMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(51, 52))
	iters := 3000
	if testing.Short() {
		iters = 400
	}
	var steps, bonds int
	for it := range iters {
		n := 1 + r.IntN(40)
		validators := 1 + r.IntN(n)
		if it%10 == 0 {
			n, validators = 100+r.IntN(200), 16+r.IntN(48) // columns the median narrows
		}
		in := fusedInput(r, n, validators)
		for epoch := range 2 {
			var fast, ref Workspace
			ref.reference = true
			got, want := fast.Run(in), ref.Run(in)
			requireSameOutput(t, want, got, "iteration %d epoch %d", it, epoch)
			steps += b2i(fast.fused&fusedSteps != 0)
			bonds += b2i(fast.fused&fusedBonds != 0)
			for i := range in.Neurons {
				in.Neurons[i].Bonds = got.Neurons[i].Bonds
				in.Neurons[i].ValidatorPermit = got.Neurons[i].ValidatorPermit
			}
		}
	}
	t.Logf("fused steps %d, fused bonds %d of %d", steps, bonds, 2*iters)
	// Most draws take the fused steps; the rest exercise the fall-backs.
	require.Greater(t, steps, iters)
	require.Greater(t, bonds, iters/2)
	require.Less(t, bonds, 2*iters-iters/10)
}

// TestRun_FastPathFallbacks: inputs outside the fast path's ranges take
// the reference steps and still equal them.
func TestRun_FastPathFallbacks(t *testing.T) {
	r := rand.New(rand.NewPCG(53, 54))
	base := func() Input { return fusedInput(r, 12, 8) }
	cases := map[string]struct {
		edit func(in *Input)
		want uint8
	}{
		"weights out of order, put in order": {func(in *Input) {
			for i := range in.Neurons {
				slices.Reverse(in.Neurons[i].Weights)
			}
			in.Params.LiquidAlpha, in.Params.BondsMovingAverage = false, 900_000
		}, fusedSteps | fusedBonds},
		"weights out of order with liquid alpha": {func(in *Input) {
			for i := range in.Neurons {
				slices.Reverse(in.Neurons[i].Weights)
			}
			in.Params.Yuma3, in.Params.LiquidAlpha = true, true
		}, 0},
		"repeated uid": {func(in *Input) {
			in.Neurons[0].Weights = append(in.Neurons[0].Weights, Entry{UID: 5, Value: 9}, Entry{UID: 5, Value: 7})
			in.Neurons[0].ValidatorPermit = true
		}, 0},
		"row sum past 2^31": {func(in *Input) {
			row := make([]Entry, 32769)
			for k := range row {
				row[k] = Entry{UID: 11, Value: 65535}
			}
			in.Neurons[0].Weights, in.Neurons[0].ValidatorPermit = row, true
		}, 0},
		"EMA factor below 0": {func(in *Input) {
			in.Params.BondsMovingAverage, in.Params.LiquidAlpha = 1_500_000, false
		}, fusedSteps},
		"classic column sum past 2^31": {func(in *Input) {
			row := make([]Entry, 32769)
			for k := range row {
				row[k] = Entry{UID: 11, Value: 65535}
			}
			in.Neurons[0].Bonds = row
			in.Params.Yuma3, in.Params.BondsMovingAverage = false, 900_000
			in.LastTempo = 200
		}, fusedSteps},
	}
	for name, c := range cases {
		for range 20 {
			in := base()
			for i := range in.Neurons {
				in.Neurons[i].LastUpdate, in.Neurons[i].RegisteredAt = 99, 10
				in.Neurons[i].ValidatorPermit = len(in.Neurons[i].Weights) > 0
				in.Neurons[i].Stake = fixed.I64F64FromUint(1_000_000 + uint64(i))
				w := in.Neurons[i].Weights
				slices.SortFunc(w, func(a, b Entry) int { return int(a.UID) - int(b.UID) })
				in.Neurons[i].Weights = slices.CompactFunc(w, func(a, b Entry) bool { return a.UID == b.UID })
			}
			in.Params.CommitReveal, in.HasOwner = false, false
			c.edit(&in)
			var fast, ref Workspace
			ref.reference = true
			requireSameOutput(t, ref.Run(in), fast.Run(in), name)
			require.Equal(t, c.want, fast.fused, name)
		}
	}
}

// requireSameOutput compares two outputs uid by uid, so that a failure
// names the first differing uid instead of printing both subnets.
func requireSameOutput(t *testing.T, want, got Output, msg string, args ...any) {
	t.Helper()
	require.Len(t, got.Neurons, len(want.Neurons))
	for i := range want.Neurons {
		if !reflect.DeepEqual(want.Neurons[i], got.Neurons[i]) {
			require.Equal(t, want.Neurons[i], got.Neurons[i], append([]any{msg + " (uid %d)"}, append(args, i)...)...)
		}
	}
}

// FuzzFastPath compares the fused steps with the reference steps on the
// subnets fusedInput draws from the fuzzed seed and sizes.
func FuzzFastPath(f *testing.F) {
	f.Add(uint64(1), uint8(12), uint8(5))
	f.Add(uint64(2), uint8(40), uint8(40))
	f.Add(uint64(3), uint8(200), uint8(20))
	f.Fuzz(func(t *testing.T, seed uint64, size, validators uint8) {
		n := 1 + int(size)
		r := rand.New(rand.NewPCG(seed, uint64(size)<<8|uint64(validators)))
		in := fusedInput(r, n, 1+int(validators)%n)
		var fast, ref Workspace
		ref.reference = true
		requireSameOutput(t, ref.Run(in), fast.Run(in), "seed %d", seed)
	})
}
