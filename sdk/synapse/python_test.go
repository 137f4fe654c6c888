package synapse_test

import (
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/sdk/synapse"
)

// Inner and Rich mirror the pydantic models of testdata/python_requests.json.
type Inner struct {
	K *string `json:"k"`
	N float64 `json:"n"`
}

type Rich struct {
	synapse.Base
	Texts  []string              `json:"texts"`
	Scores synapse.Dict[float64] `json:"scores"`
	Ratio  float64               `json:"ratio"`
	Flag   bool                  `json:"flag"`
	Maybe  *int                  `json:"maybe"`
	Inner  Inner                 `json:"inner"`
	Note   string                `json:"note,omitempty"` // Python: note: str = ""
}

func (r *Rich) HashFields() []any {
	return []any{r.Texts, r.Scores, r.Ratio, r.Flag, r.Maybe, r.Inner, r.Note}
}

// TestPythonRequests reads requests that bittensor's own Synapse class
// built: the headers parse, the body decodes and hashes to Python's
// computed_body_hash, and our headers for the decoded synapse are Python's
// (but for header_size and total_size, CPython object sizes).
func TestPythonRequests(t *testing.T) {
	raw, err := os.ReadFile("testdata/python_requests.json")
	require.NoError(t, err)
	var golden struct {
		Requests []struct {
			Class   string            `json:"class"`
			Headers map[string]string `json:"headers"`
			Body    string            `json:"body"`
		} `json:"requests"`
	}
	require.NoError(t, json.Unmarshal(raw, &golden))
	require.Len(t, golden.Requests, 3)
	for i, r := range golden.Requests {
		h := http.Header{}
		for k, v := range r.Headers {
			h.Set(k, v)
		}
		b, err := synapse.FromHeaders(h)
		require.NoError(t, err, "request %d", i)
		require.Equal(t, 12.0, b.Timeout)
		require.Equal(t, synapse.VersionInt, b.Dendrite.Version)

		var s synapse.Synapse = &Dummy{}
		if r.Class == "Rich" {
			s = &Rich{}
		}
		require.NoError(t, json.Unmarshal([]byte(r.Body), s), "request %d", i)
		require.Equal(t, b.ComputedBodyHash, synapse.BodyHash(s), "request %d: body hash", i)
		require.Equal(t, b.Dendrite, s.SynapseBase().Dendrite)

		ours := http.Header{}
		synapse.WriteHeaders(ours, s)
		got := map[string]string{}
		for k, v := range ours {
			got[strings.ToLower(k)] = v[0]
		}
		want := r.Headers
		delete(got, "header_size")
		delete(got, "total_size")
		delete(want, "header_size")
		delete(want, "total_size")
		require.Equal(t, want, got, "request %d: headers", i)
	}
}
