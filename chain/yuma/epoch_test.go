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

// graph describes the random subnets the property and fuzz tests draw.
type graph struct {
	n                       int
	liquid, owner, commits  bool
	outOfRange, zeroWeights bool
}

// randomInput draws a subnet around block 100: stakes of mixed magnitude
// (some zero), random permits, activity, registrations, sparse weight and
// bond rows without repeated uids, and random hyperparameters.
func randomInput(r *rand.Rand, g graph) Input {
	p := Hyperparameters{
		Kappa:                 uint16(r.IntN(65536)),
		BondsPenalty:          []uint16{0, 65535, uint16(r.IntN(65536))}[r.IntN(3)],
		BondsMovingAverage:    uint64(r.IntN(1_000_001)),
		Yuma3:                 r.IntN(2) == 0,
		LiquidAlpha:           g.liquid,
		AlphaLow:              uint16(r.IntN(30000)),
		AlphaHigh:             uint16(30000 + r.IntN(35536)),
		AlphaSigmoidSteepness: int16(r.IntN(2000) - 200),
		MaxAllowedValidators:  uint16(r.IntN(g.n + 2)),
		ActivityCutoff:        uint64(r.IntN(60)),
		StakeThreshold:        []uint64{0, 0, uint64(r.IntN(1000))}[r.IntN(3)],
		CommitReveal:          g.commits,
	}
	if r.IntN(4) == 0 {
		p.Kappa = []uint16{0, 32767, 65535}[r.IntN(3)]
	}
	in := Input{Block: 100, LastTempo: uint64(90 + r.IntN(12)), Emission: 1_000_000_000, Params: p}
	if r.IntN(5) == 0 {
		in.Emission = tao.Rao(1<<64 - 1 - uint64(r.IntN(1000)))
	}
	if g.owner && g.n > 0 {
		in.HasOwner, in.OwnerUID = true, uint16(r.IntN(g.n))
	}
	limit := g.n
	if g.outOfRange {
		limit = g.n + 3
	}
	row := func(density float64) []Entry {
		var e []Entry
		for _, j := range r.Perm(limit) {
			if r.Float64() < density {
				v := uint16(r.IntN(65536))
				if g.zeroWeights && r.IntN(3) == 0 {
					v = 0
				}
				e = append(e, Entry{UID: uint16(j), Value: v})
			}
		}
		if r.IntN(2) == 0 {
			slices.SortFunc(e, func(a, b Entry) int { return int(a.UID) - int(b.UID) })
		}
		return e
	}
	for range g.n {
		var stake uint64
		switch r.IntN(5) {
		case 0:
		case 1:
			stake = uint64(r.IntN(1000))
		case 2:
			stake = r.Uint64() >> r.IntN(64)
		default:
			stake = uint64(r.IntN(1_000_000_000_000))
		}
		nr := Neuron{
			Stake:           fixed.I64F64FromUint(stake),
			RegisteredAt:    uint64(80 + r.IntN(25)),
			LastUpdate:      uint64(40 + r.IntN(65)),
			ValidatorPermit: r.IntN(3) != 0,
			Weights:         row(r.Float64()),
			Bonds:           row(r.Float64() / 2),
			CommitBlock:     NoCommit,
		}
		if g.commits && r.IntN(2) == 0 {
			nr.CommitBlock = uint64(80 + r.IntN(25))
		}
		in.Neurons = append(in.Neurons, nr)
	}
	return in
}

// TestRun_SparseMatchesDense: with liquid alpha off, no owner and no
// commit–reveal (spec §1.4) the production path equals the dense
// transcription of epoch_dense_mechanism bit for bit.
func TestRun_SparseMatchesDense(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	iters := 3000
	if testing.Short() {
		iters = 300
	}
	for it := range iters {
		in := randomInput(r, graph{n: r.IntN(14), outOfRange: it%3 == 0, zeroWeights: it%2 == 0})
		got := Run(in)
		want := runDense(in)
		require.Len(t, got.Neurons, len(in.Neurons))
		for i, g := range got.Neurons {
			w := want.out.Neurons[i]
			gb := g.Bonds
			g.Bonds, w.Bonds = nil, nil
			require.Equal(t, w, g, "iteration %d uid %d", it, i)
			if !g.ValidatorPermit {
				require.Empty(t, gb, "iteration %d: uid %d without permit keeps bonds", it, i)
				continue
			}
			row := make([]uint16, len(in.Neurons))
			for k, e := range gb {
				require.Less(t, int(e.UID), len(in.Neurons))
				if k > 0 {
					require.Less(t, gb[k-1].UID, e.UID, "bond rows ascend")
				}
				row[e.UID] = e.Value
			}
			require.Equal(t, want.bonds[i], row, "iteration %d bonds of uid %d", it, i)
		}
	}
}

