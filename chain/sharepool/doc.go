// Package sharepool holds the stake share pool of one (hotkey, subnet)
// (spec §5.1): a pool of Shared rao owned by its holders (coldkeys) in
// proportion to their shares, so that emission paid to the hotkey
// (Distribute) raises every holder's value at once without touching their
// records.
//
// Shares are fixed.U64F64 values; a first staker of n rao receives exactly
// n shares. A holder's value is floor(Shared·shares/Total), computed
// exactly. Stake mints floor(amount·Total/Shared) shares and Unstake burns
// ceil(amount·Total/Shared), so rounding always favours the pool: the sum
// of all holders' values never exceeds Shared, no operation lowers another
// holder's value, and a holder never gets back more than it put in plus
// its distributions. The dust (less than one rao per holder) stays in the
// pool and goes to the last holder out. subtensor stores shares as a
// decimal SafeFloat instead; see docs/economics.md for why this differs,
// and for the one degenerate case (a pool drained to dust and then paid a
// large distribution, twice) in which new stake is refused.
//
// The caller keeps Pool (TotalHotkeyAlpha and the total shares) and each
// holder's shares in state, passes the holder's shares in and stores the
// returned ones. A method that fails changes nothing.
package sharepool
