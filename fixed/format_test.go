package fixed

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"
)

// The arithmetic of every format is checked against math/big on random and
// edge-case operands: the big-integer expressions below are the definition
// of substrate-fixed's rounding (floor on multiplication, truncation toward
// zero on division, wrapping or saturation on overflow).

var allFormats = []format{fmtI32F32, fmtI64F64, fmtU64F64, fmtI96F32, fmtU96F32}

func (f format) String() string {
	s := "U"
	if f.signed {
		s = "I"
	}
	return fmt.Sprintf("%s%dF%d", s, f.width-f.frac, f.frac)
}

func pow2(n uint) *big.Int { return new(big.Int).Lsh(big.NewInt(1), n) }

func (f format) bigMin() *big.Int { return bigOf(f.min(), f) }
func (f format) bigMax() *big.Int { return bigOf(f.max(), f) }

func (f format) inRange(x *big.Int) bool {
	return x.Cmp(f.bigMin()) >= 0 && x.Cmp(f.bigMax()) <= 0
}

// wrapBig reduces x modulo 2^width into the format's range (Rust's wrapping).
func (f format) wrapBig(x *big.Int) u128 {
	m := new(big.Int).Mod(x, pow2(f.width))
	if f.signed && m.Cmp(pow2(f.width-1)) >= 0 {
		m.Sub(m, pow2(f.width))
	}
	return rawOf(m, f)
}

func (f format) clampBig(x *big.Int) u128 {
	switch {
	case x.Cmp(f.bigMin()) < 0:
		return f.min()
	case x.Cmp(f.bigMax()) > 0:
		return f.max()
	}
	return rawOf(x, f)
}

// floorDiv and truncDiv are the two integer divisions the rules use.
func floorDiv(a, b *big.Int) *big.Int {
	q, m := new(big.Int).DivMod(a, b, new(big.Int)) // Euclidean; b > 0 here
	_ = m
	return q
}

func truncDiv(a, b *big.Int) *big.Int { return new(big.Int).Quo(a, b) }

// randRaw draws edge cases and values of random bit length and sign.
func randRaw(r *rand.Rand, f format) u128 {
	edges := []u128{{}, f.max(), f.min(), f.fromInt(1), f.fromInt(-1), {0, 1}, f.fromUint(2)}
	if r.IntN(8) == 0 {
		return edges[r.IntN(len(edges))]
	}
	n := uint(r.IntN(int(f.width))) + 1
	x := new(big.Int).SetUint64(r.Uint64())
	x.Lsh(x, 64).Or(x, new(big.Int).SetUint64(r.Uint64()))
	x.Mod(x, pow2(n))
	if f.signed && r.IntN(2) == 0 {
		x.Neg(x)
	}
	return f.clampBig(x)
}

func iterations() int {
	if testing.Short() {
		return 2000
	}
	return 20000
}

func TestFormat_ArithmeticMatchesBig(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, f := range allFormats {
		t.Run(f.String(), func(t *testing.T) {
			one := pow2(f.frac)
			for range iterations() {
				a, b := randRaw(r, f), randRaw(r, f)
				A, B := bigOf(a, f), bigOf(b, f)

				sum := new(big.Int).Add(A, B)
				got, over := f.add(a, b)
				if got != f.wrapBig(sum) || over == f.inRange(sum) {
					t.Fatalf("add %v+%v: got %v over=%v", A, B, bigOf(got, f), over)
				}
				if g := f.saturatingAdd(a, b); g != f.clampBig(sum) {
					t.Fatalf("saturatingAdd %v+%v: got %v", A, B, bigOf(g, f))
				}
				diff := new(big.Int).Sub(A, B)
				got, over = f.sub(a, b)
				if got != f.wrapBig(diff) || over == f.inRange(diff) {
					t.Fatalf("sub %v-%v: got %v over=%v", A, B, bigOf(got, f), over)
				}
				if g := f.saturatingSub(a, b); g != f.clampBig(diff) {
					t.Fatalf("saturatingSub %v-%v: got %v", A, B, bigOf(g, f))
				}

				prod := floorDiv(new(big.Int).Mul(A, B), one)
				got, over = f.mul(a, b)
				if got != f.wrapBig(prod) || over == f.inRange(prod) {
					t.Fatalf("mul %v*%v: got %v over=%v want %v", A, B, bigOf(got, f), over, prod)
				}
				if g := f.saturatingMul(a, b); g != f.clampBig(prod) {
					t.Fatalf("saturatingMul %v*%v: got %v want %v", A, B, bigOf(g, f), prod)
				}

				q, ok := f.div(a, b)
				if B.Sign() == 0 {
					if ok || f.safeDiv(a, b) != (u128{}) {
						t.Fatalf("div by zero %v: ok=%v", A, ok)
					}
					continue
				}
				quot := truncDiv(new(big.Int).Mul(A, one), B)
				if ok != f.inRange(quot) || (ok && q != rawOf(quot, f)) {
					t.Fatalf("div %v/%v: got %v ok=%v want %v", A, B, bigOf(q, f), ok, quot)
				}
				wantSafe := u128{}
				if ok {
					wantSafe = rawOf(quot, f)
				}
				if g := f.safeDiv(a, b); g != wantSafe {
					t.Fatalf("safeDiv %v/%v: got %v", A, B, bigOf(g, f))
				}
				if g := f.saturatingDiv(a, b); g != f.clampBig(quot) {
					t.Fatalf("saturatingDiv %v/%v: got %v want %v", A, B, bigOf(g, f), quot)
				}
			}
		})
	}
}

