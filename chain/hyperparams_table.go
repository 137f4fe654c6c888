package chain

import (
	"fmt"
	"math"
	"slices"

	"github.com/gotensor/gotensor/tao"
)

// hyperparam is one row of the set_hyperparameter table: the btcli name
// (sudo set --param) and its aliases, the field, the bounds and who may
// set it. The table order is the storage order of Hyperparams: append new
// rows, never reorder.
type hyperparam struct {
	name    string
	aliases []string
	field   func(*Hyperparams) any // a pointer to the field, see slot
	min     int64
	max     int64
	// owner allows the subnet owner to set it (sudo always may).
	owner bool
	// ownerMin and ownerMax narrow the bounds for the owner when set
	// (ownerBounded).
	ownerMin, ownerMax int64
	ownerBounded       bool
	// notRoot forbids setting it on the root subnet.
	notRoot bool
	// rateTempos, if not 0, replaces OwnerHyperparamRateLimit as the
	// number of tempos between two owner changes.
	rateTempos uint64
	// check, if set, validates the new value against the rest of the
	// subnet's state; it returns a message naming the rule.
	check func(s *State, n tao.NetUID, h Hyperparams, v int64) string
	// unit tells clients how to read the value: "blocks", "rao", "u16"
	// (a proportion /65535), "bool", "billionths", "millionths",
	// "tempos", "count" or "version".
	unit string
}

func (p *hyperparam) slot(h *Hyperparams) slot { return slot{p.field(h)} }

const maxI64 = math.MaxInt64

