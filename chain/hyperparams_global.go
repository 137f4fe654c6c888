package chain

import (
	"bytes"
	"encoding/json"
	"math"

	"github.com/gotensor/gotensor/tao"
)

// NetworkParams are the chain-wide subnet parameters (subtensor-spec §7.2,
// "Network economics"), stored as one value and set by sudo with
// sudo_set_global. Genesis may override them (GenesisParams.Network).
type NetworkParams struct {
	// DefaultTempo is the tempo a new subnet starts with (subtensor: 360).
	// Development chains lower it so epochs come quickly.
	DefaultTempo uint16 `json:"default_tempo"`
	// NetworkRateLimit is the number of blocks between two subnet
	// registrations (subtensor runtime: 7200).
	NetworkRateLimit uint64 `json:"network_rate_limit"`
	// MinLockCost is NetworkMinLockCost, the floor of the lock cost.
	MinLockCost tao.Rao `json:"network_min_lock_cost"`
	// LockReductionInterval is NetworkLockReductionInterval: the lock cost
	// falls by LastLockCost/interval per block.
	LockReductionInterval uint64 `json:"network_lock_reduction_interval"`
	// ImmunityPeriod is NetworkImmunityPeriod: blocks after registration
	// during which a subnet cannot be pruned.
	ImmunityPeriod uint64 `json:"network_immunity_period"`
	// SubnetLimit is the number of subnets (root excluded) the chain holds.
	SubnetLimit uint16 `json:"subnet_limit"`
	// StartCallDelay is the number of blocks after registration before the
	// owner may call start_call.
	StartCallDelay uint64 `json:"start_call_delay"`
	// AdminFreezeWindow is the number of blocks before a subnet's epoch in
	// which its hyperparameters cannot change.
	AdminFreezeWindow uint64 `json:"admin_freeze_window"`
	// OwnerHyperparamRateLimit is the number of tempos an owner waits
	// between two changes of the same hyperparameter.
	OwnerHyperparamRateLimit uint64 `json:"owner_hyperparam_rate_limit"`
}

// DefaultNetworkParams returns subtensor's runtime defaults.
func DefaultNetworkParams() NetworkParams {
	return NetworkParams{
		DefaultTempo:             360,
		NetworkRateLimit:         7200,
		MinLockCost:              1000 * tao.RaoPerTAO,
		LockReductionInterval:    14 * 7200,
		ImmunityPeriod:           1_296_000,
		SubnetLimit:              128,
		StartCallDelay:           0,
		AdminFreezeWindow:        10,
		OwnerHyperparamRateLimit: 2,
	}
}

// DevNetworkParams returns the parameters of development chains
// (DevGenesis, localnet): subnets may be registered every block, new
// subnets have a tempo of 20 blocks, and the freeze window before an epoch
// is 2 blocks, so a walkthrough does not wait for hours.
func DevNetworkParams() *NetworkParams {
	p := DefaultNetworkParams()
	p.NetworkRateLimit = 1
	p.DefaultTempo = 20
	p.AdminFreezeWindow = 2
	return &p
}

// UnmarshalJSON decodes p strictly (unknown fields are errors) over
// DefaultNetworkParams, so a genesis names only what it changes.
func (p *NetworkParams) UnmarshalJSON(b []byte) error {
	type plain NetworkParams
	v := plain(DefaultNetworkParams())
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return err
	}
	*p = NetworkParams(v)
	return nil
}

// problem names the first invalid field of a genesis' parameters (nil
// means the defaults), or returns "".
func (p *NetworkParams) problem() string {
	switch {
	case p == nil:
		return ""
	case p.DefaultTempo == 0:
		return "default_tempo must be at least 1"
	case p.SubnetLimit == 0:
		return "subnet_limit must be at least 1"
	case p.MinLockCost < tao.RaoPerTAO:
		return "network_min_lock_cost must be at least 1 TAO (1000000000 rao), so a new pool can swap"
	}
	return ""
}