// TestRun_NeverPanics covers degenerate subnets with every option on.
func TestRun_NeverPanics(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for it := range 2000 {
		g := graph{n: r.IntN(10), liquid: r.IntN(2) == 0, owner: r.IntN(2) == 0, commits: r.IntN(2) == 0, outOfRange: true, zeroWeights: true}
		in := randomInput(r, g)
		out := Run(in)
		require.Len(t, out.Neurons, g.n, "iteration %d", it)
		checkConservation(t, in, out)
	}
}

// checkConservation: server and validator amounts never exceed the
// emission (each share is floored), and the permits are the top-k. Shares
// are only meaningful while the stake total fits I64F64 (on chain it is
// below 2^55 rao); beyond, the sum wraps as in Rust and only "no panic" is
// checked.
func checkConservation(t *testing.T, in Input, out Output) {
	t.Helper()
	var total fixed.I64F64
	for _, nr := range in.Neurons {
		var ok bool
		if total, ok = total.CheckedAdd(nr.Stake); !ok {
			return
		}
	}
	var server, validator uint64
	permits := 0
	for i, r := range out.Neurons {
		server += uint64(r.ServerEmission)
		validator += uint64(r.ValidatorEmission)
		if r.ValidatorPermit && !(in.HasOwner && int(in.OwnerUID) == i) {
			permits++
		}
	}
	if in.Emission < 1<<40 {
		require.LessOrEqual(t, server+validator, uint64(in.Emission)+uint64(len(out.Neurons)))
	}
	if k := int(in.Params.MaxAllowedValidators); len(out.Neurons) >= k {
		require.LessOrEqual(t, permits, k)
	}
}

func TestRun_EmptyAndTiny(t *testing.T) {
	require.Empty(t, Run(Input{}).Neurons)

	one := Input{Block: 10, Emission: 1000, Params: DefaultHyperparameters(), Neurons: []Neuron{{
		Stake: StakeFromRao(5), LastUpdate: 9, ValidatorPermit: true, Weights: []Entry{{0, 65535}},
	}}}
	out := Run(one).Neurons[0]
	// Its self-weight is masked, so emission falls back to stake: all of it.
	require.Equal(t, Result{Active: true, ValidatorPermit: true, StakeWeight: 65535,
		ValidatorEmission: 1000, Emission: 1000, Bonds: []Entry{}}, out)

	// No stake anywhere: every share is 0 and nothing is emitted.
	zero := one
	zero.Neurons = []Neuron{{LastUpdate: 9}, {LastUpdate: 9}}
	for _, r := range Run(zero).Neurons {
		require.Zero(t, r.Emission)
		require.False(t, r.ValidatorPermit, "zero stake never gets a permit")
	}
}

func TestRun_AllZeroWeights(t *testing.T) {
	in := twoValidators()
	for i := range in.Neurons {
		for k := range in.Neurons[i].Weights {
			in.Neurons[i].Weights[k].Value = 0 // explicit zero entries: every row sums to 0
		}
	}
	out := Run(in)
	for i, r := range out.Neurons {
		require.Zero(t, r.Incentive, "uid %d", i)
		require.Zero(t, r.Consensus, "uid %d", i)
		require.Zero(t, r.ServerEmission, "uid %d", i)
	}
	// No incentive: validators are paid by active stake (600:400).
	require.Equal(t, uint64(599_999_999), uint64(out.Neurons[0].ValidatorEmission))
	require.Equal(t, uint64(399_999_999), uint64(out.Neurons[1].ValidatorEmission))
}

