package vectors

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFind(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.json")
	require.NoError(t, os.WriteFile(path, []byte(`[
		{"source": "a.rs::one", "function": "f one", "inputs": {"x": 1}, "expected": [2]},
		{"source": "a.rs::two", "function": "f two", "inputs": {"x": 3}, "expected": [4]}]`), 0o600))

	e := Find(t, path, "two", func(e Entry) bool { return e.Source == "a.rs::two" })
	require.Equal(t, "f two", e.Function)
	var in struct{ X int }
	var want []int
	e.Decode(t, &in, &want)
	require.Equal(t, 3, in.X)
	require.Equal(t, []int{4}, want)
}
