// Package swap is the dTAO pool math (spec §3.1–§3.2): subtensor's
// balancer ("PalSwap"), a weighted constant-product pool between a subnet's
// TAO reserve y and alpha reserve x with quote weight w2 and base weight
// w1 = 1 − w2 (0.5 each by default, so x·y = k).
//
// A Pool is a plain value loaded from state. BuyAlpha and SellAlpha execute
// an Order (market or limit, optionally partial, optionally fee-free) and
// update the pool's reserves; SimBuy and SimSell return the same Result
// without changing anything, for quotes and slippage checks. Inject is the
// coinbase's per-block liquidity injection (weights adjusted so the price
// holds, then the excess TAO buys alpha). A failed call returns a wrapped
// sentinel error (ErrInputTooLarge, ErrReservesTooLow, ErrPriceLimit,
// ErrSlippage, ErrInsufficientLiquidity, ErrWeight) and changes nothing.
//
// The caller does the rest of the bookkeeping: moving balances, paying
// Result.Fee to the block author (for a sell, by selling the alpha fee with
// a second, fee-free SellAlpha), TotalStake and volume counters.
//
// Every rule reproduces subtensor bit for bit: fees and prices in U64F64,
// powers by safe-bigmath's pow_ratio_scaled (an exact integer root when the
// reduced weight ratio has terms ≤ 1024, else its fixed-point ln/exp series
// at 256 or 1024 bits), outputs floored. Equal weights reduce every power
// to one 128/64-bit division, which keeps the common case allocation-free.
// See docs/economics.md for the formulas and known rounding behaviour.
package swap
