package api_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/api"
	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/internal/testutil"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// stakeFixture is a chain where //Bob staked to //Alice's subnet owner
// hotkey on the subnet and on root.
func stakeFixture(t *testing.T) (*testutil.Harness, testutil.Subnet, string) {
	t.Helper()
	h := testutil.NewHarness(t, testutil.Genesis(0))
	sn := testutil.NewSubnet(h, testutil.Pair(t, "//Alice"), 0)
	bob := testutil.Pair(t, "//Bob")
	testutil.AddStake(h, bob, sn.OwnerHotkey.Public(), sn.NetUID, 10*tao.RaoPerTAO)
	testutil.AddStake(h, bob, sn.OwnerHotkey.Public(), tao.RootNetUID, 2*tao.RaoPerTAO)
	_, _, c, ts := newTestServer(t, api.Config{})
	c.SetLatestState(h.App.LatestState)
	c.SetPending(h.App.ReadPending)
	return h, sn, ts.URL
}

// pendingQuote is chain.QuoteSwap on the harness's mempool state.
func pendingQuote(t *testing.T, h *testutil.Harness, n tao.NetUID, buy bool, amount tao.Rao) chain.Quote {
	t.Helper()
	var q chain.Quote
	var err error
	require.True(t, h.App.ReadPending(func(st *chain.State, _ int64) {
		q, err = chain.QuoteSwap(st, n, buy, amount, 0, false, false)
	}))
	require.NoError(t, err)
	return q
}

func TestStakes(t *testing.T) {
	h, sn, url := stakeFixture(t)
	bob := testutil.Pair(t, "//Bob").Public()
	st := h.State()
	want := chain.QueryStakes(st, bob)
	require.Len(t, want, 2)

	var doc apitypes.AccountStakes
	resp := call(t, "GET", url+"/v1/accounts/"+bob.String()+"/stakes", "", "", &doc)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, bob, doc.Address)
	require.Equal(t, h.Height, doc.Height)
	var total, totalTAO tao.Rao
	for i, w := range want {
		got := doc.Stakes[i]
		require.Equal(t, apitypes.Stake{Hotkey: sn.OwnerHotkey.Public(), NetUID: uint16(w.NetUID), Alpha: w.Alpha,
			Price: w.Price, Value: w.SpotValue, TAOValue: w.TAOValue}, got)
		total += w.SpotValue
		totalTAO += w.TAOValue
	}
	require.Equal(t, st.StakeOf(bob, sn.OwnerHotkey.Public(), sn.NetUID), doc.Stakes[1].Alpha)
	require.Equal(t, 2*tao.RaoPerTAO, doc.Stakes[0].TAOValue, "root stake is worth its TAO")
	require.Equal(t, total, doc.TotalValue)
	require.Equal(t, totalTAO, doc.TotalTAOValue)

	// An account without stakes has an empty list, not null.
	var none map[string]any
	call(t, "GET", url+"/v1/accounts/"+testutil.Pair(t, "//Dave").SS58()+"/stakes", "", "", &none)
	require.Equal(t, []any{}, none["stakes"])
}

func TestQuote(t *testing.T) {
	h, sn, url := stakeFixture(t)
	want := pendingQuote(t, h, sn.NetUID, true, 5*tao.RaoPerTAO)
	var q apitypes.Quote
	resp := call(t, "GET", fmt.Sprintf("%s/v1/pools/%d/quote?side=buy&amount=%d", url, sn.NetUID, 5*tao.RaoPerTAO), "", "", &q)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, apitypes.Quote{NetUID: uint16(sn.NetUID), Height: h.Height + 1, Side: "buy", Amount: 5 * tao.RaoPerTAO,
		In: want.In, Fee: want.Fee, Out: want.Out, PriceBefore: want.PriceBefore, PriceAfter: want.PriceAfter}, q)

	// The quote is what the stake then buys.
	alpha := testutil.AddStake(h, testutil.Pair(t, "//Charlie"), sn.OwnerHotkey.Public(), sn.NetUID, 5*tao.RaoPerTAO)
	require.Equal(t, q.Out, alpha)

	cases := []struct {
		query  string
		status int
		code   uint32
		msg    string
	}{
		{"side=hold&amount=1", 400, apitypes.CodeBadRequest, "want buy or sell"},
		{"side=buy", 400, apitypes.CodeBadRequest, "amount"},
		{"side=buy&amount=-1", 400, apitypes.CodeBadRequest, "amount"},
		{"side=sell&amount=1&allow_partial=perhaps", 400, apitypes.CodeBadRequest, "allow_partial"},
		{"side=buy&amount=1000000000&limit_price=1", 422, tx.ErrPriceLimit.Code, "price"},
	}
	for _, tc := range cases {
		var e apitypes.Error
		resp := call(t, "GET", fmt.Sprintf("%s/v1/pools/%d/quote?%s", url, sn.NetUID, tc.query), "", "", &e)
		require.Equal(t, tc.status, resp.StatusCode, tc.query)
		require.Equal(t, tc.code, e.Code, tc.query)
		require.Contains(t, e.Message, tc.msg, tc.query)
	}
	var e apitypes.Error
	resp = call(t, "GET", url+"/v1/pools/9/quote?side=buy&amount=1", "", "", &e)
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	require.Equal(t, apitypes.CodeNotFound, e.Code)
	resp = call(t, "GET", url+"/v1/accounts/nope/stakes", "", "", &e)
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	require.Equal(t, apitypes.CodeBadAddress, e.Code)
}

