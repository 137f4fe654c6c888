package chain

import (
	"github.com/gotensor/gotensor/chain/yuma"
	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// Metagraph is a subnet as clients see it (sdk-spec §4.2): its record,
// settings, pool and schedule, and one NeuronState per uid. It is
// assembled from the per-subnet vectors (one read each) and a handful of
// reads per uid; weights and bonds only when asked for.
type Metagraph struct {
	NetUID      tao.NetUID
	Info        SubnetInfo
	Identity    tx.SubnetIdentity
	Hyperparams Hyperparams
	Burn        tao.Rao
	Pool        Pool
	Price       fixed.U64F64 // spot price, TAO per alpha
	Schedule    Schedule
	// BlocksUntilEpoch is the number of blocks before the next epoch.
	BlocksUntilEpoch uint64
	Emission         SubnetEmission
	Pending          Pending
	Neurons          []NeuronState
}

// NeuronState is one uid of a metagraph.
type NeuronState struct {
	Neuron
	Coldkey tao.AccountID // owner of the hotkey
	// AlphaStake is the hotkey's alpha on the subnet (TotalHotkeyAlpha),
	// RootStake its TAO on root, TaoStake = RootStake × TaoWeight (floored)
	// and Stake = AlphaStake + TaoStake: the stake weight the epoch reads.
	AlphaStake, RootStake, TaoStake, Stake tao.Rao
	// Epoch outputs, as stored (u16 proportions /65535).
	StakeWeight, Consensus, Incentive, Dividends, ValidatorTrust uint16
	Emission                                                     tao.Rao
	Active, ValidatorPermit                                      bool
	LastUpdate                                                   tao.BlockHeight
	Axon                                                         AxonInfo // zero if never served
	// Weights and Bonds are the stored rows, nil in a lite metagraph.
	Weights, Bonds []yuma.Entry
}

// QueryMetagraph returns subnet n's metagraph at block height (the height
// of the state s reads), or false if the subnet does not exist. lite
// leaves out weights and bonds.
func QueryMetagraph(s *State, n tao.NetUID, height tao.BlockHeight, lite bool) (Metagraph, bool) {
	info, ok := s.Subnet(n)
	if !ok {
		return Metagraph{}, false
	}
	h := s.Hyperparams(n)
	pool := s.Pool(n)
	m := Metagraph{
		NetUID: n, Info: info, Identity: s.Identity(n), Hyperparams: h, Burn: s.Burn(n),
		Pool: pool, Price: pool.Price(), Schedule: s.Schedule(n),
		BlocksUntilEpoch: s.BlocksUntilNextEpoch(n, height),
		Emission:         s.SubnetEmission(n), Pending: s.Pending(n),
	}
	nrs := s.Neurons(n)
	axons := s.Axons(n)
	tw := s.EmissionParams().TaoWeightFixed()
	lastUpdate := s.LastUpdate(n)
	vec := struct {
		stakeWeight, consensus, incentive, dividends, trust []uint16
		emission                                            []tao.Rao
		active, permit                                      []bool
	}{s.StakeWeight(n), s.Consensus(n), s.Incentive(n), s.Dividends(n), s.ValidatorTrust(n),
		s.Emission(n), s.Active(n), s.ValidatorPermit(n)}

	m.Neurons = make([]NeuronState, len(nrs))
	for i, nr := range nrs {
		ns := &m.Neurons[i]
		ns.Neuron = nr
		ns.Coldkey, _ = s.HotkeyOwner(nr.Hotkey)
		ns.AlphaStake = s.HotkeyAlpha(nr.Hotkey, n)
		if n != tao.RootNetUID {
			ns.RootStake = s.RootStake(nr.Hotkey)
			ns.TaoStake = tao.Rao(fixed.U96F32FromUint(uint64(ns.RootStake)).SaturatingMul(tw).ToUint())
		}
		ns.Stake = ns.AlphaStake.SaturatingAdd(ns.TaoStake)
		ns.StakeWeight = at(vec.stakeWeight, i)
		ns.Consensus = at(vec.consensus, i)
		ns.Incentive = at(vec.incentive, i)
		ns.Dividends = at(vec.dividends, i)
		ns.ValidatorTrust = at(vec.trust, i)
		ns.Emission = at(vec.emission, i)
		ns.Active = at(vec.active, i)
		ns.ValidatorPermit = at(vec.permit, i)
		ns.LastUpdate = at(lastUpdate, i)
		ns.Axon = axons[nr.Hotkey]
		if !lite {
			ns.Weights = s.WeightsRow(n, nr.UID)
			ns.Bonds = s.BondsRow(n, nr.UID)
		}
	}
	return m, true
}

// at returns v[i], or the zero value past the end (vectors written before
// the latest registrations are shorter than the subnet).
func at[T any](v []T, i int) T {
	if i < len(v) {
		return v[i]
	}
	var zero T
	return zero
}

// SubnetSummary is one row of the subnet list.
type SubnetSummary struct {
	NetUID   tao.NetUID
	Info     SubnetInfo
	Identity tx.SubnetIdentity
	Pool     Pool
	Price    fixed.U64F64
	Tempo    uint16
	N, Max   uint16
	Burn     tao.Rao
	Emission SubnetEmission
}

// QuerySubnets returns every subnet, root first, then by netuid.
func QuerySubnets(s *State) []SubnetSummary {
	ids := append([]tao.NetUID{tao.RootNetUID}, s.NetUIDs()...)
	out := make([]SubnetSummary, 0, len(ids))
	for _, n := range ids {
		info, _ := s.Subnet(n)
		h := s.Hyperparams(n)
		pool := s.Pool(n)
		out = append(out, SubnetSummary{
			NetUID: n, Info: info, Identity: s.Identity(n), Pool: pool, Price: pool.Price(),
			Tempo: h.Tempo, N: s.SubnetN(n), Max: h.MaxAllowedUids, Burn: s.Burn(n), Emission: s.SubnetEmission(n),
		})
	}
	return out
}
