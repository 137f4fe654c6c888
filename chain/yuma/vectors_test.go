package yuma

import (
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/internal/testutil/vectors"
	"github.com/stretchr/testify/require"
)

// Conformance with testdata/subtensor-vectors.json (a copy of the reference
// vectors): the math helpers and the epoch scenarios of subtensor's own
// tests. u16 and rao values must match exactly.

// loadVector returns the vector of subtensor's test source.
func loadVector(t *testing.T, source string) vectors.Entry {
	t.Helper()
	return vectors.Find(t, "testdata/subtensor-vectors.json", source, func(v vectors.Entry) bool {
		return strings.HasSuffix(v.Source, source) || strings.Contains(v.Source, source+" ")
	})
}

func decode(t *testing.T, raw json.RawMessage, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(raw, v))
}

// fromFloat is I32F32::from_num of a float: its exact binary value rounded
// to the nearest 2^-32, ties to even.
func fromFloat(t *testing.T, x float64) fixed.I32F32 {
	t.Helper()
	v, err := fixed.ParseI32F32(new(big.Float).SetFloat64(x).Text('f', 1100))
	require.NoError(t, err)
	return v
}

// fromF32 is I32F32::from_num of an f32 literal.
func fromF32(t *testing.T, x float64) fixed.I32F32 { return fromFloat(t, float64(float32(x))) }

func vecF32(t *testing.T, xs []float64) []fixed.I32F32 {
	out := make([]fixed.I32F32, len(xs))
	for i, x := range xs {
		out[i] = fromF32(t, x)
	}
	return out
}

// sparseOf builds a matrix from dense rows, zero entries absent.
func sparseOf(t *testing.T, rows [][]float64, conv func(*testing.T, float64) fixed.I32F32) *matrix {
	cols := 0
	if len(rows) > 0 {
		cols = len(rows[0])
	}
	m := newMatrix(cols, 0)
	for _, r := range rows {
		for j, x := range r {
			if x != 0 {
				m.push(uint16(j), conv(t, x))
			}
		}
		m.endRow()
	}
	return m
}

func denseOf(m *matrix) [][]float64 {
	out := make([][]float64, m.rows())
	for i := range out {
		out[i] = make([]float64, m.n)
		cols, vals := m.row(i)
		for k, j := range cols {
			out[i][j] = vals[k].Float64()
		}
	}
	return out
}

// requireNear compares with the targets as the Rust tests build them, from
// f32 literals.
func requireNear(t *testing.T, want, got [][]float64, tol float64, msg string) {
	t.Helper()
	require.Len(t, got, len(want), msg)
	for i := range want {
		require.Len(t, got[i], len(want[i]), msg)
		for j := range want[i] {
			require.InDelta(t, float64(float32(want[i][j])), got[i][j], tol, "%s [%d][%d]", msg, i, j)
		}
	}
}

func TestVector_WeightedMedian(t *testing.T) {
	v := loadVector(t, "test_math_weighted_median")
	var in struct {
		Cases []struct {
			Stake, Score []float64
			Majority     float64
			Normalized   bool `json:"stake_normalized"`
		}
	}
	var want struct{ Medians []float64 }
	decode(t, v.Inputs, &in)
	decode(t, v.Expected, &want)
	for c, tc := range in.Cases {
		stake, score := vecF32(t, tc.Stake), vecF32(t, tc.Score)
		if tc.Normalized {
			normalize(stake)
		}
		minority := fixed.I32F32FromInt(1).Sub(fromF32(t, tc.Majority))
		col := make([]scored, len(score))
		for i := range score {
			col[i] = scored{score[i].Bits(), stake[i].Bits()}
		}
		got := newMedian(len(col)).weighted(col, minority, sum(stake))
		require.Equal(t, fromF32(t, want.Medians[c]), got, "case %d", c)
		idx := make([]int, len(stake))
		for i := range idx {
			idx[i] = i
		}
		require.Equal(t, got, denseWeightedMedian(stake, score, idx, minority, fixed.I32F32{}, sum(stake)), "dense, case %d", c)
	}
}

