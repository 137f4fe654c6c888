package yuma

import (
	"math"

	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/tao"
)

// NoCommit is the CommitBlock of a neuron without a pending weight commit
// (u64::MAX in subtensor).
const NoCommit uint64 = math.MaxUint64

// Entry is one cell of a sparse row as stored on chain: a target uid and a
// u16 value (a weight, max-upscaled so the row maximum is 65535, or a bond).
type Entry struct {
	UID   uint16
	Value uint16
}

// Hyperparameters are the subnet settings the epoch reads, in their stored
// (integer) form.
type Hyperparameters struct {
	Kappa                 uint16 // consensus majority, as kappa/65535
	BondsPenalty          uint16 // β, as bonds_penalty/65535
	BondsMovingAverage    uint64 // EMA memory in millionths; α = 1 - bma/1e6
	Yuma3                 bool   // Yuma 3 bonds (Yuma3On) instead of classic bonds
	LiquidAlpha           bool   // per-bond sigmoid α (Yuma 3 only)
	AlphaLow, AlphaHigh   uint16 // liquid α bounds, as value/65535
	AlphaSigmoidSteepness int16  // liquid α steepness (default 1000)
	MaxAllowedValidators  uint16 // k of the top-k validator permits
	ActivityCutoff        uint64 // blocks after the last weight update a neuron stays active
	StakeThreshold        uint64 // minimum stake weight (rao) to keep stake
	// CommitReveal applies the commit–reveal column mask: weights of a
	// validator towards uids registered after its earliest pending commit
	// are dropped. Neuron.CommitBlock is read only when it is set.
	CommitReveal bool
}

// DefaultHyperparameters returns subtensor's defaults for a new subnet
// (Yuma 3 on, liquid alpha off).
func DefaultHyperparameters() Hyperparameters {
	return Hyperparameters{
		Kappa:                 32767,
		BondsPenalty:          65535,
		BondsMovingAverage:    900_000,
		Yuma3:                 true,
		AlphaLow:              45875,
		AlphaHigh:             58982,
		AlphaSigmoidSteepness: 1000,
		MaxAllowedValidators:  64,
		ActivityCutoff:        5000,
	}
}

// Neuron is the per-uid state the epoch reads. Neurons are indexed by uid.
type Neuron struct {
	// Stake is the stake weight before the threshold filter:
	// alpha + root stake × tao weight, as subtensor computes it in I64F64
	// (spec §1.3 step 2). Use StakeFromRao for an integer amount.
	Stake           fixed.I64F64
	RegisteredAt    uint64 // block of the uid's latest registration
	LastUpdate      uint64 // block of its latest weight update
	ValidatorPermit bool   // the permit stored by the previous epoch
	// Weights and Bonds are the stored sparse rows. Entries with uid >= n
	// are ignored; a row should not repeat a uid (set_weights rejects that).
	Weights []Entry
	Bonds   []Entry
	// CommitBlock is the block of the neuron's earliest non-expired weight
	// commit, or NoCommit; read only when Hyperparameters.CommitReveal is set.
	CommitBlock uint64
}

// StakeFromRao returns an integer stake weight in rao as the I64F64 the
// epoch reads, the form used when the stake is already combined.
func StakeFromRao(r tao.Rao) fixed.I64F64 { return fixed.I64F64FromUint(uint64(r)) }

// Input is everything one epoch of one subnet (mechanism) depends on.
type Input struct {
	Block uint64 // the current block
	// LastTempo is LastMechansimStepBlock + 1 (or block - tempo if never
	// stepped): bonds towards uids registered at or after it are dropped.
	LastTempo uint64
	Emission  tao.Rao // alpha (rao) distributed to miners and validators together
	Params    Hyperparameters
	HasOwner  bool   // whether the subnet owner's hotkey is registered
	OwnerUID  uint16 // its uid when HasOwner
	Neurons   []Neuron
}

// Result is the per-uid outcome of an epoch, in stored form.
type Result struct {
	Active          bool
	ValidatorPermit bool // the new permit, stored for the next epoch
	// Proportions, floor(x*65535) of the I32F32 values.
	StakeWeight, Consensus, Incentive, Dividends, ValidatorTrust uint16
	ServerEmission, ValidatorEmission, Emission                  tao.Rao
	// Bonds is the row to store: the EMA bonds for a uid holding the new
	// permit, empty otherwise. The rows of one Output may share a backing
	// array (each with capacity equal to its length, so appending copies).
	Bonds []Entry
}

// Output holds one Result per uid.
type Output struct {
	Neurons []Result
}
