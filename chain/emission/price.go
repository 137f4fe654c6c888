package emission

import (
	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/tao"
)

// MovingPriceParams are the moving-price hyperparameters.
type MovingPriceParams struct {
	Alpha         fixed.I96F32 // SubnetMovingAlpha (global; default 0.000003)
	HalvingBlocks uint64       // EMAPriceHalvingBlocks of the subnet (default 201 600)
}

// UpdateMovingPrice is update_moving_price (spec §2.6): with b the blocks
// since start_call (now − (firstEmission − 1), saturating) and h the
// halving blocks,
//
//	α   = Alpha · b/(b+h)
//	new = α·min(spot, 1) + (1−α)·old
//
// in U64F64, stored as I96F32. old is MovingAlphaPrice of the stored value.
// The spot price is capped at 1 TAO, so prices above 1 do not raise a
// subnet's emission share.
func UpdateMovingPrice(old, spot fixed.U64F64, p MovingPriceParams, now, firstEmission tao.BlockHeight) fixed.I96F32 {
	start := firstEmission
	if start > 0 {
		start--
	}
	var since uint64
	if now > start {
		since = uint64(now - start)
	}
	b := fixed.U64F64FromUint(since)
	alpha := fixed.Convert[fixed.U64F64](p.Alpha).SaturatingMul(b.SafeDiv(b.SaturatingAdd(fixed.U64F64FromUint(p.HalvingBlocks))))
	if one64.Less(spot) {
		spot = one64
	}
	current := alpha.SaturatingMul(spot)
	moving := one64.SaturatingSub(alpha).SaturatingMul(old)
	return fixed.Convert[fixed.I96F32](current.SaturatingAdd(moving))
}