func TestVector_WeightedMedianColSparse(t *testing.T) {
	v := loadVector(t, "test_math_weighted_median_col_sparse")
	type graph struct {
		Stake    []float64
		W        [][]float64 `json:"W_rows"`
		Majority float64
	}
	var in struct {
		graph
		Majorities []float64 `json:"majority_cases"`
		Case2      graph
	}
	var want struct {
		ByMajority map[string][]float64 `json:"medians_by_majority"`
		Case2      []float64
	}
	decode(t, v.Inputs, &in)
	decode(t, v.Expected, &want)
	check := func(g graph, majority float64, medians []float64) {
		got := consensus(vecF32(t, g.Stake), sparseOf(t, g.W, fromF32), fromF32(t, majority))
		require.Equal(t, vecF32(t, medians), got, "majority %v", majority)
	}
	for _, m := range in.Majorities {
		check(in.graph, m, want.ByMajority[strconv.FormatFloat(m, 'f', -1, 64)])
	}
	check(in.Case2, in.Case2.Majority, want.Case2)
}

func TestVector_MaxUpscale(t *testing.T) {
	v := loadVector(t, "test_vec_max_upscale_to_u16")
	var in struct{ Cases [][]any }
	var want struct{ Outputs [][]uint16 }
	decode(t, v.Inputs, &in)
	decode(t, v.Expected, &want)
	for c, tc := range in.Cases {
		vals := make([]fixed.I32F32, len(tc))
		for i, x := range tc {
			switch x := x.(type) {
			case string:
				require.Equal(t, "I32F32::MAX", x)
				vals[i] = fixed.MaxI32F32()
			case float64:
				vals[i] = fromF32(t, x)
			}
		}
		require.Equal(t, want.Outputs[c], maxUpscale(vals), "case %d %v", c, tc)
	}

	v = loadVector(t, "test_vec_u16_max_upscale_to_u16")
	var in16 struct{ Cases [][]uint16 }
	decode(t, v.Inputs, &in16)
	decode(t, v.Expected, &want)
	for c, tc := range in16.Cases {
		require.Equal(t, want.Outputs[c], MaxUpscale(tc), "case %d", c)
	}
}

func TestVector_MaxWeightLimited(t *testing.T) {
	v := loadVector(t, "test_check_vec_max_limited")
	var in struct{ Cases [][2]json.RawMessage }
	var want struct{ Results []bool }
	decode(t, v.Inputs, &in)
	decode(t, v.Expected, &want)
	for c, tc := range in.Cases {
		var vals []uint16
		var limit uint16
		decode(t, tc[0], &vals)
		decode(t, tc[1], &limit)
		require.Equal(t, want.Results[c], MaxWeightLimited(vals, limit), "case %d", c)
	}
}

func TestVector_TopK(t *testing.T) {
	v := loadVector(t, "test_math_is_topk")
	var in struct {
		Cases []struct {
			V []float64
			K int
		}
	}
	var want struct{ Results [][]bool }
	decode(t, v.Inputs, &in)
	decode(t, v.Expected, &want)
	for c, tc := range in.Cases {
		// is_topk_nonzero is is_topk with zero entries never selected.
		exp := make([]bool, len(tc.V))
		for i := range exp {
			exp[i] = want.Results[c][i] && tc.V[i] != 0
		}
		require.Equal(t, exp, topKNonzero(vecF32(t, tc.V), tc.K), "case %d", c)
	}
}

func TestVector_Normalize(t *testing.T) {
	v := loadVector(t, "test_math_normalize")
	var in struct{ Cases [][]float64 }
	var want struct{ Outputs [][]float64 }
	decode(t, v.Inputs, &in)
	decode(t, v.Expected, &want)
	for c, tc := range in.Cases {
		x := vecF32(t, tc)
		normalize(x)
		for i := range x {
			require.InDelta(t, want.Outputs[c][i], x[i].Float64(), 1e-4)
		}
	}
}

