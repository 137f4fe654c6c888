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

// subnetFixture is a chain with one started subnet of three neurons (the
// owner's and two more), one of which served an axon and set weights.
func subnetFixture(t *testing.T) (*testutil.Harness, testutil.Subnet, string) {
	t.Helper()
	h := testutil.NewHarness(t, testutil.Genesis(0))
	sn := testutil.NewSubnet(h, testutil.Pair(t, "//Alice"), 2)
	testutil.SudoSet(h, sn.NetUID, "commit_reveal_weights_enabled", 0)
	testutil.SudoSet(h, sn.NetUID, "serving_rate_limit", 0)
	testutil.SudoSet(h, sn.NetUID, "weights_rate_limit", 0)
	hk := sn.Hotkeys[0]
	ip := [16]byte{10: 0xff, 11: 0xff, 12: 10, 13: 0, 14: 0, 15: 7}
	testutil.RequireOK(t, h.Block(
		h.Tx(hk, tx.ServeAxon{NetUID: sn.NetUID, Version: 3, IP: ip, Port: 8091, IPType: 4, Protocol: 4}),
		h.Tx(sn.OwnerHotkey, tx.SetWeights{NetUID: sn.NetUID, UIDs: []tao.UID{1, 2}, Values: []uint16{1, 3}}),
	))
	_, _, c, ts := newTestServer(t, api.Config{})
	c.SetLatestState(h.App.LatestState)
	return h, sn, ts.URL
}

func TestSubnets_Metagraph(t *testing.T) {
	h, sn, url := subnetFixture(t)
	st := h.State()

	var full apitypes.Metagraph
	resp := call(t, "GET", fmt.Sprintf("%s/v1/subnets/%d/metagraph", url, sn.NetUID), "", "", &full)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, uint16(sn.NetUID), full.NetUID)
	require.Equal(t, h.Height, full.Block)
	require.Equal(t, uint16(3), full.N)
	require.Equal(t, "dynamic", full.Mechanism)
	require.Equal(t, sn.Owner.Public(), *full.OwnerColdkey)
	require.Equal(t, sn.OwnerHotkey.Public(), *full.OwnerHotkey)
	require.True(t, full.Started)
	require.Equal(t, int64(0), full.Hparams["commit_reveal_weights_enabled"])
	require.Equal(t, int64(32767), full.Hparams["kappa"])
	require.Equal(t, int64(st.Burn(sn.NetUID)), full.Hparams["burn"])
	require.Equal(t, int64(65535), full.Hparams["max_weights_limit"])
	require.Equal(t, st.Pool(sn.NetUID).TAO, full.Pool.TAOIn)
	require.False(t, full.Lite)
	require.Len(t, full.Neurons, 3)

	for i, nr := range full.Neurons {
		require.Equal(t, uint16(i), nr.UID)
		hk, _ := st.HotkeyAt(sn.NetUID, tao.UID(i))
		require.Equal(t, hk, nr.Hotkey)
		require.Equal(t, sn.Owner.Public(), nr.Coldkey, "NewSubnet pays every registration from the owner")
		require.Equal(t, nr.AlphaStake+nr.TaoStake, nr.Stake)
		require.Equal(t, st.HotkeyAlpha(hk, sn.NetUID), nr.AlphaStake)
	}
	served := full.Neurons[1].Axon
	require.Equal(t, apitypes.AxonInfo{Block: uint64(h.Height), Version: 3, IP: "10.0.0.7", Port: 8091, IPType: 4, Protocol: 4}, served)
	require.Equal(t, "0.0.0.0", full.Neurons[2].Axon.IP, "never served")
	require.Equal(t, [][2]uint16{{1, 21845}, {2, 65535}}, full.Neurons[0].Weights, "weights as stored: max-upscaled")
	require.Equal(t, uint64(h.Height), full.Neurons[0].LastUpdate)

	var lite apitypes.Metagraph
	call(t, "GET", fmt.Sprintf("%s/v1/subnets/%d/metagraph?lite=true", url, sn.NetUID), "", "", &lite)
	require.True(t, lite.Lite)
	require.Nil(t, lite.Neurons[0].Weights)
	full.Lite, full.Neurons[0].Weights = true, nil
	require.Equal(t, full, lite, "lite differs only by weights and bonds")
}

