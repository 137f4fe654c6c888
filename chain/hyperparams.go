package chain

import (
	"encoding/binary"
	"fmt"

	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/tao"
)

// Hyperparams are a subnet's settings (subtensor-spec §7.1), stored as one
// value per subnet. The owner or sudo change them with set_hyperparameter
// through the table in hyperparams_table.go, which also fixes their
// encoding order.
type Hyperparams struct {
	Tempo                     uint16 // blocks between epochs
	ActivityCutoffFactorMilli uint32 // activity cutoff = factor·tempo/1000 blocks
	ActivityCutoff            uint16 // legacy absolute cutoff in blocks, shown for btcli; see ActivityCutoffBlocks
	Kappa                     uint16 // consensus majority, /65535
	Rho                       uint16 // unused by the epoch, kept for btcli
	MaxAllowedUids            uint16 // neuron slots
	MinAllowedUids            uint16 // floor for MaxAllowedUids
	MaxAllowedValidators      uint16 // validator permits (top-k by stake)
	MinAllowedWeights         uint16 // shortest accepted weights row
	ImmunityPeriod            uint16 // blocks a new neuron cannot be pruned
	WeightsVersionKey         uint64 // minimum version_key of set_weights
	WeightsSetRateLimit       uint64 // blocks between a hotkey's weight updates
	BondsMovingAverage        uint64 // bond EMA memory in millionths
	BondsPenalty              uint16 // β, /65535
	BondsResetOn              bool
	Yuma3On                   bool
	LiquidAlphaOn             bool
	AlphaLow, AlphaHigh       uint16 // liquid alpha bounds, /65535
	AlphaSigmoidSteepness     int16
	CommitRevealEnabled       bool
	RevealPeriodEpochs        uint64 // commit–reveal delay in epochs
	MinBurn, MaxBurn          tao.Rao
	BurnHalfLife              uint16       // blocks for the registration burn to halve
	BurnIncreaseMult          fixed.U64F64 // burn factor per registration
	ServingRateLimit          uint64       // blocks between a hotkey's serve_axon calls
	RegistrationAllowed       bool         // gates registration and emission
	TransferToggle            bool         // transfer_stake allowed
	ImmuneOwnerUidsLimit      uint16       // owner hotkeys never pruned
	MinNonImmuneUids          uint16       // pruning prefers non-immune uids while more than this many remain
	RecycleOrBurn             bool         // owner-uid incentive: false burns it, true recycles it
	OwnerCutEnabled           bool
	EMAPriceHalvingBlocks     uint64 // moving-price half-life
}

// MaxWeightsLimit is subtensor's MaxWeightsLimit, a constant whose check is
// disabled; shown with the hyperparameters for btcli.
const MaxWeightsLimit = 65535

// defaultBurnIncreaseMult is U64F64::from_num(1.26f64): the float's binary
// value, slightly above 1.26, so a bump of 1 TAO gives exactly 1.26 TAO.
var defaultBurnIncreaseMult = fixed.U64F64FromBits(1, 0x428f5c28f5c29000)

// DefaultHyperparams returns a new subnet's hyperparameters, the "new
// subnet" column of subtensor-spec §7.1 (init_new_network), with the tempo
// of the DefaultTempo global parameter.
func DefaultHyperparams(tempo uint16) Hyperparams {
	return Hyperparams{
		Tempo:                     tempo,
		ActivityCutoffFactorMilli: 13_889,
		ActivityCutoff:            5000,
		Kappa:                     32_767,
		Rho:                       10,
		MaxAllowedUids:            256,
		MinAllowedUids:            64,
		MaxAllowedValidators:      64,
		MinAllowedWeights:         1,
		ImmunityPeriod:            5000,
		WeightsSetRateLimit:       100,
		BondsMovingAverage:        900_000,
		BondsPenalty:              65_535,
		Yuma3On:                   true,
		AlphaLow:                  45_875,
		AlphaHigh:                 58_982,
		AlphaSigmoidSteepness:     1000,
		CommitRevealEnabled:       true,
		RevealPeriodEpochs:        1,
		MinBurn:                   500_000,
		MaxBurn:                   100 * tao.RaoPerTAO,
		BurnHalfLife:              360,
		BurnIncreaseMult:          defaultBurnIncreaseMult,
		ServingRateLimit:          50,
		RegistrationAllowed:       true,
		TransferToggle:            true,
		ImmuneOwnerUidsLimit:      1,
		MinNonImmuneUids:          10,
		OwnerCutEnabled:           true,
		EMAPriceHalvingBlocks:     201_600,
	}
}

// rootHyperparams returns the root subnet's settings (§7.2, "Root subnet"):
// tempo 100, 64 uids, 64 validators, no minimum weights, no commit–reveal.
func rootHyperparams() Hyperparams {
	h := DefaultHyperparams(100)
	h.MaxAllowedUids = 64
	h.MinAllowedUids = 1
	h.MaxAllowedValidators = 64
	h.MinAllowedWeights = 0
	h.CommitRevealEnabled = false
	return h
}