func TestRun_ZeroDivisorsEverywhere(t *testing.T) {
	// Zero emission, κ = 0, no stake, no weights: every normalisation divides
	// by zero and every share must come out 0 without a panic.
	in := twoValidators()
	in.Emission = 0
	in.Params.Kappa = 0
	in.Params.BondsMovingAverage = 0
	for i := range in.Neurons {
		in.Neurons[i].Stake = fixed.I64F64{}
	}
	for _, r := range Run(in).Neurons {
		require.Zero(t, r.Emission)
		require.Zero(t, r.StakeWeight)
		require.Zero(t, r.Dividends)
	}
}

func TestRun_IgnoresOutOfRangeUIDs(t *testing.T) {
	base := Input{Block: 10, LastTempo: 5, Emission: 1_000_000, Params: DefaultHyperparameters(), Neurons: []Neuron{
		{Stake: StakeFromRao(100), LastUpdate: 9, ValidatorPermit: true, Weights: []Entry{{1, 65535}}, Bonds: []Entry{{1, 1000}}},
		{LastUpdate: 9},
	}}
	noisy := base
	noisy.Neurons = slices.Clone(base.Neurons)
	noisy.Neurons[0].Weights = []Entry{{1, 65535}, {7, 65535}, {65535, 3}}
	noisy.Neurons[0].Bonds = []Entry{{1, 1000}, {9, 500}}
	require.Equal(t, Run(base), Run(noisy))
}

func TestRun_PermitTiesFavourHigherUIDs(t *testing.T) {
	in := Input{Block: 10, Params: DefaultHyperparameters()}
	in.Params.MaxAllowedValidators = 2
	for _, s := range []tao.Rao{5, 7, 5, 5} {
		in.Neurons = append(in.Neurons, Neuron{Stake: StakeFromRao(s)})
	}
	var permits []bool
	for _, r := range Run(in).Neurons {
		permits = append(permits, r.ValidatorPermit)
	}
	require.Equal(t, []bool{false, true, false, true}, permits)
}

// twoValidators is a subnet of validators 0 and 1 weighting miner 2.
func twoValidators() Input {
	p := DefaultHyperparameters()
	return Input{Block: 100, LastTempo: 90, Emission: 1_000_000_000, Params: p, Neurons: []Neuron{
		{Stake: StakeFromRao(600), RegisteredAt: 1, LastUpdate: 99, ValidatorPermit: true, Weights: []Entry{{2, 65535}}, Bonds: []Entry{{2, 30000}}},
		{Stake: StakeFromRao(400), RegisteredAt: 1, LastUpdate: 99, ValidatorPermit: true, Weights: []Entry{{2, 65535}}, Bonds: []Entry{{2, 30000}}},
		{RegisteredAt: 1, LastUpdate: 1},
	}}
}

func TestRun_BondsResetOnReregistration(t *testing.T) {
	in := twoValidators()
	before := Run(in)
	in.Neurons[2].RegisteredAt = 95 // re-registered since the last epoch step (90)
	in.Neurons[0].LastUpdate, in.Neurons[1].LastUpdate = 99, 99
	after := Run(in)
	// Old bonds (30000/65535) are dropped before the EMA, so the new bond is
	// only α·w = 0.1 instead of 0.1 + 0.9·0.4578.
	require.Greater(t, before.Neurons[0].Bonds[0].Value, after.Neurons[0].Bonds[0].Value)
	require.Equal(t, fixed.I32F32FromRatio(1, 10).ToU16Proportion(), after.Neurons[0].Bonds[0].Value)
}

func TestRun_OutdatedWeightsMasked(t *testing.T) {
	in := twoValidators()
	in.Neurons[2].RegisteredAt = 99 // weights set at 99 predate (<=) the registration
	out := Run(in)
	require.Zero(t, out.Neurons[2].Incentive)
	require.Zero(t, out.Neurons[2].ServerEmission)
	require.Equal(t, uint64(in.Emission)*6/10, uint64(out.Neurons[0].ValidatorEmission)+1, "stake fallback")
}

func TestRun_CommitRevealMask(t *testing.T) {
	in := twoValidators()
	in.Neurons[2].RegisteredAt = 50
	in.Params.CommitReveal = true
	for i := range in.Neurons {
		in.Neurons[i].CommitBlock = NoCommit
	}
	require.NotZero(t, Run(in).Neurons[2].Incentive)
	// Validator 0 committed at 40, before uid 2 registered: its weight is
	// dropped; validator 1's still counts but is below κ... consensus 0.
	in.Neurons[0].CommitBlock = 40
	masked := Run(in)
	require.Zero(t, masked.Neurons[2].Consensus)
	// Without the flag the commit blocks are ignored.
	in.Params.CommitReveal = false
	require.NotZero(t, Run(in).Neurons[2].Incentive)
}