func TestVector_ColNormalizeAndMaxUpscale(t *testing.T) {
	v := loadVector(t, "test_math_inplace_col_normalize_sparse")
	var in, want struct {
		M [][]float64 `json:"M_rows"`
	}
	decode(t, v.Inputs, &in)
	decode(t, v.Expected, &want)
	m := sparseOf(t, in.M, fromF32)
	m.colNormalize()
	requireNear(t, want.M, denseOf(m), 1e-4, "col normalize")

	v = loadVector(t, "test_math_inplace_col_max_upscale")
	decode(t, v.Inputs, &in)
	decode(t, v.Expected, &want)
	m = sparseOf(t, in.M, fromF32)
	m.colMaxUpscale()
	requireNear(t, want.M, denseOf(m), 1e-4, "col max upscale")
}

func TestVector_Interpolate(t *testing.T) {
	v := loadVector(t, "test_math_interpolate")
	var in struct {
		Cases []struct {
			A, B  json.RawMessage
			Ratio float64
		}
	}
	var want struct{ Outputs []json.RawMessage }
	decode(t, v.Inputs, &in)
	decode(t, v.Expected, &want)
	fill := func(x float64) [][]float64 {
		m := make([][]float64, 4)
		for i := range m {
			m[i] = []float64{x, x, x}
		}
		return m
	}
	for c, tc := range in.Cases {
		var a, b [][]float64
		if json.Unmarshal(tc.A, &a) != nil {
			a, b = fill(0), fill(1)
		} else {
			decode(t, tc.B, &b)
		}
		ratio := fromF32(t, tc.Ratio)
		got := interpolate(nil, sparseOf(t, a, fromF32), sparseOf(t, b, fromF32), ratio)
		if c == 0 {
			var exp [][]float64
			decode(t, want.Outputs[0], &exp)
			requireNear(t, exp, denseOf(got), 1e-4*1e6, "interpolate") // absolute values up to 9.1e5
			continue
		}
		// zeros + ratio*(ones - zeros) is exactly ratio.
		for i := range got.rows() {
			_, vals := got.row(i)
			require.Len(t, vals, 3)
			for _, x := range vals {
				require.Equal(t, ratio, x, "case %d", c)
			}
		}
	}
}

type emaCase struct {
	Old, New json.RawMessage
	Alpha    float64
}

func (c emaCase) matrices(t *testing.T) (next, old [][]float64) {
	decode(t, c.New, &next)
	if json.Unmarshal(c.Old, &old) != nil { // "4x3 zeros"
		old = [][]float64{{0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}}
	}
	return next, old
}

func toDense(t *testing.T, rows [][]float64) dense {
	d := zeros(len(rows), len(rows[0]))
	for i, r := range rows {
		for j, x := range r {
			d[i][j] = fromF32(t, x)
		}
	}
	return d
}

func fromDense(d dense) [][]float64 {
	out := make([][]float64, len(d))
	for i, r := range d {
		for _, x := range r {
			out[i] = append(out[i], x.Float64())
		}
	}
	return out
}

func TestVector_MatEmaAlpha(t *testing.T) {
	// Dense (the reference) and sparse variants of the per-entry EMA.
	v := loadVector(t, "test_math_mat_ema_alpha")
	var in struct{ Cases []emaCase }
	var want struct{ Outputs [][][]float64 }
	decode(t, v.Inputs, &in)
	decode(t, v.Expected, &want)
	for c, tc := range in.Cases {
		next, old := tc.matrices(t)
		alphas := zeros(len(next), len(next[0]))
		for i := range alphas {
			for j := range alphas[i] {
				alphas[i][j] = fromF32(t, tc.Alpha)
			}
		}
		got := denseMatEmaAlpha(toDense(t, next), toDense(t, old), alphas)
		requireNear(t, want.Outputs[c], fromDense(got), 1e-4, fmt.Sprint("dense case ", c))
	}

	v = loadVector(t, "test_math_sparse_mat_ema_alpha")
	decode(t, v.Inputs, &in)
	decode(t, v.Expected, &want)
	for c, tc := range in.Cases {
		next, old := tc.matrices(t)
		a := fromF32(t, tc.Alpha)
		got := emaAlpha(nil, sparseOf(t, next, fromF32), sparseOf(t, old, fromF32), func(uint16, fixed.I32F32, fixed.I32F32) fixed.I32F32 { return a })
		tol := 1e-4
		if c == len(in.Cases)-1 {
			tol = 1e-1
			_, vals := got.row(0)
			require.Empty(t, vals, "a bond without a new entry is dropped, not decayed")
		}
		requireNear(t, want.Outputs[c], denseOf(got), tol, fmt.Sprint("sparse case ", c))
	}
}

