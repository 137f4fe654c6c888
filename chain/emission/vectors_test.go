package emission

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// loadVector decodes the entry of subtensor-vectors.json (the reference's
// published conformance vectors, copied unchanged into testdata) whose
// function starts with prefix.
func loadVector(t *testing.T, prefix string, inputs, expected any) {
	t.Helper()
	b, err := os.ReadFile("testdata/subtensor-vectors.json")
	require.NoError(t, err)
	var all []struct {
		Function string          `json:"function"`
		Inputs   json.RawMessage `json:"inputs"`
		Expected json.RawMessage `json:"expected"`
	}
	require.NoError(t, json.Unmarshal(b, &all))
	for _, v := range all {
		if strings.HasPrefix(v.Function, prefix) {
			require.NoError(t, json.Unmarshal(v.Inputs, inputs))
			require.NoError(t, json.Unmarshal(v.Expected, expected))
			return
		}
	}
	t.Fatalf("no vector %q", prefix)
}
