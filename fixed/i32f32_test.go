package fixed

import (
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// TestI32F32_MatchesFormat checks the native int64 implementation of I32F32
// against the math/big-verified 128-bit core (TestFormat_ArithmeticMatchesBig).
func TestI32F32_MatchesFormat(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	f := fmtI32F32
	for range iterations() * 2 {
		a, b := I32F32{int64(randRaw(r, f).lo)}, I32F32{int64(randRaw(r, f).lo)}
		check := func(op string, got I32F32, want u128) {
			t.Helper()
			if got.raw() != want {
				t.Fatalf("%s(%v, %v) = %v, want %v", op, a, b, got, bigOf(want, f))
			}
		}
		wantAdd, overAdd := f.add(a.raw(), b.raw())
		check("Add", a.Add(b), wantAdd)
		if _, ok := a.CheckedAdd(b); ok == overAdd {
			t.Fatalf("CheckedAdd(%v, %v) ok=%v", a, b, ok)
		}
		check("SaturatingAdd", a.SaturatingAdd(b), f.saturatingAdd(a.raw(), b.raw()))
		wantSub, _ := f.sub(a.raw(), b.raw())
		check("Sub", a.Sub(b), wantSub)
		check("SaturatingSub", a.SaturatingSub(b), f.saturatingSub(a.raw(), b.raw()))
		wantMul, overMul := f.mul(a.raw(), b.raw())
		check("Mul", a.Mul(b), wantMul)
		if _, ok := a.CheckedMul(b); ok == overMul {
			t.Fatalf("CheckedMul(%v, %v) ok=%v", a, b, ok)
		}
		check("SaturatingMul", a.SaturatingMul(b), f.saturatingMul(a.raw(), b.raw()))
		wantDiv, okDiv := f.div(a.raw(), b.raw())
		if q, ok := a.CheckedDiv(b); ok != okDiv || (ok && q.raw() != wantDiv) {
			t.Fatalf("CheckedDiv(%v, %v) = %v, %v", a, b, q, ok)
		}
		check("SafeDiv", a.SafeDiv(b), f.safeDiv(a.raw(), b.raw()))
		if a.ToUint() != f.toUint(a.raw()) || a.ToInt() != f.toInt(a.raw()) {
			t.Fatalf("ToUint/ToInt(%v)", a)
		}
	}
}

func TestI32F32_Round(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"2.5", "3"}, {"2.4999", "2"}, {"-2.5", "-3"}, {"-2.4999", "-2"}, {"0.5", "1"}, {"-0.5", "-1"}, {"0", "0"},
		{"2147483647.5", "2147483647.9999999998"}, // saturates at MAX
		{"-2147483648", "-2147483648"},
	} {
		if got := mustI32(t, c.in).Round(); got != mustI32(t, c.want) {
			t.Errorf("Round(%s) = %v, want %s", c.in, got, c.want)
		}
	}
}

func TestI32F32_ProportionU16(t *testing.T) {
	cases := []struct {
		in   I32F32
		want uint16
	}{
		{I32F32FromInt(1), 65535},
		{I32F32{}, 0},
		{I32F32FromInt(-1), 0},
		{I32F32FromInt(2), 65535},
		{MaxI32F32(), 65535},
		{I32F32FromRatio(1, 2), 32767},          // floor(0.5*65535)
		{I32F32FromU16Proportion(12345), 12344}, // the division truncates, so the round trip floors
	}
	for _, c := range cases {
		if got := c.in.ToU16Proportion(); got != c.want {
			t.Errorf("ToU16Proportion(%v) = %d, want %d", c.in, got, c.want)
		}
	}
}

func TestI32F32_FromU16ProportionIsRatio(t *testing.T) {
	for x := range 1 << 16 {
		if got, want := I32F32FromU16Proportion(uint16(x)), I32F32FromRatio(int64(x), 65535); got != want {
			t.Fatalf("FromU16Proportion(%d) = %v, want %v", x, got, want)
		}
	}
}

func TestI32F32_ExpMatchesMath(t *testing.T) {
	if e, _ := I32F32FromInt(1).Exp(); e.Bits() != 22802600<<9 {
		t.Fatalf("exp(1) = %v, want the I9F23 constant", e)
	}
	// The 31-term Taylor series is accurate only for small |x| (at x = 20 it
	// is ~0.8% low, as in Rust), so accuracy is checked on [-4, 4].
	for x := -4.0; x <= 4; x += 0.37 {
		a := I32F32{int64(x * oneI32F32)}
		got, ok := a.Exp()
		if !ok {
			t.Fatalf("exp(%v) failed", a)
		}
		want := math.Exp(a.Float64())
		if math.Abs(got.Float64()-want) > 1e-6*math.Max(1, want) {
			t.Errorf("exp(%v) = %v, want %v", a, got.Float64(), want)
		}
	}
	if _, ok := I32F32FromInt(22).Exp(); ok {
		t.Error("exp(22) should overflow I32F32")
	}
	for _, c := range []struct{ in, clamped int64 }{{100, 20}, {-100, -20}, {3, 3}} {
		want, _ := I32F32FromInt(c.clamped).Exp()
		if got := I32F32FromInt(c.in).ExpSafe(); got != want {
			t.Errorf("ExpSafe(%d) = %v, want exp(%d) = %v", c.in, got, c.clamped, want)
		}
	}
}