func TestVector_VecDiv(t *testing.T) {
	v := loadVector(t, "test_math_vecdiv")
	var in struct{ X, Y [][]float64 }
	var want struct{ Out [][]any }
	decode(t, v.Inputs, &in)
	decode(t, v.Expected, &want)
	for c := range in.X {
		for i := range in.X[c] {
			got := fromF32(t, in.X[c][i]).SafeDiv(fromF32(t, in.Y[c][i]))
			var exp fixed.I32F32
			switch w := want.Out[c][i].(type) {
			case float64:
				exp = fromF32(t, w)
			case string: // "1/2": the I32F32 quotient
				num, den, _ := strings.Cut(w, "/")
				a, _ := strconv.ParseInt(num, 10, 64)
				b, _ := strconv.ParseInt(den, 10, 64)
				exp = fixed.I32F32FromRatio(a, b)
			}
			require.Equal(t, exp, got, "vecdiv %d/%d", c, i)
		}
	}
}

func TestVector_MatMul(t *testing.T) {
	v := loadVector(t, "test_math_matmul / test_math_sparse_matmul / test_math_matmul_transpose")
	var in struct {
		M          [][]float64
		VMatmul    []float64   `json:"v_matmul"`
		VTranspose []float64   `json:"v_transpose"`
		MSparse2   [][]float64 `json:"M_sparse2"`
	}
	var want struct {
		Matmul, MatmulTranspose                 []float64
		MatmulSparseM2, MatmulTransposeSparseM2 []float64
	}
	decode(t, v.Inputs, &in)
	decode(t, v.Expected, &want)
	require.NoError(t, json.Unmarshal(v.Expected, &map[string]any{}))
	var exp map[string][]float64
	decode(t, v.Expected, &exp)
	// The matrices are 4×3; a matrix holds n columns, so pad to 4 columns.
	pad := func(m [][]float64) [][]float64 {
		out := make([][]float64, len(m))
		for i, r := range m {
			out[i] = append(append([]float64(nil), r...), 0)
		}
		return out
	}
	for _, c := range []struct {
		m    [][]float64
		key  string
		keyT string
	}{{in.M, "matmul", "matmul_transpose"}, {in.MSparse2, "matmul_sparse_M2", "matmul_transpose_sparse_M2"}} {
		m := sparseOf(t, pad(c.m), fromF32)
		// matmul_sparse is the ranks output of clip with no clipping.
		noClip := []fixed.I32F32{fixed.MaxI32F32(), fixed.MaxI32F32(), fixed.MaxI32F32(), fixed.MaxI32F32()}
		_, _, cols := m.clip(nil, noClip, vecF32(t, in.VMatmul))
		require.Equal(t, vecF32(t, exp[c.key]), cols[:3], c.key)
		rows := m.rowWeightedSums(vecF32(t, append(in.VTranspose, 0)))
		require.Equal(t, vecF32(t, exp[c.keyT]), rows, c.keyT)
	}
}

