package apitypes

import "github.com/gotensor/gotensor/tao"

// Weights is the answer to GET /v1/subnets/{netuid}/weights/{hotkey}: what
// a validator needs to set weights on the subnet with the hotkey. Epoch
// figures are as a transaction in the next block would see them.
type Weights struct {
	NetUID     uint16        `json:"netuid"`
	Hotkey     tao.AccountID `json:"hotkey"`
	Block      int64         `json:"block"` // height of the state read
	Registered bool          `json:"registered"`
	UID        uint16        `json:"uid"` // meaningful when registered
	// ValidatorPermit: the hotkey may weigh other uids (a permit from the
	// last epoch, or the subnet owner's hotkey). Without it only a
	// self-weight is accepted.
	ValidatorPermit    bool   `json:"validator_permit"`
	CommitReveal       bool   `json:"commit_reveal_weights_enabled"`
	RevealPeriodEpochs uint64 `json:"commit_reveal_period"`
	VersionKey         uint64 `json:"weights_version"` // lowest version key accepted
	RateLimit          uint64 `json:"weights_rate_limit"`
	MinAllowedWeights  uint16 `json:"min_allowed_weights"`
	N                  uint16 `json:"n"`
	Tempo              uint16 `json:"tempo"`
	LastUpdate         uint64 `json:"last_update"`
	// NextUpdate is the first block whose set_weights or commit_weights
	// passes the rate limit.
	NextUpdate       uint64         `json:"next_update_block"`
	Epoch            uint64         `json:"epoch"`
	BlocksUntilEpoch uint64         `json:"blocks_until_epoch"`
	Weights          [][2]uint16    `json:"weights"` // [uid, value] pairs as stored
	Commits          []WeightCommit `json:"commits"`
}

// WeightCommit is one unrevealed commit_weights of the hotkey.
type WeightCommit struct {
	Hash        Hash   `json:"hash"`
	Epoch       uint64 `json:"epoch"`
	Block       uint64 `json:"block"`
	RevealEpoch uint64 `json:"reveal_epoch"`
	// State is "waiting", "due" (revealable in the next block) or
	// "expired".
	State             string `json:"state"`
	BlocksUntilReveal uint64 `json:"blocks_until_reveal"`
}