// TestI32F32_SigmoidSafe replays subtensor's test_math_sigmoid_safe vectors:
// sigmoid_safe(x, ρ, κ) = 1 / (1 + exp_safe(-ρ(x-κ))) compared exactly with
// I32F32::from_num of the listed decimals.
func TestI32F32_SigmoidSafe(t *testing.T) {
	sigmoid := func(x, rho, kappa I32F32) I32F32 {
		one := I32F32FromInt(1)
		e := rho.SaturatingMul(one.SaturatingNeg()).SaturatingMul(x.SaturatingSub(kappa)).ExpSafe()
		return one.SafeDiv(e.SaturatingAdd(one))
	}
	half := mustI32(t, "0.5")
	trust := []I32F32{MinI32F32(), {}, mustI32(t, "0.4"), half, mustI32(t, "0.6"), I32F32FromInt(1), MaxI32F32()}
	var trust32 []I32F32 // vec_to_fixed(&[0., 0.1, …]) converts f32 literals
	for _, x := range []float32{0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1} {
		trust32 = append(trust32, fromF32(t, x))
	}
	tiny := "0.0000000019"
	for _, c := range []struct {
		rho, kappa I32F32
		x          []I32F32
		want       []string
	}{
		{MaxI32F32(), MaxI32F32(), trust, []string{tiny, tiny, tiny, tiny, tiny, tiny, "0.5"}},
		{MinI32F32(), MinI32F32(), trust, []string{"0.5", tiny, tiny, tiny, tiny, tiny, tiny}},
		{I32F32FromInt(30), half, trust,
			[]string{tiny, "0.0000003057", "0.0474258729", "0.5", "0.952574127", "0.9999996943", "0.9999999981"}},
		{I32F32FromInt(40), half, trust32,
			[]string{tiny, "0.0000001125", "0.0000061442", "0.0003353502", "0.017986214", "0.5", "0.9820138067", "0.9996646498", "0.9999938558", "0.9999998875", "0.9999999981"}},
	} {
		for i, x := range c.x {
			if got := sigmoid(x, c.rho, c.kappa); got != mustI32(t, c.want[i]) {
				t.Errorf("sigmoid_safe(%v, %v, %v) = %v, want %s", x, c.rho, c.kappa, got, c.want[i])
			}
		}
	}
}

func TestI32F32_Log(t *testing.T) {
	for _, c := range []struct {
		in   string
		want float64
	}{{"1", 0}, {"2", 1}, {"8", 3}, {"0.5", -1}, {"0.125", -3}, {"3", math.Log2(3)}, {"0.3", math.Log2(0.3)}, {"1000000", math.Log2(1e6)}} {
		got, ok := mustI32(t, c.in).Log2()
		if !ok || math.Abs(got.Float64()-c.want) > 1e-8 {
			t.Errorf("Log2(%s) = %v, %v; want %v", c.in, got, ok, c.want)
		}
	}
	for _, bad := range []I32F32{{}, I32F32FromInt(-1), {1}} {
		if _, ok := bad.Log2(); ok {
			t.Errorf("Log2(%v) should fail", bad)
		}
	}
	// ln uses the I9F23 LOG2_E, so it is only accurate to ~1e-7 relative.
	l, ok := I32F32FromInt(10).Ln()
	if !ok || math.Abs(l.Float64()-math.Log(10)) > 1e-6 {
		t.Errorf("Ln(10) = %v", l)
	}
	if l2, _ := I32F32FromInt(10).Log2(); l != l2.SafeDiv(log2EI9F23) {
		t.Errorf("Ln must be Log2 / LOG2_E(I9F23)")
	}
}

func TestParse_RoundsToNearestEven(t *testing.T) {
	for _, f := range allFormats {
		for _, s := range []string{"0", "1", "0.1", "-0.1", "123.456", "1e-3", "2.5e2", "0.00000000011641532182693481445312", "0.000000000116415321826934814453125"} {
			if !f.signed && s[0] == '-' {
				continue
			}
			r, _ := new(big.Rat).SetString(s)
			scaled := new(big.Rat).Mul(r, new(big.Rat).SetInt(pow2(f.frac)))
			// nearest, ties to even
			fl := floorDiv(scaled.Num(), scaled.Denom())
			frac := new(big.Rat).Sub(scaled, new(big.Rat).SetInt(fl))
			if c := frac.Cmp(big.NewRat(1, 2)); c > 0 || (c == 0 && fl.Bit(0) == 1) {
				fl.Add(fl, big.NewInt(1))
			}
			got, err := parseDecimal(f, s)
			if err != nil || got != rawOf(fl, f) {
				t.Errorf("%v parse %q = %v, %v; want %v", f, s, bigOf(got, f), err, fl)
			}
			if back, _ := parseDecimal(f, formatDecimal(f, got)); back != got {
				t.Errorf("%v: String/Parse round trip of %q", f, s)
			}
		}
	}
	for _, bad := range []string{"", "abc", "1.2.3", "0x10", "1/3", "--1", "1e99999"} {
		if _, err := ParseI64F64(bad); !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrRange) {
			t.Errorf("ParseI64F64(%q) error = %v", bad, err)
		}
	}
	if _, err := ParseI32F32("2147483648"); !errors.Is(err, ErrRange) {
		t.Errorf("ParseI32F32 overflow error = %v", err)
	}
	if _, err := ParseU96F32("-1"); !errors.Is(err, ErrRange) {
		t.Errorf("ParseU96F32(-1) error = %v", err)
	}
}