func TestVector_ColClip(t *testing.T) {
	v := loadVector(t, "test_math_col_clip_sparse")
	var in struct {
		Thresholds []float64
		M, M2      [][]float64
	}
	var want struct{ M, M2 [][]float64 }
	decode(t, v.Inputs, &in)
	decode(t, v.Expected, &want)
	for _, c := range [][2][][]float64{{in.M, want.M}, {in.M2, want.M2}} {
		rows := make([][]float64, len(c[0]))
		for i, r := range c[0] {
			rows[i] = append(append([]float64(nil), r...), 0) // pad to a square-ish n = 4
		}
		clipped, _, _ := sparseOf(t, rows, fromF32).clip(nil, vecF32(t, append(in.Thresholds, 0)), make([]fixed.I32F32, len(rows)))
		got := denseOf(clipped)
		for i := range got {
			got[i] = got[i][:3]
		}
		requireNear(t, c[1], got, 0, "col clip")
	}
}

// TestVector_LiquidAlphaEqualValues: with alpha_low == alpha_high, the
// dense liquid EMA equals the plain EMA with α = 1 - bma/1e6.
func TestVector_LiquidAlphaEqualValues(t *testing.T) {
	v := loadVector(t, "test_liquid_alpha_equal_values_against_itself")
	var in struct {
		W, B      [][]float64
		Consensus []float64
		Low       uint16 `json:"alpha_low_u16"`
		High      uint16 `json:"alpha_high_u16"`
		BMA       uint64 `json:"bonds_moving_average"`
	}
	decode(t, v.Inputs, &in)
	p := DefaultHyperparameters()
	p.AlphaLow, p.AlphaHigh = in.Low, in.High
	la := newLiquidAlpha(p)
	w, b, c := toDense(t, in.W), toDense(t, in.B), vecF32(t, in.Consensus)
	alphas := zeros(len(w), len(w[0]))
	for i := range alphas {
		for j := range alphas[i] {
			alphas[i][j] = la.alpha(c[j], w[i][j], b[i][j])
		}
	}
	liquid := denseMatEmaAlpha(w, b, alphas)
	bma := fixed.I64F64FromUint(in.BMA).SafeDiv(fixed.I64F64FromUint(1_000_000))
	plain := denseMatEma(w, b, fixed.I32F32FromInt(1).SaturatingSub(fixed.Convert[fixed.I32F32](bma)))
	requireNear(t, fromDense(plain), fromDense(liquid), 1e-3, "liquid vs plain")
}

// sim replays a subtensor test: it holds the neuron state (stake, weights,
// last updates, permits, bonds) and persists each epoch's permits and bonds.
type sim struct {
	in Input
}

func newSim(stakes []uint64, reg, lastUpdate []uint64, p Hyperparameters) *sim {
	s := &sim{in: Input{Emission: 1_000_000_000, Params: p}}
	for i, st := range stakes {
		s.in.Neurons = append(s.in.Neurons, Neuron{
			Stake:        fixed.I64F64FromUint(st),
			RegisteredAt: reg[i],
			LastUpdate:   lastUpdate[i],
		})
	}
	return s
}

// setWeights stores a weight row as set_weights does (max-upscaled).
func (s *sim) setWeights(uid int, uids, values []uint16, block uint64) {
	up := MaxUpscale(values)
	row := make([]Entry, len(uids))
	for k := range uids {
		row[k] = Entry{uids[k], up[k]}
	}
	s.in.Neurons[uid].Weights = row
	s.in.Neurons[uid].LastUpdate = block
}

// epoch runs at block with last_tempo = block - 1 (tempo 1, as the manual
// epochs of the Rust tests see it) and persists permits and bonds.
func (s *sim) epoch(block uint64) Output {
	s.in.Block = block
	s.in.LastTempo = satSub(block, 1)
	out := Run(s.in)
	for i, r := range out.Neurons {
		s.in.Neurons[i].ValidatorPermit = r.ValidatorPermit
		s.in.Neurons[i].Bonds = r.Bonds
	}
	return out
}

func satSub(a, b uint64) uint64 {
	if a < b {
		return 0
	}
	return a - b
}

