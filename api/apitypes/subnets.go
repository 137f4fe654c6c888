package apitypes

import (
	"strconv"

	"github.com/gotensor/gotensor/tao"
)

// Subnet wire types. Amounts are integers in rao (alpha too: 1 alpha = 1e9
// of its rao); prices are rao of TAO per alpha, floored; proportions are
// the chain's u16 values (x/65535).

// SubnetList is the answer to GET /v1/subnets.
type SubnetList struct {
	Height int64 `json:"height"`
	// LockCost is what register_network costs in the next block.
	LockCost tao.Rao         `json:"lock_cost"`
	Subnets  []SubnetSummary `json:"subnets"` // root (netuid 0) first, then by netuid
}

// SubnetSummary is one row of the subnet list.
type SubnetSummary struct {
	NetUID       uint16  `json:"netuid"`
	Name         string  `json:"name"`
	Symbol       string  `json:"symbol"`
	Price        tao.Rao `json:"price"`
	TAOIn        tao.Rao `json:"tao_in"`
	AlphaIn      tao.Rao `json:"alpha_in"`
	AlphaOut     tao.Rao `json:"alpha_out"`
	Emission     tao.Rao `json:"emission"` // TAO the subnet received in its last emitting block
	Tempo        uint16  `json:"tempo"`
	N            uint16  `json:"n"`
	MaxUIDs      uint16  `json:"max_uids"`
	Burn         tao.Rao `json:"burn"` // current registration burn
	Started      bool    `json:"started"`
	RegisteredAt uint64  `json:"network_registered_at"`
}

// Subnet is the answer to GET /v1/subnets/{netuid}, and the header of a
// metagraph.
type Subnet struct {
	NetUID              uint16         `json:"netuid"`
	Block               int64          `json:"block"` // height of the state read
	Name                string         `json:"name"`
	Symbol              string         `json:"symbol"`
	Identity            SubnetIdentity `json:"identity"`
	NetworkRegisteredAt uint64         `json:"network_registered_at"`
	// OwnerColdkey and OwnerHotkey are absent for the root subnet.
	OwnerColdkey *tao.AccountID `json:"owner_coldkey,omitempty"`
	OwnerHotkey  *tao.AccountID `json:"owner_hotkey,omitempty"`
	Mechanism    string         `json:"mechanism"` // "stable" (root) or "dynamic"
	Started      bool           `json:"started"`
	// FirstEmissionBlock is set by start_call; 0 before.
	FirstEmissionBlock  uint64  `json:"first_emission_block"`
	Locked              tao.Rao `json:"locked"`
	N                   uint16  `json:"n"`
	MaxUIDs             uint16  `json:"max_uids"`
	Tempo               uint16  `json:"tempo"`
	LastStep            uint64  `json:"last_step"`
	BlocksSinceLastStep uint64  `json:"blocks_since_last_step"`
	BlocksUntilEpoch    uint64  `json:"blocks_until_epoch"`
	Burn                tao.Rao `json:"burn"`
	// Hparams holds every hyperparameter by its set_hyperparameter name.
	Hparams   map[string]int64 `json:"hparams"`
	Pool      SubnetPool       `json:"pool"`
	Emissions SubnetEmissions  `json:"emissions"`
}

// SubnetIdentity is a subnet's self-description (set at creation or by
// set_subnet_identity).
type SubnetIdentity struct {
	Name        string `json:"subnet_name"`
	URL         string `json:"subnet_url"`
	GitHub      string `json:"github_repo"`
	Contact     string `json:"subnet_contact"`
	Description string `json:"description"`
	Discord     string `json:"discord"`
	LogoURL     string `json:"logo_url"`
	Symbol      string `json:"symbol"`
	Additional  string `json:"additional"`
}

// SubnetPool is a subnet's dTAO pool.
type SubnetPool struct {
	TAOIn         tao.Rao `json:"tao_in"`
	AlphaIn       tao.Rao `json:"alpha_in"`
	AlphaOut      tao.Rao `json:"alpha_out"`
	ProtocolAlpha tao.Rao `json:"protocol_alpha"`
	SubnetVolume  tao.Rao `json:"subnet_volume"`
	Price         tao.Rao `json:"price"`
	MovingPrice   tao.Rao `json:"moving_price"`
	FeeRate       uint16  `json:"fee_rate"`
}