func TestRun_OwnerExemptions(t *testing.T) {
	in := twoValidators()
	in.Params.StakeThreshold = 500
	in.Neurons[1].ValidatorPermit = false
	// Without an owner, validator 1 (400 < 500) loses its stake and permit.
	out := Run(in)
	require.Zero(t, out.Neurons[1].StakeWeight)
	require.False(t, out.Neurons[1].ValidatorPermit)
	// As owner it keeps both.
	in.HasOwner, in.OwnerUID = true, 1
	out = Run(in)
	require.NotZero(t, out.Neurons[1].StakeWeight)
	require.True(t, out.Neurons[1].ValidatorPermit)
}

func TestRun_OwnerSelfWeightKept(t *testing.T) {
	in := twoValidators()
	in.Neurons[0].Weights = []Entry{{0, 65535}} // the majority validator weights itself
	require.Zero(t, Run(in).Neurons[0].Incentive, "self-weights are masked")
	in.HasOwner, in.OwnerUID = true, 0
	require.NotZero(t, Run(in).Neurons[0].Incentive, "except the owner's")
}

func TestRun_InactiveValidatorEarnsNoDividends(t *testing.T) {
	in := twoValidators()
	in.Params.ActivityCutoff = 10
	in.Neurons[1].LastUpdate = 50 // 50 + 10 < 100
	out := Run(in)
	require.False(t, out.Neurons[1].Active)
	require.Zero(t, out.Neurons[1].Dividends)
	require.Equal(t, uint16(65535), out.Neurons[0].Dividends)
}

// TestRun_MaxSizeSubnet runs a full 4096-uid subnet with dense weights of
// 64 validators (smaller in -short).
func TestRun_MaxSizeSubnet(t *testing.T) {
	n, v := 4096, 64
	if testing.Short() {
		n, v = 1024, 16
	}
	in := benchInput(v, n, DefaultHyperparameters())
	out := Run(in)
	require.Len(t, out.Neurons, n)
	var incentive int
	for _, r := range out.Neurons {
		incentive += int(r.Incentive)
	}
	// Incentives sum to 1; each u16 floors away less than 1/65535.
	require.LessOrEqual(t, incentive, 65535)
	require.GreaterOrEqual(t, incentive, 65535-n)
	checkConservation(t, in, out)
}

func FuzzRun(f *testing.F) {
	f.Add(uint64(1), uint8(5), uint8(0))
	f.Add(uint64(2), uint8(0), uint8(0xff))
	f.Add(uint64(3), uint8(1), uint8(0x0f))
	f.Add(uint64(4), uint8(12), uint8(0xf0))
	f.Fuzz(func(t *testing.T, seed uint64, size, flags uint8) {
		r := rand.New(rand.NewPCG(seed, uint64(flags)))
		g := graph{n: int(size % 24), liquid: flags&1 != 0, owner: flags&2 != 0, commits: flags&4 != 0,
			outOfRange: flags&8 != 0, zeroWeights: flags&16 != 0}
		in := randomInput(r, g)
		out := Run(in)
		if len(out.Neurons) != g.n {
			t.Fatalf("%d results for %d neurons", len(out.Neurons), g.n)
		}
		checkConservation(t, in, out)
		if !g.liquid && !g.owner && !g.commits {
			d := runDense(in)
			for i := range out.Neurons {
				a, b := out.Neurons[i], d.out.Neurons[i]
				a.Bonds, b.Bonds = nil, nil
				if !reflect.DeepEqual(a, b) {
					t.Fatalf("uid %d: sparse %+v dense %+v", i, a, b)
				}
			}
		}
	})
}