// bond returns the stored u16 bond of row i towards uid j (0 if absent).
func (s *sim) bond(i, j int) uint16 {
	for _, e := range s.in.Neurons[i].Bonds {
		if int(e.UID) == j {
			return e.Value
		}
	}
	return 0
}

var bondKey = regexp.MustCompile(`^bonds\[(\d+)(?:\.\.(\d+))?\]\[(\d+)(?:\.\.(\d+))?\]$`)

// checkBonds checks an expectation such as "bonds[0..4][4]": [..] or
// "bonds[0..2][2..4]": [[..], [..]] against the stored bonds.
func (s *sim) checkBonds(t *testing.T, key string, raw json.RawMessage, msg string) {
	t.Helper()
	m := bondKey.FindStringSubmatch(key)
	require.NotNil(t, m, key)
	span := func(a, b string) []int {
		lo, _ := strconv.Atoi(a)
		hi := lo + 1
		if b != "" {
			hi, _ = strconv.Atoi(b)
		}
		var r []int
		for k := lo; k < hi; k++ {
			r = append(r, k)
		}
		return r
	}
	rows, cols := span(m[1], m[2]), span(m[3], m[4])
	got := make([][]uint16, len(rows))
	for a, i := range rows {
		for _, j := range cols {
			got[a] = append(got[a], s.bond(i, j))
		}
	}
	var want [][]uint16
	switch {
	case len(rows) > 1 && len(cols) > 1:
		decode(t, raw, &want)
	case len(rows) > 1: // one column: a flat list over rows
		var flat []uint16
		decode(t, raw, &flat)
		for _, x := range flat {
			want = append(want, []uint16{x})
		}
	default:
		var flat []uint16
		decode(t, raw, &flat)
		want = [][]uint16{flat}
	}
	require.Equal(t, want, got, "%s %s", msg, key)
}

type weightSet struct {
	UIDs       []uint16 `json:"uids"`
	Values     []uint16 `json:"values"`
	LastUpdate uint64   `json:"last_update"`
}

// scenario is the input of subtensor's multi-epoch tests (test_bonds,
// test_active_stake): a subnet, its parameters, and the weights set
// before each epoch.
type scenario struct {
	Stake                []uint64 `json:"stake_rao"`
	Reg                  []uint64 `json:"block_at_registration"`
	LastUpdate           []uint64 `json:"initial_last_update"`
	Kappa                uint16
	BondsPenalty         uint16 `json:"bonds_penalty"`
	BMA                  uint64 `json:"bonds_moving_average"`
	MaxAllowedValidators uint16 `json:"max_allowed_validators"`
	Cutoff               uint64 `json:"activity_cutoff_blocks"`
	Steps                []scenarioStep
}

type scenarioStep struct {
	Block   uint64
	Weights json.RawMessage `json:"weights_set"`
}

func (sc scenario) sim() *sim {
	return newSim(sc.Stake, sc.Reg, sc.LastUpdate, Hyperparameters{
		Kappa: sc.Kappa, BondsPenalty: sc.BondsPenalty, BondsMovingAverage: sc.BMA,
		MaxAllowedValidators: sc.MaxAllowedValidators, ActivityCutoff: sc.Cutoff,
	})
}

// step sets the step's weights and runs the epoch of its block.
func (s *sim) step(st scenarioStep) Output {
	var sets map[string]weightSet
	_ = json.Unmarshal(st.Weights, &sets) // "none" leaves it empty
	for uid, ws := range sets {
		i, _ := strconv.Atoi(uid)
		s.setWeights(i, ws.UIDs, ws.Values, ws.LastUpdate)
	}
	return s.epoch(st.Block)
}