func TestSubnets_ListShowHyperparameters(t *testing.T) {
	h, sn, url := subnetFixture(t)

	var list apitypes.SubnetList
	call(t, "GET", url+"/v1/subnets", "", "", &list)
	require.Equal(t, h.Height, list.Height)
	require.Len(t, list.Subnets, 2)
	require.Equal(t, uint16(0), list.Subnets[0].NetUID, "root first")
	require.Equal(t, uint16(sn.NetUID), list.Subnets[1].NetUID)
	require.Equal(t, uint16(3), list.Subnets[1].N)
	require.Equal(t, h.State().LockCost(tao.BlockHeight(h.Height+1)), list.LockCost)

	var show apitypes.Subnet
	call(t, "GET", fmt.Sprintf("%s/v1/subnets/%d", url, sn.NetUID), "", "", &show)
	require.Equal(t, uint16(3), show.N)
	require.Equal(t, uint16(20), show.Tempo)

	var root apitypes.Subnet
	call(t, "GET", url+"/v1/subnets/0", "", "", &root)
	require.Equal(t, "stable", root.Mechanism)
	require.Nil(t, root.OwnerColdkey)

	var hp apitypes.Hyperparameters
	call(t, "GET", fmt.Sprintf("%s/v1/subnets/%d/hyperparameters", url, sn.NetUID), "", "", &hp)
	byName := map[string]apitypes.Param{}
	for _, p := range hp.Params {
		byName[p.Name] = p
	}
	require.Equal(t, int64(20), byName["tempo"].Value)
	require.True(t, *byName["immunity_period"].OwnerSettable)
	require.False(t, *byName["kappa"].OwnerSettable)
	require.Equal(t, int64(65535), byName["kappa"].Max)

	var gp apitypes.GlobalParams
	call(t, "GET", url+"/v1/params", "", "", &gp)
	names := map[string]int64{}
	for _, p := range gp.Params {
		names[p.Name] = p.Value
	}
	require.Equal(t, int64(chain.DevNetworkParams().NetworkRateLimit), names["network_rate_limit"])
	require.Equal(t, int64(h.State().Params().TxFee), names["tx_fee"])
}

func TestSubnets_BadRequests(t *testing.T) {
	_, sn, url := subnetFixture(t)
	cases := []struct {
		path   string
		status int
		code   uint32
		msg    string
	}{
		{"/v1/subnets/abc", 400, apitypes.CodeBadRequest, "netuid"},
		{"/v1/subnets/70000/metagraph", 400, apitypes.CodeBadRequest, "netuid"},
		{"/v1/subnets/9", 404, apitypes.CodeNotFound, "subnet 9 does not exist"},
		{"/v1/subnets/9/hyperparameters", 404, apitypes.CodeNotFound, "subnet 9"},
		{fmt.Sprintf("/v1/subnets/%d/metagraph?lite=maybe", sn.NetUID), 400, apitypes.CodeBadRequest, "lite"},
	}
	for _, tc := range cases {
		var e apitypes.Error
		resp := call(t, "GET", url+tc.path, "", "", &e)
		require.Equal(t, tc.status, resp.StatusCode, tc.path)
		require.Equal(t, tc.code, e.Code, tc.path)
		require.Contains(t, e.Message, tc.msg, tc.path)
	}

	// Before the first commit there is no state to read.
	_, _, _, ts := newTestServer(t, api.Config{})
	var e apitypes.Error
	resp := call(t, "GET", ts.URL+"/v1/subnets", "", "", &e)
	require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	require.Equal(t, apitypes.CodeUnavailable, e.Code)
}
