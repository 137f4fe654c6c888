package synapse_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/sdk/synapse"
)

func TestDict_KeepsPythonOrder(t *testing.T) {
	var d synapse.Dict[float64]
	// Python: {'z': 2.0, 'a': 0.5} for a Dict[str, float] field (a repeated
	// key keeps its first place and its last value).
	require.NoError(t, json.Unmarshal([]byte(`{"z": 1.0, "a": 0.5, "z": 2}`), &d))
	require.Equal(t, []string{"z", "a"}, d.Keys())
	v, ok := d.Get("z")
	require.True(t, ok)
	require.Equal(t, 2.0, v)
	require.Equal(t, "{'z': 2.0, 'a': 0.5}", synapse.PyStr(d))
	require.Equal(t, "[{'z': 2.0, 'a': 0.5}]", synapse.PyStr([]synapse.Dict[float64]{d}))

	out, err := json.Marshal(d)
	require.NoError(t, err)
	require.Equal(t, `{"z":2,"a":0.5}`, string(out))

	d.Set("a", 1)
	d.Set("m", 3)
	require.Equal(t, []string{"z", "a", "m"}, d.Keys())
	require.Equal(t, 3, d.Len())

	var zero synapse.Dict[int]
	out, err = json.Marshal(zero)
	require.NoError(t, err)
	require.Equal(t, `{}`, string(out))
	require.NoError(t, json.Unmarshal([]byte(`null`), &zero))
	require.Zero(t, zero.Len())
	require.Error(t, json.Unmarshal([]byte(`[1]`), &zero))
	require.Error(t, json.Unmarshal([]byte(`{"a": "x"}`), &zero))
}
