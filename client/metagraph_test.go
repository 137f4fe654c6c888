package client_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/client"
	"github.com/gotensor/gotensor/internal/testutil"
)

// TestMetagraphSince: a metagraph the caller holds is not sent again until
// a block is committed, lite and full separately.
func TestMetagraphSince(t *testing.T) {
	h := testutil.NewHarness(t, testutil.Genesis(0))
	sn := testutil.NewSubnet(h, testutil.Pair(t, "//Alice"), 2)
	f := newFixture(t, client.Options{})
	f.chain.SetLatestState(h.App.LatestState)
	ctx := context.Background()

	m, err := f.c.MetagraphSince(ctx, sn.NetUID, true, 0)
	require.NoError(t, err)
	require.Len(t, m.Neurons, 3)
	require.True(t, m.Lite)
	block := m.Block

	_, err = f.c.MetagraphSince(ctx, sn.NetUID, true, block)
	require.ErrorIs(t, err, client.ErrNotModified)
	full, err := f.c.MetagraphSince(ctx, sn.NetUID, false, block-1)
	require.NoError(t, err, "another block's tag fetches")
	require.False(t, full.Lite)
	_, err = f.c.MetagraphSince(ctx, sn.NetUID, false, block)
	require.ErrorIs(t, err, client.ErrNotModified)

	h.Block()
	m, err = f.c.MetagraphSince(ctx, sn.NetUID, true, block)
	require.NoError(t, err)
	require.Equal(t, block+1, m.Block)

	_, err = f.c.MetagraphSince(ctx, 77, true, block)
	require.ErrorIs(t, err, client.ErrNotFound, "a missing subnet is not 'not modified'")
}