// hyperparamTable lists every per-subnet hyperparameter (subtensor-spec
// §7.1). "O/R" rows are owner-settable; the others are sudo only.
var hyperparamTable = []hyperparam{
	{name: "tempo", field: func(h *Hyperparams) any { return &h.Tempo }, max: math.MaxUint16,
		owner: true, ownerBounded: true, ownerMin: 360, ownerMax: 50_400, unit: "blocks"},
	{name: "activity_cutoff_factor", aliases: []string{"activity_cutoff_factor_milli"},
		field: func(h *Hyperparams) any { return &h.ActivityCutoffFactorMilli }, min: 1000, max: 50_000, owner: true, unit: "count"},
	{name: "activity_cutoff", field: func(h *Hyperparams) any { return &h.ActivityCutoff }, min: 360, max: math.MaxUint16,
		owner: true, unit: "blocks"},
	{name: "kappa", field: func(h *Hyperparams) any { return &h.Kappa }, max: math.MaxUint16, unit: "u16"},
	{name: "rho", field: func(h *Hyperparams) any { return &h.Rho }, max: math.MaxUint16, owner: true, unit: "count"},
	{name: "max_allowed_uids", aliases: []string{"max_uids", "max_n"}, field: func(h *Hyperparams) any { return &h.MaxAllowedUids },
		min: 1, max: MaxUIDs, owner: true, ownerBounded: true, ownerMin: 1, ownerMax: 256, check: checkMaxAllowedUids, unit: "count"},
	{name: "min_allowed_uids", field: func(h *Hyperparams) any { return &h.MinAllowedUids }, min: 1, max: MaxUIDs,
		check: checkMinAllowedUids, unit: "count"},
	{name: "max_validators", aliases: []string{"max_allowed_validators"}, field: func(h *Hyperparams) any { return &h.MaxAllowedValidators },
		min: 1, max: MaxUIDs, check: checkMaxValidators, unit: "count"},
	{name: "min_allowed_weights", field: func(h *Hyperparams) any { return &h.MinAllowedWeights }, max: math.MaxUint16, owner: true, unit: "count"},
	{name: "immunity_period", field: func(h *Hyperparams) any { return &h.ImmunityPeriod }, max: math.MaxUint16, owner: true, unit: "blocks"},
	{name: "weights_version", aliases: []string{"weights_version_key"}, field: func(h *Hyperparams) any { return &h.WeightsVersionKey },
		max: maxI64, owner: true, rateTempos: 5, unit: "version"},
	{name: "weights_rate_limit", aliases: []string{"weights_set_rate_limit"}, field: func(h *Hyperparams) any { return &h.WeightsSetRateLimit },
		max: maxI64, unit: "blocks"},
	{name: "bonds_moving_avg", aliases: []string{"bonds_moving_average"}, field: func(h *Hyperparams) any { return &h.BondsMovingAverage },
		max: 1_000_000, owner: true, ownerBounded: true, ownerMax: 975_000, unit: "millionths"},
	{name: "bonds_penalty", field: func(h *Hyperparams) any { return &h.BondsPenalty }, max: math.MaxUint16, owner: true, unit: "u16"},
	{name: "bonds_reset_enabled", aliases: []string{"bonds_reset"}, field: func(h *Hyperparams) any { return &h.BondsResetOn },
		max: 1, owner: true, unit: "bool"},
	{name: "yuma3_enabled", aliases: []string{"yuma3"}, field: func(h *Hyperparams) any { return &h.Yuma3On }, max: 1, owner: true, unit: "bool"},
	{name: "liquid_alpha_enabled", field: func(h *Hyperparams) any { return &h.LiquidAlphaOn }, max: 1, owner: true, unit: "bool"},
	{name: "alpha_low", field: func(h *Hyperparams) any { return &h.AlphaLow }, min: 1638, max: math.MaxUint16, owner: true,
		check: checkAlphaLow, unit: "u16"},
	{name: "alpha_high", field: func(h *Hyperparams) any { return &h.AlphaHigh }, min: 1638, max: math.MaxUint16, owner: true,
		check: checkAlphaHigh, unit: "u16"},
	{name: "alpha_sigmoid_steepness", field: func(h *Hyperparams) any { return &h.AlphaSigmoidSteepness },
		min: math.MinInt16, max: math.MaxInt16, owner: true, ownerBounded: true, ownerMax: math.MaxInt16, unit: "count"},
	{name: "commit_reveal_weights_enabled", aliases: []string{"commit_reveal_enabled"},
		field: func(h *Hyperparams) any { return &h.CommitRevealEnabled }, max: 1, owner: true, unit: "bool"},
	{name: "commit_reveal_period", aliases: []string{"commit_reveal_weights_interval", "reveal_period_epochs"},
		field: func(h *Hyperparams) any { return &h.RevealPeriodEpochs }, min: 1, max: 100, owner: true, unit: "tempos"},
	{name: "min_burn", field: func(h *Hyperparams) any { return &h.MinBurn }, max: int64(tao.RaoPerTAO) - 1, owner: true,
		check: checkMinBurn, unit: "rao"},
	{name: "max_burn", field: func(h *Hyperparams) any { return &h.MaxBurn }, min: int64(tao.RaoPerTAO)/10 + 1, max: maxI64, owner: true,
		check: checkMaxBurn, unit: "rao"},
	{name: "burn_half_life", field: func(h *Hyperparams) any { return &h.BurnHalfLife }, min: 1, max: 36_100, owner: true, notRoot: true, unit: "blocks"},
	{name: "burn_increase_mult", field: func(h *Hyperparams) any { return &h.BurnIncreaseMult },
		min: int64(tao.RaoPerTAO), max: 100 * int64(tao.RaoPerTAO), owner: true, notRoot: true, unit: "billionths"},
	{name: "serving_rate_limit", field: func(h *Hyperparams) any { return &h.ServingRateLimit }, max: maxI64, owner: true, unit: "blocks"},
	{name: "registration_allowed", aliases: []string{"network_registration_allowed"},
		field: func(h *Hyperparams) any { return &h.RegistrationAllowed }, max: 1, unit: "bool"},
	{name: "transfers_enabled", aliases: []string{"transfer_toggle"}, field: func(h *Hyperparams) any { return &h.TransferToggle },
		max: 1, owner: true, unit: "bool"},
	{name: "immune_owner_uids_limit", field: func(h *Hyperparams) any { return &h.ImmuneOwnerUidsLimit }, min: 1, max: 10, owner: true, unit: "count"},
	{name: "min_non_immune_uids", field: func(h *Hyperparams) any { return &h.MinNonImmuneUids }, max: MaxUIDs, unit: "count"},
	{name: "recycle_or_burn", field: func(h *Hyperparams) any { return &h.RecycleOrBurn }, max: 1, owner: true, unit: "bool"},
	{name: "owner_cut_enabled", field: func(h *Hyperparams) any { return &h.OwnerCutEnabled }, max: 1, owner: true, unit: "bool"},
	{name: "ema_price_halving_blocks", field: func(h *Hyperparams) any { return &h.EMAPriceHalvingBlocks }, min: 1, max: maxI64, unit: "blocks"},
}

