package metagraph_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/api"
	"github.com/gotensor/gotensor/api/apitest"
	"github.com/gotensor/gotensor/client"
	"github.com/gotensor/gotensor/internal/testutil"
	"github.com/gotensor/gotensor/sdk/axon"
	"github.com/gotensor/gotensor/sdk/metagraph"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// countingTransport counts the answers of each HTTP status.
type countingTransport struct {
	ok, notModified atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil {
		switch resp.StatusCode {
		case http.StatusOK:
			c.ok.Add(1)
		case http.StatusNotModified:
			c.notModified.Add(1)
		}
	}
	return resp, err
}

// serve exposes the harness's committed state through the real API
// handlers and returns a client of it.
func serve(t testing.TB, h *testutil.Harness, rt http.RoundTripper) *client.Client {
	t.Helper()
	ch := apitest.NewChain()
	ch.SetLatestState(h.App.LatestState)
	srv := api.New(api.Config{}, ch, apitest.NewConsensus("test-chain"))
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	c, err := client.New(ts.URL, client.Options{Transport: rt})
	require.NoError(t, err)
	return c
}

// fixture is a started subnet of four neurons (the owner's uid 0 and three
// more): uid 1 serves an axon; uid 2, staked, holds a permit and weighs
// uids 1 and 3 at 1:3; an epoch has run over those weights.
func fixture(t *testing.T) (*testutil.Harness, testutil.Subnet) {
	t.Helper()
	h := testutil.NewHarness(t, testutil.Genesis(0))
	alice := testutil.Pair(t, "//Alice")
	sn := testutil.NewSubnet(h, alice, 3)
	for _, kv := range []struct {
		name  string
		value int64
	}{{"commit_reveal_weights_enabled", 0}, {"weights_rate_limit", 0}, {"tempo", 5}} {
		testutil.SudoSet(h, sn.NetUID, kv.name, kv.value)
	}
	ip := netip.MustParseAddr("10.0.0.7").As16()
	testutil.RequireOK(t, h.Block(h.Tx(sn.Hotkeys[0], tx.ServeAxon{NetUID: sn.NetUID, Version: 3, IP: ip, Port: 8091, IPType: 4, Protocol: 4})))
	testutil.AddStake(h, alice, sn.Hotkeys[1].Public(), sn.NetUID, 10*tao.RaoPerTAO)
	testutil.UntilEpoch(h, sn.NetUID, h.State().EpochIndex(sn.NetUID)+1, 50)
	testutil.RequireOK(t, h.Block(h.Tx(sn.Hotkeys[1], tx.SetWeights{NetUID: sn.NetUID, UIDs: []tao.UID{1, 3}, Values: []uint16{1, 3}})))
	testutil.UntilEpoch(h, sn.NetUID, h.State().EpochIndex(sn.NetUID)+1, 50)
	return h, sn
}

func TestSync_MatchesChain(t *testing.T) {
	h, sn := fixture(t)
	c := serve(t, h, nil)
	ctx := context.Background()

	s, err := metagraph.Sync(ctx, c, sn.NetUID)
	require.NoError(t, err)
	st := h.State()
	require.Equal(t, int64(h.Height), s.Block)
	require.Equal(t, int(st.SubnetN(sn.NetUID)), s.N)
	require.Equal(t, 4, s.N)
	require.False(t, s.IsFull())
	require.Nil(t, s.WeightsRow(1))

	for uid := range s.N {
		hk, ok := st.HotkeyAt(sn.NetUID, tao.UID(uid))
		require.True(t, ok)
		require.Equal(t, tao.UID(uid), s.UIDs[uid])
		require.Equal(t, hk, s.Hotkeys[uid])
		got, ok := s.UID(hk)
		require.True(t, ok)
		require.Equal(t, tao.UID(uid), got)
		owner, _ := st.HotkeyOwner(hk)
		require.Equal(t, owner, s.Coldkeys[uid])
		require.Equal(t, st.HotkeyAlpha(hk, sn.NetUID), s.AlphaStake[uid])
		require.Equal(t, s.AlphaStake[uid]+s.TaoStake[uid], s.Stake[uid])
		require.Equal(t, st.Incentive(sn.NetUID)[uid], s.Incentive[uid])
		require.Equal(t, st.Dividends(sn.NetUID)[uid], s.Dividends[uid])
		require.Equal(t, st.Consensus(sn.NetUID)[uid], s.Consensus[uid])
		require.Equal(t, st.ValidatorPermit(sn.NetUID)[uid], s.ValidatorPermit[uid])
		require.Equal(t, uint64(st.LastUpdate(sn.NetUID)[uid]), s.LastUpdate[uid])
		require.Equal(t, hk, s.Axons[uid].Hotkey)
	}
	// uid 2's weights gave uids 1 and 3 incentive in proportion 1:3, and
	// uid 2 the dividends.
	inc := metagraph.Proportions(s.Incentive)
	require.InDelta(t, 0.25, inc[1], 1e-3)
	require.InDelta(t, 0.75, inc[3], 1e-3)
	require.Zero(t, inc[0]+inc[2])
	require.InDelta(t, 1.0, metagraph.Proportion(s.Dividends[2]), 1e-3)
	require.Positive(t, s.Emission[3])

	require.True(t, s.Axons[1].IsServing())
	require.Equal(t, netip.MustParseAddrPort("10.0.0.7:8091"), s.Axons[1].Endpoint())
	require.Equal(t, 4, s.Axons[1].IPType)
	for _, uid := range []int{0, 2, 3} {
		require.False(t, s.Axons[uid].IsServing(), "uid %d never served", uid)
	}
	require.Equal(t, uint16(5), s.Subnet.Tempo)
	wrl, ok := s.Hparam("weights_rate_limit")
	require.True(t, ok)
	require.Zero(t, wrl)
}

