package cli

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/api"
	"github.com/gotensor/gotensor/api/apitest"
	"github.com/gotensor/gotensor/internal/testutil"
	"github.com/gotensor/gotensor/tao"
)

// TestStakeList_RootInTAO: a stake on root (netuid 0) is TAO, shown in τ
// at 1:1; a subnet stake is alpha at the subnet's price.
func TestStakeList_RootInTAO(t *testing.T) {
	isolate(t)
	h := testutil.NewHarness(t, testutil.Genesis(0))
	sn := testutil.NewSubnet(h, testutil.Pair(t, "//Alice"), 0)
	bob := testutil.Pair(t, "//Bob")
	testutil.AddStake(h, bob, sn.OwnerHotkey.Public(), tao.RootNetUID, 2*tao.RaoPerTAO)
	testutil.AddStake(h, bob, sn.OwnerHotkey.Public(), sn.NetUID, 3*tao.RaoPerTAO)
	chainAPI := apitest.NewChain()
	chainAPI.SetLatestState(h.App.LatestState)
	srv := httptest.NewServer(api.New(api.Config{}, chainAPI, apitest.NewConsensus(testutil.ChainID)).Handler())
	defer srv.Close()

	r := run(t, "", "stake", "list", "--ss58", bob.SS58(), "--network", srv.URL)
	require.Equal(t, 0, r.code, r.stderr)
	rows := map[string]string{}
	for _, line := range strings.Split(r.stdout, "\n") {
		if f := strings.Fields(line); len(f) > 2 {
			rows[f[0]] = line
		}
	}
	require.Contains(t, rows["0"], "τ2.000000000")
	require.Contains(t, rows["0"], "1:1 (root)")
	require.NotContains(t, rows["0"], "α")
	require.Contains(t, rows[fmt.Sprint(sn.NetUID)], "α")
}