// lookupHyperparam finds a row by name or alias.
func lookupHyperparam(name string) *hyperparam {
	for i := range hyperparamTable {
		if p := &hyperparamTable[i]; p.name == name || slices.Contains(p.aliases, name) {
			return p
		}
	}
	return nil
}

func checkMaxAllowedUids(s *State, n tao.NetUID, h Hyperparams, v int64) string {
	switch {
	case v < int64(h.MinAllowedUids):
		return fmt.Sprintf("max_allowed_uids must be ≥ min_allowed_uids (%d)", h.MinAllowedUids)
	case v < int64(h.MaxAllowedValidators):
		return fmt.Sprintf("max_allowed_uids must be ≥ max_validators (%d)", h.MaxAllowedValidators)
	case v < int64(s.SubnetN(n)):
		return fmt.Sprintf("max_allowed_uids must be ≥ the %d registered neurons", s.SubnetN(n))
	}
	return ""
}

func checkMinAllowedUids(_ *State, _ tao.NetUID, h Hyperparams, v int64) string {
	if v > int64(h.MaxAllowedUids) {
		return fmt.Sprintf("min_allowed_uids must be ≤ max_allowed_uids (%d)", h.MaxAllowedUids)
	}
	return ""
}

func checkMaxValidators(_ *State, _ tao.NetUID, h Hyperparams, v int64) string {
	if v > int64(h.MaxAllowedUids) {
		return fmt.Sprintf("max_validators must be ≤ max_allowed_uids (%d)", h.MaxAllowedUids)
	}
	return ""
}

func checkAlphaLow(_ *State, _ tao.NetUID, h Hyperparams, v int64) string {
	switch {
	case !h.LiquidAlphaOn:
		return "alpha_low needs liquid_alpha_enabled: set it to 1 first"
	case v > int64(h.AlphaHigh):
		return fmt.Sprintf("alpha_low must be ≤ alpha_high (%d)", h.AlphaHigh)
	}
	return ""
}

func checkAlphaHigh(_ *State, _ tao.NetUID, h Hyperparams, v int64) string {
	switch {
	case !h.LiquidAlphaOn:
		return "alpha_high needs liquid_alpha_enabled: set it to 1 first"
	case v < int64(h.AlphaLow):
		return fmt.Sprintf("alpha_high must be ≥ alpha_low (%d)", h.AlphaLow)
	}
	return ""
}

func checkMinBurn(_ *State, _ tao.NetUID, h Hyperparams, v int64) string {
	if v >= int64(h.MaxBurn) {
		return fmt.Sprintf("min_burn must be < max_burn (%d rao)", h.MaxBurn)
	}
	return ""
}

func checkMaxBurn(_ *State, _ tao.NetUID, h Hyperparams, v int64) string {
	if v <= int64(h.MinBurn) {
		return fmt.Sprintf("max_burn must be > min_burn (%d rao)", h.MinBurn)
	}
	return ""
}