// initSubnets writes the subnet parameters and the root subnet at genesis.
// Root (netuid 0) has no owner and a stable pool; its stake is root stake.
func initSubnets(s *State, p *NetworkParams) {
	np := DefaultNetworkParams()
	if p != nil {
		np = *p
	}
	s.setNetworkParams(np)
	s.setSubnet(tao.RootNetUID, SubnetInfo{})
	s.setHyperparams(tao.RootNetUID, rootHyperparams())
}

// networkParamsCodec stores NetworkParams.
var networkParamsCodec = recordCodec[NetworkParams]{what: "network params", version: 1, fields: []func(*NetworkParams) any{
	func(p *NetworkParams) any { return &p.DefaultTempo },
	func(p *NetworkParams) any { return &p.NetworkRateLimit },
	func(p *NetworkParams) any { return &p.MinLockCost },
	func(p *NetworkParams) any { return &p.LockReductionInterval },
	func(p *NetworkParams) any { return &p.ImmunityPeriod },
	func(p *NetworkParams) any { return &p.SubnetLimit },
	func(p *NetworkParams) any { return &p.StartCallDelay },
	func(p *NetworkParams) any { return &p.AdminFreezeWindow },
	func(p *NetworkParams) any { return &p.OwnerHyperparamRateLimit },
}}

// NetworkParams returns the chain-wide subnet parameters.
func (s *State) NetworkParams() NetworkParams {
	p := DefaultNetworkParams()
	networkParamsCodec.load(s, []byte{prefixGlobalParams}, &p)
	return p
}

func (s *State) setNetworkParams(p NetworkParams) {
	s.kv.Set([]byte{prefixGlobalParams}, networkParamsCodec.encode(&p))
}

// globalParam is one row of the sudo_set_global table: a name, bounds and
// how to read and write the value. Areas that own global parameters add
// their rows here; the value lives in their own storage.
type globalParam struct {
	name string
	min  int64
	max  int64
	get  func(s *State) int64
	set  func(s *State, v int64)
	unit string // as hyperparam.unit
}

// networkParam makes the sudo_set_global row of a NetworkParams field.
func networkParam(name string, field func(*NetworkParams) any, lo, hi int64, unit string) globalParam {
	return recordParam((*State).NetworkParams, (*State).setNetworkParams, name, field, lo, hi, unit)
}

// chainParam makes a globalParam row for a core chain parameter (Params).
func chainParam(name string, field func(*Params) *tao.Rao, lo int64) globalParam {
	return globalParam{
		name: name, min: lo, max: int64(totalSupply), unit: "rao",
		get: func(s *State) int64 {
			p := s.Params()
			return int64(*field(&p))
		},
		set: func(s *State, v int64) {
			p := s.Params()
			*field(&p) = tao.Rao(v)
			s.setParams(p)
		},
	}
}

