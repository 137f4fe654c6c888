package weights

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/tao"
)

// vectors is computed.weights of sdk-vectors.json: a port of the SDK's
// weight_utils.py run under numpy, plus the SDK's unit-test tables.
type vectors struct {
	Normalize []struct {
		X      []float32 `json:"x_float32"`
		Limit  float64   `json:"limit"`
		Expect []float64 `json:"expected"`
	} `json:"normalize_max_weight"`
	Emit []struct {
		UIDs       []int     `json:"uids"`
		Weights    []float32 `json:"weights_float32"`
		ExpectUIDs []int     `json:"expected_uids"`
		ExpectU16  []uint16  `json:"expected_u16"`
	} `json:"convert_weights_and_uids_for_emit"`
	EmitErrors []struct {
		UIDs    []int     `json:"uids"`
		Weights []float32 `json:"weights"`
		Error   string    `json:"error"`
	} `json:"convert_weights_and_uids_for_emit_errors"`
	Round []struct {
		X      float64 `json:"x"`
		Python uint16  `json:"python_round"`
	} `json:"python_round_half_even_examples"`
	Process []struct {
		In struct {
			UIDs            []int     `json:"uids"`
			Weights         []float32 `json:"weights_float32"`
			NumNeurons      int       `json:"num_neurons"`
			MinAllowed      float64   `json:"min_allowed_weights"`
			MaxWeightLimit  float64   `json:"max_weight_limit"`
			ExcludeQuantile uint16    `json:"exclude_quantile_u16"`
		} `json:"inputs"`
		Branch     string    `json:"branch"`
		ExpectUIDs []int     `json:"expected_uids"`
		ExpectW    []float64 `json:"expected_weights"`
		EmitUIDs   []int     `json:"then_emit_uids"`
		EmitU16    []uint16  `json:"then_emit_u16"`
	} `json:"process_weights"`
	SDK struct {
		Weights []struct {
			N       int       `json:"n"`
			UIDs    []int     `json:"uids"`
			Weights []uint16  `json:"weights"`
			Expect  []float64 `json:"expected"`
			Error   string    `json:"error"`
		} `json:"convert_weight_uids_and_vals_to_tensor"`
		Bonds []struct {
			N      int      `json:"n"`
			UIDs   []int    `json:"uids"`
			Bonds  []uint16 `json:"bonds"`
			Expect []int64  `json:"expected"`
			Error  string   `json:"error"`
		} `json:"convert_bond_uids_and_vals_to_tensor"`
		AllZero struct {
			UIDs       []int     `json:"uids"`
			Weights    []float32 `json:"weights"`
			N          int       `json:"metagraph_n"`
			MinAllowed float64   `json:"min_allowed_weights"`
			MaxLimit   float64   `json:"max_weight_limit"`
			ExpectUIDs []int     `json:"expected_uids"`
			ExpectW    []float64 `json:"expected_weights"`
		} `json:"process_weights_for_netuid_all_zero"`
	} `json:"sdk_unit_test_vectors"`
}

func loadVectors(t *testing.T) vectors {
	t.Helper()
	b, err := os.ReadFile("testdata/weight_utils.json")
	require.NoError(t, err)
	var v vectors
	require.NoError(t, json.Unmarshal(b, &v))
	return v
}

// near requires got to match want within the vectors' stated tolerance
// (1e-6 relative: numpy's float32 summation order is not reproduced bit
// for bit).
func near[F Float](t *testing.T, want []float64, got []F, msg ...any) {
	t.Helper()
	require.Len(t, got, len(want), msg...)
	for i := range want {
		require.InDelta(t, want[i], float64(got[i]), 1e-6*math.Max(1, math.Abs(want[i])), msg...)
	}
}

func TestNormalizeMaxWeight_Vectors(t *testing.T) {
	v := loadVectors(t)
	require.NotEmpty(t, v.Normalize)
	for _, c := range v.Normalize {
		near(t, c.Expect, NormalizeMaxWeight(c.X, c.Limit), "x %v limit %v", c.X, c.Limit)
	}
}

// TestNormalizeMaxWeight_Properties: the SDK's property tests.
func TestNormalizeMaxWeight_Properties(t *testing.T) {
	zeros := make([]float32, 2000)
	for _, w := range NormalizeMaxWeight(zeros, 0.01) {
		require.Equal(t, float32(1)/2000, w)
	}
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, 1000)
	for i := range x {
		x[i] = r.Float32()
	}
	s := sum(x)
	for i, w := range NormalizeMaxWeight(x, 1) {
		require.Equal(t, x[i]/s, w, "limit 1 is plain normalisation")
	}
	for _, limit := range []float64{0.01, 0.02, 0.03} {
		got := NormalizeMaxWeight(x, limit)
		for _, w := range got {
			require.LessOrEqual(t, float64(w), limit)
		}
		require.InDelta(t, 1, float64(sum(got)), 1e-5)
	}
	require.Empty(t, NormalizeMaxWeight([]float32{}, 0.1))
}