// TestEmaAlpha_MatchesLiteralWalk checks the liquid-alpha EMA, including
// subtensor's merge-walk lookups on rows that are not in uid order and on
// rows holding uids >= n, against a direct transcription.
func TestEmaAlpha_MatchesLiteralWalk(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	conv := fixed.I32F32FromU16Proportion
	for it := range 500 {
		n := 1 + r.IntN(12)
		randRow := func() []Entry {
			var row []Entry
			for _, j := range r.Perm(n + 2) {
				if r.IntN(2) == 0 {
					row = append(row, Entry{uint16(j), uint16(r.IntN(65536))})
				}
			}
			if r.IntN(2) == 0 {
				slices.SortFunc(row, func(a, b Entry) int { return int(a.UID) - int(b.UID) })
			}
			return row
		}
		var next, prev [][]Entry
		nm, pm := newMatrix(n, 0), newMatrix(n, 0)
		for range n {
			nr, pr := randRow(), randRow()
			next, prev = append(next, nr), append(prev, pr)
			for _, e := range nr {
				if int(e.UID) < n { // weights never hold uids >= n
					nm.push(e.UID, conv(e.Value))
				}
			}
			nm.endRow()
			for _, e := range pr {
				pm.push(e.UID, conv(e.Value))
			}
			pm.endRow()
		}
		for i := range next {
			next[i] = slices.DeleteFunc(next[i], func(e Entry) bool { return int(e.UID) >= n })
		}
		cons := make([]fixed.I32F32, n)
		for j := range cons {
			cons[j] = fixed.I32F32FromBits(int64(r.IntN(1 << 32)))
		}
		la := newLiquidAlpha(DefaultHyperparameters())
		alphaAt := func(j uint16, w, b fixed.I32F32) fixed.I32F32 { return la.alpha(cons[j], w, b) }
		got := emaAlpha(nil, nm, pm, alphaAt)
		want := literalLiquidEMA(next, prev, n, alphaAt, conv)
		for i := range n {
			cols, vals := got.row(i)
			var row []Entry
			for k, j := range cols {
				row = append(row, Entry{j, vals[k].ToU16Proportion()})
			}
			require.Equal(t, want[i], row, "iteration %d row %d", it, i)
		}
	}
}

// TestWeightedMedian_MatchesLiteral: the order-free partition gives the
// literal quickselect's result, ties, zero stakes and degenerate minorities
// (below 0, at or above the stake sum) included.
func TestWeightedMedian_MatchesLiteral(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	for it := range 20000 {
		k := r.IntN(40)
		stake, score := make([]fixed.I32F32, k), make([]fixed.I32F32, k)
		col := make([]scored, k)
		values := 1 + r.IntN(8) // few distinct scores: many ties
		for i := range k {
			if r.IntN(5) > 0 {
				stake[i] = fixed.I32F32FromBits(int64(r.IntN(1 << 20)))
			}
			score[i] = fixed.I32F32FromBits(int64(r.IntN(values)) << 29)
		}
		normalize(stake)
		for i := range k {
			col[i] = scored{score[i].Bits(), stake[i].Bits()}
		}
		total := sum(stake)
		minority := total.Sub(fixed.I32F32FromBits(int64(r.IntN(1<<34)) - 1<<32))
		idx := make([]int, k)
		for i := range idx {
			idx[i] = i
		}
		want := denseWeightedMedian(stake, score, idx, minority, fixed.I32F32{}, total)
		got := newMedian(k).weighted(col, minority, total)
		require.Equal(t, want, got, "iteration %d", it)
	}
}

// TestNormalizeWeightRow_MatchesSafeDiv: the integer fast path equals
// dividing by the wrapping I32F32 sum, and rows whose sum wraps (more than
// 32768 maximal weights) take subtensor's arithmetic.
func TestNormalizeWeightRow_MatchesSafeDiv(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	check := func(values []uint16) {
		row := make([]fixed.I32F32, len(values))
		var total uint64
		for k, v := range values {
			row[k] = fixed.I32F32FromInt(int64(v))
			total += uint64(v)
		}
		want := slices.Clone(row)
		if s := sum(want); s.Cmp(fixed.I32F32{}) > 0 {
			normalizeBy(want, s)
		}
		normalizeWeightRow(row, total)
		require.Equal(t, want, row)
	}
	for range 2000 {
		values := make([]uint16, r.IntN(50))
		for k := range values {
			values[k] = uint16(r.IntN(65536))
		}
		check(values)
	}
	wraps := make([]uint16, 40000)
	for k := range wraps {
		wraps[k] = 65535
	}
	check(wraps)
	check(wraps[:32769]) // just past 2^31
	check(wraps[:32768]) // just below
}
