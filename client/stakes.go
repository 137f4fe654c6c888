package client

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/tao"
)

// Stakes returns every stake of a coldkey with its value.
func (c *Client) Stakes(ctx context.Context, coldkey tao.AccountID) (*apitypes.AccountStakes, error) {
	var s apitypes.AccountStakes
	return &s, c.get(ctx, "/v1/accounts/"+coldkey.String()+"/stakes", &s)
}

// QuoteRequest is a swap to simulate on a subnet's pool: Buy spends Amount
// TAO on alpha (staking), otherwise Amount alpha is sold (unstaking).
type QuoteRequest struct {
	NetUID       tao.NetUID
	Buy          bool
	Amount       tao.Rao
	LimitPrice   tao.Rao // rao per alpha; 0 for a market order
	AllowPartial bool
	FeeFree      bool // the second leg of a cross-subnet move
}

// Quote simulates a swap on the state the node's mempool would admit it
// on (the next block after its start, with the transactions already
// waiting), so a limit price derived from it is measured against the
// price the order will meet. A swap the chain would refuse returns the
// transaction error it would fail with.
func (c *Client) Quote(ctx context.Context, r QuoteRequest) (*apitypes.Quote, error) {
	v := url.Values{}
	v.Set("side", "sell")
	if r.Buy {
		v.Set("side", "buy")
	}
	v.Set("amount", strconv.FormatUint(uint64(r.Amount), 10))
	if r.LimitPrice != 0 {
		v.Set("limit_price", strconv.FormatUint(uint64(r.LimitPrice), 10))
	}
	if r.AllowPartial {
		v.Set("allow_partial", "true")
	}
	if r.FeeFree {
		v.Set("fee_free", "true")
	}
	var q apitypes.Quote
	return &q, c.get(ctx, fmt.Sprintf("/v1/pools/%d/quote?%s", r.NetUID, v.Encode()), &q)
}

// Delegate returns a hotkey's owner, delegate take and stake pools.
func (c *Client) Delegate(ctx context.Context, hotkey tao.AccountID) (*apitypes.Delegate, error) {
	var d apitypes.Delegate
	return &d, c.get(ctx, "/v1/delegates/"+hotkey.String(), &d)
}
