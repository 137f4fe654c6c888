package node_test

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/client"
	"github.com/gotensor/gotensor/node"
	"github.com/gotensor/gotensor/params"
	"github.com/gotensor/gotensor/tao"
)

// TestLocalnet_HalvingCrossing is `gotensor localnet --initial-issuance
// 10499990` watched through GET /v1/status: the chain mints 1 TAO per block
// until the block that brings issuance to exactly 10.5M TAO, and 0.5 TAO
// from the next one; block_emission always announces what the next block
// mints, and blocks_until_halving counts down to the crossing.
func TestLocalnet_HalvingCrossing(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a chain")
	}
	const initial = 10_499_990 * tao.RaoPerTAO
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	n, _, err := node.OpenLocalnet(node.LocalnetOptions{
		Home: t.TempDir(), BlockTime: 50 * time.Millisecond,
		APIAddr: "127.0.0.1:0", RPCAddr: "off", P2PAddr: node.FreeAddr(t), LogLevel: "error",
		Genesis: func(id string) (json.RawMessage, error) {
			g := chain.DevGenesis(id)
			g.InitialIssuance = initial
			return json.Marshal(g)
		},
	})
	require.NoError(t, err)
	require.NoError(t, n.Start())
	defer n.Stop()
	require.NoError(t, n.WaitForHeight(ctx, 1))
	c, err := client.New(n.APIURL(), client.Options{})
	require.NoError(t, err)

	// Watch the status until past the crossing; the announced figures must
	// match what the blocks minted.
	var statuses []*apitypes.Status
	for {
		st, err := c.Status(ctx)
		require.NoError(t, err)
		statuses = append(statuses, st)
		if st.TotalIssuance > params.HalvingIssuance+2*tao.RaoPerTAO {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	last := statuses[len(statuses)-1].Height

	// What each block minted, from its mint events.
	issuance := make([]tao.Rao, last+1) // issuance after each block
	issuance[0] = initial
	crossing := int64(0)
	for h := int64(1); h <= last; h++ {
		b, err := c.Block(ctx, h)
		require.NoError(t, err)
		var minted tao.Rao
		for _, e := range b.Events {
			if e.Type != chain.EventMint {
				continue
			}
			for _, a := range e.Attributes {
				if a.Key == "amount" {
					v, err := strconv.ParseUint(a.Value, 10, 64)
					require.NoError(t, err)
					minted += tao.Rao(v)
				}
			}
		}
		want := tao.RaoPerTAO
		if issuance[h-1] >= params.HalvingIssuance {
			want /= 2
		}
		require.Equal(t, want, minted, "block %d, issuance before it %d", h, issuance[h-1])
		issuance[h] = issuance[h-1] + minted
		if issuance[h] == params.HalvingIssuance {
			crossing = h
		}
	}
	require.Positive(t, crossing, "issuance passes through exactly 10.5M TAO (no transactions, 1 TAO per block)")
	require.Equal(t, tao.RaoPerTAO/2, issuance[crossing+1]-issuance[crossing], "the next block mints 0.5 TAO")

	for _, st := range statuses {
		require.Equal(t, issuance[st.Height], st.TotalIssuance, "status at height %d", st.Height)
		want := tao.RaoPerTAO
		if st.TotalIssuance >= params.HalvingIssuance {
			want /= 2
		}
		require.Equal(t, want, st.BlockEmission, "block_emission announces the next block, at height %d", st.Height)
		if st.TotalIssuance < params.HalvingIssuance {
			require.NotNil(t, st.BlocksUntilHalving)
			require.Equal(t, uint64(crossing-st.Height), *st.BlocksUntilHalving, "at height %d", st.Height)
			require.Equal(t, params.HalvingIssuance, *st.NextHalvingAt)
		}
	}
}
