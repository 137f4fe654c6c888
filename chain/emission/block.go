package emission

import (
	"math/bits"

	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/tao"
)

// BlockEmission is get_block_emission_for_issuance (spec §2.2): the TAO
// minted per block when issuance rao exist, and equally the alpha minted per
// block for a subnet whose alpha issuance (AlphaIn + AlphaOut) is issuance.
//
// With x = issuance/21M TAO (I96F32, truncated), the emission is
// floor(1 TAO / 2^k) where k = floor(log2(1/(1−x))): 1 TAO until issuance
// reaches exactly 10.5M TAO, then 0.5 TAO, 0.25 TAO, …, and 0 from 21M TAO.
func BlockEmission(issuance tao.Rao) tao.Rao {
	if issuance >= tao.MaxSupply {
		return 0
	}
	x := fixed.I96F32FromUint(uint64(issuance)).SafeDiv(fixed.I96F32FromUint(uint64(tao.MaxSupply)))
	one := fixed.I96F32FromUint(1)
	v := one.SafeDiv(one.Sub(x)) // x < 1, so 1−x > 0 and v ≥ 1
	// substrate-fixed's log2 yields the integer part from v's leading bit
	// and fractional bits that sum to less than 1, so its floor is the
	// position of that bit above the 32 fractional bits.
	hi, lo := v.Bits()
	msb := bits.Len64(lo) - 1
	if hi != 0 {
		msb = 64 + bits.Len64(hi) - 1
	}
	k := msb - 32
	// (1/2^k)·1e9 in I96F32 is exactly 1e9·2^(32−k)/2^32 for k ≤ 32 (v ≤ 2^32
	// because 1−x ≥ 2^-32), so the floor is a shift.
	return tao.RaoPerTAO >> k
}

// NextHalving returns the issuance at which BlockEmission next drops below
// its value at issuance, and the number of blocks until then if issuance
// grows by exactly the block emission every block (nothing recycled). ok is
// false once emission has ended.
func NextHalving(issuance tao.Rao) (at tao.Rao, blocks uint64, ok bool) {
	e := BlockEmission(issuance)
	if e == 0 {
		return 0, 0, false
	}
	// BlockEmission is non-increasing in issuance and 0 at MaxSupply: find
	// the first issuance where it is below e.
	lo, hi := issuance, tao.MaxSupply // BlockEmission(lo) == e > BlockEmission(hi)
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if BlockEmission(mid) < e {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi, (uint64(hi-issuance) + uint64(e) - 1) / uint64(e), true
}
