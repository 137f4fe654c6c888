package fixed

// Constants that substrate-fixed's transcendental module stores as I9F23
// (23 fractional bits only), widened to I32F32. Their low precision is part
// of the consensus rules: exp(1) and ln are computed with them.
var (
	eI9F23     = I32F32{22802600 << 9} // e truncated to 2^-23
	log2EI9F23 = I32F32{12102203 << 9} // log2(e) truncated to 2^-23
)

// Exp returns e^a as substrate-fixed's transcendental::exp computes it for
// I32F32: 1 for 0, the I9F23 constant for 1, and otherwise the Taylor series
// 1 + x + x²/2! + … with terms i = 2..31 evaluated on |a| with checked,
// flooring multiplication and truncating division, inverted for a < 0.
// ok is false where Rust returns an error (any step overflows).
func (a I32F32) Exp() (r I32F32, ok bool) {
	switch a.bits {
	case 0:
		return I32F32{oneI32F32}, true
	case oneI32F32:
		return eI9F23, true
	}
	x := a
	neg := a.bits < 0
	if neg {
		if a.bits == -1<<63 {
			return I32F32{}, false
		}
		x = I32F32{-a.bits}
	}
	one := I32F32{oneI32F32}
	result, ok := x.CheckedAdd(one)
	term := x
	for i := int64(2); ok && i < 32; i++ {
		if term, ok = term.CheckedMul(x); !ok {
			break
		}
		if term, ok = term.CheckedDiv(I32F32FromInt(i)); !ok {
			break
		}
		result, ok = result.CheckedAdd(term)
	}
	if !ok {
		return I32F32{}, false
	}
	if neg {
		return one.CheckedDiv(result)
	}
	return result, true
}

// ExpSafe is subtensor's exp_safe: the input is clamped to [-20, 20], and an
// Exp error gives 0 for inputs <= 0 and MAX otherwise.
func (a I32F32) ExpSafe() I32F32 {
	x := a.Max(I32F32FromInt(-20)).Min(I32F32FromInt(20))
	if r, ok := x.Exp(); ok {
		return r
	}
	if x.bits <= 0 {
		return I32F32{}
	}
	return MaxI32F32()
}

// Log2 returns log2(a) with substrate-fixed's bit-by-bit squaring algorithm;
// ok is false for a <= 0 and when 1/a overflows.
func (a I32F32) Log2() (I32F32, bool) {
	if a.bits <= 0 {
		return I32F32{}, false
	}
	if a.bits < oneI32F32 {
		inv, ok := I32F32{oneI32F32}.CheckedDiv(a)
		if !ok {
			return I32F32{}, false
		}
		return I32F32{-log2Inner(inv.bits)}, true
	}
	return I32F32{log2Inner(a.bits)}, true
}

// log2Inner computes log2 of x >= 1 (raw I32F32 bits) the way substrate-fixed
// does: halve (rounding) until x < 2 counting the integer part, then square
// 32 times, taking one fractional bit per square.
func log2Inner(x int64) int64 {
	const two = 2 * oneI32F32
	halve := func(v int64) int64 { return v>>1 + v&1 } // right shift with rounding
	var result int64
	for x >= two {
		result++
		x = halve(x)
	}
	if x == oneI32F32 {
		return result << 32 // exact power of two: the count as an integer
	}
	for range 32 {
		x = I32F32{x}.Mul(I32F32{x}).bits
		result <<= 1
		if x >= two {
			result |= 1
			x = halve(x)
		}
	}
	return result
}

// Ln returns the natural logarithm as log2(a) / LOG2_E with substrate-fixed's
// low-precision I9F23 LOG2_E; ok is false where Log2 fails.
func (a I32F32) Ln() (I32F32, bool) {
	l, ok := a.Log2()
	if !ok {
		return I32F32{}, false
	}
	return l.CheckedDiv(log2EI9F23)
}
