// Package pricing holds the chain's two registration price rules as pure
// functions: the per-subnet neuron burn (spec §4.2), which decays every
// block towards MinBurn and jumps by a multiplier on each registration, and
// the network lock cost of registering a subnet (spec §3.3), which doubles
// after each registration and then falls linearly.
//
// Nothing here reads or writes state. The caller loads the current burn or
// last lock from state, calls these functions once per block or per
// registration in the order of the spec, and stores the result. All
// arithmetic is integer or subtensor fixed point, so results are identical
// on every node.
package pricing
