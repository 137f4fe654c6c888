package emission

import (
	"math"
	"testing"

	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/internal/testutil/vectors"
	"github.com/gotensor/gotensor/tao"
	"github.com/stretchr/testify/require"
)

func u64(v uint64) fixed.U64F64 { return fixed.U64F64FromUint(v) }

// test_coinbase_alpha_issuance_different: moving prices 1 and 2 split the
// TAO 1:2, and each subnet's alpha_in = tao_in/price.
func TestCoinbaseAlphaIssuance_Vector(t *testing.T) {
	type subnet struct {
		SubnetTAO, SubnetAlphaIn uint64
		MovingPrice              uint64 `json:"moving_price"`
	}
	var in struct {
		BlockEmission uint64            `json:"block_emission"`
		Subnets       map[string]subnet `json:"subnets"`
	}
	var want struct{ SubnetAlphaIn map[string]uint64 }
	vectors.Subtensor(t, "run_coinbase TAO split", &in, &want)

	netuids := []string{"1", "2"}
	var subnets []Subnet
	for _, n := range netuids {
		subnets = append(subnets, Subnet{MovingPrice: u64(in.Subnets[n].MovingPrice), EmissionEnabled: true})
	}
	emissions := SplitTAO(tao.Rao(in.BlockEmission), subnets)
	for i, n := range netuids {
		s := in.Subnets[n]
		// Root: SubnetTAO[0] = 1e18 and TaoWeight = u64::MAX, so the cap is
		// effectively the whole alpha emission.
		rp := RootProportion(1_000_000_000_000_000_000, math.MaxUint64, tao.Rao(s.SubnetAlphaIn))
		terms := SubnetTerms(TermsInput{
			TAOEmission:    emissions[i],
			AlphaIssuance:  tao.Rao(s.SubnetAlphaIn),
			Price:          fixed.U64F64FromRatio(s.SubnetTAO, s.SubnetAlphaIn),
			RootProportion: rp,
		})
		require.True(t, terms.ExcessTAO.IsZero())
		require.Equal(t, want.SubnetAlphaIn[n], s.SubnetAlphaIn+terms.AlphaIn.ToUint(), "subnet %s", n)
	}

	// test_coinbase_alpha_issuance_base: equal prices split evenly.
	even := SplitTAO(1_000_000, []Subnet{{MovingPrice: u64(1), EmissionEnabled: true}, {MovingPrice: u64(1), EmissionEnabled: true}})
	require.Equal(t, uint64(500_000), even[0].ToUint())
	require.Equal(t, uint64(500_000), even[1].ToUint())
}

func TestRootProportion_Vector(t *testing.T) {
	var in struct {
		TaoWeightRaw  uint64 `json:"TaoWeight_raw"`
		SubnetTAORoot uint64 `json:"SubnetTAO_root"`
		AlphaIssuance uint64 `json:"alpha_issuance"`
	}
	var want struct {
		Bits uint64 `json:"U96F32_bits"`
	}
	vectors.Subtensor(t, "root_proportion", &in, &want)
	got := RootProportion(tao.Rao(in.SubnetTAORoot), in.TaoWeightRaw, tao.Rao(in.AlphaIssuance))
	require.Equal(t, fixed.U96F32FromBits(0, want.Bits), got)

	require.True(t, RootProportion(0, 0, 0).IsZero(), "0/0 is 0")
	require.Equal(t, fixed.U96F32FromUint(1), RootProportion(5, math.MaxUint64, 0))
}

func TestOwnerCut_Vector(t *testing.T) {
	var in struct {
		AlphaEmission  uint64   `json:"alpha_emission_per_block"`
		SubnetOwnerCut []uint16 `json:"SubnetOwnerCut"`
	}
	var want struct {
		Pending []uint64 `json:"PendingOwnerCut_after_one_block"`
	}
	vectors.Subtensor(t, "emit_to_subnets owner cut", &in, &want)
	for i, cut := range in.SubnetOwnerCut {
		s := SplitAlphaOut(fixed.U96F32FromUint(in.AlphaEmission), cut, fixed.U96F32{})
		require.Equal(t, tao.Rao(want.Pending[i]), s.OwnerCut, "cut %d", cut)
	}
}

