package chain

import (
	"math/big"

	"github.com/gotensor/gotensor/store"
	"github.com/gotensor/gotensor/tao"
)

// EventSubnetDissolved: netuid, refunded, recycled — a subnet was pruned
// to make room for a new one; its stakers were paid out and the rest of
// its pool recycled.
const EventSubnetDissolved = "subnet_dissolved"

// subnetToPrune picks the subnet register_network dissolves at the subnet
// limit (spec §3.3): the lowest moving price among the subnets registered
// at least NetworkImmunityPeriod blocks ago, ties to the earliest
// registered (then the lowest netuid). false if every subnet is immune.
func (s *State) subnetToPrune(now tao.BlockHeight) (tao.NetUID, bool) {
	immunity := tao.BlockHeight(s.NetworkParams().ImmunityPeriod)
	var best tao.NetUID
	var bestInfo SubnetInfo
	var bestPool Pool
	found := false
	for _, n := range s.NetUIDs() {
		info, _ := s.Subnet(n)
		if now-min(now, info.RegisteredAt) < immunity {
			continue
		}
		p := s.Pool(n)
		if found {
			c := p.MovingPrice.Cmp(bestPool.MovingPrice)
			if c > 0 || c == 0 && info.RegisteredAt >= bestInfo.RegisteredAt {
				continue
			}
		}
		best, bestInfo, bestPool, found = n, info, p, true
	}
	return best, found
}

// dissolveSubnet removes subnet n and everything every area keeps for it
// (destroy_alpha_in_out_stakes, then the storage of each area). Each
// stake is paid out in TAO as its share of the alpha issuance (AlphaIn +
// AlphaOut) times the pool's TAO reserve, floored; what remains of the
// reserve — the share of the pool's own alpha, of pending and protocol
// alpha, and the floors — is recycled. The owner's lock is not refunded:
// it was the pool's liquidity. docs/subnets.md, "Subnet limit".
func (s *State) dissolveSubnet(n tao.NetUID) {
	pool := s.Pool(n)
	issuance := pool.AlphaIn.SaturatingAdd(pool.AlphaOut)
	var refunded tao.Rao
	for _, st := range s.removeSubnetStakes(n) {
		// Σ alpha ≤ AlphaOut ≤ issuance, so the payouts fit the reserve; the
		// min only guards a broken invariant from underflowing.
		pay := min(mulDiv(pool.TAO, st.Alpha, issuance), pool.TAO-refunded)
		if pay == 0 {
			continue
		}
		if err := s.credit(st.Coldkey, pay, ReasonSubnetDissolved); err != nil {
			panic("chain: dissolving subnet: " + err.Error()) // part of a reserve counted in the supply
		}
		refunded += pay
	}
	recycled := pool.TAO - refunded
	if recycled > 0 {
		s.retire(recycled, ReasonSubnetDissolved)
	}
	s.removePool(n)
	s.removeSubnetCoinbase(n)
	s.removeWeights(n)
	s.removeNeurons(n)
	for _, p := range [...]byte{prefixAxon, prefixHyperparamSet} {
		k := subnetKey(p, n)
		s.deleteRange(k, store.PrefixEnd(k))
	}
	for _, p := range [...]byte{prefixSubnet, prefixIdentity, prefixHyperparams, prefixBurn} {
		s.kv.Delete(subnetKey(p, n))
	}
	s.emit(EventSubnetDissolved, subnetAttr(n), amountAttr("refunded", refunded), amountAttr("recycled", recycled))
}

// mulDiv returns floor(a·b/c), 0 if c is 0; a·b/c ≤ a when b ≤ c.
func mulDiv(a, b, c tao.Rao) tao.Rao {
	if c == 0 {
		return 0
	}
	v := new(big.Int).Mul(new(big.Int).SetUint64(uint64(a)), new(big.Int).SetUint64(uint64(b)))
	return tao.Rao(v.Quo(v, new(big.Int).SetUint64(uint64(c))).Uint64())
}
