package cli_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/api"
	"github.com/gotensor/gotensor/api/apitest"
	"github.com/gotensor/gotensor/cli"
	"github.com/gotensor/gotensor/internal/testutil"
	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// TestYumaEpoch_MatchesChain runs a subnet on the in-process chain, fetches
// the next epoch's input from GET /v1/subnets/{netuid}/epoch-input just
// before the block that runs it, runs `gotensor yuma epoch` on that file,
// and compares its output with what the chain stored after the block: every
// u16 term, permit, activity, emission and bond row, bit for bit, for two
// epochs in a row (bonds carry over), with a root stake that gives one
// validator a fractional stake weight.
func TestYumaEpoch_MatchesChain(t *testing.T) {
	h := testutil.NewHarness(t, testutil.Genesis(0))
	alice := testutil.Pair(t, "//Alice")
	sn := testutil.NewSubnet(h, alice, 0)
	n := sn.NetUID
	testutil.SudoSet(h, n, "tempo", 10)
	testutil.SudoSet(h, n, "commit_reveal_weights_enabled", 0)
	testutil.SudoSet(h, n, "weights_rate_limit", 0)
	cold := []*keys.Pair{testutil.Pair(t, "//Bob"), testutil.Pair(t, "//Charlie"), testutil.Pair(t, "//Dave"), testutil.Pair(t, "//Eve")}
	hot := testutil.Pairs(t, "yuma-vs-chain", 4)
	uids := make([]tao.UID, len(hot))
	for i := range hot {
		uids[i] = testutil.RegisterNeuron(h, cold[i], hot[i], n)
	}
	testutil.AddStake(h, cold[0], hot[0].Public(), n, 2000*tao.RaoPerTAO)
	testutil.AddStake(h, cold[1], hot[1].Public(), n, 500*tao.RaoPerTAO)
	testutil.AddStake(h, cold[1], hot[1].Public(), tao.RootNetUID, 333*tao.RaoPerTAO+7) // root stake × tao weight is fractional
	testutil.RequireOK(t, h.Block(
		h.Tx(hot[0], tx.SetWeights{NetUID: n, UIDs: []tao.UID{uids[2], uids[3]}, Values: []uint16{65535, 30000}}),
		h.Tx(hot[1], tx.SetWeights{NetUID: n, UIDs: []tao.UID{uids[2], uids[3], uids[0]}, Values: []uint16{20000, 65535, 100}}),
	))

	chainAPI := apitest.NewChain()
	chainAPI.SetLatestState(h.App.LatestState)
	srv := httptest.NewServer(api.New(api.Config{}, chainAPI, apitest.NewConsensus(testutil.ChainID)).Handler())
	defer srv.Close()
	for path, want := range map[string]int{"/v1/subnets/99/epoch-input": http.StatusNotFound, "/v1/subnets/x/epoch-input": http.StatusBadRequest} {
		resp, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, want, resp.StatusCode, path)
	}

	sawFraction := false
	for epoch := range 3 {
		for st := h.State(); !st.ShouldRunEpoch(n, tao.BlockHeight(h.Height+1)); st = h.State() {
			h.Block()
		}
		resp, err := http.Get(srv.URL + "/v1/subnets/" + strconv.Itoa(int(n)) + "/epoch-input")
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
		sawFraction = sawFraction || strings.Contains(string(body), `"stake":"`)
		file := filepath.Join(t.TempDir(), "in.json")
		require.NoError(t, os.WriteFile(file, body, 0o600))

		h.Block() // the epoch runs
		st := h.State()

		var stdout, stderr bytes.Buffer
		code := cli.Execute([]string{"yuma", "epoch", "--input", file}, strings.NewReader(""), &stdout, &stderr)
		require.Zero(t, code, stderr.String())
		var out struct {
			Neurons []struct {
				UID             int         `json:"uid"`
				Active          bool        `json:"active"`
				ValidatorPermit bool        `json:"validator_permit"`
				StakeWeight     uint16      `json:"stake_weight"`
				Consensus       uint16      `json:"consensus"`
				Incentive       uint16      `json:"incentive"`
				Dividends       uint16      `json:"dividends"`
				ValidatorTrust  uint16      `json:"validator_trust"`
				Emission        uint64      `json:"emission"`
				Bonds           [][2]uint16 `json:"bonds"`
			} `json:"neurons"`
		}
		require.NoError(t, json.Unmarshal(stdout.Bytes(), &out))
		require.Len(t, out.Neurons, int(st.SubnetN(n)))
		active, permit := st.Active(n), st.ValidatorPermit(n)
		sw, cons, inc, div, vt, em := st.StakeWeight(n), st.Consensus(n), st.Incentive(n), st.Dividends(n), st.ValidatorTrust(n), st.Emission(n)
		for i, o := range out.Neurons {
			uid := tao.UID(i)
			where := "epoch " + strconv.Itoa(epoch) + " uid " + strconv.Itoa(i)
			require.Equal(t, active[i], o.Active, where)
			require.Equal(t, permit[i], o.ValidatorPermit, where)
			require.Equal(t, []uint16{sw[i], cons[i], inc[i], div[i], vt[i]},
				[]uint16{o.StakeWeight, o.Consensus, o.Incentive, o.Dividends, o.ValidatorTrust}, where)
			require.Equal(t, uint64(em[i]), o.Emission, where)
			var bonds [][2]uint16
			for _, e := range st.BondsRow(n, uid) {
				bonds = append(bonds, [2]uint16{e.UID, e.Value})
			}
			require.Equal(t, len(bonds), len(o.Bonds), where)
			if len(bonds) > 0 {
				require.Equal(t, bonds, o.Bonds, where)
			}
		}
		if epoch > 0 {
			require.Positive(t, inc[uids[2]]+inc[uids[3]], "weights reached the miners")
		}
	}
	require.True(t, sawFraction, "a fractional stake weight travelled as decimal text")
}
