package client

import (
	"context"
	"fmt"

	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/tao"
)

// Weights returns hotkey's weights status on subnet n: the subnet's rules
// (commit–reveal, version key, rate limit), the hotkey's uid, rate-limit
// position and stored row, and its unrevealed commits with their reveal
// epochs. A subnet that does not exist is an APIError with status 404.
func (c *Client) Weights(ctx context.Context, n tao.NetUID, hotkey tao.AccountID) (*apitypes.Weights, error) {
	var w apitypes.Weights
	return &w, c.get(ctx, fmt.Sprintf("/v1/subnets/%d/weights/%s", n, hotkey), &w)
}
