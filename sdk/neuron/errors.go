package neuron

import (
	"fmt"

	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// The typed errors below say why a neuron could not act on chain, so that
// logs and callers get "rate limited: 37 blocks left" rather than a silent
// false. Each matches the chain's code with errors.Is.

// RateLimitedError: the subnet's weights_rate_limit has not passed since
// the hotkey's last weights (or commit).
type RateLimitedError struct {
	BlocksLeft uint64 // until NextBlock
	NextBlock  uint64 // first block whose weights pass the limit
	Limit      uint64 // weights_rate_limit
}

func (e *RateLimitedError) Error() string {
	return fmt.Sprintf("rate limited: %d blocks left (one weights update per %d blocks; next at block %d)", e.BlocksLeft, e.Limit, e.NextBlock)
}

// Is matches tx.ErrWeightsRateLimit.
func (e *RateLimitedError) Is(target error) bool { return target == tx.ErrWeightsRateLimit }

// NoPermitError: the validator holds no validator permit, so the chain
// would take only a self-weight. Permits go to the top stakes at each
// epoch.
type NoPermitError struct {
	UID tao.UID
}

func (e *NoPermitError) Error() string {
	return fmt.Sprintf("no validator permit for uid %d: permits go to the top validators by stake at each epoch; stake more, or wait for the next epoch", e.UID)
}

// Is matches tx.ErrNoValidatorPermit.
func (e *NoPermitError) Is(target error) bool { return target == tx.ErrNoValidatorPermit }

// NotRegisteredError: the neuron's hotkey is not (or no longer)
// registered on its subnet.
type NotRegisteredError struct {
	Hotkey tao.AccountID
	NetUID tao.NetUID
}

func (e *NotRegisteredError) Error() string {
	return fmt.Sprintf("hotkey %s is not registered on netuid %d: register it with `gotensor subnets register --netuid %d`", e.Hotkey, e.NetUID, e.NetUID)
}

// Is matches tx.ErrNotRegistered.
func (e *NotRegisteredError) Is(target error) bool { return target == tx.ErrNotRegistered }

// VersionKeyError: the subnet requires a higher weights version key than
// the validator's.
type VersionKeyError struct {
	Have, Want uint64
}

func (e *VersionKeyError) Error() string {
	return fmt.Sprintf("weights version key %d is below the subnet's %d: update the validator", e.Have, e.Want)
}

// Is matches tx.ErrWeightsVersionKey.
func (e *VersionKeyError) Is(target error) bool { return target == tx.ErrWeightsVersionKey }

// TxError is a transaction the neuron sent that the chain refused or
// failed; Err wraps the chain's *tx.Error (errors.Is works with the tx
// catalog).
type TxError struct {
	Call string // "set_weights", "commit_weights", "reveal_weights", "serve_axon"
	Err  error
}

func (e *TxError) Error() string { return e.Call + " failed: " + e.Err.Error() }
func (e *TxError) Unwrap() error { return e.Err }
