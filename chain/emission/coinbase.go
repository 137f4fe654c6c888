package emission

import (
	"math"

	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/tao"
)

var (
	zero64  fixed.U64F64
	one64   = fixed.U64F64FromUint(1)
	half96  = fixed.U96F32FromRatio(1, 2)
	maxU16  = fixed.U96F32FromUint(math.MaxUint16)
	maxU64w = fixed.U96F32FromUint(math.MaxUint64)
)

// Subnet is one emitting subnet's input to SplitTAO.
type Subnet struct {
	// MovingPrice is get_moving_alpha_price: SubnetMovingPrice converted to
	// U64F64 (see MovingAlphaPrice), or 1 for a stable subnet.
	MovingPrice fixed.U64F64
	// MinerBurned is the fraction of the last miner emission withheld from
	// owner hotkeys (values above 1 count as 1).
	MinerBurned fixed.U96F32
	// EmissionEnabled is SubnetEmissionEnabled: disabled subnets get no TAO,
	// and their share goes to the enabled ones pro rata.
	EmissionEnabled bool
}

// MovingAlphaPrice is get_moving_alpha_price: 1 for the root subnet and
// stable subnets, else the stored I96F32 moving price as U64F64 (negative
// values become 0).
func MovingAlphaPrice(stored fixed.I96F32, stable bool) fixed.U64F64 {
	if stable {
		return one64
	}
	return fixed.Convert[fixed.U64F64](stored)
}

// SplitTAO divides blockEmission rao among the emitting subnets (spec §2.3
// step 3, get_subnet_block_emissions): share_i = p_i/Σp by moving price,
// reweighted by (1 − min(1, MinerBurned_i)) and renormalised (unweighted if
// every weight is 0), then renormalised over the emission-enabled subnets
// when any is disabled. The result, aligned with subnets, is
// blockEmission·share_i in U64F64 converted to U96F32. Shares are truncated,
// so the amounts may sum to slightly less than blockEmission.
func SplitTAO(blockEmission tao.Rao, subnets []Subnet) []fixed.U96F32 {
	shares := make([]fixed.U64F64, len(subnets))
	total := zero64
	for _, s := range subnets {
		total = total.SaturatingAdd(s.MovingPrice)
	}
	for i, s := range subnets {
		shares[i] = s.MovingPrice.SafeDiv(total)
	}
	reweightByMinerBurn(shares, subnets)

	enabledSum, anyDisabled := zero64, false
	for i, s := range subnets {
		if s.EmissionEnabled {
			enabledSum = enabledSum.SaturatingAdd(shares[i])
		} else {
			anyDisabled = true
		}
	}
	out := make([]fixed.U96F32, len(subnets))
	emission := fixed.U64F64FromUint(uint64(blockEmission))
	for i, s := range subnets {
		share := shares[i]
		if anyDisabled {
			share = zero64
			if s.EmissionEnabled && !enabledSum.IsZero() {
				share = shares[i].SafeDiv(enabledSum)
			}
		}
		out[i] = fixed.Convert[fixed.U96F32](emission.SaturatingMul(share))
	}
	return out
}

// reweightByMinerBurn multiplies each share by 1 − min(1, MinerBurned) and
// renormalises, leaving the shares as they are if all weights are 0 (so the
// block's emission is not stranded).
func reweightByMinerBurn(shares []fixed.U64F64, subnets []Subnet) {
	weighted := make([]fixed.U64F64, len(shares))
	sum := zero64
	for i, s := range subnets {
		burned := fixed.Convert[fixed.U64F64](s.MinerBurned)
		if one64.Less(burned) {
			burned = one64
		}
		weighted[i] = shares[i].SaturatingMul(one64.SaturatingSub(burned))
		sum = sum.SaturatingAdd(weighted[i])
	}
	if sum.IsZero() {
		return
	}
	for i := range shares {
		shares[i] = weighted[i].SafeDiv(sum)
	}
}

// RootProportion is root_proportion (spec §2.3 step 4):
// w/(w + alphaIssuance) with w = rootTAO·taoWeight/(2^64−1), in U96F32; 0
// when both are 0. rootTAO is SubnetTAO of the root subnet, taoWeight the
// raw TaoWeight.
func RootProportion(rootTAO tao.Rao, taoWeight uint64, alphaIssuance tao.Rao) fixed.U96F32 {
	tw := fixed.U96F32FromUint(taoWeight).SafeDiv(maxU64w)
	w := fixed.U96F32FromUint(uint64(rootTAO)).SaturatingMul(tw)
	return w.SafeDiv(w.SaturatingAdd(fixed.U96F32FromUint(uint64(alphaIssuance))))
}

