package apitypes

import "github.com/gotensor/gotensor/tao"

// Stake wire types. Amounts are integers in rao (alpha too: 1 alpha = 1e9
// of its rao); prices are rao of TAO per alpha, floored.

// AccountStakes is the answer to GET /v1/accounts/{address}/stakes: every
// stake of a coldkey, by hotkey then netuid.
type AccountStakes struct {
	Address tao.AccountID `json:"address"`
	Height  int64         `json:"height"` // block whose state this is
	Stakes  []Stake       `json:"stakes"`
	// TotalValue is the sum of the stakes' values at the spot price;
	// TotalTAOValue the sum of what selling each would pay.
	TotalValue    tao.Rao `json:"total_value"`
	TotalTAOValue tao.Rao `json:"total_tao_value"`
}

// Stake is one stake of a coldkey on a hotkey and subnet.
type Stake struct {
	Hotkey tao.AccountID `json:"hotkey"`
	NetUID uint16        `json:"netuid"`
	// Alpha is the stake in the subnet's alpha (TAO on root, netuid 0).
	Alpha tao.Rao `json:"alpha"`
	Price tao.Rao `json:"price"` // the subnet's spot price
	// Value is Alpha at the spot price; TAOValue what unstaking all of it
	// would pay now (a simulated sale: swap fee and slippage included).
	Value    tao.Rao `json:"value"`
	TAOValue tao.Rao `json:"tao_value"`
}

// Quote is the answer to GET /v1/pools/{netuid}/quote: what a swap on the
// subnet's pool would do if sent now, on the state the node's mempool
// admits it on (the next block after its start, with the transactions
// already waiting). For a buy the input is TAO and the output alpha; for
// a sell the reverse. Amount = In + Fee + Refund.
type Quote struct {
	NetUID uint16  `json:"netuid"`
	Height int64   `json:"height"` // the block the quote is for: the next one
	Side   string  `json:"side"`   // "buy" (stake) or "sell" (unstake)
	Amount tao.Rao `json:"amount"`
	// LimitPrice is the order's limit in rao per alpha; 0 for a market
	// order.
	LimitPrice   tao.Rao `json:"limit_price"`
	AllowPartial bool    `json:"allow_partial"`
	In           tao.Rao `json:"in"`     // what enters the pool, net of the fee
	Fee          tao.Rao `json:"fee"`    // in the input token; recycled
	Out          tao.Rao `json:"out"`    // what the trader receives
	Refund       tao.Rao `json:"refund"` // input left over at the limit price
	PriceBefore  tao.Rao `json:"price_before"`
	PriceAfter   tao.Rao `json:"price_after"`
}

// Delegate is the answer to GET /v1/delegates/{address}: a hotkey's owner,
// delegate take and stake pools.
type Delegate struct {
	Hotkey tao.AccountID  `json:"hotkey"`
	Owner  *tao.AccountID `json:"owner,omitempty"` // absent if no coldkey owns the hotkey
	Height int64          `json:"height"`
	// Take is the delegate take in 65535ths (11796 = 18 %); MinTake and
	// MaxTake are the chain's bounds.
	Take    uint16 `json:"take"`
	MinTake uint16 `json:"min_take"`
	MaxTake uint16 `json:"max_take"`
	// IncreaseAllowedAt is the first block at which increase_take may run;
	// 0 means now.
	IncreaseAllowedAt uint64         `json:"increase_allowed_at"`
	Subnets           []DelegatePool `json:"subnets"` // by netuid
}

// DelegatePool is what is staked to a hotkey on one subnet.
type DelegatePool struct {
	NetUID     uint16  `json:"netuid"`
	Alpha      tao.Rao `json:"alpha"` // total stake, all nominators
	Nominators int     `json:"nominators"`
}