func TestAlphaOutIgnoresCap_Vector(t *testing.T) {
	var in struct{}
	var want struct {
		AlphaOut uint64 `json:"SubnetAlphaOutEmission"`
	}
	vectors.Subtensor(t, "alpha_out per block", &in, &want)
	for _, rp := range []fixed.U96F32{{}, fixed.U96F32FromRatio(1, 1000), fixed.U96F32FromUint(1)} {
		terms := SubnetTerms(TermsInput{TAOEmission: fixed.U96F32FromUint(1_000_000_000), AlphaIssuance: 1_000_000_000_000, Price: u64(1), RootProportion: rp})
		require.Equal(t, want.AlphaOut, terms.AlphaOut.ToUint())
	}
}

func TestSubnetTerms_Cap(t *testing.T) {
	// alpha_in = 0.5 TAO / 0.25 = 2 alpha, but the cap is 0.1·1 alpha:
	// alpha_in = 0.1, tao_in = 0.025 TAO, the other 0.475 TAO is excess.
	terms := SubnetTerms(TermsInput{
		TAOEmission:    fixed.U96F32FromUint(500_000_000),
		AlphaIssuance:  1_000,
		Price:          fixed.U64F64FromRatio(1, 4),
		RootProportion: fixed.U96F32FromRatio(1, 10),
	})
	cap := fixed.U96F32FromRatio(1, 10).SaturatingMul(fixed.U96F32FromUint(1_000_000_000))
	require.Equal(t, cap, terms.AlphaIn)
	require.Equal(t, cap.SaturatingMul(fixed.U96F32FromRatio(1, 4)), terms.TAOIn)
	require.Equal(t, fixed.U96F32FromUint(500_000_000).SaturatingSub(terms.TAOIn), terms.ExcessTAO)
	require.InDelta(t, 475_000_000, terms.ExcessTAO.Float64(), 1)

	zeroPrice := SubnetTerms(TermsInput{TAOEmission: fixed.U96F32FromUint(7), AlphaIssuance: 0, RootProportion: fixed.U96F32FromUint(1)})
	require.True(t, zeroPrice.AlphaIn.IsZero(), "no alpha for a zero price")
	require.Equal(t, fixed.U96F32FromUint(7), zeroPrice.TAOIn)
}

