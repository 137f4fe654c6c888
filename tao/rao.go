package tao

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Rao is an amount of TAO (or of a subnet's alpha) in its smallest unit.
// 1 TAO = 1e9 rao. Amounts are unsigned; arithmetic that could overflow must
// use the checked helpers.
type Rao uint64

// RaoPerTAO is the number of rao in one TAO (and in one alpha).
const RaoPerTAO Rao = 1_000_000_000

// MaxSupply is the 21M TAO cap in rao.
const MaxSupply Rao = 21_000_000 * RaoPerTAO

// ErrAmount is returned (wrapped) for amounts that cannot be parsed or do not fit.
var ErrAmount = errors.New("invalid amount")

// ParseTAO parses a decimal TAO amount such as "1.5" or "0.000000001" into
// rao exactly, without going through floating point. At most nine decimals
// are allowed; negative numbers, exponents and overflow are rejected.
func ParseTAO(s string) (Rao, error) {
	s = strings.TrimSpace(s)
	s = strings.ReplaceAll(s, "_", "")
	if s == "" {
		return 0, fmt.Errorf("%w: empty", ErrAmount)
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" && (!hasDot || frac == "") {
		return 0, fmt.Errorf("%w: %q", ErrAmount, s)
	}
	if len(frac) > 9 {
		return 0, fmt.Errorf("%w: %q has more than 9 decimals (1 rao = 0.000000001 TAO)", ErrAmount, s)
	}
	for _, part := range []string{whole, frac} {
		for _, c := range part {
			if c < '0' || c > '9' {
				return 0, fmt.Errorf("%w: %q is not a decimal number of TAO", ErrAmount, s)
			}
		}
	}
	var w uint64
	if whole != "" {
		var err error
		if w, err = strconv.ParseUint(whole, 10, 64); err != nil {
			return 0, fmt.Errorf("%w: %q is too large", ErrAmount, s)
		}
	}
	frac += strings.Repeat("0", 9-len(frac))
	f, _ := strconv.ParseUint(frac, 10, 64)
	if w > (math.MaxUint64-f)/uint64(RaoPerTAO) {
		return 0, fmt.Errorf("%w: %q is too large", ErrAmount, s)
	}
	return Rao(w*uint64(RaoPerTAO) + f), nil
}

// TAOString formats r as a decimal TAO amount with all nine decimals,
// e.g. "1.500000000".
func (r Rao) TAOString() string {
	return fmt.Sprintf("%d.%09d", uint64(r/RaoPerTAO), uint64(r%RaoPerTAO))
}

// String formats r for people: "τ1.500000000".
func (r Rao) String() string { return "τ" + r.TAOString() }

// AddChecked returns r+o and false if the sum overflows.
func (r Rao) AddChecked(o Rao) (Rao, bool) {
	s := r + o
	return s, s >= r
}

// SubChecked returns r-o and false if o > r.
func (r Rao) SubChecked(o Rao) (Rao, bool) {
	if o > r {
		return 0, false
	}
	return r - o, true
}

// SaturatingAdd returns r+o, clamped at the maximum.
func (r Rao) SaturatingAdd(o Rao) Rao {
	if s, ok := r.AddChecked(o); ok {
		return s
	}
	return math.MaxUint64
}

// SaturatingSub returns r-o, clamped at zero.
func (r Rao) SaturatingSub(o Rao) Rao {
	if o > r {
		return 0
	}
	return r - o
}