func TestConvert(t *testing.T) {
	x := mustI32(t, "-1.75")
	if got := Convert[I64F64](x); got.String() != "-1.75" {
		t.Errorf("I32F32→I64F64 = %v", got)
	}
	if got := Convert[U96F32](x); !got.IsZero() {
		t.Errorf("negative → unsigned = %v, want 0", got)
	}
	tiny := I64F64FromBits(0, 1) // 2^-64
	if got := Convert[I32F32](tiny); !got.IsZero() {
		t.Errorf("2^-64 → I32F32 = %v, want 0 (floor)", got)
	}
	if got := Convert[I32F32](I64F64FromBits(^uint64(0), ^uint64(0))); got != (I32F32{-1}) {
		t.Errorf("-2^-64 → I32F32 = %v, want -2^-32 (floor)", got)
	}
	if got := Convert[I32F32](I96F32FromUint(1 << 40)); got != MaxI32F32() {
		t.Errorf("2^40 → I32F32 = %v, want MAX", got)
	}
	if got := Convert[U64F64](MaxU96F32()); got != MaxU64F64() {
		t.Errorf("MAX U96F32 → U64F64 = %v, want MAX", got)
	}
}

// TestU64Normalization replays subtensor's test_math_u64_normalization:
// stake fractions in I64F64 and their truncation to I32F32.
func TestU64Normalization(t *testing.T) {
	const maxStake = 21_000_000_000_000_000
	sum := I64F64FromUint(maxStake)
	frac := func(x uint64) I64F64 { return I64F64FromUint(x).SafeDiv(sum) }
	for _, c := range []struct {
		x        uint64
		want64   string // I64F64::from_num(f64) of the Rust literal
		want32   string
		approx64 bool
	}{
		{1, "0.0000000000000000476", "0", true},
		{4_889_444, "0.00000000023283066664", "0.0000000002", true},
		{10_500_000_000_000_000, "0.5", "0.5", false},
		{maxStake, "1", "1", false},
	} {
		got := frac(c.x)
		want, _ := ParseI64F64(c.want64)
		if c.approx64 {
			// The Rust literal is an f64, whose binary value differs from the
			// decimal in the last bits; compare to within 2^-60.
			d := got.Sub(want)
			if d.IsNeg() {
				d = want.Sub(got)
			}
			if hi, lo := d.Bits(); hi != 0 || lo > 1<<4 {
				t.Errorf("%d/max = %v, want ≈ %s", c.x, got, c.want64)
			}
		} else if got != want {
			t.Errorf("%d/max = %v, want %s", c.x, got, c.want64)
		}
		w32 := mustI32(t, c.want32)
		if c.x == 4_889_444 {
			w32 = I32F32{1} // I32F32::from_num(0.0000000002) = 2^-32 (nearest)
		}
		if got32 := Convert[I32F32](got); got32 != w32 {
			t.Errorf("%d/max as I32F32 = %v, want %v", c.x, got32, w32)
		}
	}
	// bonds_moving_average 900_000 / 1_000_000 in I64F64, then 1 - that in I32F32.
	bma := I64F64FromUint(900_000).SafeDiv(I64F64FromUint(1_000_000))
	alpha := I32F32FromInt(1).Sub(Convert[I32F32](bma))
	if alpha != mustI32(t, "0.1") {
		t.Errorf("alpha = %v, want from_num(0.1)", alpha)
	}
}

func mustI32(t *testing.T, s string) I32F32 {
	t.Helper()
	x, err := ParseI32F32(s)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// fromF32 is I32F32::from_num(f32): the exact binary value of v rounded to
// the nearest 2^-32.
func fromF32(t *testing.T, v float32) I32F32 {
	t.Helper()
	return mustI32(t, new(big.Float).SetFloat64(float64(v)).Text('f', 200))
}

func TestI32F32_ToU16ProportionMatchesDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	check := func(a I32F32) {
		if got, want := a.ToU16Proportion(), a.SaturatingMul(I32F32FromInt(0xffff)).ToU16(); got != want {
			t.Fatalf("ToU16Proportion(%v) = %d, want %d", a, got, want)
		}
	}
	for _, b := range []int64{0, 1, -1, 1 << 32, 1<<32 + 1, 1<<32 - 1, 1<<63 - 1, -1 << 63} {
		check(I32F32{b})
	}
	for range iterations() * 5 {
		check(I32F32{int64(randRaw(r, fmtI32F32).lo)})
		check(I32F32{r.Int64N(1<<32 + 2)})
	}
}
