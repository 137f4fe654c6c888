package tx

// Weight errors (400–499): set_weights, commit–reveal and batches. Messages
// name the rule; the chain wraps them with the figures and what to do
// ("weights rate limit: 37 blocks left"). Calls on a missing subnet, by an
// unregistered hotkey or on the root subnet fail with ErrSubnetNotFound,
// ErrNotRegistered and ErrRootSubnet.
var (
	ErrWeightsLength        = register(400, Failed, "uids and weights differ in length")
	ErrTooManyWeights       = register(401, Failed, "more weights than neurons on the subnet")
	ErrWeightsStake         = register(402, Failed, "stake below the threshold to set weights")
	ErrWeightsVersionKey    = register(403, Failed, "weights version key below the subnet's")
	ErrWeightsRateLimit     = register(404, Failed, "weights rate limit")
	ErrNoValidatorPermit    = register(405, Failed, "no validator permit: only a self-weight is allowed")
	ErrDuplicateUIDs        = register(406, Failed, "duplicate uids in weights")
	ErrInvalidUID           = register(407, Failed, "weights name a uid that does not exist")
	ErrTooFewWeights        = register(408, Failed, "fewer weights than the subnet's minimum")
	ErrCommitRevealEnabled  = register(409, Failed, "commit-reveal is enabled on this subnet")
	ErrCommitRevealDisabled = register(410, Failed, "commit-reveal is disabled on this subnet")
	ErrTooManyCommits       = register(411, Failed, "too many unrevealed weight commits")
	ErrNoCommit             = register(412, Failed, "no weight commit to reveal")
	ErrCommitExpired        = register(413, Failed, "weight commit expired")
	ErrRevealTooEarly       = register(414, Failed, "reveal is not due in this epoch")
	ErrRevealHashMismatch   = register(415, Failed, "revealed weights do not match any commit")
	ErrBatchFailed          = register(416, Failed, "no item of the batch succeeded")
)