func TestSplitTAO(t *testing.T) {
	p := func(s string) fixed.U64F64 {
		v, err := fixed.ParseU64F64(s)
		require.NoError(t, err)
		return v
	}
	b := func(s string) fixed.U96F32 {
		v, err := fixed.ParseU96F32(s)
		require.NoError(t, err)
		return v
	}
	rao := func(v []fixed.U96F32) []uint64 {
		out := make([]uint64, len(v))
		for i, x := range v {
			out[i] = x.ToUint()
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		subnets []Subnet
		want    []uint64
	}{
		{"by price", []Subnet{{MovingPrice: p("0.3"), EmissionEnabled: true}, {MovingPrice: p("0.1"), EmissionEnabled: true}}, []uint64{750_000_000, 250_000_000}},
		{"miner burn halves a weight", []Subnet{{MovingPrice: p("0.5"), MinerBurned: b("0.5"), EmissionEnabled: true}, {MovingPrice: p("0.5"), EmissionEnabled: true}}, []uint64{333_333_333, 666_666_666}},
		{"burn above 1 counts as 1", []Subnet{{MovingPrice: p("0.5"), MinerBurned: b("3"), EmissionEnabled: true}, {MovingPrice: p("0.5"), EmissionEnabled: true}}, []uint64{0, 1_000_000_000}},
		{"all burned falls back to price", []Subnet{{MovingPrice: p("0.2"), MinerBurned: b("1"), EmissionEnabled: true}, {MovingPrice: p("0.6"), MinerBurned: b("1"), EmissionEnabled: true}}, []uint64{250_000_000, 750_000_000}},
		{"disabled share redistributed", []Subnet{{MovingPrice: p("0.2"), EmissionEnabled: false}, {MovingPrice: p("0.2"), EmissionEnabled: true}, {MovingPrice: p("0.6"), EmissionEnabled: true}}, []uint64{0, 250_000_000, 750_000_000}},
		{"all disabled", []Subnet{{MovingPrice: p("0.2")}, {MovingPrice: p("0.6")}}, []uint64{0, 0}},
		{"zero prices", []Subnet{{EmissionEnabled: true}, {EmissionEnabled: true}}, []uint64{0, 0}},
		{"none", nil, []uint64{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := rao(SplitTAO(tao.RaoPerTAO, tc.subnets))
			for i := range got { // shares truncate: allow one rao below
				require.InDelta(t, tc.want[i], got[i], 1, "subnet %d: %v", i, got)
				require.LessOrEqual(t, got[i], tc.want[i]+0)
			}
			var sum uint64
			for _, g := range got {
				sum += g
			}
			require.LessOrEqual(t, sum, uint64(tao.RaoPerTAO), "never more than the block emission")
		})
	}
}

func TestSplitAlphaOut(t *testing.T) {
	alphaOut := fixed.U96F32FromUint(1_000_000_000)
	s := SplitAlphaOut(alphaOut, 11_796, fixed.U96F32FromRatio(1, 4))
	// cut = 1e9·11796/65535 = 179_995_422.3…; rest 820_004_577.7…
	require.Equal(t, tao.Rao(179_995_422), s.OwnerCut)
	require.Equal(t, tao.Rao(410_002_288), s.Server)
	require.Equal(t, tao.Rao(307_501_716), s.Validator)
	require.Equal(t, tao.Rao(102_500_572), s.Root)
	require.LessOrEqual(t, uint64(s.OwnerCut+s.Server+s.Validator+s.Root), uint64(1_000_000_000))
	require.GreaterOrEqual(t, uint64(s.OwnerCut+s.Server+s.Validator+s.Root), uint64(1_000_000_000-4), "at most one rao of dust per part")

	noRoot := SplitAlphaOut(alphaOut, 0, fixed.U96F32{})
	require.Equal(t, AlphaSplit{Server: 500_000_000, Validator: 500_000_000}, noRoot)
	allRoot := SplitAlphaOut(alphaOut, 0, fixed.U96F32FromUint(1))
	require.Equal(t, AlphaSplit{Server: 500_000_000, Root: 500_000_000}, allRoot)
}

func TestRootSellFlag(t *testing.T) {
	require.False(t, RootSellFlag(nil))
	require.False(t, RootSellFlag([]fixed.U64F64{fixed.U64F64FromRatio(1, 2), fixed.U64F64FromRatio(1, 2)}), "exactly 1 does not sell")
	require.True(t, RootSellFlag([]fixed.U64F64{fixed.U64F64FromRatio(1, 2), fixed.U64F64FromRatio(1, 2), fixed.U64F64FromBits(0, 1)}))
}

func TestMovingAlphaPrice(t *testing.T) {
	require.Equal(t, u64(1), MovingAlphaPrice(fixed.I96F32FromInt(5), true))
	require.Equal(t, fixed.U64F64FromRatio(1, 2), MovingAlphaPrice(fixed.I96F32FromRatio(1, 2), false))
	require.True(t, MovingAlphaPrice(fixed.I96F32FromInt(-1), false).IsZero(), "negative becomes 0")
}

// BenchmarkSubnetTerms128 is the emission arithmetic of one block with 128
// emitting subnets: the TAO split, then per subnet the root proportion, the
// terms, the alpha-out split and the moving-price update.
func BenchmarkSubnetTerms128(b *testing.B) {
	const n = 128
	subnets := make([]Subnet, n)
	prices := make([]fixed.U64F64, n)
	for i := range subnets {
		prices[i] = fixed.U64F64FromRatio(uint64(i+1), 200)
		subnets[i] = Subnet{MovingPrice: prices[i], MinerBurned: fixed.U96F32FromRatio(uint64(i%5), 10), EmissionEnabled: i%17 != 0}
	}
	params := MovingPriceParams{Alpha: fixed.I96F32FromRatio(3, 1_000_000), HalvingBlocks: 201_600}
	for b.Loop() {
		emissions := SplitTAO(tao.RaoPerTAO, subnets)
		sell := RootSellFlag(prices)
		for i := range subnets {
			issuance := tao.Rao(uint64(i+1) * 1_000_000 * uint64(tao.RaoPerTAO))
			rp := RootProportion(3_000_000*tao.RaoPerTAO, 971_718_665_099_567_868, issuance)
			terms := SubnetTerms(TermsInput{TAOEmission: emissions[i], AlphaIssuance: issuance, Price: prices[i], RootProportion: rp})
			split := SplitAlphaOut(terms.AlphaOut, 11_796, rp)
			_ = UpdateMovingPrice(prices[i], prices[i], params, 1_000_000, 1000)
			if sell && split.Root == ^tao.Rao(0) {
				b.Fatal("unreachable")
			}
		}
	}
}