func TestVector_EpochBonds(t *testing.T) {
	v := loadVector(t, "test_bonds")
	var in scenario
	var exp map[string]json.RawMessage
	decode(t, v.Inputs, &in)
	decode(t, v.Expected, &exp)
	var want struct {
		Permits  []bool
		Bonds    map[string]map[string]json.RawMessage
		Emission map[string][]uint64
	}
	decode(t, exp["permits_after_block1"], &want.Permits)
	decode(t, exp[keyWithPrefix(t, exp, "bonds_u16_after_each_epoch")], &want.Bonds)
	decode(t, exp[keyWithPrefix(t, exp, "combined_emission_per_uid")], &want.Emission)
	s := in.sim()
	for _, step := range in.Steps {
		out := s.step(step)
		name := fmt.Sprintf("block%d", step.Block)
		if step.Block == 1 {
			for i, r := range out.Neurons {
				require.Equal(t, want.Permits[i], r.ValidatorPermit, "permit %d", i)
			}
		}
		for key, raw := range want.Bonds[name] {
			s.checkBonds(t, key, raw, name)
		}
		if e, ok := want.Emission[name]; ok {
			require.Equal(t, e, emissions(out), name)
		}
	}
}

func emissions(out Output) []uint64 {
	e := make([]uint64, len(out.Neurons))
	for i, r := range out.Neurons {
		e[i] = uint64(r.Emission)
	}
	return e
}

func TestVector_EpochActiveStake(t *testing.T) {
	v := loadVector(t, "test_active_stake")
	var in scenario
	var want map[string]map[string]json.RawMessage
	decode(t, v.Inputs, &in)
	decode(t, v.Expected, &want)
	s := in.sim()
	for _, step := range in.Steps {
		out := s.step(step)
		name := fmt.Sprintf("block%d", step.Block)
		for key, raw := range want[name] {
			switch {
			case key == "emission":
				var e []uint64
				decode(t, raw, &e)
				require.Equal(t, e, emissions(out), name)
			case strings.HasPrefix(key, "dividends_u16"):
				var d []uint16
				decode(t, raw, &d)
				require.Equal(t, d, []uint16{out.Neurons[0].Dividends, out.Neurons[1].Dividends}, name)
			default:
				s.checkBonds(t, key, raw, name)
			}
		}
	}
}

func TestVector_Epoch10Graph(t *testing.T) {
	v := loadVector(t, "test_10_graph")
	var in struct {
		N      int
		Stake  []uint64 `json:"stake_rao"`
		Permit []bool   `json:"validator_permit"`
	}
	var want struct {
		Emission                        []uint64 `json:"emission_per_uid"`
		Incentive, Dividends, Consensus []uint16
	}
	decode(t, v.Inputs, &in)
	decode(t, v.Expected, &want)
	p := DefaultHyperparameters()
	s := newSim(in.Stake, make([]uint64, in.N), make([]uint64, in.N), p)
	for i := range in.N {
		s.setWeights(i, []uint16{uint16(i)}, []uint16{65535}, 1)
		s.in.Neurons[i].ValidatorPermit = in.Permit[i]
	}
	out := s.epoch(1)
	require.Equal(t, want.Emission, emissions(out))
	for i, r := range out.Neurons {
		require.Equal(t, want.Incentive[i], r.Incentive)
		require.Equal(t, want.Dividends[i], r.Dividends)
		require.Equal(t, want.Consensus[i], r.Consensus)
	}
}

