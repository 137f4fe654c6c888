package apitypes

import (
	"strings"

	"github.com/gotensor/gotensor/tao"
)

// EpochInput is the answer to GET /v1/subnets/{netuid}/epoch-input: the
// input of a subnet's next epoch in the format `gotensor yuma epoch
// --input` reads (docs/yuma.md), so that any epoch of the chain can be
// replayed offline, bit for bit.
type EpochInput struct {
	Block           uint64           `json:"block"`      // the block the epoch would run in
	LastTempo       uint64           `json:"last_tempo"` // bonds towards uids registered from here on are reset
	Emission        tao.Rao          `json:"emission"`   // alpha the epoch distributes (pending server + validator + root)
	Hyperparameters EpochHyperparams `json:"hyperparameters"`
	OwnerUID        *uint16          `json:"owner_uid"` // null when the owner's hotkey is not registered
	Neurons         []EpochNeuron    `json:"neurons"`
}

// EpochHyperparams are the subnet settings an epoch reads.
type EpochHyperparams struct {
	Kappa                 uint16 `json:"kappa"`
	BondsPenalty          uint16 `json:"bonds_penalty"`
	BondsMovingAverage    uint64 `json:"bonds_moving_average"`
	Yuma3                 bool   `json:"yuma3"`
	LiquidAlpha           bool   `json:"liquid_alpha"`
	AlphaLow              uint16 `json:"alpha_low"`
	AlphaHigh             uint16 `json:"alpha_high"`
	AlphaSigmoidSteepness int16  `json:"alpha_sigmoid_steepness"`
	MaxAllowedValidators  uint16 `json:"max_allowed_validators"`
	ActivityCutoff        uint64 `json:"activity_cutoff"` // blocks
	StakeThreshold        uint64 `json:"stake_threshold"` // rao
	CommitReveal          bool   `json:"commit_reveal"`
}

// EpochNeuron is one uid's epoch input.
type EpochNeuron struct {
	UID             uint16      `json:"uid"`
	Stake           StakeWeight `json:"stake"`
	RegisteredAt    uint64      `json:"registered_at"`
	LastUpdate      uint64      `json:"last_update"`
	ValidatorPermit bool        `json:"validator_permit"`       // the permit of the previous epoch
	Weights         [][2]uint16 `json:"weights"`                // [uid, value] as stored (max-upscaled)
	Bonds           [][2]uint16 `json:"bonds"`                  // [uid, value] as stored
	CommitBlock     *uint64     `json:"commit_block,omitempty"` // earliest pending weight commit, with commit–reveal
}

// StakeWeight is an exact stake weight in rao as decimal text: alpha plus
// root stake × tao weight may have a fractional part. It is written as a
// JSON number when it is whole and as a string otherwise, as `gotensor
// yuma epoch` reads it.
type StakeWeight string

// MarshalJSON implements json.Marshaler.
func (w StakeWeight) MarshalJSON() ([]byte, error) {
	if strings.Contains(string(w), ".") {
		return []byte(`"` + string(w) + `"`), nil
	}
	return []byte(w), nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (w *StakeWeight) UnmarshalJSON(b []byte) error {
	*w = StakeWeight(strings.Trim(string(b), `"`))
	return nil
}
