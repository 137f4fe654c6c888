// Package fixed implements the fixed-point numbers of subtensor (the
// substrate-fixed crate) bit for bit, so that gotensor's epochs, coinbase and
// swaps round exactly as Bittensor's do. It imports only the standard library
// and has no floating point in its arithmetic.
//
// Types (all value types; the zero value is 0):
//
//	I32F32  int64 raw, 32 fractional bits   all Yuma epoch math
//	I64F64  128-bit signed, 64 frac bits    raw stake, stake normalisation, bonds EMA factor
//	U64F64  128-bit unsigned, 64 frac bits  shares, swap math, prices
//	I96F32  128-bit signed, 32 frac bits    block emission, epoch rao scaling
//	U96F32  128-bit unsigned, 32 frac bits  coinbase, dividend distribution, tao weight
//
// The 128-bit types are two uint64 words (math/bits), not math/big. Their
// rules are written once, in an unexported format type, and each exported
// type is a thin wrapper over it.
//
// Rounding rules (spec §0), identical for every type:
//
//   - Mul: exact double-width product shifted right arithmetically, i.e.
//     rounded toward -inf. Mul wraps on overflow like Rust's `*` in release
//     builds; CheckedMul reports it; SaturatingMul clamps to MIN/MAX.
//   - Division: (a << frac) / b truncated toward zero. SafeDiv is subtensor's
//     safe_div and returns 0 on division by zero AND on overflow;
//     CheckedDiv reports both; SaturatingDiv clamps (and, where Rust would
//     panic on a zero divisor, saturates by the sign of the dividend).
//     There is deliberately no plain Div.
//   - Add/Sub wrap (Rust's `+`, `-`, iter().sum()); Checked/Saturating
//     variants as above.
//   - Convert[To](x): extra fractional bits are floored, an out-of-range
//     integer part saturates (saturating_from_num); widening is exact.
//   - ToInt/ToUint/ToU16: floor, then saturate to the integer range
//     (saturating_to_num). ToU16Proportion is floor(x*65535) clamped to
//     [0, 65535] (fixed_proportion_to_u16).
//   - Constructors: XFromInt/XFromUint are exact (I32F32 saturates outside
//     ±2^31); XFromRatio(num, den) is from_num(num).safe_div(from_num(den));
//     XFromBits takes raw bits; ParseX reads decimal text and rounds to
//     nearest, ties to even, like from_num of a float.
//   - I32F32.Exp/ExpSafe/Log2/Ln reproduce substrate-fixed's transcendental
//     functions, including the 23-bit (I9F23) constants for e and log2(e).
//
// Callers must pick the operation variant subtensor uses at each step (Add vs
// SaturatingAdd, SafeDiv vs SaturatingDiv): the differences are observable.
// String gives the exact decimal value; Float64 exists for display and tests
// and must not be used in consensus code.
package fixed
