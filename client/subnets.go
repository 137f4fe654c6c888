package client

import (
	"context"
	"fmt"
	"net/http"

	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/tao"
)

// Subnets returns every subnet (root first) and the current subnet lock
// cost.
func (c *Client) Subnets(ctx context.Context) (*apitypes.SubnetList, error) {
	var l apitypes.SubnetList
	return &l, c.get(ctx, "/v1/subnets", &l)
}

// Subnet returns one subnet without its neurons.
func (c *Client) Subnet(ctx context.Context, n tao.NetUID) (*apitypes.Subnet, error) {
	var s apitypes.Subnet
	return &s, c.get(ctx, fmt.Sprintf("/v1/subnets/%d", n), &s)
}

// Metagraph returns a subnet with all its neurons; lite leaves out weights
// and bonds.
func (c *Client) Metagraph(ctx context.Context, n tao.NetUID, lite bool) (*apitypes.Metagraph, error) {
	var m apitypes.Metagraph
	return &m, c.get(ctx, fmt.Sprintf("/v1/subnets/%d/metagraph?lite=%t", n, lite), &m)
}

// MetagraphSince is Metagraph as a conditional request: when the node's
// last committed block is still block (the block of a metagraph the caller
// holds, with the same lite), the node answers without a body and
// MetagraphSince returns ErrNotModified. block 0 always fetches.
func (c *Client) MetagraphSince(ctx context.Context, n tao.NetUID, lite bool, block int64) (*apitypes.Metagraph, error) {
	req := request{method: http.MethodGet, path: fmt.Sprintf("/v1/subnets/%d/metagraph?lite=%t", n, lite), idempotent: true}
	if block > 0 {
		req.ifNoneMatch = apitypes.MetagraphETag(uint16(n), block, lite)
	}
	var m apitypes.Metagraph
	if err := c.do(ctx, req, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// Hyperparameters returns a subnet's hyperparameters with their bounds.
func (c *Client) Hyperparameters(ctx context.Context, n tao.NetUID) (*apitypes.Hyperparameters, error) {
	var h apitypes.Hyperparameters
	return &h, c.get(ctx, fmt.Sprintf("/v1/subnets/%d/hyperparameters", n), &h)
}

// GlobalParams returns the parameters sudo_set_global sets.
func (c *Client) GlobalParams(ctx context.Context) (*apitypes.GlobalParams, error) {
	var p apitypes.GlobalParams
	return &p, c.get(ctx, "/v1/params", &p)
}
