// Package yuma computes Yuma Consensus epochs exactly as subtensor's
// production (sparse) path does, spec §1.3, in fixed point: given a
// subnet's stakes, weights, bonds and hyperparameters, Run returns each
// uid's consensus, incentive, dividends, validator trust, emission split and
// new bonds and validator permit.
//
// Run is a pure function: no state, no I/O, no floating point, no maps, no
// goroutines. The chain calls it from its epoch step and the CLI's
// `gotensor yuma epoch` calls the same function, so the two are bit-exact
// by construction.
//
// What the caller provides (Input):
//   - Neurons indexed by uid, with the stored weight and bond rows as
//     written (weights max-upscaled by set_weights, see MaxUpscale), the
//     previous epoch's validator permits, registration and last-update
//     blocks, and the stake weight alpha + root×tao_weight as an I64F64
//     (StakeFromRao for an integer amount);
//   - LastTempo = LastMechansimStepBlock + 1 (or block - tempo): bonds
//     towards uids registered at or after it are reset;
//   - the hyperparameters in stored form, the owner uid if registered, and
//     with commit–reveal each neuron's earliest pending commit block.
//
// Sums wrap as Rust's do in release builds, so the total stake must stay
// below 2^63 rao (on chain it is below 2^55) for the shares to mean anything;
// no input makes Run panic.
//
// What the caller must store (Output, one Result per uid): the new
// ValidatorPermit, the u16 terms (StakeWeight, Consensus, Incentive,
// Dividends, ValidatorTrust), Active, the rao amounts, and the Bonds row,
// which is empty for every uid without the new permit. Bond rows are in the
// order subtensor produces them (ascending uid, except with liquid alpha,
// which keeps the order of the weight row).
//
// Epochs whose stored weight rows are in ascending uid order (as SDK
// clients send them) take fused passes with arithmetic specialised to
// proportions in [0, 1] (fused.go, arith.go); any other input takes the
// reference steps, one function per spec step, with the same results bit
// for bit, only slower.
//
// MaxUpscale and MaxWeightLimited are the weight-row helpers set_weights
// needs (vec_u16_max_upscale_to_u16 and check_vec_max_limited).
package yuma