// ActivityCutoffBlocks is the number of blocks after its last weight update
// that a validator stays active: factor·tempo/1000 (HEAD's rule; the legacy
// absolute ActivityCutoff is not used by the epoch).
func (h Hyperparams) ActivityCutoffBlocks() uint64 {
	return uint64(h.ActivityCutoffFactorMilli) * uint64(h.Tempo) / 1000
}

// Hyperparams returns subnet n's hyperparameters; a subnet that does not
// exist gets DefaultHyperparams.
func (s *State) Hyperparams(n tao.NetUID) Hyperparams {
	b := s.kv.Get(subnetKey(prefixHyperparams, n))
	if b == nil {
		return DefaultHyperparams(s.NetworkParams().DefaultTempo)
	}
	h, err := decodeHyperparams(b)
	if err != nil {
		panic(fmt.Sprintf("chain: corrupt hyperparameters of subnet %d: %v", n, err))
	}
	return h
}

func (s *State) setHyperparams(n tao.NetUID, h Hyperparams) {
	s.kv.Set(subnetKey(prefixHyperparams, n), encodeHyperparams(h))
}

// hyperparamsVersion is the first byte of a stored Hyperparams.
const hyperparamsVersion = 1

// hyperparamsCodec stores Hyperparams in the order of hyperparamTable.
var hyperparamsCodec = recordCodec[Hyperparams]{what: "hyperparameters", version: hyperparamsVersion,
	fields: func() []func(*Hyperparams) any {
		out := make([]func(*Hyperparams) any, len(hyperparamTable))
		for i := range hyperparamTable {
			out[i] = hyperparamTable[i].field
		}
		return out
	}()}

func encodeHyperparams(h Hyperparams) []byte { return hyperparamsCodec.encode(&h) }

func decodeHyperparams(b []byte) (Hyperparams, error) {
	h := DefaultHyperparams(0)
	if err := hyperparamsCodec.decode(b, &h); err != nil {
		return Hyperparams{}, err
	}
	return h, nil
}

// slot is a typed pointer to one settable field: *uint16, *uint32, *uint64,
// *int16, *bool, *tao.Rao or *fixed.U64F64. It converts the field to and
// from the int64 of set_hyperparameter and sudo_set_global, and to and from
// its stored bytes (8 bytes big-endian, 16 for a U64F64).
type slot struct{ p any }

// get returns the field as an int64. A U64F64 reads in billionths (1.26 →
// 1_260_000_000, floored).
func (f slot) get() int64 {
	switch p := f.p.(type) {
	case *uint16:
		return int64(*p)
	case *uint32:
		return int64(*p)
	case *uint64:
		return int64(min(*p, 1<<63-1))
	case *int16:
		return int64(*p)
	case *bool:
		if *p {
			return 1
		}
		return 0
	case *tao.Rao:
		return int64(min(uint64(*p), 1<<63-1))
	case *fixed.U64F64:
		return int64(min(p.SaturatingMul(fixed.U64F64FromUint(uint64(tao.RaoPerTAO))).ToUint(), 1<<63-1))
	}
	panic(fmt.Sprintf("chain: slot of type %T", f.p))
}

// set stores v, which the caller has checked against the field's bounds
// (so it fits the field's type), or which append stored (read).
func (f slot) set(v int64) {
	switch p := f.p.(type) {
	case *uint16:
		*p = uint16(v)
	case *uint32:
		*p = uint32(v)
	case *uint64:
		*p = uint64(v)
	case *int16:
		*p = int16(v)
	case *bool:
		*p = v != 0
	case *tao.Rao:
		*p = tao.Rao(v)
	case *fixed.U64F64:
		*p = fixed.U64F64FromRatio(uint64(v), uint64(tao.RaoPerTAO))
	default:
		panic(fmt.Sprintf("chain: slot of type %T", f.p))
	}
}

func (f slot) append(b []byte) []byte {
	if p, ok := f.p.(*fixed.U64F64); ok {
		hi, lo := p.Bits()
		return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(b, hi), lo)
	}
	var u uint64
	switch p := f.p.(type) {
	case *uint16:
		u = uint64(*p)
	case *uint32:
		u = uint64(*p)
	case *uint64:
		u = *p
	case *int16:
		u = uint64(int64(*p))
	case *bool:
		if *p {
			u = 1
		}
	case *tao.Rao:
		u = uint64(*p)
	default:
		panic(fmt.Sprintf("chain: slot of type %T", f.p))
	}
	return binary.BigEndian.AppendUint64(b, u)
}

func (f slot) read(b []byte) ([]byte, error) {
	if p, ok := f.p.(*fixed.U64F64); ok {
		if len(b) < 16 {
			return nil, fmt.Errorf("truncated")
		}
		*p = fixed.U64F64FromBits(binary.BigEndian.Uint64(b), binary.BigEndian.Uint64(b[8:]))
		return b[16:], nil
	}
	if len(b) < 8 {
		return nil, fmt.Errorf("truncated")
	}
	// append stored the field as set takes it: the same 64 bits.
	f.set(int64(binary.BigEndian.Uint64(b)))
	return b[8:], nil
}
