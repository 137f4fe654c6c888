// Package weights holds the client side of setting weights, as Bittensor's
// weight_utils does it (sdk-spec §5): turning a validator's float scores
// into the u16 rows the chain stores, and keeping commit–reveal commits
// until they are revealed.
//
//   - ProcessWeights and NormalizeMaxWeight shape scores for a subnet's
//     min_allowed_weights and max_weight_limit (process_weights,
//     normalize_max_weight);
//   - ConvertForEmit turns floats into (uids, u16 values): max-upscaled,
//     rounded half to even, zeros dropped (convert_weights_and_uids_for_emit);
//   - DenseWeights and DenseBonds expand a stored sparse row into a vector
//     indexed by uid, as the metagraph does;
//   - Commit is one commit–reveal commit (weights, salt, version key), whose
//     Hash is tx.CommitHash, the function the chain checks reveals with; a
//     CommitStore keeps pending commits on disk so a crash between commit
//     and reveal loses nothing.
//
// These run in clients and neurons, never in the chain, so they use floats,
// with Python's semantics where they show in the output: float32
// arithmetic where numpy uses it, and round half to even for u16 values.
// Floating results agree with the SDK to about 1e-6 relative; u16 results
// are identical except on exact .5 ties that float rounding moved.
//
// Callers: a validator scores miners, calls ProcessWeights with the
// subnet's hyperparameters and ConvertForEmit, then either sends
// set_weights or, with commit–reveal on, makes a Commit, saves it, sends
// commit_weights with its Hash, and sends reveal_weights with its fields in
// the reveal epoch.
package weights
