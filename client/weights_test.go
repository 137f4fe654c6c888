package client_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/client"
	"github.com/gotensor/gotensor/internal/testutil"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// TestWeights reads a hotkey's weights status, with a commit, from a real
// chain state through the API.
func TestWeights(t *testing.T) {
	h := testutil.NewHarness(t, testutil.Genesis(0))
	sn := testutil.NewSubnet(h, testutil.Pair(t, "//Alice"), 1)
	testutil.SudoSet(h, sn.NetUID, "weights_rate_limit", 1)
	hk := sn.OwnerHotkey
	hash := tx.CommitHash(hk.Public(), sn.NetUID, []tao.UID{1}, []uint16{65535}, []uint16{4}, 0)
	testutil.RequireOK(t, h.Block(h.Tx(hk, tx.CommitWeights{NetUID: sn.NetUID, Hash: hash})))
	f := newFixture(t, client.Options{})
	f.chain.SetLatestState(h.App.LatestState)
	ctx := context.Background()

	w, err := f.c.Weights(ctx, sn.NetUID, hk.Public())
	require.NoError(t, err)
	require.True(t, w.Registered)
	require.Equal(t, uint16(0), w.UID)
	require.True(t, w.ValidatorPermit)
	require.True(t, w.CommitReveal)
	require.Equal(t, uint64(h.Height), w.LastUpdate)
	require.Equal(t, uint64(h.Height+1), w.NextUpdate)
	require.Len(t, w.Commits, 1)
	require.Equal(t, hash[:], []byte(w.Commits[0].Hash))
	require.Equal(t, "waiting", w.Commits[0].State)
	require.Equal(t, w.Commits[0].Epoch+1, w.Commits[0].RevealEpoch)
	require.Empty(t, w.Weights)

	other, err := f.c.Weights(ctx, sn.NetUID, testutil.Pair(t, "//Bob").Public())
	require.NoError(t, err)
	require.False(t, other.Registered)
	_, err = f.c.Weights(ctx, 77, hk.Public())
	require.ErrorIs(t, err, client.ErrNotFound)
}