// TermsInput is one emitting subnet's state for SubnetTerms.
type TermsInput struct {
	TAOEmission    fixed.U96F32 // this subnet's part of the block emission (SplitTAO)
	AlphaIssuance  tao.Rao      // SubnetAlphaIn + SubnetAlphaOut
	Price          fixed.U64F64 // current spot price (swap.Pool.Price)
	RootProportion fixed.U96F32 // RootProportion before this block's injection
}

// Terms is what a subnet receives this block (get_subnet_terms). The chain
// floors each to rao when it mints and injects.
type Terms struct {
	TAOIn     fixed.U96F32 // TAO injected into the pool as liquidity
	AlphaIn   fixed.U96F32 // alpha minted into the pool alongside it
	AlphaOut  fixed.U96F32 // alpha emitted to participants (SplitAlphaOut)
	ExcessTAO fixed.U96F32 // TAO that buys alpha instead of being injected
}

// SubnetTerms computes one subnet's terms (spec §2.3 step 4):
//
//	alpha_out = BlockEmission(alpha issuance)
//	alpha_in  = tao_emission / price                 (0 if the price is 0)
//	cap       = root_proportion · alpha_out
//	if alpha_in > cap: alpha_in = cap; tao_in = alpha_in · price
//	excess    = tao_emission − tao_in
//
// The price is truncated to U96F32 first, as in subtensor.
func SubnetTerms(in TermsInput) Terms {
	alphaOut := fixed.U96F32FromUint(uint64(BlockEmission(in.AlphaIssuance)))
	price := fixed.Convert[fixed.U96F32](in.Price)
	t := Terms{TAOIn: in.TAOEmission, AlphaIn: in.TAOEmission.SafeDiv(price), AlphaOut: alphaOut}
	if limit := in.RootProportion.SaturatingMul(alphaOut); limit.Less(t.AlphaIn) {
		t.AlphaIn = limit
		t.TAOIn = limit.SaturatingMul(price)
	}
	t.ExcessTAO = in.TAOEmission.SaturatingSub(t.TAOIn)
	return t
}

// AlphaSplit is where one block's alpha_out goes (spec §2.3 step 6), each
// part floored to rao as subtensor accumulates it. The parts may sum to a
// few rao less than the alpha minted; that dust stays in SubnetAlphaOut.
type AlphaSplit struct {
	OwnerCut  tao.Rao // to PendingOwnerCut
	Server    tao.Rao // to PendingServerEmission (miners)
	Validator tao.Rao // to PendingValidatorEmission
	Root      tao.Rao // to PendingRootAlphaDivs if RootSellFlag, else recycled
}

// SplitAlphaOut divides alphaOut (Terms.AlphaOut): the owner takes
// ownerCut/65535 of it (pass 0 when OwnerCutEnabled is false); of the rest
// half goes to miners, and the validators' half gives rootProp·½ to root
// stakers. rootProp is RootProportion recomputed after this block's
// injection and mint.
func SplitAlphaOut(alphaOut fixed.U96F32, ownerCut uint16, rootProp fixed.U96F32) AlphaSplit {
	cut := alphaOut.SaturatingMul(fixed.U96F32FromUint(uint64(ownerCut)).SafeDiv(maxU16))
	rest := alphaOut.SaturatingSub(cut)
	root := rootProp.SaturatingMul(rest).SaturatingMul(half96)
	server := rest.SaturatingMul(half96)
	validator := rest.SaturatingSub(server).SaturatingSub(root)
	return AlphaSplit{
		OwnerCut:  tao.Rao(cut.ToUint()),
		Server:    tao.Rao(server.ToUint()),
		Validator: tao.Rao(validator.ToUint()),
		Root:      tao.Rao(root.ToUint()),
	}
}

// RootSellFlag is get_network_root_sell_flag: root stakers keep their alpha
// dividends only while the emitting subnets' moving prices sum to more
// than 1 TAO.
func RootSellFlag(movingPrices []fixed.U64F64) bool {
	sum := zero64
	for _, p := range movingPrices {
		sum = sum.SaturatingAdd(p)
	}
	return one64.Less(sum)
}
