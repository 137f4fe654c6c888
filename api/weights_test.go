package api_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/api/apitypes"
)

// TestWeights_Route: the weights status of a hotkey that set weights (no
// commit–reveal in the fixture), and the 400 and 404 answers.
func TestWeights_Route(t *testing.T) {
	h, sn, url := subnetFixture(t)
	var doc apitypes.Weights
	resp := call(t, "GET", fmt.Sprintf("%s/v1/subnets/%d/weights/%s", url, sn.NetUID, sn.OwnerHotkey.Public()), "", "", &doc)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, h.Height, doc.Block)
	require.True(t, doc.Registered)
	require.False(t, doc.CommitReveal)
	require.Equal(t, [][2]uint16{{1, 21845}, {2, 65535}}, doc.Weights)
	require.Equal(t, []apitypes.WeightCommit{}, doc.Commits)

	var e apitypes.Error
	resp = call(t, "GET", fmt.Sprintf("%s/v1/subnets/%d/weights/nobody", url, sn.NetUID), "", "", &e)
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	require.Equal(t, apitypes.CodeBadAddress, e.Code)
	resp = call(t, "GET", fmt.Sprintf("%s/v1/subnets/99/weights/%s", url, sn.OwnerHotkey.Public()), "", "", &e)
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
}