// TestQuote_OnPendingState: a quote prices an order on the state CheckTx
// admits it on, the mempool's swaps included. A limit a little above its
// price is admitted and then fills as quoted; the same limit taken from
// the committed pool is already past the market.
func TestQuote_OnPendingState(t *testing.T) {
	h, sn, url := stakeFixture(t)
	hot := sn.OwnerHotkey.Public()
	charlie, dave := testutil.Pair(t, "//Charlie"), testutil.Pair(t, "//Dave")
	big := h.Tx(charlie, tx.AddStake{Hotkey: hot, NetUID: sn.NetUID, AmountTAO: 50 * tao.RaoPerTAO})
	require.Zero(t, h.CheckTx(big).Code, "in the mempool, not in a block")

	var q apitypes.Quote
	call(t, "GET", fmt.Sprintf("%s/v1/pools/%d/quote?side=buy&amount=%d", url, sn.NetUID, tao.RaoPerTAO), "", "", &q)
	committed, err := chain.QuoteSwap(h.State(), sn.NetUID, true, tao.RaoPerTAO, 0, false, false)
	require.NoError(t, err)
	require.Greater(t, q.PriceBefore, committed.PriceAfter, "Charlie's pending stake raised the price")
	require.Equal(t, pendingQuote(t, h, sn.NetUID, true, tao.RaoPerTAO).Out, q.Out)

	withTolerance := func(p tao.Rao) tao.Rao { return p + p/1000 } // 0.1 %
	stale := h.Sign(dave, h.Body(0, tx.AddStake{Hotkey: hot, NetUID: sn.NetUID, AmountTAO: tao.RaoPerTAO, LimitPrice: withTolerance(committed.PriceAfter)}))
	require.Equal(t, tx.ErrPriceLimit.Code, h.CheckTx(stale).Code, "a limit from the committed pool is past the market")
	order := h.Tx(dave, tx.AddStake{Hotkey: hot, NetUID: sn.NetUID, AmountTAO: tao.RaoPerTAO, LimitPrice: withTolerance(q.PriceAfter)})
	require.Zero(t, h.CheckTx(order).Code)
	testutil.RequireOK(t, h.Block(big, order))
	require.Equal(t, q.Out, h.State().StakeOf(dave.Public(), hot, sn.NetUID), "filled as quoted")
}

func TestDelegate(t *testing.T) {
	h, sn, url := stakeFixture(t)
	hot := sn.OwnerHotkey.Public()
	var d apitypes.Delegate
	resp := call(t, "GET", url+"/v1/delegates/"+hot.String(), "", "", &d)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	alice := testutil.Pair(t, "//Alice").Public()
	require.Equal(t, apitypes.Delegate{
		Hotkey: hot, Owner: &alice, Height: h.Height, Take: 11_796, MaxTake: 11_796,
		Subnets: []apitypes.DelegatePool{
			{NetUID: 0, Alpha: 2 * tao.RaoPerTAO, Nominators: 1},
			{NetUID: uint16(sn.NetUID), Alpha: h.State().HotkeyAlpha(hot, sn.NetUID), Nominators: 1},
		},
	}, d)

	var unowned map[string]any
	call(t, "GET", url+"/v1/delegates/"+testutil.Pair(t, "//Eve").SS58(), "", "", &unowned)
	require.NotContains(t, unowned, "owner")
	require.Equal(t, []any{}, unowned["subnets"])
}