func TestConvertForEmit_Vectors(t *testing.T) {
	v := loadVectors(t)
	require.NotEmpty(t, v.Emit)
	for _, c := range v.Emit {
		uids, vals, err := ConvertForEmit(c.UIDs, c.Weights)
		require.NoError(t, err)
		require.Equal(t, toUIDs(c.ExpectUIDs), uids, "weights %v", c.Weights)
		require.Equal(t, c.ExpectU16, vals, "weights %v", c.Weights)
	}
}

func TestConvertForEmit_Errors(t *testing.T) {
	v := loadVectors(t)
	want := []error{ErrNegativeWeight, ErrUIDRange, ErrLength}
	require.Len(t, v.EmitErrors, len(want))
	for i, c := range v.EmitErrors {
		_, _, err := ConvertForEmit(c.UIDs, c.Weights)
		require.ErrorIs(t, err, want[i], c.Error)
	}
	_, _, err := ConvertForEmit([]int{65536}, []float32{1})
	require.ErrorIs(t, err, ErrUIDRange)
	_, _, err = ConvertForEmit([]int{0}, []float64{math.NaN()})
	require.ErrorIs(t, err, ErrNotFinite)
	_, _, err = ConvertForEmit([]int{0, 1}, []float64{math.Inf(1), 1})
	require.ErrorIs(t, err, ErrNotFinite)
}

// TestConvertForEmit_RoundHalfEven: u16 values round as Python's round.
func TestConvertForEmit_RoundHalfEven(t *testing.T) {
	v := loadVectors(t)
	require.NotEmpty(t, v.Round)
	for _, c := range v.Round {
		// x/65535 max-upscaled against a weight of 1 gives x again, up to
		// the float64 rounding that cannot move a .5 tie of this size.
		_, vals, err := ConvertForEmit([]int{0, 1}, []float64{1, c.X / 65535})
		require.NoError(t, err)
		want := []uint16{65535}
		if c.Python != 0 {
			want = append(want, c.Python)
		}
		require.Equal(t, want, vals, "x = %v", c.X)
	}
}

func TestProcessWeights_Vectors(t *testing.T) {
	v := loadVectors(t)
	require.NotEmpty(t, v.Process)
	for _, c := range v.Process {
		in := c.In
		uids, w := ProcessWeights(in.UIDs, in.Weights, in.NumNeurons, int(in.MinAllowed), in.MaxWeightLimit, in.ExcludeQuantile)
		require.Equal(t, c.ExpectUIDs, uids, c.Branch)
		near(t, c.ExpectW, w, c.Branch)
		eu, ev, err := ConvertForEmit(uids, w)
		require.NoError(t, err)
		require.Equal(t, toUIDs(c.EmitUIDs), eu, c.Branch)
		require.Equal(t, c.EmitU16, ev, c.Branch)
	}
	z := v.SDK.AllZero
	uids, w := ProcessWeights(z.UIDs, z.Weights, z.N, int(z.MinAllowed), z.MaxLimit, 0)
	require.Equal(t, z.ExpectUIDs, uids)
	near(t, z.ExpectW, w)
}

func TestDenseWeights_SDKTable(t *testing.T) {
	v := loadVectors(t)
	require.NotEmpty(t, v.SDK.Weights)
	for _, c := range v.SDK.Weights {
		got, err := DenseWeights(c.N, toUIDs(c.UIDs), c.Weights)
		if c.Error != "" {
			require.Error(t, err, "n %d uids %v", c.N, c.UIDs)
			continue
		}
		require.NoError(t, err)
		near(t, c.Expect, got)
	}
}

func TestDenseBonds_SDKTable(t *testing.T) {
	v := loadVectors(t)
	require.NotEmpty(t, v.SDK.Bonds)
	for _, c := range v.SDK.Bonds {
		got, err := DenseBonds(c.N, toUIDs(c.UIDs), c.Bonds)
		if c.Error != "" {
			require.Error(t, err, "n %d uids %v", c.N, c.UIDs)
			continue
		}
		require.NoError(t, err)
		require.Equal(t, c.Expect, got)
	}
}

// TestSum_Pairwise: numpy's pairwise float32 summation differs from a
// left-to-right loop, and sum follows numpy.
func TestSum_Pairwise(t *testing.T) {
	x := make([]float32, 16)
	x[0] = 1 << 24
	for i := 1; i < len(x); i++ {
		x[i] = 1
	}
	var loop float32
	for _, v := range x {
		loop += v
	}
	require.Equal(t, float32(1<<24), loop, "each +1 is lost at 2^24")
	require.Equal(t, float32(1<<24+14), sum(x), "eight partial sums keep them")
}

func toUIDs(x []int) []tao.UID {
	out := make([]tao.UID, len(x))
	for i, u := range x {
		out[i] = tao.UID(u)
	}
	return out
}
