package fixed

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// Errors returned (wrapped) by the Parse functions.
var (
	// ErrSyntax means the text is not a decimal number.
	ErrSyntax = errors.New("fixed: invalid decimal number")
	// ErrRange means the number is outside the type's range.
	ErrRange = errors.New("fixed: number out of range")
)

// parseDecimal converts decimal text to the nearest raw value of f, ties to
// even. Parsing is off the hot path, so it uses math/big for exactness.
func parseDecimal(f format, s string) (u128, error) {
	t := strings.TrimSpace(s)
	if t == "" || strings.ContainsFunc(t, func(c rune) bool {
		return !strings.ContainsRune("0123456789.+-eE", c)
	}) {
		return u128{}, fmt.Errorf("%w: %q", ErrSyntax, s)
	}
	if mant, exp, ok := strings.Cut(strings.ToLower(t), "e"); ok && (len(exp) > 4 || mant == "") {
		return u128{}, fmt.Errorf("%w: %q", ErrRange, s)
	}
	r, ok := new(big.Rat).SetString(t)
	if !ok {
		return u128{}, fmt.Errorf("%w: %q", ErrSyntax, s)
	}
	num := new(big.Int).Lsh(r.Num(), f.frac)
	q, rem := new(big.Int).QuoRem(num, r.Denom(), new(big.Int))
	// Round half to even on the magnitude.
	rem.Abs(rem).Lsh(rem, 1)
	if c := rem.Cmp(r.Denom()); c > 0 || (c == 0 && q.Bit(0) == 1) {
		if r.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	lo, hi := bigOf(f.min(), f), bigOf(f.max(), f)
	if q.Cmp(lo) < 0 || q.Cmp(hi) > 0 {
		return u128{}, fmt.Errorf("%w: %q", ErrRange, s)
	}
	return rawOf(q, f), nil
}

// bigOf returns the raw value a of format f as a big integer.
func bigOf(a u128, f format) *big.Int {
	neg, mag := f.magnitude(a)
	b := new(big.Int).SetUint64(mag.hi)
	b.Lsh(b, 64).Or(b, new(big.Int).SetUint64(mag.lo))
	if neg {
		b.Neg(b)
	}
	return b
}

// rawOf converts an in-range big integer to the raw value of format f.
func rawOf(b *big.Int, f format) u128 {
	m := new(big.Int).Abs(b)
	lo := new(big.Int).And(m, new(big.Int).SetUint64(^uint64(0))).Uint64()
	hi := new(big.Int).Rsh(m, 64).Uint64()
	r, _ := f.fromMagnitude(wide{lo, hi, 0, 0}, b.Sign() < 0)
	return r
}

// formatDecimal writes the exact decimal value of a (a binary fraction of
// n bits has exactly n decimal digits), without trailing zeros.
func formatDecimal(f format, a u128) string {
	r := new(big.Rat).SetFrac(bigOf(a, f), new(big.Int).Lsh(big.NewInt(1), f.frac))
	s := r.FloatString(int(f.frac))
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// toFloat64 returns the float64 nearest to a (display only).
func toFloat64(f format, a u128) float64 {
	r := new(big.Rat).SetFrac(bigOf(a, f), new(big.Int).Lsh(big.NewInt(1), f.frac))
	v, _ := r.Float64()
	return v
}
