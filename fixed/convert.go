package fixed

// Fixed is the set of fixed-point types of this package.
type Fixed interface {
	I32F32 | I64F64 | U64F64 | I96F32 | U96F32
}

// Convert re-expresses x in type To, as substrate-fixed's
// saturating_from_num: fractional bits that To lacks are dropped (rounding
// toward -inf), and an integer part outside To's range saturates to its MIN
// or MAX (negative values become 0 in unsigned types). Widening conversions
// are exact. Example: fixed.Convert[fixed.I32F32](stakeI64F64).
func Convert[To, From Fixed](x From) To {
	var from format
	var raw u128
	switch v := any(x).(type) {
	case I32F32:
		from, raw = fmtI32F32, v.raw()
	case I64F64:
		from, raw = fmtI64F64, v.r
	case U64F64:
		from, raw = fmtU64F64, v.r
	case I96F32:
		from, raw = fmtI96F32, v.r
	case U96F32:
		from, raw = fmtU96F32, v.r
	}
	var out To
	switch p := any(&out).(type) {
	case *I32F32:
		*p = I32F32{int64(fmtI32F32.convert(from, raw).lo)}
	case *I64F64:
		*p = I64F64{fmtI64F64.convert(from, raw)}
	case *U64F64:
		*p = U64F64{fmtU64F64.convert(from, raw)}
	case *I96F32:
		*p = I96F32{fmtI96F32.convert(from, raw)}
	case *U96F32:
		*p = U96F32{fmtU96F32.convert(from, raw)}
	}
	return out
}