// SubnetEmissions are a subnet's latest per-block emission figures and
// its pending (not yet distributed) alpha.
type SubnetEmissions struct {
	Block             uint64  `json:"block"` // last block that emitted to the subnet
	SubnetEmission    tao.Rao `json:"subnet_emission"`
	TAOInEmission     tao.Rao `json:"tao_in_emission"`
	AlphaInEmission   tao.Rao `json:"alpha_in_emission"`
	AlphaOutEmission  tao.Rao `json:"alpha_out_emission"`
	ExcessTAO         tao.Rao `json:"excess_tao"`
	PendingServer     tao.Rao `json:"pending_server_emission"`
	PendingValidator  tao.Rao `json:"pending_validator_emission"`
	PendingRootAlpha  tao.Rao `json:"pending_root_emission"`
	PendingOwnerCut   tao.Rao `json:"pending_owner_cut"`
	PendingAlphaTotal tao.Rao `json:"pending_alpha_emission"`
}

// Metagraph is the answer to GET /v1/subnets/{netuid}/metagraph: the
// subnet header and one entry per uid, in uid order.
type Metagraph struct {
	Subnet
	Lite    bool     `json:"lite"` // weights and bonds left out
	Neurons []Neuron `json:"neurons"`
}

// MetagraphETag is the entity tag of subnet netuid's metagraph at block:
// the API sends it as ETag and answers a request whose If-None-Match
// holds it with 304 Not Modified, since a committed block never changes.
func MetagraphETag(netuid uint16, block int64, lite bool) string {
	kind := "full"
	if lite {
		kind = "lite"
	}
	return `"` + strconv.Itoa(int(netuid)) + "-" + strconv.FormatInt(block, 10) + "-" + kind + `"`
}

// Neuron is one uid of a metagraph (sdk-spec §4.2).
type Neuron struct {
	UID     uint16        `json:"uid"`
	Hotkey  tao.AccountID `json:"hotkey"`
	Coldkey tao.AccountID `json:"coldkey"`
	// Stake = AlphaStake + TaoStake; TaoStake is root stake × TaoWeight.
	Stake          tao.Rao     `json:"stake"`
	AlphaStake     tao.Rao     `json:"alpha_stake"`
	TaoStake       tao.Rao     `json:"tao_stake"`
	StakeWeight    uint16      `json:"stake_weight"`
	Consensus      uint16      `json:"consensus"`
	Incentive      uint16      `json:"incentive"`
	Dividends      uint16      `json:"dividends"`
	ValidatorTrust uint16      `json:"validator_trust"`
	Emission       tao.Rao     `json:"emission"` // alpha of the last epoch
	Active         bool        `json:"active"`
	Permit         bool        `json:"validator_permit"`
	LastUpdate     uint64      `json:"last_update"`
	RegisteredAt   uint64      `json:"registered_at"`
	Axon           AxonInfo    `json:"axon"`
	Weights        [][2]uint16 `json:"weights,omitempty"` // [uid, value] pairs; absent when lite or empty
	Bonds          [][2]uint16 `json:"bonds,omitempty"`
}

// AxonInfo is a neuron's served endpoint; IP "0.0.0.0" and port 0 when
// it never served.
type AxonInfo struct {
	Block    uint64 `json:"block"`
	Version  uint32 `json:"version"`
	IP       string `json:"ip"`
	Port     uint16 `json:"port"`
	IPType   uint8  `json:"ip_type"`
	Protocol uint8  `json:"protocol"`
}

// Hyperparameters is the answer to GET /v1/subnets/{netuid}/hyperparameters.
type Hyperparameters struct {
	NetUID uint16  `json:"netuid"`
	Height int64   `json:"height"`
	Params []Param `json:"hyperparameters"`
}

// GlobalParams is the answer to GET /v1/params: what sudo_set_global sets.
type GlobalParams struct {
	Height int64   `json:"height"`
	Params []Param `json:"params"`
}

// Param is one settable parameter: its name for set_hyperparameter or
// sudo_set_global, value, bounds and unit ("blocks", "rao", "u16" (a
// proportion /65535), "bool", "billionths", "millionths", "tempos",
// "count", "version").
type Param struct {
	Name  string `json:"name"`
	Value int64  `json:"value"`
	Min   int64  `json:"min"`
	Max   int64  `json:"max"`
	// OwnerSettable is true when the subnet owner may set it (sudo always
	// may); absent for global parameters.
	OwnerSettable *bool  `json:"owner_settable,omitempty"`
	Unit          string `json:"unit"`
}