// TestSync_CachedByBlock: no new block, no new document; a new block gives
// a new snapshot and leaves the old one as it was.
func TestSync_CachedByBlock(t *testing.T) {
	h, sn := fixture(t)
	rt := &countingTransport{}
	mg := metagraph.New(serve(t, h, rt), sn.NetUID)
	ctx := context.Background()
	require.Nil(t, mg.Snapshot())

	first, err := mg.Sync(ctx)
	require.NoError(t, err)
	again, err := mg.Sync(ctx)
	require.NoError(t, err)
	require.Same(t, first, again)
	require.Same(t, first, mg.Snapshot())
	require.Equal(t, int64(1), rt.ok.Load())
	require.Equal(t, int64(1), rt.notModified.Load(), "the second sync was a 304")

	oldStake := first.Stake[2]
	testutil.AddStake(h, testutil.Pair(t, "//Alice"), first.Hotkeys[2], sn.NetUID, 5*tao.RaoPerTAO)
	next, err := mg.Sync(ctx)
	require.NoError(t, err)
	require.NotSame(t, first, next)
	require.Equal(t, first.Block+1, next.Block)
	require.Greater(t, next.Stake[2], oldStake)
	require.Equal(t, oldStake, first.Stake[2], "a sync never changes an older snapshot")
	require.Empty(t, metagraph.Replaced(first, next))
}

func TestFull_WeightsAndBondsOnDemand(t *testing.T) {
	h, sn := fixture(t)
	rt := &countingTransport{}
	mg := metagraph.New(serve(t, h, rt), sn.NetUID)
	ctx := context.Background()
	lite, err := mg.Sync(ctx)
	require.NoError(t, err)

	full, err := mg.Full(ctx)
	require.NoError(t, err)
	require.True(t, full.IsFull())
	require.Equal(t, lite.Block, full.Block)
	require.Same(t, lite, mg.Snapshot(), "Full leaves the lite snapshot alone")
	require.Equal(t, []metagraph.Entry{{UID: 1, Value: 21845}, {UID: 3, Value: 65535}}, full.Weights[2])
	w := full.WeightsRow(2)
	require.Len(t, w, 4)
	require.InDelta(t, 0.25, w[1], 1e-6)
	require.InDelta(t, 0.75, w[3], 1e-6)
	require.Empty(t, full.Weights[1])
	require.Equal(t, make([]float32, 4), full.WeightsRow(1), "an empty row is all zeros")
	require.NotEmpty(t, full.Bonds[2], "the validator holds bonds after the epoch")
	b := full.BondsRow(2)
	for _, e := range full.Bonds[2] {
		require.Equal(t, int64(e.Value), b[e.UID])
	}
	require.Nil(t, full.WeightsRow(9), "no such uid")

	again, err := mg.Full(ctx)
	require.NoError(t, err)
	require.Same(t, full, again)
	require.Equal(t, int64(1), rt.notModified.Load())
}

func TestLookup_Peers(t *testing.T) {
	h, sn := fixture(t)
	mg := metagraph.New(serve(t, h, nil), sn.NetUID)
	var peers axon.Peers = mg
	_, ok := peers.Lookup(sn.Hotkeys[1].Public())
	require.False(t, ok, "nothing is known before the first sync")

	s, err := mg.Sync(context.Background())
	require.NoError(t, err)
	p, ok := peers.Lookup(sn.Hotkeys[1].Public())
	require.True(t, ok)
	require.Equal(t, axon.Peer{UID: 2, Stake: s.Stake[2], ValidatorPermit: s.ValidatorPermit[2]}, p)
	require.Positive(t, p.Stake)
	require.True(t, p.ValidatorPermit, "staked at the last epoch")
	_, ok = peers.Lookup(testutil.Pair(t, "//Nobody").Public())
	require.False(t, ok)
}

func TestSync_Errors(t *testing.T) {
	h, _ := fixture(t)
	c := serve(t, h, nil)
	_, err := metagraph.Sync(context.Background(), c, 42)
	require.ErrorIs(t, err, client.ErrNotFound)

	mg := metagraph.New(c, 42)
	_, err = mg.Sync(context.Background())
	require.Error(t, err)
	require.Nil(t, mg.Snapshot(), "a failed sync stores nothing")
}
