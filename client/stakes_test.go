package client_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/client"
	"github.com/gotensor/gotensor/internal/testutil"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// TestStakesAndQuote reads a stake and a quote from a real chain state
// through the API, and gets a refused quote back as its tx error.
func TestStakesAndQuote(t *testing.T) {
	h := testutil.NewHarness(t, testutil.Genesis(0))
	sn := testutil.NewSubnet(h, testutil.Pair(t, "//Alice"), 0)
	bob := testutil.Pair(t, "//Bob")
	alpha := testutil.AddStake(h, bob, sn.OwnerHotkey.Public(), sn.NetUID, 3*tao.RaoPerTAO)
	f := newFixture(t, client.Options{})
	f.chain.SetLatestState(h.App.LatestState)
	ctx := context.Background()

	st, err := f.c.Stakes(ctx, bob.Public())
	require.NoError(t, err)
	require.Len(t, st.Stakes, 1)
	require.Equal(t, alpha, st.Stakes[0].Alpha)
	require.Equal(t, sn.OwnerHotkey.Public(), st.Stakes[0].Hotkey)

	want, err := chain.QuoteSwap(h.State(), sn.NetUID, false, alpha, 0, false, false)
	require.NoError(t, err)
	q, err := f.c.Quote(ctx, client.QuoteRequest{NetUID: sn.NetUID, Amount: alpha})
	require.NoError(t, err)
	require.Equal(t, "sell", q.Side)
	require.Equal(t, want.Out, q.Out)
	require.Equal(t, st.Stakes[0].TAOValue, q.Out)

	d, err := f.c.Delegate(ctx, sn.OwnerHotkey.Public())
	require.NoError(t, err)
	require.Equal(t, uint16(11_796), d.Take)
	require.Equal(t, testutil.Pair(t, "//Alice").Public(), *d.Owner)

	_, err = f.c.Quote(ctx, client.QuoteRequest{NetUID: sn.NetUID, Buy: true, Amount: tao.RaoPerTAO, LimitPrice: 1})
	require.ErrorIs(t, err, tx.ErrPriceLimit)
	_, err = f.c.Quote(ctx, client.QuoteRequest{NetUID: 77, Buy: true, Amount: 1})
	require.ErrorIs(t, err, client.ErrNotFound)
}
