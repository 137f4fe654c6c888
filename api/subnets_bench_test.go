package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/api"
	"github.com/gotensor/gotensor/api/apitest"
	"github.com/gotensor/gotensor/internal/testutil"
	"github.com/gotensor/gotensor/tao"
)

// TestPopulatedSubnet checks the benchmark fixture on a small subnet:
// every uid, permits, full weight rows and bonds are there.
func TestPopulatedSubnet(t *testing.T) {
	h := testutil.NewHarness(t, testutil.Genesis(0))
	sn := testutil.PopulatedSubnet(h, 16, 4)
	st := h.State()
	require.Equal(t, uint16(16), st.SubnetN(sn.NetUID))
	for uid := range 4 {
		require.Len(t, st.WeightsRow(sn.NetUID, tao.UID(uid)), 16)
		require.NotEmpty(t, st.BondsRow(sn.NetUID, tao.UID(uid)))
	}
}

// benchMetagraph serves GET /v1/subnets/{netuid}/metagraph (full: weights
// and bonds) for a populated subnet from a committed IAVL state, through
// the real handler and JSON encoding.
func benchMetagraph(b *testing.B, neurons, validators int) {
	h := testutil.NewHarness(b, testutil.Genesis(0))
	sn := testutil.PopulatedSubnet(h, neurons, validators)
	c := apitest.NewChain()
	c.SetLatestState(h.App.LatestState)
	s := api.New(api.Config{}, c, apitest.NewConsensus("bench"))
	url := fmt.Sprintf("/v1/subnets/%d/metagraph", sn.NetUID)
	b.ResetTimer()
	for b.Loop() {
		w := httptest.NewRecorder()
		s.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, url, nil))
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
		b.SetBytes(int64(w.Body.Len()))
	}
}

// BenchmarkMetagraph256: target ≤ 20 ms.
func BenchmarkMetagraph256(b *testing.B) { benchMetagraph(b, 256, 64) }

// BenchmarkMetagraph4096: target ≤ 200 ms.
func BenchmarkMetagraph4096(b *testing.B) { benchMetagraph(b, 4096, 64) }