func TestFormat_ConversionsMatchBig(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	maxU64, minI64, maxI64 := new(big.Int).SetUint64(^uint64(0)), big.NewInt(-1<<63), big.NewInt(1<<63-1)
	for _, from := range allFormats {
		for _, to := range allFormats {
			t.Run(from.String()+"→"+to.String(), func(t *testing.T) {
				for range iterations() / 4 {
					a := randRaw(r, from)
					A := bigOf(a, from)
					// value * 2^to.frac / 2^from.frac, floored.
					want := floorDiv(new(big.Int).Lsh(A, to.frac), pow2(from.frac))
					if got := to.convert(from, a); got != to.clampBig(want) {
						t.Fatalf("convert %v: got %v want %v", A, bigOf(got, to), want)
					}
				}
			})
		}
		t.Run(from.String()+"→int", func(t *testing.T) {
			for range iterations() / 4 {
				a := randRaw(r, from)
				fl := floorDiv(bigOf(a, from), pow2(from.frac))
				wantU := new(big.Int).Set(fl)
				if wantU.Sign() < 0 {
					wantU.SetInt64(0)
				} else if wantU.Cmp(maxU64) > 0 {
					wantU.Set(maxU64)
				}
				if got := from.toUint(a); got != wantU.Uint64() {
					t.Fatalf("toUint %v: got %d want %v", bigOf(a, from), got, wantU)
				}
				wantI := new(big.Int).Set(fl)
				if wantI.Cmp(minI64) < 0 {
					wantI.Set(minI64)
				} else if wantI.Cmp(maxI64) > 0 {
					wantI.Set(maxI64)
				}
				if got := from.toInt(a); got != wantI.Int64() {
					t.Fatalf("toInt %v: got %d want %v", bigOf(a, from), got, wantI)
				}
			}
		})
	}
}

func TestFormat_FromInteger(t *testing.T) {
	for _, f := range allFormats {
		for _, x := range []int64{0, 1, -1, 7, -7, 1<<31 - 1, 1 << 31, -1 << 31, -1<<31 - 1, 1<<63 - 1, -1 << 63} {
			want := f.clampBig(new(big.Int).Lsh(big.NewInt(x), f.frac))
			if got := f.fromInt(x); got != want {
				t.Errorf("%v fromInt(%d) = %v", f, x, bigOf(got, f))
			}
		}
		for _, x := range []uint64{0, 1, 1 << 31, 1 << 32, 1 << 63, ^uint64(0)} {
			want := f.clampBig(new(big.Int).Lsh(new(big.Int).SetUint64(x), f.frac))
			if got := f.fromUint(x); got != want {
				t.Errorf("%v fromUint(%d) = %v", f, x, bigOf(got, f))
			}
		}
	}
}

func TestDivWide_KnuthPath(t *testing.T) {
	// Two-word divisors exercise the normalised long division, including
	// the rare add-back branch; compare every quotient with math/big.
	r := rand.New(rand.NewPCG(5, 6))
	for range iterations() * 5 {
		n := wide{r.Uint64(), r.Uint64(), r.Uint64() >> uint(r.IntN(64)), 0}
		d := u128{r.Uint64() >> uint(r.IntN(64)), r.Uint64()}
		if r.IntN(4) == 0 {
			d.hi |= 1 << 63
			n[2] = d.hi - uint64(r.IntN(2))
		}
		if d.hi == 0 {
			d.hi = 1
		}
		N := new(big.Int).SetUint64(n[2])
		N.Lsh(N, 64).Or(N, new(big.Int).SetUint64(n[1]))
		N.Lsh(N, 64).Or(N, new(big.Int).SetUint64(n[0]))
		D := new(big.Int).SetUint64(d.hi)
		D.Lsh(D, 64).Or(D, new(big.Int).SetUint64(d.lo))
		want := new(big.Int).Quo(N, D)
		q := divWide(n, d)
		got := new(big.Int).SetUint64(q[1])
		got.Lsh(got, 64).Or(got, new(big.Int).SetUint64(q[0]))
		if q[2]|q[3] != 0 || got.Cmp(want) != 0 {
			t.Fatalf("%v / %v: got %v want %v", N, D, got, want)
		}
	}
}
