package yuma

import "github.com/gotensor/gotensor/fixed"

// MaxUpscale scales a weight row so that its largest value becomes 65535,
// rounding half away from zero (vec_u16_max_upscale_to_u16): the form in
// which set_weights stores weights and the epoch reads them.
func MaxUpscale(values []uint16) []uint16 {
	v := make([]fixed.I32F32, len(values))
	for i, x := range values {
		v[i] = fixed.I32F32FromInt(int64(x))
	}
	return maxUpscale(v)
}

// maxUpscale is vec_max_upscale_to_u16 on I32F32 values.
func maxUpscale(v []fixed.I32F32) []uint16 {
	out := make([]uint16, len(v))
	if len(v) == 0 {
		return out
	}
	u16Max, threshold := fixed.I32F32FromInt(0xffff), fixed.I32F32FromInt(32768)
	mx := v[0]
	for _, x := range v[1:] {
		mx = mx.Max(x)
	}
	for i, x := range v {
		switch {
		case mx.IsZero():
			out[i] = x.SaturatingMul(u16Max).ToU16()
		case threshold.Less(mx): // scale first: x*65535 could saturate
			out[i] = x.SaturatingMul(u16Max.SafeDiv(mx)).Round().ToU16()
		default:
			out[i] = x.SaturatingMul(u16Max).SafeDiv(mx).Round().ToU16()
		}
	}
	return out
}

// MaxWeightLimited reports whether the largest share of the normalised row
// is at most limit/65535 (check_vec_max_limited, the max_weight_limit check
// of set_weights). An empty row passes.
func MaxWeightLimited(values []uint16, limit uint16) bool {
	v := make([]fixed.I32F32, len(values))
	for i, x := range values {
		v[i] = fixed.I32F32FromInt(int64(x))
	}
	normalize(v)
	bound := fixed.I32F32FromU16Proportion(limit)
	for _, x := range v {
		if bound.Less(x) {
			return false
		}
	}
	return true
}