// globalParamTable lists every parameter sudo_set_global can set.
var globalParamTable = []globalParam{
	chainParam("tx_fee", func(p *Params) *tao.Rao { return &p.TxFee }, 0),
	chainParam("existential_deposit", func(p *Params) *tao.Rao { return &p.ExistentialDeposit }, 1),
	networkParam("default_tempo", func(p *NetworkParams) any { return &p.DefaultTempo }, 1, math.MaxUint16, "blocks"),
	networkParam("network_rate_limit", func(p *NetworkParams) any { return &p.NetworkRateLimit }, 0, maxI64, "blocks"),
	// A new pool must hold enough TAO to swap (at least 1 TAO).
	networkParam("network_min_lock_cost", func(p *NetworkParams) any { return &p.MinLockCost }, int64(tao.RaoPerTAO), int64(totalSupply), "rao"),
	networkParam("network_lock_reduction_interval", func(p *NetworkParams) any { return &p.LockReductionInterval }, 0, maxI64, "blocks"),
	networkParam("network_immunity_period", func(p *NetworkParams) any { return &p.ImmunityPeriod }, 0, maxI64, "blocks"),
	networkParam("subnet_limit", func(p *NetworkParams) any { return &p.SubnetLimit }, 1, math.MaxUint16, "count"),
	networkParam("start_call_delay", func(p *NetworkParams) any { return &p.StartCallDelay }, 0, maxI64, "blocks"),
	networkParam("admin_freeze_window", func(p *NetworkParams) any { return &p.AdminFreezeWindow }, 0, maxI64, "blocks"),
	networkParam("owner_hyperparam_rate_limit", func(p *NetworkParams) any { return &p.OwnerHyperparamRateLimit }, 0, maxI64, "tempos"),
	stakingParam("default_min_stake", func(p *StakingParams) any { return &p.MinStake }, 1, int64(totalSupply), "rao"),
	stakingParam("nominator_min_required_stake", func(p *StakingParams) any { return &p.NominatorMinStake }, 0, 1<<40, "millionths"),
	stakingParam("default_delegate_take", func(p *StakingParams) any { return &p.DefaultTake }, 0, math.MaxUint16, "u16"),
	stakingParam("min_delegate_take", func(p *StakingParams) any { return &p.MinTake }, 0, math.MaxUint16, "u16"),
	stakingParam("max_delegate_take", func(p *StakingParams) any { return &p.MaxTake }, 0, math.MaxUint16, "u16"),
	stakingParam("tx_delegate_take_rate_limit", func(p *StakingParams) any { return &p.TakeRateLimit }, 0, maxI64, "blocks"),
	emissionParam("subnet_owner_cut", func(p *EmissionParams) any { return &p.OwnerCut }, 0, math.MaxUint16, "u16"),
	emissionParam("tao_weight", func(p *EmissionParams) any { return &p.TaoWeight }, 0, maxI64, "/(2^64-1)"),
	emissionParam("stake_threshold", func(p *EmissionParams) any { return &p.StakeThreshold }, 0, int64(totalSupply), "rao"),
	emissionParam("subnet_moving_alpha", func(p *EmissionParams) any { return &p.MovingAlpha }, 0, 1<<32, "/2^32"),
	emissionParam("max_epochs_per_block", func(p *EmissionParams) any { return &p.MaxEpochsPerBlock }, 1, math.MaxUint16, "count"),
}

// lookupGlobalParam finds a row by name.
func lookupGlobalParam(name string) *globalParam {
	for i := range globalParamTable {
		if globalParamTable[i].name == name {
			return &globalParamTable[i]
		}
	}
	return nil
}

// GlobalParamValue is one global parameter as sudo_set_global names it.
type GlobalParamValue struct {
	Name  string
	Value int64
	Min   int64
	Max   int64
	Unit  string
}

// GlobalParamValues returns every parameter of the sudo_set_global table
// with its current value, in table order.
func (s *State) GlobalParamValues() []GlobalParamValue {
	out := make([]GlobalParamValue, len(globalParamTable))
	for i, p := range globalParamTable {
		out[i] = GlobalParamValue{Name: p.name, Value: p.get(s), Min: p.min, Max: p.max, Unit: p.unit}
	}
	return out
}

// HyperparamValue is one hyperparameter as set_hyperparameter names it.
type HyperparamValue struct {
	Name  string
	Value int64
	Min   int64
	Max   int64
	// Owner reports whether the subnet owner may set it (sudo always may).
	Owner bool
	Unit  string
}

// HyperparamValues returns h as the rows of the set_hyperparameter table,
// in table order.
func HyperparamValues(h Hyperparams) []HyperparamValue {
	out := make([]HyperparamValue, len(hyperparamTable))
	for i := range hyperparamTable {
		p := &hyperparamTable[i]
		out[i] = HyperparamValue{Name: p.name, Value: p.slot(&h).get(), Min: p.min, Max: p.max, Owner: p.owner, Unit: p.unit}
	}
	return out
}
