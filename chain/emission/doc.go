// Package emission holds the per-block emission arithmetic of the coinbase
// (spec §2.2, §2.3, §2.6) as pure functions over subtensor's fixed-point
// types:
//
//   - BlockEmission: the halving curve, TAO per block for a total issuance
//     (and alpha per block for a subnet's alpha issuance); NextHalving for
//     status displays.
//   - SplitTAO: the block's TAO shared across emitting subnets by moving
//     price (step 3).
//   - SubnetTerms: one subnet's TAO and alpha injection, alpha emission and
//     excess TAO (step 4); RootProportion feeds its cap.
//   - SplitAlphaOut: the owner cut and the server, validator and root
//     shares of alpha_out (step 6); RootSellFlag decides whether the root
//     share is kept or recycled.
//   - UpdateMovingPrice: the moving-price EMA (step 5 of §2.1).
//
// The caller (the chain's coinbase) reads state, calls these in the order
// of spec §2.1/§2.3, floors the results to rao where the spec says so and
// writes state. Nothing here reads state or depends on anything but its
// arguments; see docs/economics.md for the formulas and widths.
package emission