// TestVector_Yuma3Scenarios replays the four Yuma 3 tests: dividends are
// asserted (the Rust test checks them to 1e-3; we hold 1e-4, the precision
// of the listed values) and bond targets within 1e-3.
func TestVector_Yuma3Scenarios(t *testing.T) {
	for _, name := range []string{"test_yuma_3_kappa_moves_first", "test_yuma_3_one_epoch_switch", "test_yuma_3_liquid_alpha_disabled", "test_yuma_3_stable_miner"} {
		t.Run(name, func(t *testing.T) {
			v := loadVector(t, name)
			var in struct {
				N            int
				Stake        []uint64 `json:"stake_rao"`
				Servers      []uint16
				Reg          []uint64 `json:"block_at_registration"`
				Kappa        uint16
				BondsPenalty uint16                     `json:"bonds_penalty"`
				BMA          uint64                     `json:"bonds_moving_average"`
				Liquid       bool                       `json:"liquid_alpha"`
				Low          uint16                     `json:"alpha_low_u16"`
				High         uint16                     `json:"alpha_high_u16"`
				Steepness    int16                      `json:"alpha_sigmoid_steepness"`
				Cutoff       uint64                     `json:"activity_cutoff_blocks"`
				Weights      map[string]json.RawMessage `json:"weights_by_epoch"`
			}
			var exp map[string]json.RawMessage
			decode(t, v.Inputs, &in)
			decode(t, v.Expected, &exp)
			var want struct {
				Dividends [][]float64
				Bonds     [][][]float64
			}
			decode(t, exp[keyWithPrefix(t, exp, "dividends_per_epoch")], &want.Dividends)
			decode(t, exp[keyWithPrefix(t, exp, "bonds_per_epoch")], &want.Bonds)
			p := Hyperparameters{
				Kappa: in.Kappa, BondsPenalty: in.BondsPenalty, BondsMovingAverage: in.BMA,
				Yuma3: true, LiquidAlpha: in.Liquid, AlphaLow: in.Low, AlphaHigh: in.High,
				AlphaSigmoidSteepness: in.Steepness, MaxAllowedValidators: 3, ActivityCutoff: in.Cutoff,
			}
			s := newSim(in.Stake, in.Reg, in.Reg, p)
			s.epoch(2) // sets the permits of uids 0..2
			for e := range want.Dividends {
				for uid, row := range yuma3Weights(t, in.Weights, e, in.Servers) {
					s.setWeights(uid, row.UIDs, row.Values, uint64(2+e))
				}
				out := s.epoch(uint64(3 + e))
				for i, r := range out.Neurons {
					require.InDelta(t, want.Dividends[e][i], float64(r.Dividends)/65535, 1e-4, "epoch %d dividend %d", e, i)
				}
				for i, row := range want.Bonds[e] {
					for k, target := range row {
						got := fixed.I32F32FromU16Proportion(s.bond(i, int(in.Servers[k]))).Float64()
						require.InDelta(t, target, got, 1e-3, "epoch %d bond %d→%d", e, i, in.Servers[k])
					}
				}
			}
		})
	}
}

// yuma3Weights decodes the weights a Yuma 3 scenario sets before epoch e:
// per epoch (or "all epochs except k"), "unchanged", a set for "all" /
// "all validators", or one row per validator "v0", "v1", …; a row is a list
// of values for the servers or {"uids", "values"}.
func yuma3Weights(t *testing.T, byEpoch map[string]json.RawMessage, e int, servers []uint16) map[int]weightSet {
	raw, ok := byEpoch[strconv.Itoa(e)]
	if !ok {
		for key, r := range byEpoch {
			if k, found := strings.CutPrefix(key, "all epochs except "); found && k != strconv.Itoa(e) {
				raw, ok = r, true
			}
		}
	}
	var sets map[string]json.RawMessage
	if !ok || json.Unmarshal(raw, &sets) != nil { // absent or "unchanged"
		return nil
	}
	row := func(r json.RawMessage) weightSet {
		var ws weightSet
		if json.Unmarshal(r, &ws.Values) != nil {
			decode(t, r, &ws)
			return ws
		}
		ws.UIDs = servers
		return ws
	}
	out := map[int]weightSet{}
	for key, r := range sets {
		if strings.HasPrefix(key, "all") {
			for uid := range 3 {
				out[uid] = row(r)
			}
			continue
		}
		uid, err := strconv.Atoi(strings.TrimPrefix(key, "v"))
		require.NoError(t, err, key)
		out[uid] = row(r)
	}
	return out
}

// keyWithPrefix finds the expectation whose (annotated) key starts with p.
func keyWithPrefix(t *testing.T, m map[string]json.RawMessage, p string) string {
	t.Helper()
	for k := range m {
		if strings.HasPrefix(k, p) {
			return k
		}
	}
	t.Fatalf("no expectation %q", p)
	return ""
}
