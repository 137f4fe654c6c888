package tx

// Staking and pool errors (300–399): stake calls, swaps, takes and hotkey
// association. Messages name the rule; the chain wraps them with the
// figures and the next step. Retired before release: 309 and 311, which
// duplicated ErrNotStarted (223) and ErrHotkeyInUse (202).
var (
	ErrStakeTooLow           = register(300, Failed, "amount below the minimum stake")
	ErrNotEnoughStake        = register(301, Failed, "not enough stake to withdraw")
	ErrHotkeyNotAssociated   = register(302, Failed, "hotkey is not registered or associated")
	ErrSlippage              = register(303, Failed, "price limit reached before the full amount")
	ErrPriceLimit            = register(304, Failed, "price already at or beyond the limit")
	ErrInsufficientLiquidity = register(305, Failed, "pool reserves cannot take this swap")
	ErrSwapTooLarge          = register(306, Failed, "amount exceeds 1000 times the pool's reserve")
	ErrSameStake             = register(307, Failed, "stake would move to where it already is")
	ErrTransferDisallowed    = register(308, Failed, "stake transfers are disabled on this subnet")
	ErrNotHotkeyOwner        = register(310, Failed, "signer does not own the hotkey")
	ErrTakeOutOfRange        = register(312, Failed, "take outside the delegate take bounds")
	ErrTakeNotLower          = register(313, Failed, "decrease_take must lower the take")
	ErrTakeNotHigher         = register(314, Failed, "increase_take must raise the take")
	ErrTakeRateLimit         = register(315, Failed, "take increased too recently")
	ErrStakePoolImprecise    = register(316, Failed, "hotkey's stake pool cannot take new stake")
	ErrNoStake               = register(317, Failed, "no stake on this hotkey and subnet")
)
