package pricing

import (
	"math"
	"strconv"
	"testing"

	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/internal/testutil/vectors"
	"github.com/gotensor/gotensor/tao"
	"github.com/stretchr/testify/require"
)

func TestDecayFactorQ32_Vectors(t *testing.T) {
	var in struct {
		DecayFactorQ32 map[string]uint64 `json:"decay_factor_q32"`
	}
	var want struct{}
	vectors.Subtensor(t, "burn dynamics", &in, &want)
	require.NotEmpty(t, in.DecayFactorQ32)
	for hl, f := range in.DecayFactorQ32 {
		h, err := strconv.ParseUint(hl, 10, 16)
		require.NoError(t, err)
		require.Equal(t, f, DecayFactorQ32(uint16(h)), "half-life %d", h)
	}
}

func TestDecayFactorQ32_IsLargestHalving(t *testing.T) {
	require.Equal(t, uint64(q32One), DecayFactorQ32(0))
	for _, h := range []uint16{1, 2, 3, 7, 360, 1000, 36100, math.MaxUint16} {
		f := DecayFactorQ32(h)
		require.LessOrEqual(t, PowQ32(f, h), uint64(q32One/2), "h=%d", h)
		require.Greater(t, PowQ32(f+1, h), uint64(q32One/2), "h=%d", h)
	}
}

// The burn sequences are asserted by subtensor's registration tests.
func TestBurnSchedule_Vectors(t *testing.T) {
	type burnCase struct {
		HalfLife *uint16 `json:"half_life"`
		Mult     *uint64 `json:"mult"`
		Min      *uint64 `json:"min"`
		Max      any     `json:"max"`
		Burn     uint64  `json:"burn"`
		Events   []string
	}
	var in struct{ Cases []burnCase }
	var want struct {
		BurnAfterEachEvent [][]uint64 `json:"burn_after_each_event"`
	}
	vectors.Subtensor(t, "burn dynamics", &in, &want)
	require.Len(t, want.BurnAfterEachEvent, len(in.Cases))
	for i, c := range in.Cases {
		// Unspecified fields are the neutral values the Rust tests set.
		s := BurnSchedule{HalfLife: 360, Mult: fixed.U64F64FromUint(1), Min: 0, Max: math.MaxUint64}
		if c.HalfLife != nil {
			s.HalfLife = *c.HalfLife
		}
		if c.Mult != nil {
			s.Mult = fixed.U64F64FromUint(*c.Mult)
		}
		if c.Min != nil {
			s.Min = tao.Rao(*c.Min)
		}
		if m, ok := c.Max.(float64); ok {
			s.Max = tao.Rao(m)
		}
		burn, block := tao.Rao(c.Burn), tao.BlockHeight(10)
		var got []uint64
		for _, ev := range c.Events {
			switch ev {
			case "register", "bump":
				burn = s.Bump(burn)
			case "next block":
				block++
				burn = s.Decay(burn, block)
			case "2 blocks":
				for range 2 {
					block++
					burn = s.Decay(burn, block)
				}
			default:
				t.Fatalf("unknown event %q", ev)
			}
			got = append(got, uint64(burn))
		}
		require.Equal(t, want.BurnAfterEachEvent[i], got, "case %d", i)
	}
}

func TestBurnSchedule_Decay(t *testing.T) {
	s := BurnSchedule{HalfLife: 360, Min: 500_000, Max: 100 * tao.RaoPerTAO}
	require.Equal(t, tao.RaoPerTAO, s.Decay(tao.RaoPerTAO, 1), "no decay at block 1")
	require.Less(t, s.Decay(tao.RaoPerTAO, 2), tao.RaoPerTAO)
	require.Equal(t, tao.Rao(500_000), s.Decay(1, 2), "clamped up to MinBurn")
	require.Equal(t, 100*tao.RaoPerTAO, s.Decay(1000*tao.RaoPerTAO, 1), "clamped down to MaxBurn without decay")
	off := BurnSchedule{HalfLife: 0, Max: math.MaxUint64}
	require.Equal(t, tao.Rao(777), off.Decay(777, 100))

	// 360 blocks of decay halve the burn (to within the Q32 flooring).
	burn := 1000 * tao.RaoPerTAO
	s.Max = burn
	for b := tao.BlockHeight(2); b < 2+360; b++ {
		burn = s.Decay(burn, b)
	}
	require.InDelta(t, 500*float64(tao.RaoPerTAO), float64(burn), 1e-6*float64(burn))
}

func TestBurnSchedule_Bump(t *testing.T) {
	// subtensor's default is U64F64::from_num(1.26f64): the binary value of
	// the float 1.26 (0x1.428f5c28f5c29p+0), slightly above 1.26.
	mult := fixed.U64F64FromBits(1, 0x428f5c28f5c29000)
	s := BurnSchedule{Mult: mult, Min: 0, Max: math.MaxUint64}
	require.Equal(t, tao.Rao(1_260_000_000), s.Bump(tao.RaoPerTAO))
	require.Equal(t, tao.Rao(126), s.Bump(100))

	nearest, err := fixed.ParseU64F64("1.26")
	require.NoError(t, err)
	require.Equal(t, tao.Rao(1_259_999_999), BurnSchedule{Mult: nearest, Max: math.MaxUint64}.Bump(tao.RaoPerTAO),
		"the U64F64 nearest to decimal 1.26 is below it, unlike the float")

	half, err := fixed.ParseU64F64("0.5")
	require.NoError(t, err)
	require.Equal(t, tao.Rao(1000), BurnSchedule{Mult: half, Max: math.MaxUint64}.Bump(1000), "mult below 1 counts as 1")
	require.Equal(t, tao.Rao(math.MaxUint64), s.Bump(math.MaxUint64), "saturates")
	require.Equal(t, tao.Rao(50), BurnSchedule{Mult: mult, Max: 50}.Bump(100), "clamped to MaxBurn")
}

func TestMulQ32(t *testing.T) {
	require.Equal(t, uint64(500), MulQ32(1000, q32One/2))
	require.Equal(t, uint64(math.MaxUint64), MulQ32(math.MaxUint64, q32One))
	require.Equal(t, uint64(math.MaxUint64), MulQ32(math.MaxUint64, math.MaxUint64), "saturates")
	require.Equal(t, uint64(0), MulQ32(1, q32One-1))
}

func BenchmarkDecayFactorQ32(b *testing.B) {
	for b.Loop() {
		DecayFactorQ32(360)
	}
}
